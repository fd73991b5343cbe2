"""The obvious way to write the feeds: one icalendar.Event per release, Calendar.to_ical().

The benchmark runs this as its own process, beside `calendar-gen build`, to compare speed and
memory and to check that both write the same events:

    .venv/bin/python benchmarks/baseline.py --schedules DIR --out DIR [--as-of YYYY-MM-DD]

It reads and expands the schedules with calendar-gen's own code, and takes the event titles
and descriptions from calendar_gen.publishing.feeds, so only the writing of the calendars differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from icalendar import Calendar, Event

from calendar_gen.domain.history import ical_status
from calendar_gen.domain.releases import expand
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.feeds import PRODID, event_description, event_title

REFRESH = dt.timedelta(hours=12)
DURATION = dt.timedelta(minutes=30)


def make_event(release) -> Event:
    publication = release.publication
    event = Event()
    event.add("uid", release.uid)
    event.add("dtstamp", release.revised)
    event.add("last-modified", release.revised)
    event.add("dtstart", release.start)  # aware: written with TZID=Europe/London
    event.add("duration", DURATION)
    event.add("summary", event_title(release))
    event.add("description", event_description(release))
    event.add("categories", [release.topic.name, publication.designation])
    event.add("status", ical_status(release.status))
    event.add("sequence", release.sequence)
    event.add("transp", "TRANSPARENT")
    event.add("class", "PUBLIC")
    return event


def make_calendar(name: str, description: str, events: Iterable[Event], timezone: str) -> Calendar:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for every TZID the events use
    return calendar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", required=True, metavar="DIR")
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()

    programme = load_programme(args.schedules)
    period = programme.period
    releases = expand(programme, period, as_of=args.as_of)
    events = [make_event(release) for release in releases]
    by_topic = defaultdict(list)
    for release, event in zip(releases, events, strict=True):
        by_topic[release.topic.slug].append(event)

    org, zone = programme.organisation, programme.timezone
    calendars = {
        f"{topic.slug}.ics": make_calendar(
            f"{org}: {topic.name}",
            f"Pre-announced release dates of {org} statistics: {topic.name}, {period}.",
            by_topic[topic.slug],
            zone,
        )
        for topic in programme.topics
    }
    calendars["all.ics"] = make_calendar(
        f"{org}: all statistics releases",
        f"Pre-announced release dates of all {org} statistics, {period}.",
        events,
        zone,
    )
    by_designation = defaultdict(list)
    for release, event in zip(releases, events, strict=True):
        by_designation[release.publication.designation].append(event)
    for designation, held in by_designation.items():  # one feed per designation used
        calendars[designation.feed] = make_calendar(
            f"{org}: {designation}",
            f"Pre-announced release dates of {org} statistics: {designation}, {period}.",
            held,
            zone,
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, calendar in calendars.items():
        (out / name).write_bytes(calendar.to_ical())
    print(f"{len(releases)} releases: {len(calendars)} feeds in {out}/")


if __name__ == "__main__":
    main()
