"""A preview server for the feeds folder, with the HTTP behaviour calendar clients rely on.

What any client can make it spend is bounded: connections, the time and bytes a request's
head may take, and memory (files go from disk to the socket, never wholly held).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import os
import re
import socket
import stat
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from calendar_gen.domain.model import RECORD_FILE
from calendar_gen.publishing.site import Output

TYPES = {kind.suffix: kind.media_type for kind in Output}  # what a build writes
# `policy` writes a Markdown draft beside the page: shown as text, not downloaded (RFC 7763).
TYPES[".md"] = "text/markdown; charset=utf-8"
ALLOWED = "GET, HEAD"
# The page runs one inline script of its own and loads nothing from anywhere.
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

TIMEOUT = 10.0  # seconds a connection may stay idle, take to send a request's head, or stall
MAX_CONNECTIONS = 64  # served at once; any more are answered 503 and closed
MAX_LINE = 8 * 1024  # bytes in a request line
MAX_HEADER_BYTES = 16 * 1024  # bytes in a request's header fields, all together
MAX_HEADERS = 64  # header fields in a request
MAX_ETAGS = 4096  # files whose ETag is remembered
LINGER = 1.0  # seconds spent reading away the rest of a refused request before closing
STOP_WAIT = 5.0  # seconds a stop waits for the connections it ended to finish
MAX_REQUESTS = 100  # answered on one connection; the last says Connection: close
LIFETIME = 120.0  # seconds a connection is kept open for more requests
SEND_TIME = 60.0  # seconds one answer may take to send: a slow reader is cut off
CHUNK = 256 * 1024  # bytes of a file sent at a time, the deadline checked between

TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"  # a method or field name (RFC 9110 5.6.2)
REQUEST_LINE = re.compile(rb"(%s) ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])" % TOKEN)
FIELD = re.compile(rb"(%s):([\t\x20-\x7e\x80-\xff]*)" % TOKEN)  # no space before the colon
LINE_END = re.compile(rb"\r?\n")
HEAD_END = re.compile(rb"\r?\n\r?\n")
LENGTH = re.compile(r"[0-9]{1,18}")
_BUSY_TEXT = b"Service Unavailable: too many connections; try again\n"
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s"
    % (len(_BUSY_TEXT), _BUSY_TEXT)
)


def resolve(root: Path, target: str) -> Path | None:
    """The file under `root` that a request path names, or None: nothing outside it, no
    dot-files (a build's temporary files), no symlinks out."""
    try:
        path = urllib.parse.unquote(urllib.parse.urlsplit(target).path)
    except ValueError:  # "//[": an address part urlsplit cannot read, so nothing of ours
        return None
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


class Refusal(Exception):
    """A request that will not be served, and the status that says why."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class FeedHandler(BaseHTTPRequestHandler):
    """One connection: reads each request's head itself, within a deadline and size limits,
    and refuses anything ambiguous, so it never depends on lenient parsing."""

    server: FeedServer
    server_version = "calendar-gen"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.opened = time.monotonic()
        self.answered = 0  # requests answered on this connection
        self.pending = bytearray()  # received beyond the heads read so far
        self.linger = False  # whether the client may have sent bytes that will not be read
        self.summary = ""  # what the log line shows of a request that was understood

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client hung up, or stalled mid-reply: nobody left to answer
            self.close_connection = True

    def finish(self) -> None:
        if self.linger:
            self._read_away()
        super().finish()

    def handle_one_request(self) -> None:
        # Close after answering unless the request says otherwise; and answer even a request
        # line that cannot be read with an HTTP/1.1 status line, never an HTTP/0.9 bare body.
        self.close_connection = True
        self.command = self.path = self.requestline = self.summary = ""
        self.request_version = self.protocol_version
        try:
            head = self._read_head()
            if head is None:
                return
            self._parse(head)
        except Refusal as refusal:
            self._refuse(refusal.status, str(refusal))
            return
        finally:
            self.connection.settimeout(self.server.idle_timeout)  # for sending the answer
        self.summary = f"{self.command} {self.path}"
        self.answered += 1
        if not self.close_connection and self._closing_time():
            self.close_connection = True  # said in the answer, so the client reconnects
        if self.command in ("GET", "HEAD"):
            self._serve(body=self.command == "GET")
        else:
            self._empty(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": ALLOWED})

    def _closing_time(self) -> bool:
        """Whether this connection has served its share: its requests, its time, or its slot
        now that most are taken, so keep-alive clients cannot hold every slot between them."""
        server = self.server
        busy = len(server.open) * 4 >= server.max_connections * 3
        old = time.monotonic() - self.opened > server.lifetime
        return busy or old or self.answered >= server.max_requests

    def _read_head(self) -> bytes | None:
        """The next request's line and header fields, or None once the client is done. The
        whole head must arrive before the deadline, however slowly it trickles in."""
        deadline = time.monotonic() + self.server.idle_timeout
        searched = 0
        while not (end := HEAD_END.search(self.pending, searched)):
            if len(self.pending) > MAX_LINE + MAX_HEADER_BYTES:
                if LINE_END.search(self.pending, 0, MAX_LINE + 2) is None:
                    raise Refusal(HTTPStatus.REQUEST_URI_TOO_LONG, "the request line is too long")
                raise Refusal(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header bytes")
            searched = max(0, len(self.pending) - 3)
            chunk = self._receive(deadline)
            if not chunk:
                if not self.pending.strip():
                    return None  # idle, then closed or timed out: nothing to answer
                if chunk is None:
                    raise Refusal(HTTPStatus.REQUEST_TIMEOUT, "the request took too long")
                raise Refusal(HTTPStatus.BAD_REQUEST, "the request ended before its header did")
            self.pending += chunk
        head = bytes(self.pending[: end.start()])
        del self.pending[: end.end()]
        return head

    def _receive(self, deadline: float) -> bytes | None:
        """What the client sends next: b"" once it stops sending, None at the deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        self.connection.settimeout(remaining)
        try:
            data: bytes = self.connection.recv(65536)
        except TimeoutError:
            return None
        return data

    def _parse(self, head: bytes) -> None:
        """Take the method, target and header fields from `head`, or refuse it."""
        line, *fields = LINE_END.split(head)
        self.requestline = line.decode("latin-1")
        if len(line) > MAX_LINE:
            raise Refusal(HTTPStatus.REQUEST_URI_TOO_LONG, "the request line is too long")
        match = REQUEST_LINE.fullmatch(line)
        if match is None:
            raise Refusal(HTTPStatus.BAD_REQUEST, "the request line is not METHOD /path HTTP/1.1")
        method, target, major, minor = (part.decode("ascii") for part in match.groups())
        self.command, self.path = method, target
        if major != "1":
            raise Refusal(HTTPStatus.BAD_REQUEST, "only HTTP/1.0 and HTTP/1.1 are served")
        self.headers = _header_fields(fields)
        self._check_framing(http10=minor == "0")

    def _check_framing(self, http10: bool) -> None:
        """Refuse a request whose end a proxy in front could place elsewhere, passing what
        follows on as another request (smuggling): Transfer-Encoding, or anything but one plain
        Content-Length. A body is never read, so a request with one closes the connection."""
        lengths = self.headers.get_all("Content-Length", [])
        if "Transfer-Encoding" in self.headers:
            raise Refusal(HTTPStatus.BAD_REQUEST, "Transfer-Encoding is not accepted")
        if len(lengths) > 1 or not all(LENGTH.fullmatch(n) for n in lengths):
            raise Refusal(HTTPStatus.BAD_REQUEST, "Content-Length must be a single number")
        hosts = self.headers.get_all("Host", [])
        if len(hosts) > 1 or not (hosts or http10):  # RFC 9112 3.2
            raise Refusal(HTTPStatus.BAD_REQUEST, "an HTTP/1.1 request needs one Host field")
        options = {
            o.strip().lower()
            for value in self.headers.get_all("Connection", [])
            for o in value.split(",")
        }
        self.linger = bool(lengths) and int(lengths[0]) > 0
        self.close_connection = http10 or "close" in options or self.linger

    def _refuse(self, status: HTTPStatus, reason: str) -> None:
        """Answer a request that will not be served, with an HTTP/1.1 status, then close."""
        if not self.requestline:  # refused before its head was whole: log what did come
            self.requestline = LINE_END.split(self.pending[:MAX_LINE], 1)[0].decode("latin-1")
        self.close_connection = self.linger = True
        data = f"{status.phrase}: {reason}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _read_away(self) -> None:
        """Read what the client still sends, briefly and up to 1 MiB, before closing: closing
        with bytes unread resets the connection, and the client could lose the answer."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER
            for _ in range(16):
                if not self._receive(deadline):
                    break

    def _empty(self, status: HTTPStatus, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:  # a 304's Content-Length is the 200's, or none
            self.send_header("Content-Length", "0")
        self.end_headers()

    def end_headers(self) -> None:
        if self.close_connection:
            self.send_header("Connection", "close")
        super().end_headers()

    def _serve(self, body: bool) -> None:
        path = resolve(self.server.root, self.path)
        handle = _open_file(path) if path is not None else None
        if path is None or handle is None:
            data = b"Not found\n"
            self.send_response(HTTPStatus.NOT_FOUND)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return
        with handle:
            info = os.fstat(handle.fileno())
            etag = self.server.etag(handle, info)
            headers = {
                "ETag": etag,
                "Last-Modified": formatdate(info.st_mtime_ns // 10**9, usegmt=True),
                "Cache-Control": "no-cache",
            }
            if self._not_modified(etag, info.st_mtime_ns):
                self._empty(HTTPStatus.NOT_MODIFIED, headers)
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", TYPES.get(path.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(info.st_size))
            self.send_header("X-Content-Type-Options", "nosniff")
            if path.suffix == ".html":
                self.send_header("Content-Security-Policy", PAGE_POLICY)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body and self._send(handle, info.st_size) < info.st_size:
                self.close_connection = True  # short: it shrank as it was sent, or too slow

    def _send(self, handle: io.BufferedReader, size: int) -> int:
        """Send the file, within SEND_TIME however slowly the client reads; the bytes sent."""
        deadline, sent = time.monotonic() + self.server.send_time, 0
        while sent < size and time.monotonic() < deadline:
            self.connection.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                done = self.connection.sendfile(handle, sent, min(CHUNK, size - sent))
            except TimeoutError:
                break
            if done == 0:  # the file ended early
                return sent
            sent += done
        if sent < size:  # cut off: a reset drops what the system still holds for it to read
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return sent

    def _not_modified(self, etag: str, modified_ns: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # it takes precedence (RFC 9110 13.2.2)
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return etag in tags or "*" in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = int(parsedate_to_datetime(if_modified_since).timestamp())
        except (TypeError, ValueError, OverflowError):
            return False
        # Last-Modified names the whole second in which the file last changed, but the file
        # can change again later in that second, after a client fetched it; comparing whole
        # seconds would then answer 304 to a stale copy. Only a modification time at or before
        # the date given, to the nanosecond, proves the copy current. So a file changed at a
        # fraction of a second gets a 200 to its own Last-Modified and a 304 from the next
        # second on; If-None-Match, which clients send as well, is exact.
        return modified_ns <= since * 10**9

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        shown = printable(self.summary or self.requestline)
        self.server.log(f'{self.client_address[0]} "{shown}" {int(code)}')

    def log_message(self, format: str, *args: Any) -> None:
        pass  # errors are answered with a status; the access log line says what happened


def _header_fields(fields: list[bytes]) -> http.client.HTTPMessage:
    """The header fields, or a refusal: too many or too large (431), or malformed (400),
    as a space before the colon or a folded line is, which proxies read differently."""
    if len(fields) > MAX_HEADERS or sum(len(f) + 2 for f in fields) > MAX_HEADER_BYTES:
        raise Refusal(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header bytes")
    message = http.client.HTTPMessage()
    for field in fields:
        match = FIELD.fullmatch(field)
        if match is None:
            raise Refusal(HTTPStatus.BAD_REQUEST, "a header field is malformed")
        message[match[1].decode("ascii")] = match[2].strip(b" \t").decode("latin-1")
    return message


def _open_file(path: Path) -> io.BufferedReader | None:
    """`path` opened for reading, if it is (still) a regular file and not a symlink."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    handle = open(fd, "rb")  # noqa: SIM115 - the caller closes it
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        return None
    return handle


def _digest(handle: io.BufferedReader) -> str:
    """The strong ETag of an open file's content."""
    handle.seek(0)
    return '"' + hashlib.file_digest(handle, "sha256").hexdigest()[:32] + '"'


def printable(text: str, limit: int = 200) -> str:
    """`text`, at most `limit` characters of it, safe to print on a terminal: anything but
    printable ASCII as \\xNN, and quote and backslash too, so a log line reads one way."""
    shown = "".join(
        c if " " <= c <= "~" and c not in '"\\' else f"\\x{ord(c):02x}" for c in text[:limit]
    )
    return shown + "..." if len(text) > limit else shown


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's own stop joins every handler thread without limit, so a client that
    # stopped reading would hold it up: server_close ends them and waits a bounded time.
    block_on_close = False
    request_queue_size = 128  # socketserver's 5 overflows when a few clients connect at once

    def __init__(
        self,
        root: Path,
        host: str,
        port: int,
        log: Callable[[str], None],
        *,
        timeout: float = TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        max_requests: int = MAX_REQUESTS,
        lifetime: float = LIFETIME,
        send_time: float = SEND_TIME,
    ) -> None:
        self.root = root
        self.max_connections = max_connections
        self.max_requests, self.lifetime, self.send_time = max_requests, lifetime, send_time
        self.log = log
        self.idle_timeout = timeout
        self.slots = threading.BoundedSemaphore(max_connections)
        self.etags: dict[tuple[int, ...], str] = {}
        self.etags_lock = threading.Lock()
        self.open: dict[threading.Thread, socket.socket] = {}  # handler thread: its connection
        self.open_lock = threading.Lock()
        super().__init__((host, port), FeedHandler)

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Serve the connection in a thread of its own, unless max_connections are already
        being served: then answer 503 from this thread at once, without reading, and close."""
        if self.slots.acquire(blocking=False):
            try:
                super().process_request(request, client_address)
            except Exception:  # the thread did not start, so it will not give the slot back
                self.slots.release()
                raise
            # A Ctrl-C here may come once the thread has started and even ended: the slot is
            # its to give back, and a stop needs no slot, so the interrupt goes on untouched.
            return
        connection = request if isinstance(request, socket.socket) else request[1]
        with contextlib.suppress(OSError):
            connection.setblocking(False)  # one small write to a new socket: it never waits
            connection.send(BUSY)
        self.shutdown_request(request)
        self.log(f'{client_address[0]} "-" 503')

    def process_request_thread(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        connection = request if isinstance(request, socket.socket) else request[1]
        with self.open_lock:
            self.open[threading.current_thread()] = connection
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.open_lock:
                self.open.pop(threading.current_thread(), None)
            self.slots.release()

    def server_close(self) -> None:
        """Stop listening, end every open connection and wait, briefly, for their threads:
        none is left mid-call when the interpreter shuts down, which can hang it."""
        super().server_close()
        with self.open_lock:
            still_open = dict(self.open)
        for connection in still_open.values():
            with contextlib.suppress(OSError):  # wakes a thread blocked reading or sending
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + STOP_WAIT
        for thread in still_open:
            thread.join(max(0.0, deadline - time.monotonic()))

    def etag(self, handle: io.BufferedReader, info: os.stat_result) -> str:
        """The file's strong ETag, remembered so that a conditional GET of a file that has not
        changed costs a stat, not a read."""
        # Besides size and mtime, the inode and ctime: a file replaced by a rename is another
        # inode, and any write changes ctime, which unlike mtime nothing can set back.
        key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        with self.etags_lock:
            etag = self.etags.get(key)
        if etag is None:
            etag = _digest(handle)
            with self.etags_lock:
                if len(self.etags) >= MAX_ETAGS:
                    self.etags.clear()  # the files still asked for come back one by one
                self.etags[key] = etag
        return etag


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
