"""Benchmark calendar-gen on a synthetic whole-government programme, steady state first.

    .venv/bin/python benchmarks/run.py [--rounds 3] [--sizes 1000,2000,5000,10000]
                                       [--baseline-sizes 2000,10000]

For each size N it writes N monthly publications over 20 topic files: a programme for
2014/15 that ends with the year, with at most 100 releases a day: 12 N releases. Each
command runs in its own process, so that its peak memory is its own, and each figure is the
median of --rounds runs.

The steady state, the headline: today is 1 March 2015, eleven months on, and the record
holds every release confirmed by then (all but the last days of March's).
- first build: into a new feeds folder, the record holding the year as daily builds kept it
  (each release confirmed on the day its notice began: a build publishes no release already
  past that was never announced, so no one build a year on could write it);
- floor: benchmarks/floor.py, the least work that writes the same feeds (tomllib, date
  arithmetic, one string a feed), which must be byte for byte the first build's;
- move, then build: a change recorded, then a build that reads the whole record, holds
  itself to the releases.json it wrote last and rewrites the files the move changed;
- no-change rebuild: the same inputs again, which must rewrite nothing;
- clashes --include-past and list --format json, over the same calendar;
- daily builds: the next six days', each on a new day into the same feeds folder (the
  steady state a team lives in), within 2x the floor; then Sunday's, on which nothing a
  subscriber sees changes: it must change no file and cost a fraction of a daily build;
- next-year of the same programme without its end, the year in its record: under 500 MB.
The empty record: the year's first build, on 1 April 2014, into an empty folder and with no
record yet (it records April's releases), beside the obvious one-icalendar.Event-per-release
script (benchmarks/baseline.py) at --baseline-sizes, whose events (UID, start in UTC,
SUMMARY) must be calendar-gen's, feed by feed.

It also times --help, check and the build of the shipped schedules/, fits each command's
time to N (time ~ N^k over the sizes: linear is k near 1) and prints every figure beside its
target. The exit status is 1 when a check or a target fails. At the default sizes it takes
five to six minutes on 2 cores, half of it in the per-event script and in reading its feeds
back.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import filecmp
import http.server
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import icalendar
from icalendar import Calendar

from calendar_gen.domain.releases import expand
from calendar_gen.domain.workdays import is_working_day
from calendar_gen.programme.schedule import load_programme

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "benchmarks" / "baseline.py"
FLOOR = ROOT / "benchmarks" / "floor.py"
SHIPPED = ROOT / "schedules"
# Today for the year's first build (from an empty record, recording April's releases), and
# for the steady state, eleven months on: every release to the end of March is confirmed,
# and March's are still to come, so they can be moved.
BEFORE, AFTER = "2014-04-01", "2015-03-01"
MOVED_ON = AFTER  # when the steady state's moves are made: before March's releases
# The daily builds after it, each on a new day, into the same feeds folder: the next six,
# each the day after some releases came out; then Sunday's, the day after none did, when
# nothing a subscriber sees changes.
DAILY = ("2015-03-02", "2015-03-03", "2015-03-04", "2015-03-05", "2015-03-06", "2015-03-07")
QUIET = "2015-03-08"
PERIOD = "2014/15"

# --- The synthetic programme ---------------------------------------------------------------

TOPICS = (
    ("agriculture", "Agriculture and food"),
    ("business", "Business, trade & industry"),
    ("crime", "Crime and justice"),
    ("culture", "Culture, media and sport"),
    ("defence", "Defence"),
    ("economy", "Economy"),
    ("education", "Education and skills"),
    ("energy", "Energy"),
    ("environment", "Environment"),
    ("government", "Government and public sector"),
    ("health", "Health and social care"),
    ("housing", "Housing and planning"),
    ("labour-market", "Labour market"),
    ("migration", "Migration"),
    ("population", "Population"),
    ("public-finance", "Public finance"),
    ("science", "Science and technology"),
    ("transport", "Transport"),
    ("wales", "Cymru \N{EN DASH} Wales"),
    ("welfare", "Welfare and pensions"),
)
SUBJECTS = (
    "Police workforce", "Road traffic", "Hospital admissions", "House building",
    "Retail sales", "Energy prices", "Pupil absence", "Benefit claimants", "Visitor numbers",
    "Court proceedings", "Fuel poverty", "Farm incomes", "Air passengers", "Waste recycling",
    "Research spending", "Public sector debt", "Naturalisations", "Library visits",
)  # fmt: skip
FORMS = ("bulletin", "indicators", "open data tables", "summary", "quarterly-rolling estimates")
AREAS = ("England", "England and Wales", "Great Britain", "the UK", "Ynys Môn & Gwynedd")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
ORDINALS = ("first", "second", "third", "fourth", "last", "1st", "2nd", "3rd", "4th")
REGIONS = ("england-and-wales", "scotland", "northern-ireland", "great-britain", "united-kingdom")
ROLLS = ("following", "preceding", "modified-following", "modified-preceding")


def _nth(n: int) -> str:
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _day(rng: random.Random) -> str | int:
    """A day rule in one of the forms schedule files allow."""
    form = rng.randrange(6)
    if form in (0, 1):
        return f"{rng.choice(ORDINALS)} {rng.choice(WEEKDAYS)}"
    if form == 2:
        return rng.choice((rng.randint(1, 31), str(rng.randint(1, 31))))
    if form == 3:
        return rng.choice(("first working day", "last working day"))
    # Up to the 20th, which August 2014 (19 working days in Great Britain) does not have.
    return f"{_nth(rng.randint(2, 20))} working day"


def _toml(value: str | int) -> str:
    """A TOML string or integer: JSON's escapes are TOML's; non-ASCII is written as is."""
    return json.dumps(value, ensure_ascii=False)


def _publication(rng: random.Random, slug: str, number: int) -> str:
    subject, form, area = rng.choice(SUBJECTS), rng.choice(FORMS), rng.choice(AREAS)
    lines = [
        "[[publication]]",
        f'id = "{slug}-{subject.lower().replace(" ", "-")}-{number:05d}"',
        f"title = {_toml(f'{subject} {form}, {area}; series {number}')}",
        f'designation = "{rng.choice(("National Statistics", "Official Statistics"))}"',
        'frequency = "monthly"',
        f"day = {_toml(_day(rng))}",
    ]
    if rng.random() < 0.8:
        description = (
            f"{subject} in {area}, by region and month: counts, rates; and revisions "
            f"to earlier figures (see the notes \\ methodology)."
        )
        if rng.random() < 0.3:
            description += "\nTables and charts follow the bulletin, in the same release."
        lines.append(f"description = {_toml(description)}")
    if rng.random() < 0.7:
        lines.append(f'holidays = "{rng.choice(REGIONS)}"')
    if rng.random() < 0.5:
        lines.append(f'roll = "{rng.choice(ROLLS)}"')
    if rng.random() < 0.3:
        lines.append(rng.choice(('time = "07:00"', 'time = "16:30"', "time = 12:00:00")))
    return "\n".join(lines) + "\n"


def write_programme(folder: Path, publications: int, seed: int = 2014, ends: bool = True) -> int:
    """Write programme.toml and 20 topic files of monthly publications; return the releases.
    `ends`: the programme ends with its year (next-year rolls one that does not)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    (folder / "programme.toml").write_text(
        'organisation = "HM Government"\n'
        f'period = "{PERIOD}"\n'
        'timezone = "Europe/London"\n'
        'release_time = "09:30"\n'
        'holidays = "england-and-wales"\n'
        'roll = "following"\n'
        'uid_domain = "gov.example"\n'
        "max_releases_per_day = 100\n"
        # Every feed there can be: one a publication, each with its reminders too.
        'reminder = "16:00"\n'
        f"publication_feeds = {max(publications, 1)}\n" + ("ends = 2015-03-31\n" if ends else "")
        # The year's programme ends with it: a year later, every release is confirmed and
        # the feeds hold the year's twelve months.
    )
    for index, (slug, name) in enumerate(TOPICS):
        numbers = range(index, publications, len(TOPICS))
        tables = [_publication(rng, slug, n) for n in numbers]
        text = f"topic = {_toml(name)}\n\n" + "\n".join(tables)
        (folder / f"{slug}.toml").write_text(text, encoding="utf-8")
    return 12 * publications


def year_record(schedules: Path) -> str:
    """The record daily builds leave by AFTER: every release confirmed by then, on the day
    its four weeks' notice began. (A build publishes no release already past that was never
    announced, so no single build a year on could write it.)"""
    programme = load_programme(schedules)
    notice, today = dt.timedelta(weeks=programme.notice_weeks), dt.date.fromisoformat(AFTER)
    entries = [
        f'[[release]]\nid = "{r.publication.id}"\nmonth = "{r.scheduled}"\ndate = {r.date}\n'
        f"confirmed = {r.date - notice}\n"
        for r in expand(programme)
        if r.date - notice <= today
    ]
    return "\n".join(entries)


# --- The whole of government on GOV.UK -------------------------------------------------------

GOVUK_ANNOUNCEMENTS = 4_000  # a year of every producer's: GOV.UK's calendar holds a few thousand
GOVUK_TARGET = (
    1.5  # "about the time of a build of the shipped programme": within half as much again
)


def govuk_result(title: str, start: dt.datetime, state: str, display: str, org: str) -> dict:
    """One announcement as the Search API answers it (see calendar_gen/web/govuk.py's sources)."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    return {"title": title, "link": f"/government/statistics/announcements/{slug}",
            "description": f"{title}: the figures.", "release_timestamp": start.isoformat(),
            "display_date": display, "statistics_announcement_state": state,
            "organisations": [{"title": org.replace("-", " ").title(), "slug": org}],
            "content_store_document_type": "official_statistics_announcement"}  # fmt: skip


def govuk_year(schedules: Path, count: int, seed: int = 2015) -> list[dict]:
    """`count` announcements of 2014/15 by 120 producers, some given only to the month or
    cancelled; and the Home Office's releases as the record has them."""
    from zoneinfo import ZoneInfo

    from calendar_gen.domain.model import Precision
    from calendar_gen.domain.releases import calendar
    from calendar_gen.web import govuk

    rng, uk = random.Random(seed), ZoneInfo("Europe/London")
    days = [d for n in range(365) if is_working_day(d := dt.date(2014, 4, 1) + dt.timedelta(n),
                                                      "england-and-wales")]  # fmt: skip
    found = []
    for n in range(count):
        start = dt.datetime.combine(rng.choice(days), dt.time(rng.choice((7, 9, 9, 9)), 30), uk)
        precision = rng.choices(list(Precision), weights=(80, 15, 5))[0]
        state = rng.choices(("confirmed", "provisional", "cancelled"), weights=(30, 68, 2))[0]
        state = "provisional" if precision is not Precision.EXACT else state
        title = f"{rng.choice(SUBJECTS)} {rng.choice(FORMS)}, {rng.choice(AREAS)}: release {n}"
        found.append(govuk_result(title, start, state, govuk.said(start, precision),
                                  f"producer-{n % 120}"))  # fmt: skip
    programme = load_programme(schedules)
    for r in calendar(programme, dt.date.fromisoformat(BEFORE)):
        title = f"{r.publication.title}: {r.scheduled}"
        state = "confirmed" if r.status.value == "confirmed" else "provisional"
        found.append(govuk_result(title, r.start, state, govuk.said(r.start, r.precision),
                                  "home-office"))  # fmt: skip
    return sorted(found, key=lambda x: x["release_timestamp"])


class _SearchAPI(http.server.BaseHTTPRequestHandler):
    """The Search API's paging (start, count) over the year's announcements."""

    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        start, count = int(query["start"][0]), int(query["count"][0])
        results = self.server.results  # type: ignore[attr-defined]
        body = json.dumps({"results": results[start:start + count], "total": len(results),
                           "start": start}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def measure_govuk(work: Path, rounds: int) -> dict[str, list[Run]]:
    """clashes against the year read from a Search API and from a saved answer, and
    reconcile against it, for the shipped programme."""
    import threading

    schedules = work / "govuk-schedules"
    shutil.copytree(SHIPPED, schedules, dirs_exist_ok=True)
    results = govuk_year(schedules, GOVUK_ANNOUNCEMENTS)
    saved = work / "govuk-year.json"
    saved.write_text(json.dumps({"results": results, "total": len(results), "start": 0}))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SearchAPI)
    server.results = results  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{server.server_address[1]}/api/search.json"
    look = ("--schedules", str(schedules), "--as-of", BEFORE)
    try:
        return {
            f"clashes against {len(results):,} announcements from the Search API": [
                run(calendar_gen("clashes", *look, "--against", api), (0, 1)) for _ in range(rounds)
            ],
            f"clashes against {len(results):,} announcements saved": [
                run(calendar_gen("clashes", *look, "--against", str(saved)), (0, 1))
                for _ in range(rounds)
            ],
            f"reconcile against {len(results):,} announcements saved": [
                run(calendar_gen("reconcile", *look, "--govuk", str(saved)), (0, 1))
                for _ in range(rounds)
            ],
        }
    finally:
        server.shutdown()
        server.server_close()


def check_govuk(
    target: Targets, govuk: dict[str, list[Run]], shipped: dict[str, list[Run]]
) -> None:
    """Each GOV.UK command against the build of the shipped programme."""
    build_wall = statistics.median(r.wall for r in shipped["build, shipped"])
    for name, runs in govuk.items():
        wall = statistics.median(r.wall for r in runs)
        peak = max(r.rss_mb for r in runs)
        target(
            f"{name} {wall:.3f} s, {wall / build_wall:.2f}x a build of the shipped programme "
            f"({build_wall:.3f} s) <= {GOVUK_TARGET}x; peak memory {peak:.0f} MB",
            wall <= GOVUK_TARGET * build_wall,
        )
    reconciled = govuk[next(n for n in govuk if n.startswith("reconcile"))][0].stdout
    target(f"reconcile: {reconciled.strip().splitlines()[-1]}", reconciled.startswith("in step"))


# --- Running and measuring ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    rss_mb: float  # the process's peak resident memory
    stdout: str


def run(command: list[str], allowed: tuple[int, ...] = (0,), keep: bool = True) -> Run:
    """Run `command` to its end; its wall time, and its own peak RSS from wait4.

    `allowed`: the exit statuses that are not a failure; `keep`: whether to keep stdout.
    """
    # Flush what earlier runs left in the page cache first (the baseline writes 1.5 GB), or
    # a build's fsyncs would pay for writing it.
    os.sync()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode() if keep or code not in allowed else ""
        stderr = err.read().decode()
    if code not in allowed:
        sys.exit(f"{' '.join(command)} failed ({code}):\n{stdout[-2000:]}{stderr[-2000:]}")
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    return Run(wall, kib / 1024, stdout)


def calendar_gen(*args: str) -> list[str]:
    return [sys.executable, "-m", "calendar_gen", *args]


def build(schedules: Path, out: Path, as_of: str) -> list[str]:
    return calendar_gen("build", "--schedules", str(schedules), "--out", str(out), "--as-of", as_of)


def script(path: Path, schedules: Path, out: Path, as_of: str) -> list[str]:
    args = ("--schedules", str(schedules), "--out", str(out), "--as-of", as_of)
    return [sys.executable, str(path), *args]


def help_command() -> list[str]:
    """`calendar-gen --help` as a user runs it: the installed script, if there is one."""
    installed = Path(sys.executable).parent / "calendar-gen"
    return [str(installed), "--help"] if installed.exists() else calendar_gen("--help")


def fresh(*paths: Path) -> Path:
    """Remove each path (a folder or a file); return the first."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return paths[0]


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file's inode, mtime and size: any rewrite, atomic or in place, changes one."""
    found = {}
    for path in folder.iterdir():
        stat = path.stat()
        found[path.name] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


def moves(schedules: Path, count: int) -> list[list[str]]:
    """`move` commands for `count` of March 2015's releases, each to the next working day of
    its month: changes recorded on 1 March, after they were confirmed, before they are out."""
    programme = load_programme(schedules)
    found = []
    for release in expand(programme, as_of=dt.date.fromisoformat(AFTER)):
        day, region = release.date, release.publication.rule.region
        if str(release.scheduled) != "2015-03" or not dt.date(2015, 3, 2) <= day <= dt.date(
            2015, 3, 27
        ):
            continue
        new = day + dt.timedelta(days=1)
        while not is_working_day(new, region):
            new += dt.timedelta(days=1)
        if new.month == 3:
            found.append(
                calendar_gen(
                    "move",
                    release.publication.id,
                    str(day),
                    str(new),
                    "--reason",
                    "benchmark",
                    "--schedules",
                    str(schedules),
                    "--as-of",
                    MOVED_ON,
                )
            )
        if len(found) == count:
            return found
    sys.exit(f"only {len(found)} releases of March 2015 can be moved in {schedules}")


# --- Checking the two tools wrote the same events --------------------------------------------

Events = Counter[tuple[str, str, str]]


def feed_events(path: Path) -> Events:
    """(UID, start in UTC, SUMMARY) of every event in a feed, read with icalendar."""
    calendar = Calendar.from_ical(path.read_bytes())
    found: Events = Counter()
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        if not isinstance(start, dt.datetime) or start.tzinfo is None:
            utc = f"not a zoned date-time: {start!r}"
        else:
            utc = start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        found[str(event["uid"]), utc, str(event["summary"])] += 1
    return found


def read_feeds(pairs: list[tuple[Path, Path]]) -> dict[Path, Events]:
    """The feeds the per-event script wrote in each (ours, its) pair of folders, in both,
    parsed on all cores, the largest first so none waits last."""
    names = [(f, p.name) for pair in pairs for p in pair[1].glob("*.ics") for f in pair]
    paths = sorted((f / n for f, n in names if (f / n).exists()), key=lambda p: -p.stat().st_size)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(paths, pool.map(feed_events, paths), strict=True))


def compare(ours: Path, theirs: Path, feeds: dict[Path, Events]) -> list[str]:
    """Every difference between the feeds of two output folders."""
    # The feeds the per-event script writes (all.ics and the topics'), each of which
    # calendar-gen must write alike; calendar-gen's other feeds it does not attempt.
    names = sorted(p.name for p in theirs.glob("*.ics"))
    problems = []
    for name in names:
        mine, other = feeds.get(ours / name), feeds.get(theirs / name)
        if mine is None or other is None:
            problems.append(f"{name}: written by only one of the tools")
        elif mine != other:
            only_a, only_b = list((mine - other).elements()), list((other - mine).elements())
            problems.append(
                f"{name}: {len(only_a)} events only in calendar-gen's (first {only_a[:1]}), "
                f"{len(only_b)} only in the baseline's (first {only_b[:1]})"
            )
    return problems


def same_feeds(ours: Path, floor: Path) -> list[str]:
    """Every feed that differs between calendar-gen's output and the floor's, byte for byte."""
    names = sorted({p.name for p in ours.glob("*.ics")} | {p.name for p in floor.glob("*.ics")})
    return [
        f"{name}: the floor's differs from calendar-gen's"
        for name in names
        if not (ours / name).exists()
        or not (floor / name).exists()
        or not filecmp.cmp(ours / name, floor / name, shallow=False)
    ]


# --- The benchmark ------------------------------------------------------------------------

# The commands timed at each size, as the tables show them.
FITTED = (
    "floor",
    "first build",
    "move",
    "build",
    "no-change rebuild",
    "clashes",
    "list",
    "empty-record build",
    "daily build",
    "quiet daily build",
    "next-year",
)


@dataclass
class Size:
    publications: int
    releases: int
    folder: Path
    runs: dict[str, list[Run]] = field(default_factory=dict)
    rewritten: set[str] = field(default_factory=set)  # files a no-change rebuild replaced
    quiet: set[str] = field(default_factory=set)  # files a quiet day's build changed
    problems: list[str] = field(default_factory=list)  # outputs that are not what they must be

    def add(self, name: str, result: Run) -> Run:
        self.runs.setdefault(name, []).append(result)
        print(".", end="", flush=True)
        return result

    def wall(self, name: str) -> float:
        return statistics.median(r.wall for r in self.runs[name])

    def peak(self, name: str) -> float:
        return max(r.rss_mb for r in self.runs[name])


def measure_size(folder: Path, publications: int, rounds: int, baseline_rounds: int) -> Size:
    schedules, out = folder / "schedules", folder / "feeds"
    record = schedules / "announcements.toml"
    size = Size(publications, write_programme(schedules, publications), folder)
    # The empty record, beside the per-event script; taking turns, a slow moment hits both.
    for i in range(max(rounds, baseline_rounds)):
        if i < rounds:
            command = build(schedules, fresh(folder / "empty", record), BEFORE)
            size.add("empty-record build", run(command))
        if i < baseline_rounds:
            command = script(BASELINE, schedules, fresh(folder / "baseline", record), BEFORE)
            size.add("baseline", run(command))
    # The steady state: a year in the record, a first build into a new feeds folder; the
    # floor writes the same feeds.
    year = year_record(schedules)
    for _ in range(rounds):
        fresh(out)
        record.write_text(year)
        said = size.add("first build", run(build(schedules, out, AFTER))).stdout
        if not said.startswith(f"{size.releases:,} releases of"):
            sys.exit(f"expected {size.releases:,} releases; it said: {said}")
        size.add("floor", run(script(FLOOR, schedules, fresh(folder / "floor"), AFTER)))
    size.problems += same_feeds(out, folder / "floor")
    for _ in range(rounds):
        before = snapshot(out)
        size.add("no-change rebuild", run(build(schedules, out, AFTER)))
        after = snapshot(out)
        size.rewritten |= {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    for move in moves(schedules, rounds):
        size.add("move", run(move))
        size.add("build", run(build(schedules, out, AFTER)))
    look = ("--schedules", str(schedules), "--as-of", AFTER)
    for _ in range(rounds):
        size.add("clashes", run(calendar_gen("clashes", *look, "--include-past"), (0, 1), False))
        size.add("list", run(calendar_gen("list", *look, "--format", "json"), keep=False))
    measure_days(size, schedules, out, rounds)
    size.add("next-year", run(next_year(folder / "rolling", publications)))
    return size


def measure_days(size: Size, schedules: Path, out: Path, rounds: int) -> None:
    """The daily builds of the week after the steady state, each on a new day, then the
    weekend's, which must write nothing a subscriber sees."""
    for day in DAILY:
        size.add("daily build", run(build(schedules, out, day)))
    for _ in range(rounds):
        before = snapshot(out)
        size.add("quiet daily build", run(build(schedules, out, QUIET)))
        after = snapshot(out)
        # Its manifest notes the day, as the record does: no file a subscriber reads changes.
        changed = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        size.quiet |= {n for n in changed if not n.startswith(".")}


def next_year(folder: Path, publications: int) -> list[str]:
    """next-year of a programme with no end, its year in the record, on 1 March 2015."""
    schedules = folder / "schedules"
    write_programme(schedules, publications, ends=False)
    (schedules / "announcements.toml").write_text(year_record(schedules))
    out = folder / "feeds"
    return calendar_gen("next-year", "--schedules", str(schedules), "--out", str(out),
                        "--as-of", AFTER)  # fmt: skip


def growth(sizes: list[Size], name: str) -> float | None:
    """k in time ~ N^k, fitted by least squares over the sizes; None with fewer than three."""
    points = [(math.log(s.publications), math.log(s.wall(name))) for s in sizes if name in s.runs]
    if len(points) < 3:
        return None
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def print_figures(sizes: list[Size]) -> None:
    print(f"{'publications':<20}" + "".join(f"{s.publications:>15,}" for s in sizes))
    print(f"{'releases':<20}" + "".join(f"{s.releases:>15,}" for s in sizes) + "  growth")
    for name in (*FITTED, "baseline"):
        cells = [
            f"{s.wall(name):>8.2f}s {s.peak(name):>4.0f}MB" if name in s.runs else " " * 15
            for s in sizes
        ]
        k = growth(sizes, name)
        print(f"{name:<20}" + "".join(cells) + (f"  N^{k:.2f}" if k is not None else ""))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


class Targets:
    """Each target with PASS or FAIL as it is checked."""

    def __init__(self) -> None:
        self.failed = 0

    def __call__(self, text: str, ok: bool) -> None:
        self.failed += not ok
        print(f"{verdict(ok)}  {text}")


def check_headline(target: Targets, s: Size) -> None:
    """The steady state at the largest size: the build against the floor, the rest against
    the build."""
    n, build_wall, floor = f"N={s.publications:,}", s.wall("build"), s.wall("floor")
    ratio = build_wall / floor
    target(
        f"{n}: build {build_wall:.2f} s, {ratio:.2f}x the floor's {floor:.2f} s <= 3x", ratio <= 3
    )
    daily = s.wall("daily build")
    target(
        f"{n}: daily build {daily:.2f} s, {daily / floor:.2f}x the floor's {floor:.2f} s <= 2x",
        daily <= 2 * floor,
    )
    quiet = s.wall("quiet daily build")
    target(f"{n}: quiet day's build {quiet:.2f} s < 1/3 of a daily build", quiet < daily / 3)
    peak = s.peak("next-year")
    target(f"{n}: next-year peak memory {peak:.0f} MB < 500 MB", peak < 500)
    for name, limit, words in (
        ("clashes", 1, "a build"),
        ("list", 1, "a build"),
        ("first build", 2, "2 builds"),
    ):
        wall = s.wall(name)
        target(
            f"{n}: {name} {wall:.2f} s <= {words} ({limit * build_wall:.2f} s)",
            wall <= limit * build_wall,
        )


def check_targets(sizes: list[Size], shipped: dict[str, list[Run]]) -> bool:
    """Print each target with PASS or FAIL; True when none fails."""
    target = Targets()
    check_headline(target, sizes[-1])
    peaks = [
        (s.peak(name), name, s.publications)
        for s in sizes
        for name in FITTED
        if name in s.runs and name != "floor"
    ]
    mb, name, n = max(peaks)
    target(f"peak memory of any command {mb:.0f} MB ({name}, N={n:,}) < 500 MB", mb < 500)
    for name in FITTED:
        k = growth(sizes, name)
        if k is not None:
            target(f"{name}: time grows as N^{k:.2f}, linear (k <= 1.15)", k <= 1.15)
    for s in sizes:
        n, full, rebuild = f"N={s.publications:,}", s.wall("build"), s.wall("no-change rebuild")
        rewritten = f" ({', '.join(sorted(s.rewritten))})" if s.rewritten else ""
        target(f"{n}: no-change rebuild rewrites no file{rewritten}", not s.rewritten)
        quiet = f" ({', '.join(sorted(s.quiet))})" if s.quiet else ""
        target(f"{n}: a quiet day's build changes no file{quiet}", not s.quiet)
        target(
            f"{n}: no-change rebuild {rebuild:.3f} s < 1/3 of a build {full:.2f} s",
            rebuild < full / 3,
        )
        if "baseline" in s.runs and s.publications >= 2000:
            ratio = s.wall("empty-record build") / s.wall("baseline")
            target(
                f"{n}: empty-record build / per-event icalendar {ratio:.3f} <= 0.2", ratio <= 0.2
            )
    for name, runs in shipped.items():
        wall = statistics.median(r.wall for r in runs)
        target(f"{name} {wall:.3f} s < 0.3 s (margin {0.3 - wall:.3f} s)", wall < 0.3)
    return not target.failed


def machine() -> str:
    """The processor, as lscpu names it, and how many this process may use."""
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
        model = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("Model name"))
    except (OSError, StopIteration):
        model = "an unknown processor"
    return f"{os.cpu_count()} x {model}"


def describe_setup() -> str:
    """What was measured, and on what: results from a busy machine or edited code differ."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    edited = subprocess.run(
        [*git, "status", "--porcelain", "calendar_gen"], capture_output=True, text=True
    )
    version = commit.stdout.strip() or "unknown commit"
    version += " with uncommitted changes to calendar_gen/" if edited.stdout.strip() else ""
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return (
        f"calendar-gen at {version}; Python {sys.version.split()[0]}, icalendar "
        f"{icalendar.__version__}; {machine()}, load average {load}"
    )


def measure_shipped(work: Path, rounds: int) -> dict[str, list[Run]]:
    """--help, check and a build of the shipped schedules, in a copy (a build may record)."""
    schedules = work / "shipped-schedules"
    shutil.copytree(SHIPPED, schedules)
    # Compiled first, as pip compiles an installed package: with PYTHONDONTWRITEBYTECODE set,
    # every run would compile calendar-gen afresh, which no installed copy does.
    compileall.compile_dir(ROOT / "calendar_gen", quiet=1)
    run(build(schedules, work / "warm", BEFORE))  # the disk cache warmed
    return {
        "calendar-gen --help": [run(help_command()) for _ in range(rounds)],
        "check, shipped": [
            run(calendar_gen("check", "--schedules", str(schedules))) for _ in range(rounds)
        ],
        "build, shipped": [
            run(build(schedules, fresh(work / "shipped"), BEFORE)) for _ in range(rounds)
        ],
    }


def check_events(sizes: list[Size]) -> bool:
    """Whether the per-event script and calendar-gen wrote the same events at every size both
    ran; every difference printed."""
    ran = [s for s in sizes if "baseline" in s.runs]
    feeds = read_feeds([(s.folder / "empty", s.folder / "baseline") for s in ran])
    ok = True
    for s in ran:
        found = compare(s.folder / "empty", s.folder / "baseline", feeds)
        count = sum(feeds.get(s.folder / "baseline" / "all.ics", Counter()).values())
        print(
            f"{verdict(not found)}  N={s.publications:,}: calendar-gen and the per-event "
            f"script wrote the same events ({count:,} in all.ics, and each topic feed)"
        )
        for problem in found:
            print(f"      {problem}")
        ok = ok and not found
    for s in sizes:
        print(
            f"{verdict(not s.problems)}  N={s.publications:,}: the floor wrote calendar-gen's "
            "feeds, byte for byte"
        )
        for problem in s.problems:
            print(f"      {problem}")
        ok = ok and not s.problems
    return ok


def numbers(text: str) -> list[int]:
    return [int(n) for n in text.split(",")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--sizes",
        type=numbers,
        default=[1000, 2000, 5000, 10000],
        help="publications per programme, comma-separated (12 releases each)",
    )
    parser.add_argument(
        "--baseline-sizes",
        type=numbers,
        default=[2000, 10000],
        help="sizes the per-event script runs at too: --rounds times up to "
        "2,000, once above (a minute or more a run)",
    )
    parser.add_argument("--govuk-only", action="store_true",
                        help="measure only the whole of government on GOV.UK, beside the "
                        "shipped build (a minute)")  # fmt: skip
    args = parser.parse_args()
    rounds = max(1, args.rounds)
    if args.govuk_only:
        return govuk_only(rounds)

    started = time.perf_counter()
    print(describe_setup())
    with tempfile.TemporaryDirectory(prefix="calendar-gen-bench-") as temp:
        work = Path(temp)
        print("measuring", end="", flush=True)
        shipped = measure_shipped(work, rounds)
        govuk = measure_govuk(work, rounds)
        sizes = []
        for n in sorted(args.sizes):
            baseline_rounds = 0 if n not in args.baseline_sizes else rounds if n <= 2000 else 1
            sizes.append(measure_size(work / f"n{n}", n, rounds, baseline_rounds))
        print(" checking the outputs", flush=True)
        print()
        same = check_events(sizes)

    print(
        f"\nmedians of {rounds} runs (the per-event script: of its runs): wall time, and the "
        "highest peak memory of any run\n"
    )
    print_figures(sizes)
    print()
    ok = check_targets(sizes, shipped)
    whole = Targets()
    check_govuk(whole, govuk, shipped)
    ok = ok and not whole.failed
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; load average now {load}")
    return 0 if ok and same else 1


def govuk_only(rounds: int) -> int:
    """The whole of government on GOV.UK, and the shipped build it is held to."""
    print(describe_setup())
    with tempfile.TemporaryDirectory(prefix="calendar-gen-bench-") as temp:
        shipped = measure_shipped(Path(temp), rounds)
        govuk = measure_govuk(Path(temp), rounds)
    print(f"\nmedians of {rounds} runs\n")
    target = Targets()
    check_govuk(target, govuk, shipped)
    return 0 if not target.failed else 1


if __name__ == "__main__":
    sys.exit(main())
