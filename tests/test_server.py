"""The preview server, through a real `calendar-gen serve` process and real HTTP."""

import contextlib
import http.client
import os
import select
import socket
import threading
import time
from email.utils import formatdate

import pytest
from helpers import MONTHLY, run_cli, serving, write_schedules

from calendar_gen.web import server as server_module
from calendar_gen.web.server import FeedServer, watch


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    write_schedules(folder / "schedules")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=folder).returncode == 0
    assert run_cli("policy", "--out", "feeds", cwd=folder).returncode == 0
    (folder / "secret.txt").write_text("outside the feeds folder")
    os.symlink(folder / "secret.txt", folder / "feeds" / "link.txt")
    with serving(folder / "feeds") as served:
        yield folder, served.port, served


def request(port, method, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_feed_is_served_as_a_calendar(site):
    folder, port, _ = site
    response, body = request(port, "GET", "/test.ics")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/calendar; charset=utf-8"
    assert body == (folder / "feeds" / "test.ics").read_bytes()
    assert int(response.getheader("Content-Length")) == len(body)
    etag = response.getheader("ETag")
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.getheader("Last-Modified").endswith(" GMT")


def test_head_has_headers_and_no_body(site):
    _, port, _ = site
    get, body = request(port, "GET", "/all.ics")
    head, nothing = request(port, "HEAD", "/all.ics")
    assert head.status == 200 and nothing == b""
    assert head.getheader("ETag") == get.getheader("ETag")
    assert head.getheader("Content-Length") == str(len(body))


def test_conditional_requests(site):
    folder, port, _ = site
    first, _ = request(port, "GET", "/test.ics")
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert request(port, "GET", "/test.ics", {"If-None-Match": etag})[0].status == 304
    assert request(port, "GET", "/test.ics", {"If-None-Match": f'"x", {etag}'})[0].status == 304
    # Last-Modified is the whole second; a file changed later within it is newer than that.
    changed = (folder / "feeds" / "test.ics").stat().st_mtime_ns
    since_modified = request(port, "GET", "/test.ics", {"If-Modified-Since": modified})[0]
    assert since_modified.status == (304 if changed % 10**9 == 0 else 200)
    after = formatdate(changed // 10**9 + 1, usegmt=True)
    assert request(port, "GET", "/test.ics", {"If-Modified-Since": after})[0].status == 304
    # If-None-Match wins over If-Modified-Since when both are sent.
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert request(port, "GET", "/test.ics", both)[0].status == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert request(port, "GET", "/test.ics", {"If-Modified-Since": old})[0].status == 200
    not_modified, body = request(port, "GET", "/test.ics", {"If-None-Match": etag})
    assert body == b"" and not_modified.getheader("ETag") == etag


def test_index_page_and_data(site):
    _, port, _ = site
    response, body = request(port, "GET", "/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b"Test Office statistics release calendar" in body
    assert request(port, "GET", "/releases.json")[0].getheader("Content-Type") == (
        "application/json"
    )


def test_the_policy_drafts_are_served_as_text_to_read(site):
    folder, port, _ = site
    markdown, body = request(port, "GET", "/release-practice-policy.md")
    assert markdown.getheader("Content-Type") == "text/markdown; charset=utf-8"
    assert body == (folder / "feeds" / "release-practice-policy.md").read_bytes()
    page, _ = request(port, "GET", "/release-practice-policy.html")
    assert page.getheader("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
def test_other_methods_are_refused(site, method):
    _, port, _ = site
    response, _ = request(port, method, "/test.ics")
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/link.txt", "/.test.ics.tmp",
     "/nothing.ics", "/%00", "/..\\secret.txt"],
)  # fmt: skip
def test_nothing_outside_the_folder(site, path):
    _, port, _ = site
    response, body = request(port, "GET", path)
    assert response.status == 404
    assert b"outside the feeds folder" not in body


def test_access_log_and_clean_shutdown(tmp_path):
    write_schedules(tmp_path / "schedules")
    assert run_cli("build", cwd=tmp_path).returncode == 0
    with serving(tmp_path / "feeds") as served:
        request(served.port, "GET", "/test.ics")
    assert served.returncode == 0
    assert '127.0.0.1 "GET /test.ics" 200' in served.stdout
    assert served.stdout.rstrip().endswith("stopped")
    assert "Traceback" not in served.stderr


@pytest.mark.slow  # waits out its time limits on purpose
def test_watch_rebuilds_when_a_schedule_changes(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    assert run_cli("build", cwd=tmp_path).returncode == 0
    feed = tmp_path / "feeds" / "test.ics"
    with serving(tmp_path / "feeds", "--watch", "--schedules", "schedules", cwd=tmp_path):
        (schedules / "test.toml").write_text(MONTHLY.replace("Monthly bulletin", "Renamed"))
        deadline = time.monotonic() + 20
        while b"Renamed" not in feed.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert b"SUMMARY:Renamed" in feed.read_bytes()


def test_serve_refuses_a_missing_folder(tmp_path):
    result = run_cli("serve", "--out", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "is not a folder; run calendar-gen build first" in result.stderr


@contextlib.contextmanager
def watching(schedules, on_change):
    """Watch `schedules` in this process, looking every 20 ms, until the block ends."""
    stop = threading.Event()
    thread = watch(schedules, on_change, stop, every=0.02)
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def wait_for(condition, seconds=20.0):
    """Whether `condition` comes true within `seconds`; asked once a time, never twice after
    it answered (a second GET could find the first one's slot not yet given back)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_build_in_a_watched_folder_triggers_no_further_rebuild(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    builds = []

    def rebuild():
        # The first build of this programme records releases: it writes the record, the lock
        # and temporary files into the watched folder.
        builds.append(run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path))

    with watching(schedules, rebuild):
        (schedules / "test.toml").write_text(MONTHLY.replace("Monthly bulletin", "Renamed"))
        assert wait_for(lambda: len(builds) == 1)
        time.sleep(0.4)  # twenty more looks at the folder
    assert len(builds) == 1, [b.stdout for b in builds]
    assert builds[0].returncode == 0, builds[0].stderr
    assert (schedules / "announcements.toml").is_file()
    assert (schedules / ".calendar-gen.lock").is_file()


def test_a_watch_sees_edits_made_during_a_rebuild_and_to_the_record(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    calls = []

    def rebuild():
        calls.append(time.monotonic())
        if len(calls) == 1:  # the user saves again while the first rebuild runs
            time.sleep(0.05)
            (schedules / "test.toml").write_text(MONTHLY.replace("Monthly", "Third"))

    with watching(schedules, rebuild):
        (schedules / "test.toml").write_text(MONTHLY.replace("Monthly", "Second"))
        assert wait_for(lambda: len(calls) == 2)
        # Outside a rebuild, a change to the record is someone else's (a `move`, a hand edit).
        (schedules / "announcements.toml").write_text("# edited by hand\n")
        assert wait_for(lambda: len(calls) == 3)
        for ignored in ("notes.txt", ".hidden.toml", ".calendar-gen-x.toml.abc.tmp"):
            (schedules / ignored).write_text("not a schedule")
        time.sleep(0.2)
    assert len(calls) == 3


# --- The server in this process, with small limits, attacked over raw sockets ---------------

FEED = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@contextlib.contextmanager
def feed_server(root, **options):
    """A FeedServer on 127.0.0.1, a free port, in a thread; yields it and its log lines."""
    root.mkdir(exist_ok=True)
    if not (root / "all.ics").exists():
        (root / "all.ics").write_bytes(FEED)
    lines = []
    server = FeedServer(root, "127.0.0.1", 0, lines.append, **options)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, lines
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def connect(server, timeout=3.0):
    return socket.create_connection(server.server_address[:2], timeout=timeout)


def read_to_close(sock) -> bytes:
    """Everything the server sends until it closes; a socket timeout fails the test. A reset
    once the server has answered and closed still leaves what it answered."""
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            received += chunk
    return received


def exchange(server, data: bytes) -> bytes:
    """Send `data` on a new connection, keep it open, and read until the server closes it."""
    with connect(server) as sock:
        sock.sendall(data)
        return read_to_close(sock)


def get(path="/all.ics", *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def served(server) -> bool:
    """Whether a GET on a new connection gets a 200 (not a 503, a reset or a close)."""
    with contextlib.suppress(OSError):
        return exchange(server, get("/all.ics", "Connection: close")).startswith(b"HTTP/1.1 200")
    return False


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def header(reply: bytes, name: str) -> str | None:
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    found = [v for n, _, v in (h.partition(": ") for h in head.split("\r\n")) if n == name]
    return found[0] if found else None


@pytest.mark.slow  # waits out its time limits on purpose
def test_an_idle_connection_is_closed_after_the_timeout(tmp_path):
    # The client waits 8 seconds, less than the usual 10: only the 1 second set can close it.
    options = {"timeout": 1.0}
    with feed_server(tmp_path / "feeds", **options) as (server, _), connect(server, 8) as sock:
        assert read_to_close(sock) == b""


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_request_trickled_in_is_cut_off_at_the_timeout(tmp_path):
    with feed_server(tmp_path / "feeds", timeout=1.0) as (server, _), connect(server) as sock:
        sock.sendall(b"GET /all.ics HTTP/1.1\r\n")
        for _ in range(300):  # each byte well inside the timeout, all of them far beyond it
            sock.sendall(b"X")
            if select.select([sock], [], [], 0.1)[0]:  # answered
                break
        else:
            pytest.fail("answered only once the client stopped sending")
        reply = read_to_close(sock)
    assert reply.startswith(b"HTTP/1.1 408 ")


def test_connections_beyond_the_cap_are_turned_away(tmp_path):
    with (
        feed_server(tmp_path / "feeds", max_connections=2) as (server, lines),
        connect(server),
        connect(server) as second,
    ):
        # Each is being served: connected, its request not yet sent.
        assert wait_for(lambda: len(server.open) == 2, seconds=5)
        started = time.monotonic()
        with contextlib.suppress(ConnectionResetError):  # closed rather than answered: fine
            reply = exchange(server, get())
            assert reply == b"" or reply.startswith(b"HTTP/1.1 503 ")
        # Turned away at once, not left waiting for the 10 s idle timeout of a served one.
        assert time.monotonic() - started < 5
        second.close()  # a slot comes free once its connection ends
        assert wait_for(lambda: served(server), seconds=5), lines
    assert '127.0.0.1 "-" 503' in lines


@pytest.mark.parametrize(
    ("request_bytes", "wanted"),
    [
        (get("/all.ics", *(f"X-{i}: y" for i in range(100))), 431),
        (get("/all.ics", "X-Big: " + "b" * 20_000), 431),
        (get("/all.ics", *(f"X-{i}: " + "c" * 900 for i in range(20))), 431),
        (get("/" + "a" * 10_000), 414),
    ],
    ids=["many", "one-huge", "large-in-all", "long-line"],
)
def test_oversized_requests_are_refused(tmp_path, request_bytes, wanted):
    with feed_server(tmp_path / "feeds") as (server, _):
        reply = exchange(server, request_bytes)
    assert status(reply) == wanted and reply.startswith(b"HTTP/1.1 ")
    assert header(reply, "Connection") == "close"


SMUGGLED = b"GET /smuggled.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.mark.parametrize(
    "fields",
    [
        ["Content-Length: 0", f"Content-Length: {len(SMUGGLED)}"],
        [f"Content-Length: {len(SMUGGLED)}", f"Content-Length: {len(SMUGGLED)}"],
        [f"Content-Length: {len(SMUGGLED)}, {len(SMUGGLED)}"],
        ["Content-Length: +48"],
        [f"Content-Length : {len(SMUGGLED)}"],
        ["Transfer-Encoding: chunked"],
        ["Transfer-Encoding: chunked", f"Content-Length: {len(SMUGGLED)}"],
        ["Transfer-Encoding:\tchunked"],
        ["X-Folded: a", " Transfer-Encoding: chunked"],
    ],
    ids=["two-lengths", "same-twice", "list", "sign", "space-before-colon", "chunked",
         "chunked-and-length", "tab", "folded"],
)  # fmt: skip
def test_ambiguous_bodies_are_refused_and_the_connection_closed(tmp_path, fields):
    # A proxy in front that reads the body differently would pass SMUGGLED on as a request.
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "smuggled.ics").write_bytes(b"SMUGGLED")
    with feed_server(tmp_path / "feeds") as (server, _):
        reply = exchange(server, get("/all.ics", *fields) + SMUGGLED)
    assert status(reply) == 400 and reply.count(b"HTTP/1.1 ") == 1
    assert b"SMUGGLED" not in reply and header(reply, "Connection") == "close"


@pytest.mark.parametrize(
    "raw",
    [
        b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET /all.ics\r\n\r\n",
        b"GET /all.ics HTTP/0.9\r\n\r\n",
        b"garbage\r\n\r\n",
        b"\r\n\r\n",
        b"GET / HTTP/1.x\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /\xff\xfe.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /all.ics HTTP/1.1\r\n\r\n",
        b"GET /all.ics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        b"GET /all.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\x00b\r\n\r\n",
        b"GET /all.ics HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon\r\n\r\n",
        b"GET /all.ics HTTP/1.1\r\nHost: 127.0.0.1",  # cut short, then the client stops sending
    ],
)
def test_every_refusal_is_a_real_http11_response(tmp_path, raw):
    with feed_server(tmp_path / "feeds") as (server, lines), connect(server) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        reply = read_to_close(sock)
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n"), reply[:80]
    body = reply.split(b"\r\n\r\n", 1)[1]
    assert int(header(reply, "Content-Length")) == len(body) > 0
    assert FEED not in reply
    assert len(lines) == 1 and lines[0].endswith(" 400")


def test_the_log_shows_control_characters_escaped(tmp_path):
    hostile = [
        b"GET /\x1b[2J\x1b]0;owned\x07.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"\x1b[31m\x9b2J \r\n\r\n",
        b'GET /a"b\\c HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        get("/%1b%5b2J.ics", "Connection: close"),
        b"GET /" + b"\x1b" * 5000 + b" HTTP/1.1\r\n\r\n",
    ]
    with feed_server(tmp_path / "feeds") as (server, lines):
        for raw in hostile:
            with connect(server) as sock:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
                read_to_close(sock)
    assert len(lines) == len(hostile)
    for line in lines:
        assert all(" " <= c <= "~" for c in line), repr(line)
        assert len(line) < 1200
    assert lines[0] == '127.0.0.1 "GET /\\x1b[2J\\x1b]0;owned\\x07.ics HTTP/1.1" 400'
    assert lines[1] == '127.0.0.1 "\\x1b[31m\\x9b2J " 400'
    assert lines[2] == '127.0.0.1 "GET /a\\x22b\\x5cc" 404'
    assert lines[3] == '127.0.0.1 "GET /%1b%5b2J.ics" 404'


def test_a_conditional_get_of_an_unchanged_file_does_not_read_it(tmp_path, monkeypatch):
    digests = []
    real = server_module._digest
    monkeypatch.setattr(server_module, "_digest", lambda handle: digests.append(1) or real(handle))
    with feed_server(tmp_path / "feeds") as (server, _):
        first = exchange(server, get("/all.ics", "Connection: close"))
        etag = header(first, "ETag")
        for _ in range(5):
            reply = exchange(server, get("/all.ics", f"If-None-Match: {etag}", "Connection: close"))
            assert status(reply) == 304 and header(reply, "ETag") == etag
        assert len(digests) == 1
        # Rewritten in place, same size, its modification time set back: still a new ETag.
        feed = tmp_path / "feeds" / "all.ics"
        before = feed.stat()
        feed.write_bytes(FEED.replace(b"BEGIN", b"NIGEB"))
        os.utime(feed, ns=(before.st_atime_ns, before.st_mtime_ns))
        reply = exchange(server, get("/all.ics", f"If-None-Match: {etag}", "Connection: close"))
    assert status(reply) == 200 and header(reply, "ETag") != etag
    assert reply.endswith(b"NIGEB:VCALENDAR\r\nEND:VCALENDAR\r\n")


def test_if_modified_since_is_not_fooled_by_a_change_within_the_same_second(tmp_path):
    feed = tmp_path / "feeds" / "all.ics"
    second = int(time.time()) - 10
    with feed_server(tmp_path / "feeds") as (server, _):
        os.utime(feed, ns=(second * 10**9, second * 10**9))
        first = exchange(server, get("/all.ics", "Connection: close"))
        modified = header(first, "Last-Modified")
        assert modified == formatdate(second, usegmt=True)
        since = f"If-Modified-Since: {modified}"
        assert status(exchange(server, get("/all.ics", since, "Connection: close"))) == 304
        # Rewritten half a second later: same whole second, same size, new content.
        feed.write_bytes(FEED.replace(b"BEGIN", b"NIGEB"))
        os.utime(feed, ns=(second * 10**9 + 5 * 10**8,) * 2)
        changed = exchange(server, get("/all.ics", since, "Connection: close"))
        assert status(changed) == 200 and changed.endswith(FEED.replace(b"BEGIN", b"NIGEB"))
        assert header(changed, "Last-Modified") == modified
        later = f"If-Modified-Since: {formatdate(second + 1, usegmt=True)}"
        assert status(exchange(server, get("/all.ics", later, "Connection: close"))) == 304


def test_pipelined_requests_on_one_connection_are_each_answered(tmp_path):
    with feed_server(tmp_path / "feeds") as (server, lines):
        reply = exchange(server, get() + get("/none.ics") + get("/all.ics", "Connection: close"))
    assert reply.count(b"HTTP/1.1 200 OK\r\n") == 2 and reply.count(b"HTTP/1.1 404 ") == 1
    assert reply.count(FEED) == 2 and len(lines) == 3


def test_a_head_or_refused_method_answers_without_reading_a_body(tmp_path):
    with feed_server(tmp_path / "feeds") as (server, _):
        head = exchange(server, get().replace(b"GET", b"HEAD", 1) + get("/", "Connection: close"))
        post = exchange(
            server, get("/all.ics", "Content-Length: 5").replace(b"GET", b"POST") + b"hello"
        )
    assert head.startswith(b"HTTP/1.1 200 ") and header(head, "Content-Length") == str(len(FEED))
    assert FEED not in head.split(b"HTTP/1.1 404 ")[0]
    assert status(post) == 405 and header(post, "Allow") == "GET, HEAD"
    assert header(post, "Connection") == "close"


def test_stopping_does_not_wait_for_idle_connections(tmp_path):
    with feed_server(tmp_path / "feeds") as (server, _):
        idle = [connect(server) for _ in range(3)]
        try:
            idle[0].sendall(get())
            assert idle[0].recv(65536).startswith(b"HTTP/1.1 200 ")
            time.sleep(0.1)  # all three are being served
            server.shutdown()
            stopping = threading.Thread(target=server.server_close, daemon=True)
            started = time.monotonic()
            stopping.start()
            stopping.join(5)
            assert not stopping.is_alive() and time.monotonic() - started < 2
        finally:
            for sock in idle:
                sock.close()


def test_stopping_ends_open_connections_and_their_threads(tmp_path):
    # Handler threads left mid-call when the interpreter shuts down can hang it, so a stop
    # ends each connection (the idle timeout is 10 s) and waits for its thread.
    with feed_server(tmp_path / "feeds") as (server, _):
        idle = [connect(server, timeout=5) for _ in range(3)]
        try:
            time.sleep(0.2)  # all three are being served
            assert len(server.open) == 3
            threads = list(server.open)
            server.shutdown()
            started = time.monotonic()
            server.server_close()
            assert time.monotonic() - started < 2
            assert not any(thread.is_alive() for thread in threads)
            assert [read_to_close(sock) for sock in idle] == [b""] * 3
        finally:
            for sock in idle:
                sock.close()


def test_a_ctrl_c_while_a_thread_starts_stops_the_server(tmp_path, monkeypatch):
    # Ctrl-C can land while socketserver waits for a new handler thread to start, by which
    # time the thread may have served its client and given its slot back. Then the interrupt
    # must go on, not turn into an error the server logs and carries on past.
    (tmp_path / "all.ics").write_bytes(FEED)
    server = FeedServer(tmp_path, "127.0.0.1", 0, [].append, max_connections=2)
    start = threading.Thread.start
    reached = []

    def start_then_interrupt(thread):
        handler = thread._target == server.process_request_thread  # gone once it has run
        start(thread)
        if handler:
            thread.join(5)  # served (the client has gone) and its slot given back
            reached.append(thread.is_alive())
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", start_then_interrupt)
    ours, theirs = socket.socketpair()
    theirs.close()  # the client has gone: the handler reads nothing and ends
    try:
        with pytest.raises(KeyboardInterrupt):
            server.process_request(ours, ("127.0.0.1", 1))
        assert reached == [False]
        assert [server.slots.acquire(blocking=False) for _ in range(3)] == [True, True, False]
    finally:
        server.server_close()


def _answers(sock, count):
    """Send `count` requests on one connection, each after the last answer; their heads."""
    heads = []
    for _ in range(count):
        sock.sendall(get())
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.endswith(FEED):
            chunk = sock.recv(65536)
            if not chunk:
                return heads
            reply += chunk
        heads.append(reply.split(b"\r\n\r\n", 1)[0])
    return heads


def test_a_connection_is_closed_after_its_share_of_requests(tmp_path):
    with feed_server(tmp_path / "feeds", max_requests=3) as (server, _), connect(server) as sock:
        heads = _answers(sock, 5)
        assert len(heads) == 3 and [b"Connection: close" in h for h in heads] == [False] * 2 + [
            True
        ]
        assert read_to_close(sock) == b""


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_connection_is_closed_after_its_lifetime(tmp_path):
    with (
        feed_server(tmp_path / "feeds", lifetime=0.5) as (server, _),
        connect(server) as sock,
    ):
        (first,) = _answers(sock, 1)
        time.sleep(0.7)
        (second,) = _answers(sock, 1)
        assert b"Connection: close" not in first and b"Connection: close" in second
        assert read_to_close(sock) == b""


def test_keep_alive_clients_cannot_hold_every_slot(tmp_path):
    # With three of four slots taken, every answer closes its connection: a crowd of
    # keep-alive clients makes room for others instead of holding the slots between them.
    with feed_server(tmp_path / "feeds", max_connections=4) as (server, _):
        socks = [connect(server) for _ in range(3)]
        try:
            assert wait_for(lambda: len(server.open) == 3, seconds=5)
            (head,) = _answers(socks[0], 1)
            assert b"Connection: close" in head and read_to_close(socks[0]) == b""
        finally:
            for sock in socks:
                sock.close()


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_slow_reader_is_cut_off(tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "all.ics").write_bytes(b"X" * 64 * 2**20)  # far more than the socket buffers hold
    with feed_server(feeds, send_time=1.0) as (server, _):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect(server.server_address[:2])
        with sock:
            sock.sendall(get())
            started, received = time.monotonic(), 0
            with contextlib.suppress(ConnectionResetError):
                while chunk := sock.recv(1024):  # about 100 KB a second, at most
                    received += len(chunk)
                    time.sleep(0.01)
                    assert time.monotonic() - started < 8, "still being served"
    assert received < 64 * 2**20 / 4


@pytest.mark.parametrize("target", [b"//[", b"http://[::1/", b"//[x]:80/all.ics"])
def test_a_target_no_address_reader_can_read_is_not_found(tmp_path, target):
    # urlsplit raises on these: once, that ended the connection with no answer at all.
    with feed_server(tmp_path / "feeds") as (server, lines):
        reply = exchange(
            server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
    assert reply.startswith(b"HTTP/1.1 404 ")
    assert lines and lines[-1].endswith('" 404')
