"""The floor: the least work that writes a programme's feeds, to hold calendar-gen's time to.

The benchmark runs this as its own process, beside `calendar-gen build`:

    .venv/bin/python benchmarks/floor.py --schedules DIR --out DIR [--as-of YYYY-MM-DD]

It reads programme.toml and the topic files with tomllib and nothing else (no checking, no
announcement record), works out each release date by date arithmetic against a holiday set
made once up front, and builds each feed as one string. A release counts as confirmed once
its notice period has begun, as a build that recorded every confirmation finds it, so on the
benchmark's programme its feeds are byte for byte calendar-gen's; the benchmark checks that.
Only what that programme uses is handled: every `day` form and roll, one period, the UK zone.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import re
import tomllib
from collections import defaultdict
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

from calendar_gen.feeds import PRODID, VTIMEZONES, escape_text, fold
from calendar_gen.workdays import REGIONS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "last": -1}  # fmt: skip
DAY = dt.timedelta(days=1)


# The designations as the feeds name them, whatever the case they are written in.
DESIGNATIONS = {d.lower(): d for d in (
    "Accredited official statistics", "Official statistics",
    "Official statistics in development", "National Statistics", "Experimental statistics",
)}  # fmt: skip


def category(topic: str) -> str:
    """The topic as a category: what no parser reads alike (commas, colons, backslashes,
    quotes, controls) and runs of spaces become one space."""
    return re.sub(r'[,;:\\"\s\x00-\x1f\x7f]+', " ", topic).strip()


def closed_days(years: range) -> dict[str, frozenset[dt.date]]:
    """Each region's bank holidays, once."""
    return {
        region: frozenset().union(
            *(holidays.country_holidays("GB", subdiv=n, years=years) for n in nations)
        )
        for region, nations in REGIONS.items()
    }


@cache
def working_days(year: int, month: int, closed: frozenset[dt.date]) -> list[dt.date]:
    days = (dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))
    return [d for d in days if d.weekday() < 5 and d not in closed]


def nominal(day: str, year: int, month: int, closed: frozenset[dt.date]) -> dt.date:
    """The day the rule names in the month, before rolling."""
    last = calendar.monthrange(year, month)[1]
    words = str(day).split()
    if words[0].isdigit():
        return dt.date(year, month, min(int(words[0]), last))
    if words[-1] == "day":  # first, last or Nth working day
        working = working_days(year, month, closed)
        n = {"first": 1, "last": len(working)}.get(words[0]) or int(words[0][:-2])
        return working[min(n, len(working)) - 1]
    n, weekday = ORDINALS[words[0]], WEEKDAYS.index(words[1])
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    end = dt.date(year, month, last)
    return end - dt.timedelta(days=(end.weekday() - weekday) % 7)


def rolled(day: dt.date, roll: str, closed: frozenset[dt.date]) -> dt.date:
    def step(d: dt.date, by: dt.timedelta) -> dt.date:
        while d.weekday() >= 5 or d in closed:
            d += by
        return d

    forward, back = step(day, DAY), step(day, -DAY)
    if roll == "following":
        return forward
    if roll == "preceding":
        return back
    if roll == "modified-following":
        return forward if forward.month == day.month else back
    return back if back.month == day.month else forward


def details(p: dict, topic: str, time: str, confirmed: bool) -> str:
    """The lines a publication's releases share, once per status."""
    status = "confirmed" if confirmed else "provisional"
    title = p["title"] if confirmed else f"{p['title']} (provisional)"
    designation = DESIGNATIONS[p["designation"].lower()]  # as the feeds write it
    facts = f"{designation}. Monthly release, {time} UK time, {status}."
    text = "\n\n".join(part for part in (p.get("description", ""), facts) if part)
    return (
        fold(f"SUMMARY:{escape_text(title)}")
        + fold(f"DESCRIPTION:{escape_text(text)}")
        + fold(f"CATEGORIES:{category(topic)},{designation}")
        + f"STATUS:{'CONFIRMED' if confirmed else 'TENTATIVE'}\r\n"
    )


def event(uid: str, start: dt.datetime, stamp: str, shared: str, confirmed: bool) -> str:
    # SEQUENCE counts the confirmation (RFC 5545 3.8.7.4), as calendar-gen's does.
    return (
        f"BEGIN:VEVENT\r\n{fold(uid)}DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        f"DTSTART;TZID=Europe/London:{start:%Y%m%dT%H%M%S}\r\nDURATION:PT30M\r\n{shared}"
        f"SEQUENCE:{int(confirmed)}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\nEND:VEVENT\r\n"
    )


def feed(name: str, description: str, events: list[str]) -> str:
    header = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}",
        f"DESCRIPTION:{escape_text(description)}", f"X-WR-CALDESC:{escape_text(description)}",
        "X-WR-TIMEZONE:Europe/London", "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H", *VTIMEZONES["Europe/London"],
    ]  # fmt: skip
    return "".join(fold(line) for line in header) + "".join(events) + "END:VCALENDAR\r\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", required=True, type=Path, metavar="DIR")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()

    settings = tomllib.loads((args.schedules / "programme.toml").read_text("utf-8"))
    org, period, domain = settings["organisation"], settings["period"], settings["uid_domain"]
    first_year = int(period[:4])
    months = [(first_year + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]
    closed = closed_days(range(first_year, first_year + 2))
    zone, notice = ZoneInfo("Europe/London"), dt.timedelta(weeks=settings.get("notice_weeks", 4))
    by_topic: dict[str, list[tuple[tuple[dt.datetime, str, str], str]]] = defaultdict(list)
    by_designation: dict[str, list[tuple[tuple[dt.datetime, str, str], str]]] = defaultdict(list)
    names = {}
    for path in sorted(args.schedules.glob("*.toml")):
        if path.stem in ("programme", "announcements"):
            continue
        data, slug = tomllib.loads(path.read_text("utf-8")), path.stem
        names[slug] = topic = data["topic"]
        for p in data["publication"]:
            region = closed[p.get("holidays", settings["holidays"])]
            time = str(p.get("time", settings["release_time"]))[:5]
            h, m = int(time[:2]), int(time[3:])
            shared = {c: details(p, topic, time, c) for c in (False, True)}
            for year, month in months:
                day = rolled(nominal(p["day"], year, month, region), p.get("roll", "following"),
                             region)  # fmt: skip
                start = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=zone)
                firm = day - notice
                confirmed = firm <= args.as_of
                # A provisional one is first shown by this build: dated today, as the
                # [[shown]] row it writes says.
                stamp = f"{firm if confirmed else args.as_of:%Y%m%d}T000000Z"
                uid = f"UID:{p['id']}-{year:04d}-{month:02d}@{domain}"
                text = event(uid, start, stamp, shared[confirmed], confirmed)
                by_topic[slug].append(((start, slug, p["id"]), text))
                by_designation[DESIGNATIONS[p["designation"].lower()]].append(
                    ((start, slug, p["id"]), text)
                )
    args.out.mkdir(parents=True, exist_ok=True)
    everything = []
    for slug, events in by_topic.items():
        events.sort(key=lambda e: e[0])
        everything += events
        about = f"Pre-announced release dates of {org} statistics: {names[slug]}, {period}."
        text = feed(f"{org}: {names[slug]}", about, [e for _, e in events])
        (args.out / f"{slug}.ics").write_text(text, encoding="utf-8", newline="")
    everything.sort(key=lambda e: e[0])
    about = f"Pre-announced release dates of all {org} statistics, {period}."
    text = feed(f"{org}: all statistics releases", about, [e for _, e in everything])
    (args.out / "all.ics").write_text(text, encoding="utf-8", newline="")
    for designation, events in by_designation.items():  # a feed of each designation used
        events.sort(key=lambda e: e[0])
        about = f"Pre-announced release dates of {org} statistics: {designation}, {period}."
        text = feed(f"{org}: {designation}", about, [e for _, e in events])
        name = "designation-" + "-".join(designation.lower().split()) + ".ics"
        (args.out / name).write_text(text, encoding="utf-8", newline="")
    feeds = len(by_topic) + 1 + len(by_designation)
    print(f"{len(everything)} releases: {feeds} feeds in {args.out}/")


if __name__ == "__main__":
    main()
