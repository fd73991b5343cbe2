"""Clashes: same day, other producers' calendars, blackouts; and rolling to next year."""

import datetime as dt
import json

import pytest
from helpers import MONTHLY, PROGRAMME, examples, run_cli, write_schedules
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st
from interop import assert_parsers_agree

from calendar_gen.checks import clash
from calendar_gen.checks.clash import (
    Board,
    Event,
    avoid_clashes,
    find_clashes,
    priority,
    read_calendar,
)
from calendar_gen.domain.model import Period
from calendar_gen.domain.releases import expand
from calendar_gen.domain.workdays import is_working_day
from calendar_gen.programme.schedule import load_programme

D = dt.date

# Two monthly publications on the second Tuesday: they meet every month.
TWO = """\
topic = "T"

[[publication]]
id = "official"
title = "Official one"
designation = "Official Statistics"
frequency = "monthly"
day = "second tuesday"

[[publication]]
id = "national"
title = "National one"
designation = "National Statistics"
frequency = "monthly"
day = "second tuesday"
"""
ONE = TWO.split('\n[[publication]]\nid = "national"')[0]


def programme_of(tmp_path, topic=TWO, settings=""):
    return load_programme(write_schedules(tmp_path, {"t": topic}, PROGRAMME + settings))


def test_same_day_clash_moves_official_statistics_to_the_nearest_clear_day(tmp_path):
    programme = programme_of(tmp_path)
    clashes = find_clashes(programme, expand(programme), {})
    assert len(clashes) == 12
    april = clashes[0]
    assert (april.date, april.kind) == (D(2014, 4, 8), "same-day")
    assert {r.publication.id for r in april.releases} == {"official", "national"}
    # Tuesday 8 April 2014: Monday 7th and Wednesday 9th are equally near; later wins.
    assert (april.mover.publication.id, april.suggestion) == ("official", D(2014, 4, 9))
    assert clashes[0].as_dict() == {
        "date": "2014-04-08", "kind": "same-day", "releases": ["national", "official"],
        "events": [], "reason": "", "move": "official", "suggestion": "2014-04-09",
    }  # fmt: skip


def test_publications_released_together_do_not_clash(tmp_path):
    together = TWO.replace('"Official one"', '"Official one"\nreleased_with = ["national"]')
    programme = programme_of(tmp_path, together)
    assert find_clashes(programme, expand(programme), {}) == []


def test_max_releases_per_day(tmp_path):
    programme = programme_of(tmp_path, settings="max_releases_per_day = 2\n")
    assert find_clashes(programme, expand(programme), {}) == []


def test_later_declared_moves_when_designations_match(tmp_path):
    both_official = TWO.replace("National Statistics", "Official Statistics")
    programme = programme_of(tmp_path, both_official)
    assert find_clashes(programme, expand(programme), {})[0].mover.publication.id == "national"


EXTERNAL = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Other producer//EN
BEGIN:VEVENT
UID:all-day
DTSTAMP:20140101T000000Z
DTSTART;VALUE=DATE:20140513
DTEND;VALUE=DATE:20140514
SUMMARY:Labour market statistics
END:VEVENT
BEGIN:VEVENT
UID:zoned-without-vtimezone
DTSTAMP:20140101T000000Z
DTSTART;TZID=Europe/London:20140610T093000
DTEND;TZID=Europe/London:20140610T100000
SUMMARY:Retail sales
END:VEVENT
BEGIN:VEVENT
UID:utc-late-evening
DTSTAMP:20140101T000000Z
DTSTART:20140707T233000Z
DURATION:PT30M
SUMMARY:Midnight data drop
END:VEVENT
BEGIN:VEVENT
UID:floating
DTSTAMP:20140101T000000Z
DTSTART:20140812T093000
SUMMARY:Floating release
END:VEVENT
BEGIN:VEVENT
UID:recurring
DTSTAMP:20140101T000000Z
DTSTART;TZID=Europe/London:20140909T070000
DTEND;TZID=Europe/London:20140909T080000
RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=3
EXDATE;TZID=Europe/London:20141014T070000
SUMMARY:Monthly briefing
END:VEVENT
BEGIN:VEVENT
UID:week-long
DTSTAMP:20140101T000000Z
DTSTART;VALUE=DATE:20141208
DTEND;VALUE=DATE:20141213
SUMMARY:Conference week
END:VEVENT
BEGIN:VEVENT
UID:ends-at-midnight
DTSTAMP:20140101T000000Z
DTSTART:20150112T220000Z
DTEND:20150113T000000Z
SUMMARY:Evening event
END:VEVENT
END:VCALENDAR
"""


def test_external_calendar_days(tmp_path):
    path = tmp_path / "other.ics"
    path.write_text(EXTERNAL.replace("\n", "\r\n"))
    period = Period.parse("2014/15")
    busy = read_calendar(path, period.start, period.end, "Europe/London", name="ONS")
    assert busy == {
        D(2014, 5, 13): [Event("Labour market statistics", None, "ONS")],
        D(2014, 6, 10): [Event("Retail sales", dt.time(9, 30), "ONS")],
        # 23:30 UTC on 7 July is 00:30 on the 8th in London (BST).
        D(2014, 7, 8): [Event("Midnight data drop", dt.time(0, 30), "ONS")],
        D(2014, 8, 12): [Event("Floating release", dt.time(9, 30), "ONS")],
        # Second Tuesdays from September, three times, less 14 October.
        D(2014, 9, 9): [Event("Monthly briefing", dt.time(7, 0), "ONS")],
        D(2014, 11, 11): [Event("Monthly briefing", dt.time(7, 0), "ONS")],
        **{D(2014, 12, d): [Event("Conference week", None, "ONS")] for d in range(8, 13)},
        # 22:00 to midnight GMT on 12 January: the 13th is free.
        D(2015, 1, 12): [Event("Evening event", dt.time(22, 0), "ONS")],
    }
    assert busy[D(2014, 6, 10)][0].label == "Retail sales (09:30, ONS)"
    assert busy[D(2014, 5, 13)][0].label == "Labour market statistics (all day, ONS)"


def test_external_clashes(tmp_path):
    programme = programme_of(tmp_path, ONE)
    path = tmp_path / "other.ics"
    path.write_text(EXTERNAL)
    days = read_calendar(path, programme.period.start, programme.period.end, programme.timezone)
    busy = {day: [e.label for e in events] for day, events in days.items()}
    clashes = find_clashes(programme, expand(programme), busy)
    assert [(c.date, c.kind) for c in clashes] == [
        (D(2014, 5, 13), "external"),
        (D(2014, 6, 10), "external"),
        (D(2014, 7, 8), "external"),
        (D(2014, 8, 12), "external"),
        (D(2014, 9, 9), "external"),
        (D(2014, 11, 11), "external"),
        (D(2014, 12, 9), "external"),
    ]
    assert clashes[0].events == ("Labour market statistics (all day)",)
    # Tuesday 9 December: the week of the 8th to the 12th is taken; Friday 5th is 4 days
    # away, Monday 15th 6.
    assert clashes[-1].suggestion == D(2014, 12, 5)


@pytest.mark.parametrize(
    ("start", "until", "dates"),
    [
        # Second Tuesdays: 13 January, 10 February, 10 March 2015.
        ("2015-01-13", "2015-02-10", [D(2015, 1, 13), D(2015, 2, 10)]),
        ("2015-01-14", "2015-02-09", []),
        ("2015-03-10", "2015-03-10", [D(2015, 3, 10)]),
    ],
)
def test_blackout_edges(tmp_path, start, until, dates):
    settings = f'[[blackout]]\nfrom = {start}\nuntil = {until}\nreason = "pre-election period"\n'
    programme = programme_of(tmp_path, ONE, settings)
    clashes = find_clashes(programme, expand(programme), {})
    assert [c.date for c in clashes] == dates
    assert all(c.kind == "blackout" and c.reason == "pre-election period" for c in clashes)


def test_suggestion_leaves_the_blackout(tmp_path):
    settings = '[[blackout]]\nfrom = 2015-01-12\nuntil = 2015-01-16\nreason = "purdah"\n'
    programme = programme_of(tmp_path, ONE, settings)
    (clash,) = find_clashes(programme, expand(programme), {})
    # Tuesday 13 January 2015 in a blackout to Friday 16th: Friday 9th is 4 days away,
    # Monday 19th 6.
    assert clash.suggestion == D(2015, 1, 9)


def test_avoid_clashes_moves_what_is_not_announced(tmp_path):
    programme = programme_of(tmp_path)
    moves = avoid_clashes(programme, expand(programme), {})
    assert len(moves) == 12
    assert {m.release.publication.id for m in moves} == {"official"}
    assert (moves[0].release.date, moves[0].new_date) == (D(2014, 4, 8), D(2014, 4, 9))
    assert moves[0].reason == "to avoid a clash with National one on the same day"
    assert all(is_working_day(m.new_date, "england-and-wales") for m in moves)
    assert all(m.new_date.month == m.release.date.month for m in moves)


def test_clashes_command_exit_codes_and_json(tmp_path):
    write_schedules(tmp_path / "schedules", {"t": TWO})
    result = run_cli("clashes", "--format", "json", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 1
    # The second Tuesday of every month from April 2014 to April 2015, twelve months on.
    assert len(json.loads(result.stdout)) == 13
    table = run_cli("clashes", "--period", "2014/15", "--as-of", "2014-04-01", cwd=tmp_path)
    assert "Tue 08 Apr 2014  same-day  2 releases on one day: National one (09:30, T); " \
        "Official one (09:30, T); suggest moving Official one to Wed 09 Apr 2014" \
        in table.stdout  # fmt: skip
    (tmp_path / "schedules" / "t.toml").write_text(ONE)
    assert run_cli("clashes", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.ics").write_text("BEGIN:VCALENDAR\nnot a calendar")
    bad = run_cli("clashes", "--against", "bad.ics", cwd=tmp_path)
    assert bad.returncode == 2
    assert "bad.ics: is not a readable iCalendar file" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_next_year_refuses_a_programme_that_has_ended(tmp_path, shipped_schedules):
    before = (tmp_path / "schedules" / "programme.toml").read_bytes()
    result = run_cli("next-year", "--as-of", "2015-03-01", cwd=tmp_path)
    assert result.returncode == 2
    assert "ends on 2015-03-31" in result.stderr
    assert (tmp_path / "schedules" / "programme.toml").read_bytes() == before


@pytest.mark.interop
def test_next_year_on_the_shipped_programme(tmp_path, shipped_schedules):
    programme = tmp_path / "schedules" / "programme.toml"
    programme.write_text(programme.read_text().replace("ends = 2015-03-31\n", ""))
    result = run_cli("next-year", "--as-of", "2015-03-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "period is now 2015/16" in result.stdout
    programme_text = (tmp_path / "schedules" / "programme.toml").read_text()
    assert 'period = "2015/16"\n' in programme_text
    assert "# The standard release time for official statistics." in programme_text
    # The animals statistics on the second Thursday of July 2015 (the 1st is a Wednesday),
    # at ten; no alcohol licensing figures in 2015/16, whose collection was dropped.
    assert "Thu 09 Jul 2015  10:00" in result.stdout
    feed = (tmp_path / "feeds" / "other.ics").read_text()
    # 2014/15's two announced releases (Thursday 10 July and Thursday 11 December 2014)
    # stay, before 2015/16's one.
    assert [e.uid for e in assert_parsers_agree(feed)] == [
        "scientific-procedures-on-animals-2014-07@home-office",
        "alcohol-licensing-2014-12@home-office",
        "scientific-procedures-on-animals-2015-07@home-office",
    ]
    assert "from April 2015 to March 2016 and 47 announced before, kept as history" in result.stdout
    assert "DTSTART;TZID=Europe/London:20150709T100000" in feed


def test_next_year_avoid_clashes(tmp_path):
    settings = '[[blackout]]\nfrom = 2015-06-01\nuntil = 2015-06-30\nreason = "a June pause"\n'
    write_schedules(tmp_path / "schedules", {"t": TWO}, PROGRAMME + settings)
    other = tmp_path / "ons.ics"
    # Wednesday 13 May 2015: the day the official release would move to.
    other.write_text(EXTERNAL.replace("20140513", "20150513").replace("20140514", "20150514"))
    args = ("next-year", "--avoid-clashes", "--against", "ons.ics", "--as-of", "2015-03-01")
    before = (tmp_path / "schedules" / "programme.toml").read_bytes()
    # June 2015 is blacked out entirely: those releases have nowhere to go, which --strict
    # makes a failure. A dry run says what it would do, in the conditional, and writes nothing.
    tried = run_cli(*args, "--dry-run", "--strict", cwd=tmp_path)
    assert tried.returncode == 1, tried.stderr
    assert "schedules/programme.toml: period would become 2015/16" in tried.stdout
    assert "would move official from Tuesday 14 April 2015 to Wednesday 15 April" in tried.stdout
    assert "period is now" not in tried.stdout
    assert (tmp_path / "schedules" / "programme.toml").read_bytes() == before
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # rolled: the clashes left are reported
    assert "moved official from Tuesday 14 April 2015 to Wednesday 15 April 2015: to avoid " \
        "a clash with National one on the same day" in result.stdout  # fmt: skip
    # Tuesday 12 May 2015: Wednesday 13th has the external event, so Monday 11th.
    assert "moved official from Tuesday 12 May 2015 to Monday 11 May 2015" in result.stdout
    assert "3 clashes left in 2015/16" in result.stdout
    after = run_cli("clashes", "--against", "ons.ics", "--format", "json", "--period", "2015/16",
                    "--as-of", "2015-03-01", cwd=tmp_path)  # fmt: skip
    left = json.loads(after.stdout)
    assert [(c["date"], c["kind"]) for c in left] == [
        ("2015-06-09", "same-day"),
        ("2015-06-09", "blackout"),
        ("2015-06-09", "blackout"),
    ]
    rows = json.loads(run_cli("list", "--format", "json", cwd=tmp_path).stdout)
    assert all(is_working_day(D.fromisoformat(r["date"]), "england-and-wales") for r in rows)
    moved = [r for r in rows if r["history"]]
    assert len(moved) == 11  # every month but June
    assert {r["id"] for r in moved} == {"official"}
    assert (
        'reason = "to avoid a clash with National one on the same day"'
        in (tmp_path / "schedules" / "announcements.toml").read_text()
    )


# --- the board's answers, by brute force -----------------------------------------------------


class BruteBoard(Board):
    """The board as it was first written: every count made afresh from the day's releases."""

    def units(self, releases):
        ids = {r.publication.id for r in releases}
        parent = {i: i for i in ids}

        def root(i):
            while parent[i] != i:
                i = parent[i]
            return i

        for r in releases:
            for other in r.publication.released_with:
                if other in ids:
                    parent[root(r.publication.id)] = root(other)
        return len({root(i) for i in ids})

    def clear_for(self, release, day):
        if not is_working_day(day, release.publication.rule.region):
            return False
        if day in self.external or self.blackout(day):
            return False
        others = [r for r in self.days.get(day, []) if r is not release]
        return self.units([*others, release]) <= self.programme.max_releases_per_day

    def same_day_mover(self, releases, movable):
        count = self.units(releases)
        candidates = [r for r in movable if self.units([o for o in releases if o is not r]) < count]
        return max(candidates, key=lambda r: priority(r, self.order), default=None)


DAYS = ("second tuesday", "second wednesday", "10", "12", "2nd working day", "last friday")


@st.composite
def crowded_programmes(draw):
    """Up to a dozen monthly publications on a few days, some released together."""
    count = draw(st.integers(2, 12))
    tables = []
    for i in range(count):
        others = st.integers(0, count - 2).map(lambda j, i=i: j + (j >= i))  # not itself
        partners = draw(st.lists(others, max_size=2))
        tables.append(
            f'[[publication]]\nid = "p{i}"\ntitle = "P{i}"\n'
            f'designation = "{draw(st.sampled_from(("Official", "National")))} Statistics"\n'
            f'frequency = "monthly"\nday = "{draw(st.sampled_from(DAYS))}"\n'
            f'holidays = "{draw(st.sampled_from(("england-and-wales", "scotland")))}"\n'
            f"released_with = {json.dumps(sorted({f'p{j}' for j in partners}))}\n"
        )
    settings = f"max_releases_per_day = {draw(st.integers(1, 3))}\n"
    if draw(st.booleans()):
        settings += '[[blackout]]\nfrom = 2014-06-09\nuntil = 2014-06-13\nreason = "pause"\n'
    busy = draw(st.sets(st.dates(D(2014, 4, 1), D(2015, 3, 31)), max_size=30))
    return 'topic = "T"\n\n' + "\n".join(tables), settings, {d: ["other"] for d in busy}


@examples(150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(crowded_programmes())
def test_the_board_answers_as_brute_force_does(tmp_path_factory, monkeypatch, drawn):
    topic, settings_text, busy = drawn
    programme = programme_of(tmp_path_factory.mktemp("p"), topic, settings_text)
    releases = expand(programme)
    found = BruteBoard(programme, releases, busy).clashes()
    board = Board(programme, releases, busy)
    assert [c.as_dict() for c in board.clashes()] == [c.as_dict() for c in found]
    moves = avoid_clashes(programme, releases, busy)
    with monkeypatch.context() as patched:
        patched.setattr(clash, "Board", BruteBoard)
        assert moves == avoid_clashes(programme, releases, busy)
    event("no clashes" if not found else "clashes, some moved" if moves else "no moves")


def test_next_year_moves_nothing_into_the_past(tmp_path):
    # Rolled on Wednesday 15 April 2015, a fortnight into 2015/16: the second Tuesday of
    # April (the 14th) is out, and the blackout's releases can only move later in the month.
    settings = '[[blackout]]\nfrom = 2015-04-14\nuntil = 2015-04-15\nreason = "a pause"\n'
    write_schedules(tmp_path / "schedules", {"t": TWO}, PROGRAMME + settings)
    result = run_cli("next-year", "--avoid-clashes", "--as-of", "2015-04-15", cwd=tmp_path)
    assert "moved official from Tuesday 14 April" not in result.stdout
    assert result.returncode == 0, result.stdout  # nor is its clash, out already, counted
    assert run_cli("check", cwd=tmp_path).returncode == 0  # the record it wrote loads


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_a_calendar_recurring_more_often_than_daily_is_refused_at_once(tmp_path, frequency):
    # Expanded over a year, a 200-byte file took minutes and gigabytes.
    ticking = EXTERNAL.replace("END:VEVENT", f"RRULE:FREQ={frequency}\nEND:VEVENT", 1)
    (tmp_path / "ticking.ics").write_text(ticking)
    write_schedules(tmp_path / "schedules", {"t": ONE})
    result = run_cli("clashes", "--against", "ticking.ics", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2
    assert f"recurs more often than daily (FREQ={frequency})" in result.stderr


def test_a_daily_rule_made_sub_daily_by_its_hours_and_minutes_is_refused(tmp_path):
    busy = ";".join(("FREQ=DAILY", "BYHOUR=" + ",".join(map(str, range(24))),
                     "BYMINUTE=" + ",".join(map(str, range(60)))))  # fmt: skip
    (tmp_path / "busy.ics").write_text(
        EXTERNAL.replace("END:VEVENT", f"RRULE:{busy}\nEND:VEVENT", 1)
    )
    write_schedules(tmp_path / "schedules", {"t": ONE})
    result = run_cli("clashes", "--against", "busy.ics", "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 2
    assert "recurs more often than daily" in result.stderr


_SURVEY = MONTHLY.replace("Test topic", "Second topic").replace(
    "monthly-bulletin", "labour-survey").replace("Monthly bulletin", "Labour survey").replace(
    "second tuesday", "last thursday")  # fmt: skip


@pytest.mark.parametrize(
    ("commands", "warned"),
    [
        # Thursday 29 May 2014 is the labour survey's day (the last Thursday of May).
        ([("move", "2014-05-13", "2014-05-29")], True),
        ([("move", "2014-05-13", "2014-05-28")], False),
        ([("cancel", "2014-05-13"), ("reinstate", "2014-05-13", "--to", "2014-05-29")], True),
        ([("cancel", "2014-05-13"), ("reinstate", "2014-05-13")], False),
    ],
)
def test_a_change_that_lands_on_a_busy_day_says_so_at_once(tmp_path, commands, warned):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY, "second": _SURVEY})
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    for command, *args in commands:
        done = run_cli(command, "monthly-bulletin", *args, "--reason", "x", "--as-of",
                       "2014-04-01", cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
    said = (
        "warning: monthly-bulletin now clashes: Thu 29 May 2014  same-day  2 releases on one "
        "day: Labour survey (09:30, Second topic); Monthly bulletin (09:30, Test topic)"
    )
    assert (said in done.stderr) is warned


@pytest.mark.parametrize(
    ("args", "code"),
    [
        # 2014/15 ends on 31 March 2015: a roll from 1 January on needs no word.
        (("--as-of", "2015-01-01"), 0),
        (("--as-of", "2014-12-31"), 2),
        (("--as-of", "2014-09-15"), 2),
        (("--as-of", "2014-09-15", "--early"), 0),
    ],
)
def test_rolling_more_than_three_months_early_asks_for_early(tmp_path, args, code):
    write_schedules(tmp_path / "schedules")
    result = run_cli("next-year", "--dry-run", *args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    if code:
        assert "2014/15 runs to 2015-03-31, more than three months after today" in result.stderr
        assert result.stderr.rstrip().endswith(
            "Roll from 2015-01-01 on, or now anyway: calendar-gen next-year --early"
        )
    else:
        assert "period would become 2015/16" in result.stdout
