"""The calendar's news: confirmations, moves, cancellations and reinstatements, as changes.atom.

Everything comes from the record and the rules, never the clock, so the same schedules always
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from calendar_gen.feeds import statistics_of
from calendar_gen.history import Change, lands_on
from calendar_gen.model import Programme
from calendar_gen.releases import Release
from calendar_gen.texts import long_date

ATOM = "changes.atom"
# Ids are name-based UUIDs of the release's UID and the item's index, under a namespace of
# our own: they stay the same across rebuilds, retitling and moves.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://calendar-gen.invalid/news")
# A news reader wants the latest; the whole history is in releases.json.
MAX_ENTRIES = 500


@dataclass(frozen=True)
class News:
    """One thing that happened to a release: its confirmation (index 0) or its nth change."""

    on: dt.date
    release: Release
    index: int
    change: Change | None  # None: the confirmation

    @property
    def id(self) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.release.uid}/{self.index}')}"

    @property
    def day(self) -> dt.date:
        """The release's date as this item left it."""
        c, r = self.change, self.release
        if c is not None:
            return lands_on(c)
        # Confirmed before its first change: the date it was confirmed for.
        first = r.changes[0] if r.changes else None
        return first.old if first and first.on >= self.on else r.date

    @property
    def title(self) -> str:
        what = "Confirmed" if self.change is None else self.change.headline
        return f"{what}: {self.release.publication.title}, {long_date(self.day)}"

    @property
    def summary(self) -> str:
        if self.change is not None:
            return self.change.text()
        return f"Confirmed for {long_date(self.day)} at {self.release.start:%H:%M} UK time."


def news(releases: Iterable[Release]) -> list[News]:
    """Every confirmation and change, newest first; ties in a stable order."""
    items = []
    for r in releases:
        if (day := r.confirmed) is not None:
            items.append(News(day, r, 0, None))
        items += [News(c.on, r, n, c) for n, c in enumerate(r.changes, start=1)]
    items.sort(key=lambda i: (i.on, i.release.uid, i.index), reverse=True)
    return items


def last_updated(releases: Iterable[Release]) -> dt.date | None:
    """The latest day the record confirmed or changed anything."""
    return max((item.on for item in news(releases)), default=None)


def anchor(release: Release) -> str:
    """The id of the release's row on the page: publication id and scheduled month."""
    return f"{release.publication.id}-{release.scheduled}"


# Characters XML 1.0 forbids (and DEL): a hostile schedule cannot make the feed unreadable.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _text(value: str) -> str:
    """XML character data, escaped."""
    return escape(NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(NOT_XML.sub("", value))


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _entry(item: News, page: str) -> str:
    link = f"{page}#{anchor(item.release)}"
    r = item.release
    return (
        "<entry>\n"
        f"  <id>{item.id}</id>\n"
        f"  <title>{_text(item.title)}</title>\n"
        f"  <updated>{_stamp(item.on)}</updated>\n"
        f'  <link rel="alternate" type="text/html" href={_attr(link)}/>\n'
        f"  <category term={_attr(r.topic.slug)} label={_attr(r.topic.name)}/>\n"
        f"  <summary>{_text(item.summary)}</summary>\n"
        "</entry>\n"
    )


def render_atom(programme: Programme, releases: Iterable[Release]) -> str:
    """changes.atom: an Atom feed (RFC 4287) of the calendar's news, newest first."""
    items = news(releases)
    base = f"{programme.feed_url}/" if programme.feed_url else ""
    # A feed must say when it last changed: with no news yet, the start of the period.
    updated = items[0].on if items else programme.period.start
    org = programme.organisation
    feed_id = f"urn:uuid:{uuid.uuid5(NAMESPACE, programme.uid_domain)}"
    entries = "".join(_entry(item, f"{base}index.html") for item in items[:MAX_ENTRIES])
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        f"<id>{feed_id}</id>\n"
        f"<title>{_text(f'{statistics_of(org)} release calendar: changes')}</title>\n"
        f"<subtitle>Releases confirmed, moved, cancelled and reinstated, with the reason"
        "</subtitle>\n"
        f"<updated>{_stamp(updated)}</updated>\n"
        f"<author><name>{_text(org)}</name></author>\n"
        f'<link rel="self" type="application/atom+xml" href={_attr(base + ATOM)}/>\n'
        f'<link rel="alternate" type="text/html" href={_attr(base + "index.html")}/>\n'
        "<generator>calendar-gen</generator>\n"
        f"{entries}</feed>\n"
    )
