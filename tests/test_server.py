"""The preview server, through a real `calendar-gen serve` process and real HTTP."""

import contextlib
import http.client
import os
import threading
import time

import pytest
from helpers import MONTHLY, run_cli, serving, write_schedules

from calendar_gen.server import watch


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    write_schedules(folder / "schedules")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=folder).returncode == 0
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
    _, port, _ = site
    first, _ = request(port, "GET", "/test.ics")
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert request(port, "GET", "/test.ics", {"If-None-Match": etag})[0].status == 304
    assert request(port, "GET", "/test.ics", {"If-None-Match": f'"x", {etag}'})[0].status == 304
    assert request(port, "GET", "/test.ics", {"If-Modified-Since": modified})[0].status == 304
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
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


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
