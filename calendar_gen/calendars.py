"""Other producers' calendars for clash checks: files, or web addresses fetched with care.

`--against` takes `[NAME=]FILE` or `[NAME=]URL`. A URL is http://, https:// or webcal://
(read as https://, the scheme calendar apps use it for). A fetch gives up after TIMEOUT
seconds in all, refuses more than MAX_BYTES, and follows at most MAX_REDIRECTS redirects,
each to http or https and never from https down to http.
"""

from __future__ import annotations

import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calendar_gen.errors import CalendarFileError

TIMEOUT = 30.0  # seconds for the whole fetch, however slowly the answer trickles in
MAX_BYTES = 20 * 1024 * 1024  # a busy producer's ten-year calendar is a few megabytes
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
NAMED = re.compile(r"([^=/\\:]+)=(.+)", re.DOTALL)  # NAME=WHERE; a name has no / \ or :
WEB = re.compile(r"(https?|webcal)://", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One calendar to check against: the name clashes show, where it is, and its bytes."""

    name: str
    where: str  # the file or the address fetched
    data: bytes


def split_name(spec: str) -> tuple[str | None, str]:
    """`NAME=WHERE` as (NAME, WHERE); an existing file's name is never split, though it may
    hold an `=`."""
    if (m := NAMED.fullmatch(spec)) and not Path(spec).is_file():
        return m.group(1).strip(), m.group(2)
    return None, spec


def web_address(where: str) -> str | None:
    """The http(s) address to fetch for `where`, or None when it is a file."""
    if not WEB.match(where):
        return None
    scheme, rest = where.split("://", 1)
    return f"{'https' if scheme.lower() == 'webcal' else scheme.lower()}://{rest}"


def open_source(spec: str) -> Source:
    """Read the calendar `spec` names, from a file or the web."""
    name, where = split_name(spec)
    url = web_address(where)
    if url is None:
        try:
            data = Path(where).read_bytes()
        except OSError as error:
            raise CalendarFileError(f"{where}: cannot be read: {error.strerror}") from None
        return Source(name or Path(where).stem, where, data)
    host = urllib.parse.urlsplit(url).hostname or url
    return Source(name or host, url, fetch(url))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a few redirects to http or https, never down from https to http."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:  # fmt: skip
        old = urllib.parse.urlsplit(req.full_url).scheme
        new = urllib.parse.urlsplit(newurl).scheme.lower()
        if new not in ("http", "https") or (old == "https" and new == "http"):
            raise CalendarFileError(
                f"{req.full_url}: redirects to {newurl}, which is not followed (only to http "
                "or https, never from https to http)"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str) -> bytes:
    """The body at `url`, within TIMEOUT seconds and MAX_BYTES; a clear error otherwise."""
    opener = urllib.request.build_opener(_Redirects())
    request = urllib.request.Request(url, headers={"User-Agent": "calendar-gen"})
    deadline = time.monotonic() + TIMEOUT
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_BYTES:
                raise _too_big(url)
            body = bytearray()
            while chunk := answer.read(CHUNK):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise _too_big(url)
                if time.monotonic() > deadline:
                    raise TimeoutError
            return bytes(body)
    except urllib.error.HTTPError as error:
        raise CalendarFileError(f"{url}: cannot be fetched: the server answered "
                                f"{error.code} {error.reason}") from None  # fmt: skip
    except urllib.error.URLError as error:
        reason = error.reason if isinstance(error.reason, str) else _plain(error.reason)
        raise CalendarFileError(f"{url}: cannot be fetched: {reason}") from None
    except (TimeoutError, OSError) as error:
        raise CalendarFileError(f"{url}: cannot be fetched: {_plain(error)}") from None


def _plain(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no complete answer within {TIMEOUT:g} seconds"
    if isinstance(error, ssl.SSLError):  # webcal:// is fetched as https://
        return f"no secure (https) connection: {error.reason or error}"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _too_big(url: str) -> CalendarFileError:
    return CalendarFileError(f"{url}: is more than {MAX_BYTES:,} bytes, too large for a calendar")
