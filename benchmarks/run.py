"""Benchmark `calendar-gen build` on a synthetic whole-government programme.

    .venv/bin/python benchmarks/run.py [--rounds 3] [--sizes 2000,10000]

For each size N it writes N monthly publications over 20 topic files (12 N releases in
2014/15) into a temporary folder, then times, each in its own process so that peak memory
is per run:

- `python -m calendar_gen build` into an empty folder (a full build);
- benchmarks/baseline.py, the obvious one-icalendar.Event-per-release way to the same feeds;
- `calendar-gen build` again over its own unchanged output (a no-change rebuild), checking
  that it replaced no file (same inode, mtime and size before and after).

It also times `calendar-gen --help` and the build of the shipped schedules/, checks with
icalendar that both tools wrote the same events (UID, start in UTC, SUMMARY) in every feed,
and prints each figure with the target it must meet. The exit status is 1 when a check or a
target fails.

The baseline runs --rounds times up to N=2,000 and once above, where one run takes about
90 s. At the default sizes the benchmark takes 6 to 8 minutes on 2 cores, mostly in the
baseline and in reading every feed back with icalendar; `--sizes 2000` takes under 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import icalendar
from icalendar import Calendar

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "benchmarks" / "baseline.py"
SHIPPED = ROOT / "schedules"
AS_OF = "2014-01-01"
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


def write_programme(folder: Path, publications: int, seed: int = 2014) -> int:
    """Write programme.toml and 20 topic files of monthly publications; return the releases."""
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
    )
    for index, (slug, name) in enumerate(TOPICS):
        numbers = range(index, publications, len(TOPICS))
        tables = [_publication(rng, slug, n) for n in numbers]
        text = f"topic = {_toml(name)}\n\n" + "\n".join(tables)
        (folder / f"{slug}.toml").write_text(text, encoding="utf-8")
    return 12 * publications


# --- Running and measuring ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    rss_mb: float  # the process's peak resident memory
    stdout: str


def run(command: list[str]) -> Run:
    """Run `command` to its end; its wall time, and its own peak RSS from wait4."""
    # Flush what earlier runs left in the page cache first (the baseline writes 1.5 GB), or
    # a build's fsyncs would pay for writing it.
    os.sync()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{stdout}{stderr}")
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    return Run(wall, kib / 1024, stdout)


def calendar_gen(*args: str) -> list[str]:
    return [sys.executable, "-m", "calendar_gen", *args]


def build(schedules: Path, out: Path) -> list[str]:
    return calendar_gen("build", "--schedules", str(schedules), "--out", str(out), "--as-of", AS_OF)


def baseline(schedules: Path, out: Path) -> list[str]:
    args = ("--schedules", str(schedules), "--out", str(out), "--as-of", AS_OF)
    return [sys.executable, str(BASELINE), *args]


def help_command() -> list[str]:
    """`calendar-gen --help` as a user runs it: the installed script, if there is one."""
    script = Path(sys.executable).parent / "calendar-gen"
    return [str(script), "--help"] if script.exists() else calendar_gen("--help")


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Each file's inode, mtime and size: any rewrite, atomic or in place, changes one."""
    found = {}
    for path in folder.iterdir():
        stat = path.stat()
        found[path.name] = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    return found


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


def read_feeds(folders: list[Path]) -> dict[Path, Events]:
    """Every feed in `folders`, parsed on all cores, the largest first so none waits last."""
    paths = sorted((p for f in folders for p in f.glob("*.ics")), key=lambda p: -p.stat().st_size)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(paths, pool.map(feed_events, paths), strict=True))


def compare(ours: Path, theirs: Path, feeds: dict[Path, Events]) -> list[str]:
    """Every difference between the feeds of two output folders."""
    names = sorted({p.name for p in ours.glob("*.ics")} | {p.name for p in theirs.glob("*.ics")})
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


# --- The benchmark ------------------------------------------------------------------------


@dataclass
class Size:
    publications: int
    releases: int
    folder: Path
    tool: dict[str, list[Run]]
    rebuild: list[Run]
    rewritten: set[str]  # files a no-change rebuild replaced

    def output(self, tool: str) -> Path:
        return self.folder / tool


def median(runs: list[Run], attribute: str = "wall") -> float:
    return statistics.median(getattr(r, attribute) for r in runs)


def measure_size(folder: Path, publications: int, rounds: int, baseline_rounds: int) -> Size:
    """Full builds by both tools, then no-change rebuilds by calendar-gen."""
    schedules = folder / "schedules"
    releases = write_programme(schedules, publications)
    size = Size(publications, releases, folder, {"calendar-gen": [], "baseline": []}, [], set())
    commands: dict[str, Callable[[Path, Path], list[str]]] = {
        "calendar-gen": build,
        "baseline": baseline,
    }
    for i in range(max(rounds, baseline_rounds)):  # taking turns, a slow moment hits both
        for tool, command in commands.items():
            if i < (rounds if tool == "calendar-gen" else baseline_rounds):
                size.tool[tool].append(run(command(schedules, fresh(size.output(tool)))))
                print(".", end="", flush=True)
    for result in size.tool["calendar-gen"]:
        if not result.stdout.startswith(f"{releases} releases "):
            sys.exit(f"expected {releases} releases; calendar-gen said: {result.stdout}")
    out = size.output("calendar-gen")
    for _ in range(rounds):
        before = snapshot(out)
        size.rebuild.append(run(build(schedules, out)))
        after = snapshot(out)
        size.rewritten |= {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
        print(".", end="", flush=True)
    return size


def print_figures(sizes: list[Size], helps: list[Run], shipped: list[Run]) -> None:
    header = ("size", "releases", "tool", "runs", "wall s", "rel/s", "RSS MB", "ratio")
    line = "{:>7} {:>9} {:<13} {:>4} {:>7} {:>9} {:>7} {}"
    print(line.format(*header))
    for s in sizes:
        ours = median(s.tool["calendar-gen"])
        for tool, runs in s.tool.items():
            wall = median(runs)
            figures = (f"{s.publications:,}", f"{s.releases:,}", tool, len(runs), f"{wall:.3f}")
            figures += (f"{s.releases / wall:,.0f}", f"{median(runs, 'rss_mb'):.1f}")
            print(line.format(*figures, f"{ours / wall:.3f}" if tool == "baseline" else ""))
    print()
    shipped_releases = shipped[0].stdout.split(" ", 1)[0]
    print(f"calendar-gen --help              {median(helps):.3f} s")
    print(f"shipped build ({shipped_releases} releases)     {median(shipped):.3f} s")
    for s in sizes:
        rebuild, full = median(s.rebuild), median(s.tool["calendar-gen"])
        print(
            f"no-change rebuild N={s.publications:<7,}  {rebuild:.3f} s "
            f"({rebuild / full:.2f} of a full build; {len(s.rewritten)} files rewritten)"
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def check_targets(sizes: list[Size], helps: list[Run], shipped: list[Run]) -> bool:
    """Print each target with PASS or FAIL; True when none fails."""
    results = []

    def target(text: str, ok: bool | None) -> None:
        results.append(ok)
        print(f"{'n/a ' if ok is None else verdict(ok)}  {text}")

    by_size = {s.publications: s for s in sizes}
    if small := by_size.get(2000):
        ratio = median(small.tool["calendar-gen"]) / median(small.tool["baseline"])
        target(f"N=2,000: calendar-gen/baseline {ratio:.3f} <= 0.2", ratio <= 0.2)
    else:
        target("N=2,000: calendar-gen/baseline <= 0.2 (size not run)", None)
    if large := by_size.get(10000):
        wall, rss = median(large.tool["calendar-gen"]), median(large.tool["calendar-gen"], "rss_mb")
        target(f"N=10,000: build {wall:.2f} s < 5 s", wall < 5)
        target(f"N=10,000: peak memory {rss:.0f} MB < 500 MB", rss < 500)
    else:
        target("N=10,000: build < 5 s and peak memory < 500 MB (size not run)", None)
    shipped_wall, help_wall = median(shipped), median(helps)
    target(f"shipped build {shipped_wall:.3f} s < 0.3 s", shipped_wall < 0.3)
    target(f"--help {help_wall:.3f} s < 0.3 s", help_wall < 0.3)
    for s in sizes:
        rebuild, full = median(s.rebuild), median(s.tool["calendar-gen"])
        rewritten = f" ({', '.join(sorted(s.rewritten))})" if s.rewritten else ""
        target(
            f"N={s.publications:,}: no-change rebuild rewrites no file{rewritten}", not rewritten
        )
        target(
            f"N={s.publications:,}: no-change rebuild {rebuild:.3f} s < 1/3 of full {full:.3f} s",
            rebuild < full / 3,
        )
    return False not in results


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
        f"{icalendar.__version__}, {os.cpu_count()} CPUs, load average {load}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[2000, 10000],
        help="publications per programme, comma-separated (each has 12 releases)",
    )
    parser.add_argument(
        "--baseline-rounds",
        type=int,
        help="runs of the baseline (default: --rounds up to N=2,000 and 1 above, where one "
        "run takes a minute or more)",
    )
    args = parser.parse_args()
    rounds = max(1, args.rounds)

    started = time.perf_counter()
    print(describe_setup())
    with tempfile.TemporaryDirectory(prefix="calendar-gen-bench-") as temp:
        work = Path(temp)
        # A copy of the shipped schedules: a build may add to the announcement record there.
        shipped_schedules = work / "shipped-schedules"
        shutil.copytree(SHIPPED, shipped_schedules)
        # Warm up the disk cache (and the bytecode cache, where Python writes one) first.
        run(build(shipped_schedules, work / "warm"))
        run(baseline(shipped_schedules, work / "warm-baseline"))
        print("measuring", end="", flush=True)
        helps = [run(help_command()) for _ in range(rounds)]
        shipped = [run(build(shipped_schedules, fresh(work / "shipped"))) for _ in range(rounds)]
        sizes = []
        for n in args.sizes:
            baseline_rounds = args.baseline_rounds or (rounds if n <= 2000 else 1)
            sizes.append(measure_size(work / f"n{n}", n, rounds, max(1, baseline_rounds)))
        print(" checking the outputs", flush=True)
        outputs = [s.output(tool) for s in sizes for tool in s.tool]
        feeds = read_feeds(outputs)
        problems = {
            s.publications: compare(s.output("calendar-gen"), s.output("baseline"), feeds)
            for s in sizes
        }
        events = {
            s.publications: sum(feeds.get(s.output("baseline") / "all.ics", Counter()).values())
            for s in sizes
        }

    print("\nmedians over the runs: wall time, and the peak RSS of each build's process\n")
    print_figures(sizes, helps, shipped)
    print()
    for s in sizes:
        found = problems[s.publications]
        print(
            f"{verdict(not found)}  N={s.publications:,}: both tools wrote the same events "
            f"(UID, start, SUMMARY; {events[s.publications]:,} in all.ics, and each topic feed)"
        )
        for problem in found:
            print(f"      {problem}")
    print()
    ok = check_targets(sizes, helps, shipped)
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; load average now {load}")
    return 0 if ok and not any(problems.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
