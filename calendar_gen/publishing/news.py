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
from typing import assert_never

from calendar_gen.domain.history import Change, lands_on
from calendar_gen.domain.language import Language, releases_of
from calendar_gen.domain.model import Programme
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import long_date
from calendar_gen.publishing.feeds import statistics_of

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
        return self.title_in(Language.EN)

    @property
    def summary(self) -> str:
        return self.summary_in(Language.EN)

    def title_in(self, lang: Language) -> str:
        p = self.release.publication
        title = p.title_cy if lang is Language.CY else p.title
        return f"{lang.headline(self.change)}: {title}, {lang.long_date(self.day)}"

    def summary_in(self, lang: Language) -> str:
        if self.change is not None:
            return lang.change(self.change, self.change.reason_cy)
        at = f"{self.release.start:%H:%M}"
        match lang:
            case Language.EN:
                return f"Confirmed for {long_date(self.day)} at {at} UK time."
            case Language.CY:
                day = lang.long_date(self.day)
                return f"Cadarnhawyd. Dyddiad y datganiad: {day}, {at} (amser y DU)."
            case _:
                assert_never(lang)


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


# Escaped as xml.sax.saxutils's escape and quoteattr do, written out here: that module
# imports the web client (urllib.request, http.client, ssl), about 15 ms of every build.
def _text(value: str) -> str:
    """XML character data, escaped."""
    return NOT_XML.sub("", value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _attr(value: str) -> str:
    """An attribute value, escaped and quoted: in double quotes, or single ones when it
    holds a double quote but no single one."""
    text = _text(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _entry(item: News, page: str, lang: Language) -> str:
    link = f"{page}#{anchor(item.release)}"
    r = item.release
    # The Welsh items are translations, not the same entries: ids of their own.
    entry_id = item.id if lang is Language.EN else (
        f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{r.uid}/{item.index}/{lang}')}")  # fmt: skip
    topic = r.topic.name_cy if lang is Language.CY else r.topic.name
    return (
        "<entry>\n"
        f"  <id>{entry_id}</id>\n"
        f"  <title>{_text(item.title_in(lang))}</title>\n"
        f"  <updated>{_stamp(item.on)}</updated>\n"
        f'  <link rel="alternate" type="text/html" href={_attr(link)}/>\n'
        f"  <category term={_attr(r.topic.slug)} label={_attr(topic)}/>\n"
        f"  <summary>{_text(item.summary_in(lang))}</summary>\n"
        "</entry>\n"
    )


# The Atom feed's title and subtitle in each language; {org} the organisation's name.
ATOM_WORDS = {
    Language.EN: ("{statistics} release calendar: changes",
                  "Releases confirmed, moved, cancelled and reinstated, with the reason"),
    Language.CY: ("Calendr {of}: newidiadau",
                  "Datganiadau a gadarnhawyd, a symudwyd, a ganslwyd ac a adferwyd, gyda'r "
                  "rheswm"),
}  # fmt: skip


def render_atom(
    programme: Programme, releases: Iterable[Release], lang: Language = Language.EN
) -> str:
    """changes.atom: an Atom feed (RFC 4287) of the calendar's news, newest first; in
    Welsh, changes.cy.atom."""
    items = news(releases)
    base = f"{programme.feed_url}/" if programme.feed_url else ""
    # A feed must say when it last changed: with no news yet, the start of the period.
    updated = items[0].on if items else programme.period.start
    org = programme.organisation_cy if lang is Language.CY else programme.organisation
    domain = programme.uid_domain if lang is Language.EN else f"{programme.uid_domain}/{lang}"
    feed_id = f"urn:uuid:{uuid.uuid5(NAMESPACE, domain)}"
    page = base + lang.file("index.html")
    entries = "".join(_entry(item, page, lang) for item in items[:MAX_ENTRIES])
    title, subtitle = ATOM_WORDS[lang]
    title = title.format(statistics=statistics_of(org), of=releases_of(org))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">\n'
        f"<id>{feed_id}</id>\n"
        f"<title>{_text(title)}</title>\n"
        f"<subtitle>{subtitle}</subtitle>\n"
        f"<updated>{_stamp(updated)}</updated>\n"
        f"<author><name>{_text(org)}</name></author>\n"
        f'<link rel="self" type="application/atom+xml" href={_attr(base + lang.file(ATOM))}/>\n'
        f'<link rel="alternate" type="text/html" href={_attr(page)}/>\n'
        "<generator>calendar-gen</generator>\n"
        f"{entries}</feed>\n"
    )
