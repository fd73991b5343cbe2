"""The promise under ordinary use: random sequences of a team's commands over simulated years.

A hypothesis state machine runs builds, moves, cancels, reinstates, postponements, retimes,
releases, rule edits and next-year rolls at increasing dates, and checks after every step
what subscribers and the regulator rely on:

- the next build is accepted: no ordinary command leaves a record that calendar-gen refuses;
- no release ever shown has left the feeds, and no SEQUENCE ever went down; a new start or
  status comes with a higher SEQUENCE and a DTSTAMP no earlier (RFC 5545 3.8.7.4);
- the history published for a release only grows: its past is never rewritten;
- a command that was refused changed no byte of the schedules or the feeds.

CI runs a few sequences with a fixed seed; `make model` runs many more.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import icalendar
import pytest
from helpers import MONTHLY, write_schedules
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from calendar_gen import usecases
from calendar_gen.errors import CalendarGenError

pytestmark = pytest.mark.slow

WEEKLY = (
    MONTHLY.replace("Test topic", "Weekly topic")
    .replace("monthly-bulletin", "weekly-count")
    .replace("Monthly bulletin", "Weekly count")
    .replace('"monthly"', '"weekly"')
    .replace('"second tuesday"', '"thursday"')
)
# Announced to the month while provisional, as GOV.UK allows: its event's start changes
# from a month to a day when it is confirmed.
MONTHLY_TO_THE_MONTH = MONTHLY + 'provisional = "month"\n'
DAYS = ("second tuesday", "third wednesday", "last thursday", "first monday")
KINDS = ("move", "cancel", "reinstate", "postpone", "retime", "released")
START = dt.date(2014, 3, 3)
# The long run (make model) sets MODEL_EXAMPLES; CI runs a few, always the same ones.
EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "6"))


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by its path: what a refused command must leave as it was."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _events(feed: Path) -> dict[str, tuple[int, str, str, str]]:
    """Each event of `feed` by UID: its SEQUENCE, start, STATUS and DTSTAMP."""
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    return {str(e["UID"]): _seen(e) for e in calendar.walk("VEVENT")}


def _seen(e: icalendar.Event) -> tuple[int, str, str, str]:
    start, stamp = e.decoded("DTSTART").isoformat(), e.decoded("DTSTAMP").isoformat()
    return int(e["SEQUENCE"]), start, str(e["STATUS"]), stamp


class TeamYears(RuleBasedStateMachine):
    """A team's programme, worked on at increasing dates, in a folder of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="model-"))
        self.schedules = write_schedules(
            self.root / "schedules", {"test": MONTHLY_TO_THE_MONTH, "weekly": WEEKLY}
        )
        self.out = self.root / "feeds"
        self.today = START
        self.shown: dict[str, tuple[int, str, str, str]] = {}  # every UID ever shown, as last
        self.histories: dict[str, list[dict[str, str | None]]] = {}  # as last published

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # --- what a step does --------------------------------------------------------------

    def _build(self) -> None:
        usecases.build(self.schedules, self.out, as_of=self.today, wait=5)
        self._look()

    def _refused_changes_nothing(self, command, *args, **options) -> bool:
        """Run a command; if refused, it must have changed no byte. Whether it was accepted."""
        before = _snapshot(self.root)
        try:
            command(*args, **options)
        except CalendarGenError:
            assert _snapshot(self.root) == before, f"refused {command.__name__} changed files"
            return False
        return True

    def _next_build_accepted(self) -> None:
        """A build of a copy, as of today: what the team's next build would meet."""
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "copy"
            shutil.copytree(self.root, copy)
            usecases.build(copy / "schedules", copy / "feeds", as_of=self.today, wait=5)

    def _rows(self) -> list[dict]:
        path = self.out / "releases.json"
        return json.loads(path.read_text()) if path.exists() else []

    def _look(self) -> None:
        """What subscribers are shown now, held to what they were shown before."""
        shown = _events(self.out / "all.ics")
        for uid, (sequence, start, status, stamp) in self.shown.items():
            assert uid in shown, f"{uid} was shown and has left the feeds"
            now = shown[uid]
            assert now[0] >= sequence, f"{uid}: SEQUENCE went down"
            if now[1:3] != (start, status):
                assert now[0] > sequence, f"{uid}: {now[1:3]} after {start, status}, same SEQUENCE"
                assert now[3] >= stamp, f"{uid}: DTSTAMP went back"
        self.shown.update(shown)
        for row in self._rows():
            old = self.histories.get(row["uid"], [])
            assert row["history"][: len(old)] == old, f"{row['uid']}: its history was rewritten"
            self.histories[row["uid"]] = row["history"]

    # --- the rules ---------------------------------------------------------------------

    @initialize()
    def first_build(self) -> None:
        self._build()

    @rule(days=st.integers(1, 90))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule()
    def build(self) -> None:
        self._build()

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def change(self, data: st.DataObject, kind: str) -> None:
        rows = self._rows()
        if kind == "released":
            rows = [r for r in rows if r["date"] <= self.today.isoformat()]
        if not rows:
            return
        row = data.draw(st.sampled_from(sorted(rows, key=lambda r: (r["date"], r["uid"]))))
        day = dt.date.fromisoformat(row["date"])
        new_day = day + dt.timedelta(days=data.draw(st.integers(-5, 25)))
        common = {"as_of": self.today, "schedules": self.schedules, "wait": 5}
        match kind:
            case "move":
                call = (usecases.move, row["id"], day, new_day, "late data")
            case "cancel":
                call = (usecases.cancel, row["id"], day, "withdrawn")
            case "reinstate":
                call = (usecases.reinstate, row["id"], day, "back")
                common["to"] = data.draw(st.sampled_from([None, new_day]))
            case "postpone":
                call = (usecases.postpone, row["id"], day, "awaiting data")
            case "retime":
                call = (
                    usecases.retime,
                    row["id"],
                    day,
                    dt.time(data.draw(st.integers(7, 16))),
                    "ONS",
                )
            case "released":
                call = (usecases.released, row["id"], day, "https://www.gov.uk/statistics/x")
        if self._refused_changes_nothing(*call, **common):
            self._next_build_accepted()

    @rule(day=st.sampled_from(DAYS))
    def edit_the_rule(self, day: str) -> None:
        topic = self.schedules / "test.toml"
        topic.write_text(re.sub(r'^day = ".*"$', f'day = "{day}"', topic.read_text(), flags=re.M))
        self._next_build_accepted()

    @precondition(lambda self: self.today >= START + dt.timedelta(days=240))
    @rule(avoid=st.booleans())
    def next_year(self, avoid: bool) -> None:
        rolled = self._refused_changes_nothing(
            usecases.next_year, self.schedules, self.out, as_of=self.today,
            avoid_clashes=avoid, early=True, wait=5,
        )  # fmt: skip
        if rolled:
            self._look()
            self._next_build_accepted()

    @rule()
    def a_hand_edit_of_the_past(self) -> None:
        """A sealed confirmation, or the day of a sealed [[shown]] row, moved back a day by
        hand in a clone with no feeds: the record alone refuses it."""
        text = (self.schedules / "announcements.toml").read_text()
        sealed = r'^(?:confirmed|on) = (\S+)\n(?:releases = \[\n(?:    .*\n)*\]\n)?seal = "'
        if (found := re.search(sealed, text, re.M)) is None:
            return event("hand edit: nothing sealed yet")
        event(f"hand edit: {found[0].split()[0]} moved back")
        day = dt.date.fromisoformat(found[1]) - dt.timedelta(days=1)
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "schedules"
            shutil.copytree(self.schedules, copy)
            edited = text[: found.start(1)] + str(day) + text[found.end(1) :]
            (copy / "announcements.toml").write_text(edited)
            with pytest.raises(CalendarGenError, match="is not what the build that"):
                usecases.build(copy, Path(scratch) / "feeds", as_of=self.today, wait=5)

    @invariant()
    def today_is_a_date_the_record_accepts(self) -> None:
        usecases.check(self.schedules)  # the record, read back, is one calendar-gen accepts


TeamYears.TestCase.settings = settings(
    max_examples=EXAMPLES,
    derandomize="MODEL_EXAMPLES" not in os.environ,  # the long run looks somewhere new each time
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_ordinary_use_never_breaks_the_promise_or_locks_the_programme = TeamYears.TestCase
