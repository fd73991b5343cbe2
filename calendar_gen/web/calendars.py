"""Other producers' calendars for clash checks: files, or web addresses fetched with care.

`--against` takes `[NAME=]FILE` or `[NAME=]URL`. A URL is http://, https:// or webcal://
(read as https://, the scheme calendar apps use it for). A fetch gives up after TIMEOUT
seconds in all, refuses more than MAX_BYTES, and follows at most MAX_REDIRECTS redirects,
each to http or https and never from https down to http.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calendar_gen.errors import CalendarFileError
from calendar_gen.programme.files import NotRegular, TooLarge, read_bytes

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
        return Source(name or Path(where).stem, where, read_file(where))
    host = urllib.parse.urlsplit(url).hostname or url
    return Source(name or host, url, fetch(url))


def read_file(where: str) -> bytes:
    """The bytes of the calendar file `where`: a regular file (or a link to one) of at most
    MAX_BYTES, read like a schedule, so a FIFO or a device is refused and never opened."""
    try:
        return read_bytes(Path(where), MAX_BYTES)
    except NotRegular as error:
        raise CalendarFileError(
            f"{where}: is {error.kind}, not a calendar file: --against takes an .ics file or "
            "an http(s) or webcal address"
        ) from None
    except TooLarge:
        raise _too_big(where) from None
    except OSError as error:
        raise CalendarFileError(f"{where}: cannot be read: {error.strerror}") from None


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Follows none: a page of answers is fetched only at the address we made for it."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:  # fmt: skip
        raise CalendarFileError(
            f"{req.full_url}: redirects to {newurl}, which is not followed: a page of "
            "answers is read only at the address asked for; write the address the answers "
            "are at"
        )


class _Deadline:
    """The end of a fetch's time: when it comes, every connection the fetch opened is shut, so
    a server answering a byte at a time cannot stretch it (a socket's timeout is per read)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def left(self) -> float:
        return max(self.end - time.monotonic(), 0.001)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS: a read waiting in another thread returns at
    # once, where closing the TLS layer under it would not be safe.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Timed(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = self.deadline.left()
        super().connect()
        self.deadline.watch(self.sock)


class _TimedTLS(_Timed, http.client.HTTPSConnection):
    pass


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Timed, deadline=self.deadline), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_TimedTLS, deadline=self.deadline)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def fetch(
    url: str, *, seconds: float | None = None, limit: int | None = None, redirects: bool = True
) -> bytes:
    """The body at `url`, within TIMEOUT seconds in all and MAX_BYTES; a clear error otherwise.

    `seconds` and `limit`, when given, are what is left of them to a fetch of several pages;
    `redirects=False` refuses any redirect (an address we made, never one a server gives)."""
    with _Deadline(TIMEOUT if seconds is None else seconds) as deadline:
        try:
            return _get(url, deadline, MAX_BYTES if limit is None else limit, redirects)
        except CalendarFileError:
            raise
        except urllib.error.HTTPError as error:
            why = f"the server answered {error.code} {error.reason}{_said(error)}"
        except (OSError, http.client.HTTPException, ValueError) as error:
            reason = error.reason if isinstance(error, urllib.error.URLError) else error
            why = reason if isinstance(reason, str) else _plain(reason)
        if deadline.expired:  # the connection was shut, whatever the error says
            why = _plain(TimeoutError())
        raise CalendarFileError(f"{url}: cannot be fetched: {why}")


def _get(url: str, deadline: _Deadline, limit: int, redirects: bool = True) -> bytes:
    follow = _Redirects() if redirects else _NoRedirects()
    opener = urllib.request.build_opener(follow, _HTTP(deadline), _HTTPS(deadline))
    request = urllib.request.Request(url, headers={"User-Agent": "calendar-gen"})
    with opener.open(request, timeout=TIMEOUT) as answer:
        length = answer.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise _too_big(url)
        body = bytearray()
        while chunk := answer.read(CHUNK):
            body += chunk
            if len(body) > limit:
                raise _too_big(url)
    if deadline.expired:  # cut short by the deadline: not the whole calendar
        raise TimeoutError
    return bytes(body)


def _said(error: urllib.error.HTTPError) -> str:
    """What a JSON error answer says, as the GOV.UK Search API says why it refuses a search
    ({"error": "..."}, search-api lib/rummager/app.rb), on one line; else nothing."""
    import json

    try:
        said = json.loads(error.read(2000)).get("error")
    except (OSError, ValueError, AttributeError, http.client.HTTPException):
        return ""
    return f" ({' '.join(said.split())[:300]})" if isinstance(said, str) and said.strip() else ""


def _plain(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no complete answer within {TIMEOUT:g} seconds"
    if isinstance(error, ssl.SSLError):  # webcal:// is fetched as https://
        return f"no secure (https) connection: {error.reason or error}"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


class TooBig(CalendarFileError):
    """More than MAX_BYTES, or than what a fetch of several pages has left of it."""


def _too_big(url: str) -> CalendarFileError:
    return TooBig(f"{url}: is more than {MAX_BYTES:,} bytes, too large for a calendar")
