"""Clash checks against other calendars: named, fetched from the web, and kept apart."""

import contextlib
import datetime as dt
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from helpers import PROGRAMME, drip, run_cli, write_schedules
from test_clash import EXTERNAL, ONE, TWO

from calendar_gen.errors import CalendarFileError
from calendar_gen.web import calendars

ONS = EXTERNAL.replace("\n", "\r\n").encode()
EMPTY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Empty//EN\r\nEND:VCALENDAR\r\n"


ROUTES = {
    "/ons.ics": (200, {}, ONS),
    "/empty.ics": (200, {}, EMPTY),
    "/big.ics": (200, {}, ONS * 20),
    "/moved": (301, {"Location": "/ons.ics"}, b""),
    "/to-a-file": (302, {"Location": "file:///etc/passwd"}, b""),
}
D = dt.date


class Handler(http.server.BaseHTTPRequestHandler):
    """Calendars, a redirect or two, a missing file, one too big and one that never comes."""

    def do_GET(self):
        server = self.server
        routes = ROUTES
        if self.path == "/silent":
            server.release.wait(30)  # answers nothing until the test is over
            return
        status, headers, body = routes.get(self.path, (404, {}, b"not here"))
        # A client that refuses the answer (too big) hangs up while it is being sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    """A web server on 127.0.0.1 only, for the test's calendars."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.release = threading.Event()
    # Polled every 50 ms, not every 0.5 s: shutdown() waits for the next poll.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


def clashes(tmp_path, *args, topic=ONE, settings=""):
    write_schedules(tmp_path / "schedules", {"t": topic}, PROGRAMME + settings)
    return run_cli("clashes", "--period", "2014/15", "--as-of", "2014-04-01", *args,
                   cwd=tmp_path)  # fmt: skip


def test_a_named_calendar_from_the_web_names_both_sides(tmp_path, web):
    result = clashes(tmp_path, "--against", f"ONS={web}/ons.ics")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Tue 13 May 2014  external  Official one (09:30, T) on the day of Labour market "
        "statistics (all day, ONS); suggest moving Official one to Wed 14 May 2014"
    )
    assert "Retail sales (09:30, ONS)" in lines[1]
    assert lines[-1] == "7 clashes in 2014/15"
    # Unnamed, a calendar is named by its address's host or its file's name; redirects
    # within http are followed.
    (tmp_path / "ons-2014.ics").write_bytes(ONS)
    named = clashes(tmp_path, "--against", f"{web}/moved", "--against", "ons-2014.ics")
    assert "Labour market statistics (all day, 127.0.0.1); Labour market statistics " \
        "(all day, ons-2014)" in named.stdout  # fmt: skip


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.ics", "cannot be fetched: the server answered 404 Not Found"),
        (
            "/to-a-file",
            "cannot be fetched: the server answered 302 Found - Redirection to url "
            "'file:///etc/passwd' is not allowed",
        ),
        ("/big.ics", "is more than 20,000 bytes, too large for a calendar"),
        pytest.param(
            "/silent",
            "cannot be fetched: no complete answer within 2 seconds",
            marks=pytest.mark.slow,
        ),  # waits out its time limit
    ],
)
def test_a_calendar_that_cannot_be_fetched_is_a_clear_error(tmp_path, web, monkeypatch, path,
                                                           message):  # fmt: skip
    monkeypatch.setattr(calendars, "MAX_BYTES", 20_000)
    # Only the server that never answers meets the timeout; the others answer within the
    # usual 30 seconds however loaded the machine is.
    if path == "/silent":
        monkeypatch.setattr(calendars, "TIMEOUT", 2.0)
    result = clashes(tmp_path, "--against", f"{web}{path}")
    assert result.returncode == 2
    assert result.stderr == f"{web}{path}: {message}\n"


def test_unreachable_and_webcal_addresses(tmp_path, web):
    # Nothing listens on port 9 of this machine.
    closed = clashes(tmp_path, "--against", "http://127.0.0.1:9/x.ics")
    assert closed.returncode == 2
    assert closed.stderr.startswith("http://127.0.0.1:9/x.ics: cannot be fetched: ")
    # webcal:// is fetched as https://, which a plain http server cannot answer.
    port = web.rsplit(":", 1)[1]
    secure = clashes(tmp_path, "--against", f"ONS=webcal://127.0.0.1:{port}/ons.ics")
    assert secure.returncode == 2 and "Traceback" not in secure.stderr
    assert secure.stderr.startswith(
        f"https://127.0.0.1:{port}/ons.ics: cannot be fetched: no secure (https) connection: "
    )
    assert calendars.web_address("WEBCAL://stats.example/a.ics") == "https://stats.example/a.ics"
    assert calendars.web_address("ftp://stats.example/a.ics") is None  # a file name, then
    missing = clashes(tmp_path, "--against", "ONS=nowhere.ics")
    assert (missing.returncode, missing.stderr) == (2, "nowhere.ics: cannot be read: No such "
                                                       "file or directory\n")  # fmt: skip


def test_redirects_never_leave_http_or_go_down_from_https():
    handler = calendars._Redirects()
    request = urllib.request.Request("https://a.example/cal.ics")
    with pytest.raises(CalendarFileError, match="never from https to http"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://a.example/cal.ics")
    upgraded = handler.redirect_request(urllib.request.Request("http://a.example/c.ics"), None,
                                        302, "Found", {}, "https://a.example/c.ics")  # fmt: skip
    assert upgraded.full_url == "https://a.example/c.ics"


def test_a_file_name_with_an_equals_sign_is_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a=b.ics").write_bytes(EMPTY)
    assert calendars.split_name("a=b.ics") == (None, "a=b.ics")
    assert calendars.split_name("ONS=b.ics") == ("ONS", "b.ics")
    assert calendars.split_name("https://x.example/a=b.ics") == (None, "https://x.example/a=b.ics")


def test_a_calendar_with_nothing_in_the_window_is_warned_about(tmp_path, web):
    result = clashes(tmp_path, "--against", f"Empty={web}/empty.ics")
    assert result.returncode == 0
    assert result.stderr == (
        f"warning: Empty ({web}/empty.ics) has no events from Tue 08 Apr 2014 to Tue 10 Mar "
        "2015: is it the calendar you meant?\n"
    )


def test_only_one_kind_of_clash(tmp_path, web):
    settings = '[[blackout]]\nfrom = 2015-03-01\nuntil = 2015-03-31\nreason = "purdah"\n'
    every = clashes(tmp_path, "--against", f"{web}/ons.ics", "--format", "json", topic=TWO,
                    settings=settings)  # fmt: skip
    kinds = {c.split('"kind": "')[1].split('"')[0] for c in every.stdout.split("{")[1:]}
    assert kinds == {"same-day", "external", "blackout"}
    for kind in kinds:
        only = clashes(tmp_path, "--against", f"{web}/ons.ics", "--only", kind, topic=TWO,
                       settings=settings)  # fmt: skip
        assert only.returncode == 1
        assert {line.split()[4] for line in only.stdout.splitlines()[:-1]} == {kind}


# Two publications whose nearest clear days would be the same Wednesday.
THURSDAY = """
[[publication]]
id = "thursday"
title = "Thursday one"
designation = "Official Statistics"
frequency = "monthly"
day = "third thursday"
"""
NEIGHBOURS = ONE + THURSDAY
BUSY_DAY = (
    b"BEGIN:VEVENT\r\nUID:%d\r\nDTSTAMP:20140101T000000Z\r\nDTSTART;VALUE=DATE:201405%02d\r\n"
    b"SUMMARY:Busy\r\nEND:VEVENT\r\n"
)
BUSY = EMPTY.replace(b"END:VCALENDAR", b"".join(BUSY_DAY % (d, d) for d in (13, 15, 16))
                     + b"END:VCALENDAR")  # fmt: skip


def test_suggestions_collide_with_nothing(tmp_path):
    (tmp_path / "busy.ics").write_bytes(BUSY)
    result = clashes(tmp_path, "--against", "busy.ics", topic=NEIGHBOURS)
    lines = [line for line in result.stdout.splitlines() if "May 2014" in line[:15]]
    # Tuesday 13 May takes Wednesday 14th; Thursday 15th would too (Friday 16th is busy), so
    # it gets the next clear day, Monday 12th (Tuesday 13th is the other's until it moves).
    assert lines[0].endswith("suggest moving Official one to Wed 14 May 2014")
    assert lines[1].endswith("suggest moving Thursday one to Mon 12 May 2014")
    suggested = [line.rsplit(" to ", 1)[1] for line in result.stdout.splitlines() if " to " in line]
    assert len(suggested) == len(set(suggested))


def test_next_year_avoids_a_named_web_calendar(tmp_path, web):
    write_schedules(tmp_path / "schedules", {"t": ONE})
    result = run_cli("next-year", "--avoid-clashes", "--dry-run", "--against",
                     f"ONS={web}/ons.ics", "--as-of", "2015-03-01", cwd=tmp_path)  # fmt: skip
    # ons.ics holds only 2014/15's events: nothing to avoid in 2015/16, and a warning says so.
    assert result.returncode == 0, result.stderr
    assert "ONS (" in result.stderr and "has no events from Wed 01 Apr 2015" in result.stderr
    may = ONS.replace(b"20140513", b"20150512").replace(b"20140514", b"20150513")
    (tmp_path / "ons.ics").write_bytes(may)
    moved = run_cli("next-year", "--avoid-clashes", "--dry-run", "--against", "ONS=ons.ics",
                    "--as-of", "2015-03-01", cwd=tmp_path)  # fmt: skip
    assert "would move official from Tuesday 12 May 2015 to Wednesday 13 May 2015: to avoid " \
        "Labour market statistics (all day, ONS) on the same day" in moved.stdout  # fmt: skip


# A title that would retitle the terminal (OSC), clear it (CSI, and C1's one-byte CSI) and
# read backwards (a right-to-left override, an isolate).
RAW_TITLE = "Retail \x1b]0;owned\x07sales\x1b[2J \x9b31m \u202eevil\u2066 end"
SHOWN_TITLE = "Retail \\x1b]0;owned\\x07sales\\x1b[2J \\x9b31m \\u202eevil\\u2066 end"


def test_another_calendars_escape_sequences_never_reach_the_terminal(tmp_path):
    other = tmp_path / "hostile.ics"
    other.write_bytes(ONS.replace(b"SUMMARY:Retail sales", f"SUMMARY:{RAW_TITLE}".encode()))
    table = clashes(tmp_path, "--against", f"ONS={other}")
    assert table.returncode == 1
    assert f"on the day of {SHOWN_TITLE} (09:30, ONS)" in table.stdout
    unsafe = "\x1b\x07\x9b\u202e\u2066"
    assert not set(unsafe) & set(table.stdout)
    # JSON is data: the title exactly as the other calendar has it.
    data = json.loads(clashes(tmp_path, "--against", f"ONS={other}", "--format", "json").stdout)
    assert f"{RAW_TITLE} (09:30, ONS)" in [e for clash in data for e in clash["events"]]


def test_a_line_break_in_another_calendars_title_starts_no_line(tmp_path):
    # iCalendar writes a line break in a text as \n (RFC 5545 3.3.11); printed as it is, the
    # rest would read as a line of its own, here the count of clashes.
    other = tmp_path / "forged.ics"
    other.write_bytes(ONS.replace(b"SUMMARY:Retail sales",
                                  b"SUMMARY:Retail sales\\n0 clashes in 2014/15"))  # fmt: skip
    table = clashes(tmp_path, "--against", f"ONS={other}")
    assert table.returncode == 1
    assert "on the day of Retail sales 0 clashes in 2014/15 (09:30, ONS)" in table.stdout
    assert not any(line.startswith("0 clashes") for line in table.stdout.splitlines())


def test_an_error_naming_a_hostile_file_shows_its_escapes(tmp_path):
    result = clashes(tmp_path, "--against", "ONS=missing\x1b[2J\u202e.ics")
    assert result.returncode == 2
    assert "missing\\x1b[2J\\u202e.ics: cannot be read" in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


# --- what another calendar may cost -----------------------------------------------------------

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"
DRIPPED = {
    "/headers": HEAD + b"X-Slow: " + b"a" * 2000,  # headers that never end
    "/body": HEAD + b"Content-Length: %d\r\n\r\n%s" % (len(ONS), ONS),
    "/unsized": HEAD + b"Connection: close\r\n\r\n" + ONS,  # a body ended by closing
}


class Dripping(http.server.BaseHTTPRequestHandler):
    """Answers a byte every 20 ms: each read comes well within any per-read timeout."""

    def do_GET(self):
        drip(self, DRIPPED[self.path])

    def log_message(self, *args):
        pass


@pytest.fixture
def dripping():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    server.daemon_threads = True
    server.release, server.cut_off = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


# The real command, with a short total time for a fetch, so the test takes seconds.
QUICK = (
    "import sys\nfrom calendar_gen.web import calendars\ncalendars.TIMEOUT = 1.5\n"
    "from calendar_gen.cli import main\nsys.argv[0] = 'calendar-gen'\nmain()\n"
)


def clashes_process(tmp_path, *args, script=QUICK):
    if not (tmp_path / "schedules").exists():
        write_schedules(tmp_path / "schedules", {"t": ONE})
    command = [sys.executable, "-c", script, "clashes", "--as-of", "2014-04-01", *args]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)


@pytest.mark.slow  # waits out its time limits on purpose
@pytest.mark.parametrize("path", sorted(DRIPPED))
def test_a_server_dripping_its_answer_cannot_stretch_the_time_limit(tmp_path, dripping, path):
    url = f"http://127.0.0.1:{dripping.server_address[1]}{path}"
    timer = time.monotonic()
    result = clashes_process(tmp_path, "--against", f"ONS={url}")
    took = time.monotonic() - timer
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"{url}: cannot be fetched: no complete answer within 1.5 seconds\n"
    # The whole answer would take 30 s or more; the interpreter's start takes a second or two.
    assert took < 12
    assert dripping.cut_off.wait(10)  # the server saw the connection shut


def _fifo(path):
    os.mkfifo(path)


def _zero(path):
    path.symlink_to("/dev/zero")


def _folder(path):
    path.mkdir()


def _huge(path):
    with open(path, "wb") as file:  # sparse: more than 20 MB, on no disk
        file.truncate(calendars.MAX_BYTES + 1)


@pytest.mark.parametrize(
    ("plant", "message"),
    [
        (_fifo, "is a FIFO, not a calendar file: --against takes an .ics file"),
        (_zero, "is a device, not a calendar file"),
        (_folder, "is a folder, not a calendar file"),
        (_huge, "is more than 20,971,520 bytes, too large for a calendar"),
    ],
)
def test_a_calendar_file_that_is_no_file_is_refused_unopened(tmp_path, plant, message,
                                                            run_limited):  # fmt: skip
    from test_hardening import everything

    write_schedules(tmp_path / "schedules", {"t": ONE})
    plant(tmp_path / "other.ics")
    before = everything(tmp_path)
    result = run_limited("clashes", "--as-of", "2014-04-01", "--against", "other.ics",
                         cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"other.ics: {message}")
    assert "Traceback" not in result.stderr
    assert everything(tmp_path) == before


def _daily_since(year: int) -> bytes:
    event = (
        b"BEGIN:VEVENT\r\nUID:daily\r\nDTSTAMP:20140101T000000Z\r\nDTSTART;VALUE=DATE:%04d0101"
        b"\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Every day\r\nEND:VEVENT\r\n" % year
    )
    return EMPTY.replace(b"END:VCALENDAR", event + b"END:VCALENDAR")


def test_a_daily_event_over_centuries_is_refused_in_well_under_a_second(tmp_path, monkeypatch):
    from calendar_gen.checks.clash import read_calendar

    timer = time.monotonic()
    with pytest.raises(CalendarFileError, match="has more than 20,000 events and repeats"):
        read_calendar("old.ics", D(2014, 4, 1), D(2015, 3, 31), "Europe/London",
                      data=_daily_since(1))  # fmt: skip
    assert time.monotonic() - timer < 0.8
    # Fifty years of it are within the limit: every day of the year looked at is busy.
    recent = read_calendar("recent.ics", D(2014, 4, 1), D(2015, 3, 31), "Europe/London",
                           data=_daily_since(1970))  # fmt: skip
    assert D(2014, 4, 1) in recent and D(2015, 3, 31) in recent


def test_a_daily_event_over_centuries_is_refused_from_a_file_and_the_web(tmp_path, web,
                                                                        monkeypatch):  # fmt: skip
    (tmp_path / "old.ics").write_bytes(_daily_since(1000))
    monkeypatch.setitem(ROUTES, "/old.ics", (200, {}, _daily_since(1000)))
    for where in ("old.ics", f"{web}/old.ics"):
        result = clashes(tmp_path, "--against", where)
        assert result.returncode == 2
        assert result.stderr.startswith(f"{where}: has more than 20,000 events and repeats of ")
        assert '(the event "Every day" among them)' in result.stderr


def test_an_event_with_several_rules_is_expanded_and_a_broken_one_is_plainly_refused(tmp_path):
    rules = b"".join(b"RRULE:FREQ=%s;COUNT=2\r\n" % f for f in (b"DAILY", b"WEEKLY", b"MONTHLY"))
    several = _daily_since(2014).replace(b"RRULE:FREQ=DAILY\r\n", rules)
    (tmp_path / "several.ics").write_bytes(several.replace(b"20140101", b"20140513"))
    result = clashes(tmp_path, "--against", "several.ics")
    assert result.returncode == 1, result.stderr
    assert "Tue 13 May 2014  external" in result.stdout  # the first day all three rules share
    broken = {
        "two-starts.ics": b"DTSTART;VALUE=DATE:20140601\r\nRRULE",
        "bad-until.ics": b"RRULE:FREQ=DAILY;UNTIL=2015\r\nRRULE",
        "bad-exdate.ics": b"EXDATE:soon\r\nRRULE",
    }
    for name, lines in broken.items():
        (tmp_path / name).write_bytes(several.replace(b"RRULE", lines, 1))
        refused = clashes(tmp_path, "--against", name)
        assert refused.returncode == 2, name
        assert refused.stderr.startswith(f"{name}: is not a readable iCalendar file: "), name
        for python in ("attribute", "'list'", "'get'", "Traceback", "object"):
            assert python not in refused.stderr, (name, refused.stderr)
