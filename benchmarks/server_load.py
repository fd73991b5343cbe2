"""Mixed load on the preview server: `calendar-gen serve` answering many clients at once.

    .venv/bin/python benchmarks/server_load.py [--requests 4000] [--threads 16]

It copies the shipped schedules/ to a temporary folder, builds them into a temporary feeds
folder, sets each file's modification time to half a second past a whole second, plants a
secret file outside that folder (plus symlinks pointing at it), starts the real server on
127.0.0.1 with port 0, and sends a fixed, shuffled mix of requests from several threads:

- GET and HEAD of every file, over kept-alive connections and one-shot sockets;
- conditional GETs: If-None-Match with the right ETag (304, no body) or a stale one (200),
  If-Modified-Since with the second after the file's change (304), its own Last-Modified
  (200: the file changed half a second after that), an old or unparsable date (200), and
  both at once (If-None-Match wins);
- path traversal attempts (../, %2e%2e, %2f, double encoding, backslashes, absolute paths,
  symlinks out, NUL), which must be 404 and never carry the secret;
- other methods (405) and malformed requests on raw sockets (garbage, no HTTP version or
  HTTP/2, huge request line or header, non-ASCII, NUL and escape bytes, ambiguous bodies
  that would smuggle a second request past a proxy, a request cut short), which must get an
  HTTP/1.1 4xx reply and nothing more (only an empty line or a client that hangs up may get
  a closed connection instead).

Then it holds more idle connections than the server serves at once: a further request
must be turned away at once (503, or closed), and served again once they close.

It prints requests, threads, wall time, requests per second, counts by status, errors,
traversal successes, 304 correctness, the crowd's replies and what the server wrote to
stderr. The exit status is 1 when any check fails. tests/test_server_load.py runs the same
load, smaller, under pytest; the functions here are what it uses.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "schedules"
HOST = "127.0.0.1"  # the only address this ever talks to
TIMEOUT = 5.0  # seconds, for every socket
SECRET = b"SECRET-OUTSIDE-THE-FEEDS-FOLDER-5b1d"
OLD_DATE = "Mon, 01 Jan 2001 00:00:00 GMT"

# --- The site under load ----------------------------------------------------------------


def plant_outside(feeds: Path) -> None:
    """Put a secret file beside `feeds`, and symlinks inside `feeds` that lead out to it."""
    secret = feeds.parent / "secret.txt"
    secret.write_bytes(SECRET + b"\n")
    (feeds / "link.txt").symlink_to(secret)
    (feeds / "outside").symlink_to(feeds.parent, target_is_directory=True)


def traversal_paths(feeds: Path) -> list[str]:
    """Request targets that try to reach the secret (or anything else) outside `feeds`."""
    secret = str(feeds.parent / "secret.txt")
    return [
        "/../secret.txt",
        "/../../../../../../../../etc/passwd",
        "/./../secret.txt",
        "/all.ics/../../secret.txt",
        "/nothing/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",  # double-encoded: one decoding leaves %2e%2e, a file name
        "/..%252fsecret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        secret,  # the absolute path, as a request target
        "/" + secret,  # "//tmp/...": urlsplit reads the first part as a host
        "/%2f" + secret.lstrip("/").replace("/", "%2f"),
        "file://" + secret,
        f"http://{HOST}/../secret.txt",
        "/link.txt",  # symlink to the secret
        "/outside/secret.txt",  # symlink to the folder holding it
        "/outside/",
        "/%00",
        "/all.ics%00",
        "/all.ics%00.html",
        "/..%00/secret.txt",
        "/.",
        "/.%2e",
    ]


def half_past(feeds: Path) -> None:
    """Set each file's modification time to half a second past a whole second, ten seconds
    ago, so If-Modified-Since with its own (whole-second) Last-Modified must get a 200."""
    changed = (int(time.time()) - 10) * 10**9 + 5 * 10**8
    for path in feeds.iterdir():
        os.utime(path, ns=(changed, changed))


def site_paths(feeds: Path) -> dict[str, bytes]:
    """Each servable request path and the bytes it must answer with."""
    files = {f"/{p.name}": p.read_bytes() for p in sorted(feeds.iterdir()) if _servable(p)}
    files["/"] = files["/index.html"]
    return files


def _servable(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and not path.name.startswith(".")


@dataclass
class Site:
    port: int
    files: dict[str, bytes]
    etags: dict[str, str] = field(default_factory=dict)
    modified: dict[str, str] = field(default_factory=dict)


def survey(port: int, files: dict[str, bytes]) -> Site:
    """GET each file once, checking it, to learn the ETag and Last-Modified to send back."""
    site = Site(port, files)
    for path, data in files.items():
        got = exchange_raw(port, request_bytes(Probe("get", "GET", path)))
        assert got.status == 200 and got.body == data, (path, got.status)
        site.etags[path] = got.headers["etag"]
        site.modified[path] = got.headers["last-modified"]
    return site


# --- The requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request of the load. `raw` ones go byte for byte over their own socket (`path`
    is then only a name for them, and with `hang_up` the client closes without waiting);
    the others through http.client, on the worker's kept-alive connection, or as one
    request on a socket of its own when `oneshot`."""

    kind: str
    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()
    raw: bytes | None = None
    oneshot: bool = False
    hang_up: bool = False

    def __str__(self) -> str:
        return f"{self.kind} {self.path}" if self.raw else f"{self.kind} {self.method} {self.path}"


# What the If-None-Match / If-Modified-Since kinds send; "{etag}" and "{modified}" are filled
# in from the survey. The status each must get is in EXPECTED.
CONDITIONS = {
    "etag-match": ["{etag}", '"stale", {etag}', "W/{etag}", "*"],
    "etag-stale": ['"stale"', 'W/"stale", "also-stale"'],
    "since-after": ["{after}"],
    "since-same-second": ["{modified}"],
    "since-old": [OLD_DATE],
    "since-garbage": ["yesterday", "Mon, 32 Foo 2001 25:61:61 GMT", ""],
    "both": ["{etag-stale-and-current-date}"],
}
CONDITIONAL = {"etag-match": 304, "etag-stale": 200, "since-after": 304,
               "since-same-second": 200, "since-old": 200, "since-garbage": 200,
               "both": 200}  # fmt: skip
EXPECTED = {"get": 200, "head": 200, "missing": 404, "traversal": 404, "method": 405,
            "long-name": 404, "since-overflow": 200, **CONDITIONAL}  # fmt: skip
WEIGHTS = {"get": 30, "head": 10, "etag-match": 14, "etag-stale": 5, "since-after": 4,
           "since-same-second": 3, "since-old": 3, "since-garbage": 2, "both": 3,
           "traversal": 16, "method": 6, "missing": 2}  # fmt: skip
METHODS = ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW")


SMUGGLED = b"GET /all.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"  # must never be answered
MAY_CLOSE = ("empty-line", "cut-short")  # not a request at all: closing is answer enough


def malformed() -> list[Probe]:
    """Requests no client should send: each must get one HTTP/1.1 4xx reply (or, for those in
    MAY_CLOSE, a closed connection)."""
    body = b"Content-Length: %d\r\n\r\n%s" % (len(SMUGGLED), SMUGGLED)
    payloads = {
        "garbage": b"garbage\r\n\r\n",
        "tls-hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\xff",
        "empty-line": b"\r\n",
        "no-version": b"GET /all.ics\r\n\r\n",  # HTTP/0.9: refused, never a bare body
        "no-version-out": b"GET /../secret.txt\r\n\r\n",
        "no-version-post": b"POST /all.ics\r\n\r\n",
        "four-words": b"GET / HTTP/1.1 extra\r\n\r\n",
        "bad-version": b"GET / HTTP/1.x\r\n\r\n",
        "http2": b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n",
        "h2-preface": b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "no-host": b"GET /all.ics HTTP/1.1\r\n\r\n",
        "escape-bytes": b"GET /\x1b[2J\x1b]0;x\x07 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "two-lengths": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n" + body,
        "chunked-get": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        + body,
        "space-before-colon": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 0\r\n" + body,
        "folded": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\r\n Transfer-Encoding: chunked\r\n"
        + body,
        "long-line": b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
        "huge-header": b"GET /all.ics HTTP/1.1\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n",
        "many-headers": b"GET /all.ics HTTP/1.1\r\n"
        + b"".join(b"X-%d: y\r\n" % i for i in range(120))
        + b"\r\n",
        "non-ascii": b"GET /\xff\xfe\xc3\xa9.ics HTTP/1.1\r\nConnection: close\r\n\r\n",
        "raw-nul": b"GET /all.ics\x00/../../secret.txt HTTP/1.1\r\nConnection: close\r\n\r\n",
    }
    probes = [Probe("malformed", path=name, raw=raw) for name, raw in payloads.items()]
    cut_short = b"GET /all.ics HTTP/1.1\r\nHost: 127"  # and the client hangs up at once
    return [*probes, Probe("malformed", path="cut-short", raw=cut_short, hang_up=True)]


def awkward() -> list[Probe]:
    """Well-formed requests at the edges: a file name longer than the system allows, and an
    If-Modified-Since date too far ahead to represent."""
    far = "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"
    return [
        Probe("long-name", path="/" + "a" * 300 + ".ics"),
        Probe("since-overflow", path="/all.ics", headers=(("If-Modified-Since", far),)),
    ]


def make_plan(
    files: dict[str, bytes], traversals: list[str], requests: int, seed: int = 1
) -> list[Probe]:
    """`requests` probes (or the fixed ones alone, if more), shuffled: each malformed and
    awkward one once (few, so that if they fail they cannot flood the server's stderr),
    every traversal path at least once, the rest drawn by WEIGHTS. Placeholders in headers
    are filled per site by `fill`."""
    rng = random.Random(seed)
    paths = sorted(files)
    plan = [*malformed(), *awkward()]
    plan += [Probe("traversal", rng.choice(("GET", "HEAD")), p) for p in traversals]
    kinds, weights = zip(*WEIGHTS.items(), strict=True)
    while len(plan) < requests:
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(paths)
        oneshot = rng.random() < 0.25
        if kind in ("get", "head"):
            probe = Probe(kind, kind.upper(), path, oneshot=oneshot)
        elif kind == "traversal":
            probe = Probe(kind, rng.choice(("GET", "HEAD")), rng.choice(traversals))
        elif kind == "method":
            probe = Probe(kind, rng.choice(METHODS), path, oneshot=oneshot)
        elif kind == "missing":
            probe = Probe(kind, "GET", rng.choice(("/nothing.ics", "/.hidden", "/a/b.ics")))
        else:
            value = rng.choice(CONDITIONS[kind])
            name = "If-Modified-Since" if kind.startswith("since") else "If-None-Match"
            probe = Probe(kind, "GET", path, ((name, value),), oneshot=oneshot)
        plan.append(probe)
    rng.shuffle(plan)
    return plan


def fill(probe: Probe, site: Site) -> Probe:
    """The probe with its header placeholders replaced by this site's ETag and dates."""
    if not probe.headers:
        return probe
    (name, value), etag = probe.headers[0], site.etags.get(probe.path, '"none"')
    if value == "{etag-stale-and-current-date}":
        headers = (("If-None-Match", '"stale"'), ("If-Modified-Since", site.modified[probe.path]))
    else:
        modified = site.modified.get(probe.path, OLD_DATE)
        after = formatdate(parsedate_to_datetime(modified).timestamp() + 1, usegmt=True)
        value = value.replace("{etag}", etag).replace("{modified}", modified)
        headers = ((name, value.replace("{after}", after)),)
    return dataclasses.replace(probe, headers=headers)


# --- Sending them -----------------------------------------------------------------------


@dataclass
class Reply:
    status: int | None = None  # None: no HTTP/1.x status line came back
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""
    error: str | None = None  # what went wrong at the socket level, if anything
    http09: bool = False  # a bare body with no status line, as HTTP/0.9 answered


def exchange_keepalive(
    port: int, connection: http.client.HTTPConnection | None, probe: Probe
) -> tuple[http.client.HTTPConnection | None, Reply]:
    """Send `probe` through http.client on `connection` (a new one when None); return the
    connection to reuse (None once closed) and the reply."""
    if connection is None:
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        connection.request(probe.method, probe.path, headers=dict(probe.headers))
        response = connection.getresponse()
        body = response.read()
        reply = Reply(response.status, _lower(dict(response.getheaders())), body)
        if response.will_close:
            connection.close()
            return None, reply
        return connection, reply
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return None, Reply(error=f"{type(error).__name__}: {error}"[:120])


def exchange_raw(port: int, data: bytes, hang_up: bool = False) -> Reply:
    """Send `data` on a new socket, then read to the end (or, with `hang_up`, close at once)."""
    received, error = b"", None
    try:
        with socket.create_connection((HOST, port), timeout=TIMEOUT) as sock:
            sock.sendall(data)
            if hang_up:
                return Reply(error="hung up")
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                received += chunk
    except (ConnectionResetError, BrokenPipeError):
        error = "reset"  # the server closed with bytes unread: for a bad request, fine
    except TimeoutError:
        return Reply(error="timeout")
    except OSError as failure:
        return Reply(error=f"{type(failure).__name__}: {failure}"[:120])
    return parse(received, error)


def parse(received: bytes, error: str | None = None) -> Reply:
    """The reply in `received`: status line, headers and body, or a bare HTTP/0.9-style body
    (as http.server gave to a request line it could not read: an error page with no status
    line, its status taken from the page), which the checks count as a problem."""
    if not received.startswith(b"HTTP/1."):
        page = re.search(rb"<p>Error code: (\d{3})</p>", received)
        status = int(page.group(1)) if page else None
        return Reply(status, body=received, error=error, http09=bool(received))
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("iso-8859-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines if ": " in line)
    code = status.split()[1] if len(status.split()) > 1 else ""
    return Reply(int(code) if code.isdigit() else None, _lower(headers), body, error)


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def request_bytes(probe: Probe) -> bytes:
    """`probe` as one HTTP/1.1 request on a connection of its own."""
    lines = [f"{probe.method} {probe.path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in probe.headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# --- Judging the replies ----------------------------------------------------------------


def judge(probe: Probe, reply: Reply, site: Site) -> str | None:
    """What is wrong with `reply` to `probe`, or None."""
    if probe.kind == "malformed":
        return _judge_malformed(probe, reply)
    if reply.error:
        return f"connection error: {reply.error}"
    wanted = EXPECTED[probe.kind]
    if reply.status != wanted:
        return f"status {reply.status}, wanted {wanted}"
    if SECRET in reply.body:
        return "the secret came back"
    data = site.files.get(probe.path, b"")
    if wanted == 304:
        if reply.body:
            return f"304 with a {len(reply.body)}-byte body"
        if reply.headers.get("etag") != site.etags[probe.path]:
            return "304 without the current ETag"
    elif wanted == 405:
        if reply.headers.get("allow") != "GET, HEAD" or reply.body:
            return "405 without Allow: GET, HEAD, or with a body"
    elif wanted == 200:
        if probe.method == "HEAD" and reply.body:
            return "HEAD with a body"
        if probe.method == "GET" and reply.body != data:
            return f"body of {len(reply.body)} bytes, wanted the file's {len(data)}"
        if reply.headers.get("content-length") != str(len(data)):
            return f"Content-Length {reply.headers.get('content-length')}, wanted {len(data)}"
        if reply.headers.get("etag") != site.etags[probe.path]:
            return "ETag differs from the survey's"
    return None


def _judge_malformed(probe: Probe, reply: Reply) -> str | None:
    if reply.http09:
        return "a bare body with no status line (an HTTP/0.9-style reply)"
    if SECRET in reply.body:
        return "the secret came back"
    if reply.status is None:
        if probe.path in MAY_CLOSE and reply.error in (None, "reset", "hung up"):
            return None
        return f"no HTTP/1.1 reply ({reply.error or 'closed'}), wanted a 4xx"
    if not 400 <= reply.status < 500:
        return f"status {reply.status}, wanted a 4xx"
    if reply.headers.get("content-length") != str(len(reply.body)):
        return "a body not as long as it says, or a second reply to what followed the request"
    return None


# --- The load ---------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    threads: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0  # socket-level failures of well-formed requests
    traversal_successes: int = 0
    conditional: int = 0
    conditional_right: int = 0
    not_run: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if str(status).startswith("5"))


def run(site: Site, plan: list[Probe], threads: int, deadline: float = 120.0) -> Tally:
    """Send `plan` from `threads` threads at once; stop taking new probes after `deadline`
    seconds. Every socket has TIMEOUT, so the whole is bounded."""
    probes = iter([fill(p, site) for p in plan])
    lock = threading.Lock()
    results: list[tuple[Probe, Reply]] = []
    start = time.perf_counter()

    def worker() -> None:
        connection = None
        done = []
        while time.perf_counter() - start < deadline:
            with lock:
                probe = next(probes, None)
            if probe is None:
                break
            if probe.raw is not None:
                reply = exchange_raw(site.port, probe.raw, probe.hang_up)
            elif probe.oneshot:
                reply = exchange_raw(site.port, request_bytes(probe))
            else:
                connection, reply = exchange_keepalive(site.port, connection, probe)
            done.append((probe, reply))
        if connection is not None:
            connection.close()
        with lock:
            results.extend(done)

    pool = [threading.Thread(target=worker, name=f"load-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(deadline + 4 * TIMEOUT)
    tally = Tally(len(results), threads, time.perf_counter() - start)
    tally.not_run = len(plan) - len(results)
    for probe, reply in results:
        tally.statuses[_status_label(reply)] += 1
        problem = judge(probe, reply, site)
        if reply.error and probe.kind != "malformed":
            tally.errors += 1
        reached = probe.kind == "traversal" and reply.status is not None and reply.status < 400
        tally.traversal_successes += reached or SECRET in reply.body
        if probe.kind in CONDITIONAL:
            tally.conditional += 1
            tally.conditional_right += problem is None
        if problem:
            tally.problems.append(f"{str(probe)[:80]}: {problem}")
    return tally


@dataclass
class Crowd:
    held: int  # idle connections held open at once
    during: Reply  # a request made while they were held
    seconds: float  # how long that request took to be turned away
    after: Reply  # a request made once they were closed

    def __str__(self) -> str:
        during, after = _status_label(self.during), _status_label(self.after)
        return (
            f"{self.held} idle connections held: {during} in {self.seconds * 1000:.0f} ms; "
            f"once closed: {after}"
        )

    @property
    def turned_away(self) -> bool:
        """Whether the request during the crowd got a 503, or a closed connection, at once."""
        quick = self.seconds < 1.0
        if self.during.status is None:
            return quick and not self.during.http09 and self.during.error in (None, "reset")
        return quick and self.during.status == 503 and SECRET not in self.during.body


def crowd(port: int, held: int, wanted: bytes) -> Crowd:
    """Hold `held` connections open without a word (more than the server serves at once), make
    one more request, then close them and request again until served (5 s at most)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(held):
            sockets.append(socket.create_connection((HOST, port), timeout=TIMEOUT))
        started = time.perf_counter()
        during = exchange_raw(port, request_bytes(Probe("get", "GET", "/")))
        seconds = time.perf_counter() - started
    finally:
        for sock in sockets:
            sock.close()
    deadline = time.monotonic() + 5  # the server frees each slot as it sees the close
    while (after := exchange_raw(port, request_bytes(Probe("get", "GET", "/")))).body != wanted:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return Crowd(held, during, seconds, after)


def _status_label(reply: Reply) -> str:
    if reply.status is not None:
        return f"{reply.status} (HTTP/0.9 form)" if reply.http09 else str(reply.status)
    if reply.http09:
        return "HTTP/0.9 body"
    if reply.error in (None, "hung up"):
        return "no reply, closed"
    return f"no reply, {reply.error.split(':')[0]}"


def report(tally: Tally, *extra: tuple[str, object]) -> str:
    """The tally as a two-column table, with `extra` rows at the end."""
    rows = [
        ("requests", tally.requests),
        ("threads", tally.threads),
        ("wall time", f"{tally.seconds:.2f} s"),
        ("requests/second", f"{tally.per_second:.0f}"),
        *((f"  status {label}", n) for label, n in sorted(tally.statuses.items())),
        ("5xx responses", tally.server_errors),
        ("errors on well-formed requests", tally.errors),
        ("traversal successes (must be 0)", tally.traversal_successes),
        ("conditional GETs right", f"{tally.conditional_right}/{tally.conditional}"),
        ("not run (deadline)", tally.not_run),
        ("other problems", len(tally.problems)),
        *extra,
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def passed(tally: Tally) -> bool:
    """Whether every check of the load held."""
    failures = (tally.problems, tally.server_errors, tally.errors, tally.not_run)
    return (
        not any(failures)
        and not tally.traversal_successes
        and (tally.conditional_right == tally.conditional)
    )


def log_is_printable(stdout: str) -> bool:
    """Whether the server's output is printable ASCII lines: no escape or control bytes from
    requests reached the terminal."""
    return all(" " <= c <= "~" for line in stdout.splitlines() for c in line)


def exceptions(stderr: str) -> list[str]:
    """The distinct exception lines ("OSError: ...") in what the server wrote to stderr."""
    found = {line for line in stderr.splitlines() if re.match(r"\w+(Error|Exception)\b", line)}
    return sorted(found)


# --- The benchmark ----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crowd", type=int, default=80, help="idle connections to hold")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="server-load-") as temp:
        folder = Path(temp)
        shutil.copytree(SHIPPED, folder / "schedules")
        command = [sys.executable, "-m", "calendar_gen", "build"]
        built = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
        if built.returncode:
            print(built.stdout + built.stderr)
            return 1
        feeds = folder / "feeds"
        half_past(feeds)
        files = site_paths(feeds)
        plant_outside(feeds)
        plan = make_plan(files, traversal_paths(feeds), args.requests, args.seed)
        with Server(feeds) as server:
            site = survey(server.port, files)
            tally = run(site, plan, args.threads)
            crowded = crowd(server.port, args.crowd, files["/"])
            after = exchange_raw(server.port, request_bytes(Probe("get", path="/all.ics")))
    still_serving = after.status == 200 and after.body == files["/all.ics"]
    tracebacks = server.stderr.count("Traceback")
    log_safe = log_is_printable(server.stdout)
    print(f"calendar-gen serve on {HOST}: the shipped programme, {len(files)} paths")
    print(
        report(
            tally,
            (f"with {crowded.held} idle connections held", _status_label(crowded.during)),
            ("  turned away in", f"{crowded.seconds * 1000:.0f} ms"),
            ("  once they closed", _status_label(crowded.after)),
            ("normal GET afterwards", after.status),
            ("access log printable", log_safe),
            ("server exit status", server.returncode),
            ("server tracebacks on stderr", tracebacks),
        )
    )
    for problem in sorted(set(tally.problems)):
        print("  problem:", problem)
    for line in exceptions(server.stderr):
        print("  server stderr:", line[:100])
    crowd_fine = crowded.turned_away and crowded.after.body == files["/"]
    fine = passed(tally) and crowd_fine and still_serving and log_safe
    fine = fine and server.returncode == 0 and not tracebacks
    return 0 if fine else 1


class Server:
    """`calendar-gen serve` on 127.0.0.1, port 0, with its output read as it comes (a full
    pipe would stall it) and kept; Ctrl-C'd when the block ends."""

    def __init__(self, feeds: Path) -> None:
        self.feeds = feeds
        self.stdout = self.stderr = ""
        self.returncode: int | None = None

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "calendar_gen", "serve", "--out", str(self.feeds),
                   "--host", HOST, "--port", "0"]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        first = self.process.stdout.readline()
        match = re.search(rf"http://{re.escape(HOST)}:(\d+)/", first)
        if not match:
            self.process.kill()
            _, err = self.process.communicate()
            raise RuntimeError(f"calendar-gen serve did not start: {first}{err}")
        self.port = int(match.group(1))
        self._out, self._err = [first], []
        self._readers = [
            threading.Thread(target=self._drain, args=(self.process.stdout, self._out)),
            threading.Thread(target=self._drain, args=(self.process.stderr, self._err)),
        ]
        for reader in self._readers:
            reader.start()
        return self

    @staticmethod
    def _drain(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.returncode = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.returncode = self.process.wait()
        for reader in self._readers:
            reader.join(10)
        self.process.stdout.close()
        self.process.stderr.close()
        self.stdout, self.stderr = "".join(self._out), "".join(self._err)


if __name__ == "__main__":
    sys.exit(main())
