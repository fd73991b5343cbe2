"""The page's structured data: each release it lists as a schema.org PublicationEvent, in
JSON-LD, so search engines and tools read the calendar without scraping it.

schema.org's vocabulary is the one GOV.UK marks its statistics announcements up with; its
event statuses (schema.org/EventStatusType) are EventScheduled, EventRescheduled (with every
previousStartDate), EventPostponed and EventCancelled.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, assert_never

from calendar_gen.domain.history import Status, lands_on
from calendar_gen.domain.language import Language
from calendar_gen.domain.model import Precision, Programme
from calendar_gen.domain.releases import Release
from calendar_gen.publishing.news import anchor

SCHEMA_ORG = "https://schema.org/"


def event_status(release: Release) -> str:
    """Its schema.org eventStatus. Provisional is no status of schema.org's: it is scheduled."""
    match release.status:
        case Status.CANCELLED:
            return SCHEMA_ORG + "EventCancelled"
        case Status.POSTPONED:
            return SCHEMA_ORG + "EventPostponed"
        case Status.CONFIRMED | Status.PROVISIONAL:
            moved = earlier_days(release)
            return SCHEMA_ORG + ("EventRescheduled" if moved else "EventScheduled")
        case Status.NOT_ANNOUNCED:
            raise ValueError("a release never announced is on no page")
        case _:
            assert_never(release.status)


def earlier_days(release: Release) -> list[str]:
    """The days it was announced for before the one it has, in order, each once."""
    days: list[str] = []
    for change in release.changes:
        if lands_on(change) != change.old and change.old.isoformat() not in days:
            days.append(change.old.isoformat())
    return [day for day in days if day != release.date.isoformat()]


def _start(release: Release) -> str:
    """Its start; announced to the month, the month alone: "2027-05", ISO 8601's reduced
    precision (schema.org's dates are ISO 8601), not a day that was never announced."""
    if release.precision is Precision.EXACT:
        return release.start.isoformat()
    return f"{release.date:%Y-%m}"


def _end(release: Release) -> dict[str, str]:
    """The last month of a release announced to two months; else nothing."""
    if release.precision is not Precision.TWO_MONTHS:
        return {}
    after = release.precision.span(release.date)[1]
    return {"endDate": f"{after - dt.timedelta(days=1):%Y-%m}"}


def _event(programme: Programme, release: Release, page: str, lang: Language) -> dict[str, Any]:
    where = f"{page}#{anchor(release)}"
    welsh = lang is Language.CY
    event: dict[str, Any] = {
        "@type": "PublicationEvent",
        "@id": where,
        "url": where,
        "identifier": release.uid,
        "name": release.publication.title_cy if welsh else release.publication.title,
        "startDate": _start(release),
        "eventStatus": event_status(release),
        **_end(release),
        "organizer": {"@type": "Organization",
                      "name": programme.organisation_cy if welsh else programme.organisation},
        **({"inLanguage": str(lang)} if welsh else {}),
    }  # fmt: skip
    if earlier := earlier_days(release):
        event["previousStartDate"] = earlier
    if history := "\n".join(lang.change(c, c.reason_cy) for c in release.changes):
        event["description"] = history
    links = [str(c.fields()["url"]) for c in release.changes if "url" in c.fields()]
    if links:  # the statistics as published, once released
        event["workFeatured"] = {"@type": "CreativeWork", "url": links[-1]}
    return event


def json_ld(programme: Programme, releases: list[Release], lang: Language = Language.EN) -> str:
    """A script element of JSON-LD for `releases`, safe inside HTML whatever their text."""
    page = lang.file("index.html")
    page = f"{programme.feed_url}/{page}" if programme.feed_url else page
    graph = {"@context": SCHEMA_ORG,
             "@graph": [_event(programme, r, page, lang) for r in releases]}  # fmt: skip
    text = json.dumps(graph, ensure_ascii=False, indent=None, separators=(",", ":"))
    # Nothing in it can end the element or open a comment: "<", ">" and "&" as escapes.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
