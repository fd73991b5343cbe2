"""The shipped programme held to schedules/SOURCES.md, the table of real 2014/15 release dates.

Every day found for a 2014/15 release must be a confirmed release of that publication on that
day in the built feeds, as announced or moved there with the reason the record gives; every
month found must hold one. The record must be what calendar-gen would have kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from dataclasses import dataclass

import icalendar
import pytest
from helpers import ROOT, SHIPPED, run_cli, unsealed_table

from calendar_gen.domain.model import Period
from calendar_gen.programme.schedule import load_programme

SOURCES = SHIPPED / "SOURCES.md"
FEEDS = ROOT / "feeds"
PERIOD = Period.parse("2014/15")
EVIDENCE = ("seen", "inferred", "month only", "not found")
BLANK = "\N{EN DASH}"  # an empty cell of the table
MOVED = re.compile(r"moved from (\d{4}-\d{2}-\d{2}): (.+)")
RULE_DAY = re.compile(r"the rule's day: (\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Row:
    """One line of the table: a release of a publication and where its date was found."""

    id: str
    edition: str
    released: str  # a day, a month (YYYY-MM), "not found" or "none"
    evidence: str
    time: str
    record: str  # how announcements.toml holds it; BLANK outside 2014/15
    source: str
    note: str

    @property
    def day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.released) if len(self.released) == 10 else None

    @property
    def month(self) -> str | None:
        return self.released[:7] if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", self.released) else None

    @property
    def in_period(self) -> bool:
        return (
            self.month is not None
            and PERIOD.start <= dt.date.fromisoformat(f"{self.month}-01") <= PERIOD.end
        )


def read_table(text: str) -> list[Row]:
    """The rows of the table under '## The table'."""
    section = text.split("\n## The table\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["id", "edition", "released", "evidence", "time", "in the record",
                      "source", "note"]  # fmt: skip
    rows = []
    for line in lines[2:]:  # after the header and its separator
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == len(header), line
        rows.append(Row(*cells))
    return rows


ROWS = read_table(SOURCES.read_text("utf-8"))
DAYS = [r for r in ROWS if r.in_period and r.day]
MONTHS = [r for r in ROWS if r.in_period and r.evidence == "month only"]


def released() -> dict[tuple[str, dt.date], dict]:
    """The built feeds' releases (releases.json), by publication and day."""
    rows = json.loads((FEEDS / "releases.json").read_text("utf-8"))
    return {(r["id"], dt.date.fromisoformat(r["date"])): r for r in rows}


def events() -> dict[str, icalendar.Event]:
    """The events of the built all.ics, by UID."""
    calendar = icalendar.Calendar.from_ical((FEEDS / "all.ics").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_table_names_every_shipped_publication_and_only_those():
    assert {r.id for r in ROWS} == {p.id for p in load_programme(SHIPPED).publications}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.id} {r.released}")
def test_each_row_says_how_its_date_was_found(row):
    assert row.evidence in EVIDENCE, row
    if row.evidence in ("seen", "inferred"):
        assert row.day or row.released == "none", row
    elif row.evidence == "month only":
        assert re.fullmatch(r"\d{4}-\d{2}", row.released), row
    else:
        assert row.released == "not found", row
    if row.released not in ("not found", "none"):
        assert row.source.startswith(("http://", "https://")), row
    # A release of the programme's year says how the record holds it; no other does.
    assert (row.record != BLANK) == (row.in_period and row.released != "none"), row


@pytest.mark.parametrize("row", DAYS, ids=lambda r: f"{r.id} {r.released}")
def test_every_2014_15_day_found_is_a_confirmed_release_on_that_day(row):
    found = released().get((row.id, row.day))
    assert found is not None, f"{row.id}: no release on {row.day} in feeds/releases.json"
    assert found["status"] == "confirmed"
    event = events()[found["uid"]]
    assert event.start.date() == row.day
    assert str(event["STATUS"]) == "CONFIRMED"
    if row.record == "as announced":
        assert found["history"] == []
    else:
        moved = MOVED.fullmatch(row.record)
        assert moved, row.record
        (change,) = found["history"]
        assert (change["action"], change["from"], change["to"], change["reason"]) == (
            "moved", moved.group(1), row.released, moved.group(2)
        )  # fmt: skip
        was, now = (dt.date.fromisoformat(d) for d in (moved.group(1), row.released))
        assert f" from {was:%A} {was.day} {was:%B %Y} to {now:%A} {now.day} " in str(
            event["DESCRIPTION"]
        )
    if time := re.match(r"\d\d:\d\d", row.time):
        assert found["start"][11:16] == time.group()


@pytest.mark.parametrize("row", MONTHS, ids=lambda r: f"{r.id} {r.released}")
def test_every_2014_15_month_found_holds_a_release_on_the_rules_day(row):
    ours = [day for (pub_id, day), r in released().items()
            if pub_id == row.id and f"{day:%Y-%m}" == row.released]  # fmt: skip
    rule_day = RULE_DAY.fullmatch(row.record)
    assert rule_day, row.record
    assert ours == [dt.date.fromisoformat(rule_day.group(1))]
    assert released()[(row.id, ours[0])]["history"] == []


def test_the_table_checks_the_real_dates_it_should():
    # Guards the parser: a table read wrongly would make the tests above check nothing.
    # Four immigration releases, three Terrorism Act ones, and one each of crime outcomes,
    # drug misuse, hate crimes, police powers, police workforce (July), drug seizures,
    # the animals statistics and alcohol licensing.
    assert len(DAYS) == 15
    assert {r.id for r in MONTHS} == {
        "crimes-against-businesses", "firearm-certificates", "police-workforce"
    }  # fmt: skip


def _first_day(entry: dict) -> dt.date:
    return entry["change"][0]["from"] if "change" in entry else entry["date"]


def test_the_record_confirms_each_release_four_weeks_before_its_first_day():
    record = tomllib.loads((SHIPPED / "announcements.toml").read_text("utf-8"))["release"]
    assert len(record) == len(json.loads((FEEDS / "releases.json").read_text("utf-8")))
    for entry in record:
        assert entry["confirmed"] == _first_day(entry) - dt.timedelta(weeks=4), entry
        for change in entry.get("change", []):
            assert entry["confirmed"] <= change["on"] <= min(change["from"], change["to"])


# A year replayed: 47 builds of the shipped programme and its moves, seconds in all.
@pytest.mark.slow
def test_the_record_is_what_calendar_gen_would_have_kept(tmp_path):
    """Rebuild it from the rules alone, building on each day a release came within notice and
    making each recorded move on its day: the same."""
    shipped = tomllib.loads((SHIPPED / "announcements.toml").read_text("utf-8"))["release"]
    shutil.copytree(SHIPPED, tmp_path / "schedules",
                    ignore=shutil.ignore_patterns("announcements.toml"))  # fmt: skip
    moves = {
        change["on"]: (entry["id"], change)
        for entry in shipped
        for change in entry.get("change", [])
    }
    for day in sorted({entry["confirmed"] for entry in shipped} | set(moves)):
        assert run_cli("build", "--as-of", str(day), cwd=tmp_path).returncode == 0
        if day in moves:
            pub_id, change = moves[day]
            move = run_cli("move", pub_id, str(change["from"]), str(change["to"]),
                           "--reason", change["reason"], "--as-of", str(day),
                           cwd=tmp_path)  # fmt: skip
            assert move.returncode == 0, move.stderr
    built = run_cli("build", "--as-of", str(PERIOD.end), cwd=tmp_path)
    assert built.returncode == 0 and built.stderr == "", built.stderr
    kept = tomllib.loads((tmp_path / "schedules" / "announcements.toml").read_text("utf-8"))
    key = lambda entry: (entry["id"], entry["month"])  # noqa: E731
    # As a record no build has published from: without the seals the builds put on it.
    assert sorted(map(unsealed_table, kept["release"]), key=key) == sorted(shipped, key=key)


def test_a_text_file_in_the_schedules_folder_is_not_read_as_a_schedule(shipped_schedules):
    # SOURCES.md sits beside the topic files; only *.toml files are schedules.
    assert SOURCES.is_file()
    folder = shipped_schedules
    (folder / "NOTES.md").write_text('[[publication]]\nid = "Not A Slug"\nthis is not TOML\n')
    (folder / "crime.toml.bak").write_text("nor this")
    programme = load_programme(folder)
    assert [p.id for p in programme.publications] == [
        p.id for p in load_programme(SHIPPED).publications
    ]
