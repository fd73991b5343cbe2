"""A preview server for the feeds folder, with the HTTP behaviour calendar clients rely on."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
import urllib.parse
from collections.abc import Callable, Collection
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from calendar_gen.record import RECORD_FILE

TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}
ALLOWED = "GET, HEAD"
# The page runs one inline script of its own and loads nothing from anywhere.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def resolve(root: Path, target: str) -> Path | None:
    """The file under `root` that a request path names, or None: nothing outside it, no
    dot-files (a build's temporary files), no symlinks out."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    parts = [p for p in path.split("/") if p]
    if "\x00" in path or any(p.startswith(".") or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts)
    try:  # a name too long for the system, a symlink loop: not found, like any other
        if candidate.is_dir():
            candidate = candidate / "index.html"
        real = candidate.resolve()
        if not real.is_relative_to(root.resolve()) or not real.is_file():
            return None
    except (OSError, RuntimeError):
        return None
    return real


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "calendar-gen"
    protocol_version = "HTTP/1.1"
    path = ""  # parse_request sets it only once the request line is valid

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # the client hung up mid-reply: nobody left to answer
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def __getattr__(self, name: str):
        # Every other method, known or not, is refused the same way.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._empty(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": ALLOWED})

    def _empty(self, status: HTTPStatus, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:  # a 304's Content-Length is the 200's, or none
            self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        # A request body is never read: close, rather than read it as the next request.
        request = getattr(self, "headers", None)  # None when the request line was bad
        if request and (
            request.get("Content-Length", "0") != "0" or "Transfer-Encoding" in request
        ):
            self.close_connection = True
            self.send_header("Connection", "close")
        super().end_headers()

    def _serve(self, body: bool) -> None:
        path = resolve(self.server.root, self.path)
        if path is None:
            data = b"Not found\n"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return
        data = path.read_bytes()
        modified = int(path.stat().st_mtime)
        headers = {
            "ETag": '"' + hashlib.sha256(data).hexdigest()[:32] + '"',
            "Last-Modified": formatdate(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(headers["ETag"], modified):
            self._empty(HTTPStatus.NOT_MODIFIED, headers)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if path.suffix == ".html":
            self.send_header("Content-Security-Policy", PAGE_POLICY)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_modified(self, etag: str, modified: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # it takes precedence (RFC 9110 13.2.2)
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return etag in tags or "*" in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return modified <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, OverflowError):
                return False
        return False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.server.log(f'{self.client_address[0]} "{self.command} {self.path}" {int(code)}')

    def log_message(self, format: str, *args) -> None:
        pass  # errors are answered with a status; the access log line says what happened


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 overflows when a few clients connect at once

    def __init__(self, root: Path, host: str, port: int, log: Callable[[str], None]) -> None:
        self.root = root
        self.log = log
        super().__init__((host, port), FeedHandler)


Snapshot = dict[str, tuple[int, int]]  # schedule file name: (size, mtime_ns)


def _schedule_files(folder: Path) -> Snapshot:
    """The size and modification time of each schedule in `folder`: its *.toml regular files.

    Nothing else a build writes there counts: not the lock, not temporary files (dot-files).
    """
    found: Snapshot = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.name.endswith(".toml"):
                    continue
                with contextlib.suppress(OSError):  # gone since listed: not there
                    info = entry.stat()  # through a symlink, as a build reads it
                    if stat.S_ISREG(info.st_mode):
                        found[entry.name] = (info.st_size, info.st_mtime_ns)
    except OSError:
        return {}
    return found


def watch(
    folder: Path,
    on_change: Callable[[], None],
    stop: threading.Event,
    every: float = 1.0,
    written_by_builds: Collection[str] = (RECORD_FILE,),
) -> threading.Thread:
    """Call `on_change` (a rebuild) whenever a schedule in `folder` is added, removed or
    rewritten, but not for what that rebuild itself writes there."""
    seen = _schedule_files(folder)  # before returning, so no change made after the call is missed

    def loop() -> None:
        nonlocal seen
        while not stop.wait(every):
            before = _schedule_files(folder)
            if before == seen:
                continue
            on_change()
            after = _schedule_files(folder)
            # A rebuild adds confirmed releases to the record: that is its own write, not a
            # change to rebuild for. Any other file changed meanwhile keeps its old entry, so
            # the next look finds it and rebuilds again.
            seen = {n: v for n, v in before.items() if n not in written_by_builds}
            seen |= {n: v for n, v in after.items() if n in written_by_builds}

    thread = threading.Thread(target=loop, name="watch", daemon=True)
    thread.start()
    return thread
