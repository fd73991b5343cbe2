"""Clash checks against other calendars: named, fetched from the web, and kept apart."""

import http.server
import threading
import urllib.request

import pytest
from helpers import PROGRAMME, run_cli, write_schedules
from test_clash import EXTERNAL, ONE, TWO

from calendar_gen import calendars
from calendar_gen.errors import CalendarFileError

ONS = EXTERNAL.replace("\n", "\r\n").encode()
EMPTY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Empty//EN\r\nEND:VCALENDAR\r\n"


class Handler(http.server.BaseHTTPRequestHandler):
    """Calendars, a redirect or two, a missing file, one too big and one that never comes."""

    def do_GET(self):
        server = self.server
        routes = {
            "/ons.ics": (200, {}, ONS),
            "/empty.ics": (200, {}, EMPTY),
            "/big.ics": (200, {}, ONS * 20),
            "/moved": (301, {"Location": "/ons.ics"}, b""),
            "/to-a-file": (302, {"Location": "file:///etc/passwd"}, b""),
        }
        if self.path == "/silent":
            server.release.wait(30)  # answers nothing until the test is over
            return
        status, headers, body = routes.get(self.path, (404, {}, b"not here"))
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
        ("/silent", "cannot be fetched: no complete answer within 0.5 seconds"),
    ],
)
def test_a_calendar_that_cannot_be_fetched_is_a_clear_error(tmp_path, web, monkeypatch, path,
                                                           message):  # fmt: skip
    monkeypatch.setattr(calendars, "MAX_BYTES", 20_000)
    monkeypatch.setattr(calendars, "TIMEOUT", 0.5)
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
    assert "moved official from Tuesday 12 May 2015 to Wednesday 13 May 2015: to avoid " \
        "Labour market statistics (all day, ONS) on the same day" in moved.stdout  # fmt: skip
