"""The floor: the least work that writes a programme's feeds, to hold calendar-gen's time to.

The benchmark runs this as its own process, beside `calendar-gen build`:

    .venv/bin/python benchmarks/floor.py --schedules DIR --out DIR [--as-of YYYY-MM-DD]

It reads programme.toml and the topic files with tomllib and nothing else (no checking, no
announcement record), works out each release date by date arithmetic against a holiday set
made once up front, and builds each feed as one string. A release counts as confirmed once
its notice period has begun, as a build that recorded every confirmation finds it (its
SEQUENCE one for the confirmation; one still provisional dated the day it is first shown),
so on the benchmark's programme its feeds (each topic's, designation's, nation's and
publication's, and all.ics, each at its time, all day and with reminders) are byte for byte
calendar-gen's; the benchmark checks that.
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

from calendar_gen.domain.workdays import REGIONS
from calendar_gen.publishing.feeds import PRODID, VTIMEZONES, escape_text, fold

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


def details(p: dict, topic: str, time: str, confirmed: bool, all_day: bool = False) -> str:
    """The lines a publication's releases share, once per status and variant."""
    status = "confirmed" if confirmed else "provisional"
    title = f"{time} {p['title']}" if all_day else p["title"]
    title = title if confirmed else f"{title} (provisional)"
    designation = DESIGNATIONS[p["designation"].lower()]  # as the feeds write it
    facts = f"{designation}. Monthly release, {time} UK time, {status}."
    text = "\n\n".join(part for part in (p.get("description", ""), facts) if part)
    return (
        fold(f"SUMMARY:{escape_text(title)}")
        + fold(f"DESCRIPTION:{escape_text(text)}")
        + fold(f"CATEGORIES:{category(topic)},{designation}")
        + f"STATUS:{'CONFIRMED' if confirmed else 'TENTATIVE'}\r\n"
    )


def event(uid: str, when: str, stamp: str, shared: str, alarm: str = "", sequence: int = 0) -> str:
    # SEQUENCE counts the confirmation (the record holds no [[shown]] rows or changes here).
    return (
        f"BEGIN:VEVENT\r\n{fold(uid)}DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}\r\n"
        f"{when}{shared}SEQUENCE:{sequence}\r\nTRANSP:TRANSPARENT\r\nCLASS:PUBLIC\r\n{alarm}"
        "END:VEVENT\r\n"
    )


def alarm(start: dt.datetime, day: dt.date, at: dt.time, title: str) -> str:
    """A reminder at `at` on `day`, as exact hours and minutes before the start."""
    moment = dt.datetime.combine(day, at, start.tzinfo).astimezone(dt.UTC)
    minutes = int((start.astimezone(dt.UTC) - moment).total_seconds()) // 60
    h, m = divmod(minutes, 60)
    trigger = "-PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "")
    return (f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:{trigger}\r\n"
            f"{fold(f'DESCRIPTION:{escape_text(title)}')}END:VALARM\r\n")  # fmt: skip


def feed(name: str, description: str, events: list[str], colour: str) -> str:
    header = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(name)}", f"X-WR-CALNAME:{escape_text(name)}",
        f"DESCRIPTION:{escape_text(description)}", f"X-WR-CALDESC:{escape_text(description)}",
        "X-WR-TIMEZONE:Europe/London", "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H", f"COLOR:{colour}", *VTIMEZONES["Europe/London"],
    ]  # fmt: skip
    return "".join(fold(line) for line in header) + "".join(events) + "END:VCALENDAR\r\n"


# The nations whose holidays each region keeps (feeds.py, workdays.py): each has a feed.
NATIONS = {"ENG": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
VARIANTS = {"": ("", ".ics"), "all day": (" (all day)", ".all-day.ics"),
            "with reminders": (" (with reminders)", ".reminder.ics")}  # fmt: skip


def slug(text: str) -> str:
    return "-".join(text.lower().split())


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
    at = dt.time.fromisoformat(settings["reminder"]) if "reminder" in settings else None
    own_feeds = settings.get("publication_feeds", 500) > 0
    variants = [v for v in VARIANTS if v != "with reminders" or at]
    # Each feed's events, by (kind, what it holds) and variant; and the feeds' titles.
    feeds: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    titles = {("all", ""): "all statistics releases"}
    for path in sorted(args.schedules.glob("*.toml")):
        if path.stem in ("programme", "announcements"):
            continue
        data, topic_slug = tomllib.loads(path.read_text("utf-8")), path.stem
        titles["topic", topic_slug] = topic = data["topic"]
        for p in data["publication"]:
            region_name = p.get("holidays", settings["holidays"])
            region = closed[region_name]
            time = str(p.get("time", settings["release_time"]))[:5]
            h, m = int(time[:2]), int(time[3:])
            shared = {(c, a): details(p, topic, time, c, a)
                      for c in (False, True) for a in (False, True)}  # fmt: skip
            designation = DESIGNATIONS[p["designation"].lower()]
            titles["designation", designation] = designation
            held = [("all", ""), ("topic", topic_slug), ("designation", designation)]
            for code in REGIONS[region_name]:
                titles["nation", NATIONS[code]] = NATIONS[code]
                held.append(("nation", NATIONS[code]))
            if own_feeds:
                titles["publication", p["id"]] = p["title"]
                held.append(("publication", p["id"]))
            for year, month in months:
                day = rolled(nominal(p["day"], year, month, region), p.get("roll", "following"),
                             region)  # fmt: skip
                start = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=zone)
                firm = day - notice
                confirmed = firm <= args.as_of
                stamp = f"{firm if confirmed else args.as_of:%Y%m%d}T000000Z"  # the day first shown
                uid = f"UID:{p['id']}-{year:04d}-{month:02d}@{domain}"
                timed = f"DTSTART;TZID=Europe/London:{start:%Y%m%dT%H%M%S}\r\nDURATION:PT30M\r\n"
                dated = (
                    f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nDTEND;VALUE=DATE:{day + DAY:%Y%m%d}\r\n"
                )
                n = int(confirmed)
                texts = {
                    "": event(uid, timed, stamp, shared[confirmed, False], "", n),
                    "all day": event(uid, dated, stamp, shared[confirmed, True], "", n),
                }
                if at:
                    title = p["title"] if confirmed else f"{p['title']} (provisional)"
                    before = rolled(day - DAY, "preceding", region)
                    texts["with reminders"] = event(
                        uid,
                        timed,
                        stamp,
                        shared[confirmed, False],
                        alarm(start, before, at, title),
                        n,
                    )
                order = (start, topic_slug, p["id"])
                for where in held:
                    for variant in variants:
                        feeds[where][variant].append((order, texts[variant]))
    args.out.mkdir(parents=True, exist_ok=True)
    colours = {"all": "darkslateblue", "topic": "teal", "designation": "darkgreen",
               "nation": "saddlebrown", "publication": "darkslategray"}  # fmt: skip
    prefixes = {"all": "", "topic": "", "designation": "designation-", "nation": "nation-",
                "publication": "publication-"}  # fmt: skip
    for (kind, holds), by_variant in feeds.items():
        stem = (
            "all"
            if kind == "all"
            else prefixes[kind] + (holds if kind in ("topic", "publication") else slug(holds))
        )
        title = titles[kind, holds]
        for variant, events in by_variant.items():
            events.sort(key=lambda e: e[0])
            suffix, ending = VARIANTS[variant]
            if kind == "all":
                about = f"all {org} statistics{suffix}"
                name = f"{org}: all statistics releases{suffix}"
            else:
                about, name = f"{org} statistics: {title}{suffix}", f"{org}: {title}{suffix}"
            text = feed(
                name,
                f"Pre-announced release dates of {about}, {period}.",
                [e for _, e in events],
                colours[kind],
            )
            (args.out / f"{stem}{ending}").write_text(text, encoding="utf-8", newline="")
    total = len(feeds[("all", "")][""])
    print(f"{total} releases: {len(feeds) * len(variants)} feeds in {args.out}/")


if __name__ == "__main__":
    main()
