"""Fuzzing what calendar-gen reads besides the schedules: the files it published last
(releases.json, the build's manifest, the journal) and other producers' calendars
(`--against`). Whatever they hold, reading them gives an answer or one of our own errors
naming the file, within a second: never another exception, never a hang.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time

import pytest
from helpers import GOLDEN, examples
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from calendar_gen.checks.clash import read_calendar
from calendar_gen.errors import CalendarFileError, CalendarGenError
from calendar_gen.publishing.site import MANIFEST, last_as_of, previous_build
from calendar_gen.record.promise import read_published
from calendar_gen.workspace.output import JOURNAL, complete_interrupted

pytestmark = pytest.mark.slow

RELEASES = (GOLDEN / "releases.json").read_bytes()
FEED = (GOLDEN / "all.ics").read_bytes()
# Seconds of this process's CPU: no read may take longer, whatever it is given. CPU, not the
# clock: on a loaded machine a worker may wait for a core for seconds (one read of 0.17 s
# CPU once took 9.3 s by the clock with four workers on two cores), and that is no slowness
# of the read's.
SLOW = 1.0


def _damaged(data: bytes, seed: int, edits: int) -> bytes:
    """`data` with `edits` random byte changes, cuts and repeats, the same for a seed."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(edits):
        at = rng.randrange(max(len(out), 1))
        match rng.randrange(4):
            case 0:
                out[at : at + 1] = bytes([rng.randrange(256)])
            case 1:
                del out[at : at + rng.randrange(1, 200)]
            case 2:
                out[at:at] = out[at : at + rng.randrange(1, 400)] * rng.randrange(1, 4)
            case _:
                out[at:at] = rng.choice([b"{", b"}", b"[", b"]", b",", b'"', b"\\", b"\n", b"\r"])
    return bytes(out)


# JSON values of every shape, nested, for rows and members a build never writes.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12,
)  # fmt: skip


@st.composite
def published_texts(draw: st.DrawFn) -> bytes:
    """A releases.json: the golden one damaged, or with rows and members changed."""
    if draw(st.booleans()):
        return _damaged(RELEASES, draw(st.integers(0, 2**32)), draw(st.integers(1, 8)))
    rows = json.loads(RELEASES)
    for _ in range(draw(st.integers(1, 4))):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        key = draw(st.sampled_from([*row, "precision", "extra"]))
        row[key] = draw(VALUES)
    if draw(st.booleans()):
        rows.append(draw(VALUES))
    layout = draw(st.sampled_from(["build", "compact"]))
    if layout == "compact":
        return json.dumps(rows).encode()
    return ("[\n" + ",\n".join(f"  {json.dumps(r)}" for r in rows) + "\n]\n").encode()


def _timed(read, *args, **options):
    started = time.process_time()
    try:
        return read(*args, **options)
    finally:
        assert time.process_time() - started < SLOW, "a read took too long"


@examples(300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(published_texts())
def test_a_damaged_releases_json_is_read_or_refused_clearly(tmp_path, text):
    path = tmp_path / "releases.json"
    path.write_bytes(text)
    try:
        found = _timed(read_published, path)
    except CalendarGenError as error:
        assert str(path) in str(error)
        event("refused")
    else:
        assert isinstance(found, list)
        event("read")


@examples(200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.builds(lambda seed, n: _damaged(b'{"fingerprint": "x", "files": {}, "as_of": '
                                       b'"2014-04-01", "quiet_until": "2014-04-30"}', seed, n),
              st.integers(0, 2**32), st.integers(1, 6)),
    VALUES.map(lambda v: json.dumps(v).encode()),
))  # fmt: skip
def test_a_damaged_manifest_only_ever_means_build_again(tmp_path, text):
    (tmp_path / MANIFEST).write_bytes(text)
    # Anything but a manifest of these very inputs means a full build: never an exception.
    assert _timed(previous_build, tmp_path, "another digest", dt.date(2014, 4, 2)) is None
    # Of these inputs ("x"), it is what the last build said, or nothing if it cannot be read.
    said = _timed(previous_build, tmp_path, "x", dt.date(2014, 4, 2))
    assert said is None or (said["fingerprint"] == "x" and "quiet_until" in said)
    event("skipped" if said else "build")
    found = _timed(last_as_of, tmp_path)
    assert found is None or isinstance(found, dt.date)


@examples(200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VALUES.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=300))
def test_a_damaged_journal_renames_nothing_of_anyones(tmp_path, text):
    (tmp_path / "keep.toml").write_text("kept")
    (tmp_path / JOURNAL).write_bytes(text)
    try:
        renamed = _timed(complete_interrupted, tmp_path)
    except CalendarGenError as error:
        assert JOURNAL in str(error)
        renamed = 0
    assert renamed == 0
    assert (tmp_path / "keep.toml").read_text() == "kept"


ICS_LINES = st.sampled_from([
    "DTSTART:20140506T093000Z", "DTSTART;VALUE=DATE:20140506", "DTSTART;TZID=Nowhere:20140506T0930",
    "DTSTART:2014", "DTEND:20130101", "DURATION:P9999D", "DURATION:-PT1H", "RRULE:FREQ=DAILY",
    "RRULE:FREQ=YEARLY;COUNT=99999", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20991231",
    "RRULE:FREQ=SECONDLY", "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;INTERVAL=0", "RRULE:garbage",
    "EXDATE:20140507T093000Z", "RDATE:20140508", "RDATE;VALUE=PERIOD:20140101T000000Z/PT1H",
    "STATUS:CANCELLED", "SUMMARY:\x1b]0;owned\x07", "SUMMARY:" + "x" * 500, "UID:a", "UID:a",
    "RECURRENCE-ID:20140506T093000Z", "BEGIN:VALARM", "END:VALARM", "BEGIN:VEVENT",
    "END:VEVENT", "BEGIN:VTIMEZONE", "TZID:Nowhere", "END:VTIMEZONE", " folded", "X-ODD:;;;",
])  # fmt: skip


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    """Another producer's calendar: ours damaged, or events made of odd lines."""
    if draw(st.booleans()):
        return _damaged(FEED, draw(st.integers(0, 2**32)), draw(st.integers(1, 6)))
    events = [
        "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in draw(st.lists(ICS_LINES,
                                                                              max_size=8)))
        + "END:VEVENT\r\n"
        for _ in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()  # fmt: skip


@examples(300)
@given(calendars())
def test_another_calendar_is_read_or_refused_clearly_and_quickly(text):
    where = "other.ics"
    try:
        busy = _timed(read_calendar, where, dt.date(2014, 4, 1), dt.date(2015, 3, 31),
                      "Europe/London", name="other", data=text)  # fmt: skip
    except CalendarFileError as error:
        assert str(error).startswith(where)
        event("refused")
    else:
        assert all(isinstance(day, dt.date) for day in busy)
        event("read")


def test_the_golden_files_themselves_are_read(tmp_path):
    """The undamaged files read back, so the refusals above are the damage's doing."""
    path = tmp_path / "releases.json"
    path.write_bytes(RELEASES)
    assert len(read_published(path)) == len(json.loads(RELEASES))
    busy = read_calendar("all.ics", dt.date(2014, 4, 1), dt.date(2015, 3, 31), "Europe/London",
                         data=FEED)  # fmt: skip
    days = {r["date"] for r in json.loads(RELEASES) if "2014-04-01" <= r["date"] <= "2015-03-31"}
    assert {day.isoformat() for day in busy} >= days
