"""Read one iCalendar text with several independent parsers, and check they all agree.

The parsers: icalendar, the strict `ical` package, vobject, recurring-ical-events, ical.js
(through node, one process for the whole run; `make test-tools` installs it into
tests/js/node_modules) and libical (a small C reader, tests/libical/read.c, compiled once per
session; `make test-tools` installs gcc and Debian's libical-dev). A missing parser fails
every test that reads a feed: the suite never passes on fewer readers than it claims. Tests
that read a feed this way are marked `interop`.
"""

from __future__ import annotations

import atexit
import datetime as dt
import difflib
import functools
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import icalendar
import recurring_ical_events
import vobject
from helpers import outside_tool
from ical.calendar_stream import IcsCalendarStream

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")
ICALJS = bool(NODE) and (JS / "node_modules").is_dir()
LIBICAL = Path(__file__).parent / "libical" / "read.c"


class Event(NamedTuple):
    """What a subscriber's calendar takes from one VEVENT. Times are UTC when a parser can
    place them (naive means floating)."""

    uid: str | None
    start: dt.datetime | dt.date | None
    end: dt.datetime | dt.date | None
    status: str | None
    sequence: int | None
    summary: str | None
    description: str | None
    categories: tuple[str, ...] | None
    url: str | None = None


def _utc(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def _str(value) -> str | None:
    return None if value is None else str(value)


def _int(value) -> int | None:
    return None if value is None else int(value)


def _from_icalendar(e: icalendar.Event) -> Event:
    return Event(
        uid=_str(e.get("UID")),
        start=_utc(e.start),
        end=_utc(e.end),
        status=_str(e.get("STATUS")),
        sequence=_int(e.get("SEQUENCE")),
        summary=_str(e.get("SUMMARY")),
        description=_str(e.get("DESCRIPTION")),
        categories=tuple(str(c) for c in e.categories),
        url=_str(e.get("URL")),
    )


def read_icalendar(text: str) -> list[Event]:
    return [_from_icalendar(e) for e in icalendar.Calendar.from_ical(text).events]


def read_recurring(text: str) -> list[Event]:
    """recurring-ical-events, which computes occurrences the way calendar views do."""
    calendar = icalendar.Calendar.from_ical(text)
    order = {str(e.get("UID")): i for i, e in enumerate(calendar.events)}
    occurrences = recurring_ical_events.of(calendar).all()
    return [_from_icalendar(e) for e in sorted(occurrences, key=lambda e: order[str(e["UID"])])]


def read_ical(text: str) -> list[Event]:
    return [
        Event(
            uid=e.uid,
            start=_utc(e.dtstart),
            end=_utc(e.end),
            status=e.status.value if e.status else None,
            sequence=e.sequence,
            summary=e.summary,
            description=e.description,
            categories=tuple(e.categories),
            url=e.url,
        )
        for e in IcsCalendarStream.calendar_from_ics(text).events
    ]


def _value(component, name: str):
    lines = component.contents.get(name)
    return lines[0].value if lines else None


def read_vobject(text: str) -> list[Event]:
    calendar = vobject.readOne(text)
    # vobject keeps the first VTIMEZONE it ever meets for a TZID, for the whole process; place
    # times with this document's own VTIMEZONE instead, as a client reading it would.
    zones = {z.tzid.value: z.gettzinfo() for z in calendar.contents.get("vtimezone", [])}
    events = []
    for e in calendar.contents.get("vevent", []):
        start = e.dtstart.value
        tzid = e.dtstart.params.get("X-VOBJ-ORIGINAL-TZID", [None])[0]
        if tzid in zones:
            start = start.replace(tzinfo=zones[tzid])
        duration = _value(e, "duration")
        end = start + duration if duration is not None else _value(e, "dtend")
        events.append(
            Event(
                uid=_value(e, "uid"),
                start=_utc(start),
                end=_utc(end),
                status=_value(e, "status"),
                sequence=_int(_value(e, "sequence")),
                summary=_value(e, "summary"),
                description=_value(e, "description"),
                categories=tuple(c for p in e.contents.get("categories", []) for c in p.value),
                url=_value(e, "url"),
            )
        )
    return events


def _run(name: str, command: list[str], text: str):
    """What `command` prints as JSON when given `text`; fail when it fails."""
    done = subprocess.run(
        command, input=text.encode(), capture_output=True, timeout=60, check=False
    )
    if done.returncode:
        raise AssertionError(f"{name} failed:\n{done.stderr.decode()}")
    return json.loads(done.stdout)


def _when(value: str | None):
    if value is None:
        return None
    if "T" not in value:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value)  # "...Z" gives UTC


def _from_json(events: list[dict]) -> list[Event]:
    """Events a reader in another language printed, with times as ISO 8601 text."""
    return [
        Event(**{**{k: v for k, v in e.items() if k != "alarms"}, "start": _when(e["start"]),
                 "end": _when(e["end"]), "categories": tuple(e["categories"])})
        for e in events
    ]  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.stdin.close()  # it ends when its input does
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class LineProcess:
    """A helper process kept for the whole test run (per worker) that answers each line it
    is sent (a JSON document) with one line, {"result": ...} or {"error": "..."}: starting
    node, or node and Chromium, for each question took most of the interop tests' time."""

    def __init__(self, name: str, command: list[str], timeout: float, env=None) -> None:
        self.name, self._command, self._timeout, self._env = name, command, timeout, env
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            # What it says on stderr goes to a file, kept as long as it runs: a full pipe
            # would stall it.
            self._errors = tempfile.TemporaryFile()  # noqa: SIM115
            self._process = subprocess.Popen(self._command, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors,
                                             env=self._env)  # fmt: skip
            atexit.register(_stop, self._process)
        return self._process

    def _line(self, process: subprocess.Popen[bytes]) -> bytes:
        """The next line it prints, failing if none comes in time."""
        stdout, found = process.stdout.fileno(), b""
        deadline = time.monotonic() + self._timeout
        while not found.endswith(b"\n"):
            ready, _, _ = select.select([stdout], [], [], max(0, deadline - time.monotonic()))
            chunk = os.read(stdout, 1 << 16) if ready else b""
            if not chunk:
                process.kill()
                process.wait()
                self._errors.seek(0)
                raise AssertionError(f"{self.name} failed:\n{self._errors.read().decode()}")
            found += chunk
        return found

    def ask(self, question: object):
        """The answer to `question`; fail with what it said when it could not answer."""
        with self._lock:
            process = self._started()
            process.stdin.write(json.dumps(question).encode() + b"\n")
            process.stdin.flush()
            answer = json.loads(self._line(process))
        if "error" in answer:
            raise AssertionError(f"{self.name} failed:\n{answer['error']}")
        return answer["result"]


# parse.mjs --each-line reads each document afresh, as a new process would.
_ICALJS = LineProcess("ical.js", [str(NODE), str(JS / "parse.mjs"), "--each-line"], timeout=60)


def _icaljs(text: str) -> list[dict]:
    outside_tool("node (ical.js)")
    assert NODE and ICALJS, "ical.js is not installed: run make test-tools (node and npm)"
    return _ICALJS.ask(text)


def read_icaljs(text: str) -> list[Event]:
    return _from_json(_icaljs(text))


@functools.cache
def _libical_reader() -> str:
    """tests/libical/read.c, compiled once into a temporary folder."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "no C compiler for the libical reader: run make test-tools (gcc)"
    folder = Path(tempfile.mkdtemp(prefix="calendar-gen-libical-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    command = [compiler, "-O1", str(LIBICAL), "-o", str(folder / "read"), "-lical"]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, (
        f"cannot build the libical reader; run make test-tools (libical-dev):\n"
        f"{done.stderr.decode()}"
    )
    return str(folder / "read")


def read_libical(text: str) -> list[Event]:
    outside_tool("libical")
    found = _run("libical", [_libical_reader()], text)
    # libical keeps going past a property it cannot parse, and says so only in X-LIC-ERROR.
    assert not found["errors"], f"libical could not parse: {found['errors']}"
    return _from_json(found["events"])


Alarm = tuple[str, int]  # (ACTION, TRIGGER as seconds from the event's start)


def alarms_icalendar(text: str) -> list[list[Alarm]]:
    return [
        [(str(a["ACTION"]), int(a["TRIGGER"].dt.total_seconds())) for a in e.walk("VALARM")]
        for e in icalendar.Calendar.from_ical(text).events
    ]


def alarms_icaljs(text: str) -> list[list[Alarm]]:
    return [[(a["action"], a["trigger"]) for a in e["alarms"]] for e in _icaljs(text)]


def alarms_libical(text: str) -> list[list[Alarm]]:
    outside_tool("libical")
    found = _run("libical", [_libical_reader()], text)
    assert not found["errors"], f"libical could not parse: {found['errors']}"
    return [[(a["action"], a["trigger"]) for a in e["alarms"]] for e in found["events"]]


def assert_alarms_agree(ics: str | bytes) -> list[list[Alarm]]:
    """Each event's alarms as icalendar, ical.js and libical read them; fail if they differ."""
    text = ics.decode() if isinstance(ics, bytes) else ics
    found = {"icalendar": alarms_icalendar(text), "ical.js": alarms_icaljs(text),
             "libical": alarms_libical(text)}  # fmt: skip
    assert found["ical.js"] == found["icalendar"], found
    assert found["libical"] == found["icalendar"], found
    return found["icalendar"]


READERS = {
    "icalendar": read_icalendar,
    "ical": read_ical,
    "vobject": read_vobject,
    "recurring-ical-events": read_recurring,
    "ical.js": read_icaljs,
    "libical": read_libical,
}


def parse_all(ics: str | bytes) -> dict[str, list[Event]]:
    """The events of `ics` as each available parser reads them, by parser name."""
    text = ics.decode() if isinstance(ics, bytes) else ics
    found = {}
    for name, read in READERS.items():
        try:
            found[name] = read(text)
        except Exception as error:
            raise AssertionError(f"{name} cannot read the calendar: {error!r}") from error
    return found


def _show(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else repr(value)


def _lines(events: list[Event]) -> list[str]:
    """One line per field, so a diff points at the field that differs."""
    lines = []
    for i, event in enumerate(events):
        lines += [f"event {i} {field}: {_show(value)}" for field, value in event._asdict().items()]
    return lines


def assert_parsers_agree(ics: str | bytes) -> list[Event]:
    """The events every parser reads from `ics`; fail with a diff when any parser differs."""
    found = parse_all(ics)
    reference = found.pop("icalendar")
    problems = []
    for name, events in found.items():
        if events != reference:
            diff = difflib.unified_diff(_lines(reference), _lines(events), "icalendar", name, n=0)
            problems.append("\n".join(line.rstrip("\n") for line in diff))
    assert not problems, "parsers disagree:\n" + "\n".join(problems)
    return reference
