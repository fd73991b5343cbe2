"""GOV.UK's statistics announcements, read from its Search API's JSON answers.

Where the format is defined (github.com/alphagov/search-api at 392b480, and
github.com/alphagov/whitehall at 06ae02d):
- search-api docs/using-the-search-api.md: GET /api/search.json with `filter_<field>`,
  `fields`, `order`, and paging by `start` and `count` (at most 1500 a page); a date filter
  is `from:YYYY-MM-DD`.
- search-api lib/search/presenters/result_set_presenter.rb: an answer is an object with
  `results`, `total` (all that match) and `start`.
- search-api config/schema/field_definitions.json: `release_timestamp` (a date),
  `display_date` (text, "may be approximate"), `statistics_announcement_state` ("one of
  cancelled, confirmed, provisional"), `title`, `link`, `organisations`;
  lib/search/presenters/entity_expander.rb: organisations come as objects with `title` and
  `slug`.
- whitehall app/presenters/publishing_api/statistics_announcement_presenter.rb: what a
  statistics announcement sends (display_date, release_timestamp, state, cancellation_reason,
  latest_change_note, and its document type "national_statistics_announcement" or
  "official_statistics_announcement"). Its `format_sub_type` is no field of the Search API's
  (not in field_definitions.json), and lib/parameter_parser/search_parameter_parser.rb
  refuses the whole search, 422, when `fields` names one it does not define: the type is read
  from `content_store_document_type` (lib/govuk_index/presenters/common_fields_presenter.rb).
  app/models/statistics_announcement_date.rb and config/initializers/formats.rb: a
  display_date is "20 May 2027 9:30am" (exact), "May 2027" (one month) or "May to June 2027"
  (two months, the month of the release date and the next).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, assert_never
from zoneinfo import ZoneInfo

from calendar_gen.domain import texts
from calendar_gen.domain.model import GOVUK_API, Precision, YearMonth
from calendar_gen.domain.texts import plural, short_date
from calendar_gen.errors import CalendarFileError, shown
from calendar_gen.findings import Finding, FindingKind
from calendar_gen.web.calendars import TooBig, fetch, read_file, split_name, web_address

if TYPE_CHECKING:
    from calendar_gen.domain.releases import Release

DEFAULT_API = GOVUK_API
PAGE = 1000  # announcements asked for a page: the Search API gives at most 1500
MAX_PAGES = 40  # a whole government's year is a few thousand: forty pages is ten times that
MAX_TEXT = 500  # characters of a title or summary kept: GOV.UK's are a few dozen
FIELDS = ("title", "link", "description", "release_timestamp", "display_date",
          "statistics_announcement_state", "organisations",
          "content_store_document_type")  # fmt: skip
UK = ZoneInfo("Europe/London")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # gov.uk/government/organisations/<slug>
NAME = "GOV.UK"  # how clashes name the calendar unless told otherwise
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
ONE_MONTH = re.compile(rf"({MONTHS}) (\d{{4}})")
# Whitehall writes "December to January 2028"; "December 2027 to January 2028" is read too.
TWO_MONTHS = re.compile(rf"({MONTHS})(?: (\d{{4}}))? to ({MONTHS}) (\d{{4}})")


class State(StrEnum):
    """An announcement's state on GOV.UK (statistics_announcement_state)."""

    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


STATES = frozenset(State)


@dataclass(frozen=True)
class Notice:
    """One statistics announcement on GOV.UK, its release time in UK time."""

    title: str
    link: str
    start: dt.datetime  # aware, Europe/London
    precision: Precision
    display_date: str
    state: State
    organisations: tuple[str, ...]  # their names
    slugs: tuple[str, ...]  # their slugs on GOV.UK ("home-office")
    sub_type: str  # "national", "official" or "" when not given (content_store_document_type)
    summary: str = ""

    @property
    def day(self) -> dt.date:
        return self.start.date()

    @property
    def slug(self) -> str:
        """The last part of its address: /government/statistics/announcements/<slug>."""
        return self.link.rstrip("/").rsplit("/", 1)[-1]

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """The days it is announced for: the first, and the day after the last."""
        return self.precision.span(self.day)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "link": self.link,
            "release_timestamp": self.start.isoformat(),
            "display_date": self.display_date,
            "precision": self.precision.value,
            "state": self.state.value,
            "organisations": list(self.organisations),
        }


@dataclass(frozen=True)
class Answers:
    """What was read from one source: its announcements and where they came from."""

    name: str
    where: str
    notices: tuple[Notice, ...]


def is_govuk(spec: str) -> bool:
    """Whether `spec` names GOV.UK's announcements: govuk, govuk:ORGANISATION, or a saved
    answer or address ending in .json."""
    where = split_name(spec)[1]
    path = urllib.parse.urlsplit(where).path if web_address(where) else where
    return (
        where.lower() == "govuk"
        or where.lower().startswith("govuk:")
        or (path.lower().endswith(".json"))
    )


def open_answers(spec: str, api: str, since: dt.date) -> Answers:
    """The announcements `spec` names (see is_govuk), from `since` on when fetched."""
    name, where = split_name(spec)
    if where.lower() == "govuk" or where.lower().startswith("govuk:"):
        organisation = where.partition(":")[2].strip()
        if organisation and not SLUG.fullmatch(organisation):
            from calendar_gen.programme.schedule import slugify

            raise CalendarFileError(
                f"{shown(spec)}: {shown(organisation)} is no organisation's slug on GOV.UK, "
                f"and GOV.UK would answer it with nothing: write it as the last part of its "
                f"address there, like govuk:{slugify(organisation) or 'home-office'}"
            )
        return Answers(name or NAME, api, tuple(fetch_all(api, since, organisation)))
    if (url := web_address(where)) is not None:
        return Answers(name or NAME, url, tuple(fetch_all(url, since)))
    return Answers(name or NAME, where, tuple(read_saved(read_file(where), where)))


def page_address(base: str, since: dt.date, start: int, organisation: str = "") -> str:
    """The address of one page of upcoming announcements, soonest first."""
    query = [("filter_format", "statistics_announcement"), ("order", "release_timestamp"),
             ("filter_release_timestamp", f"from:{since.isoformat()}"),
             *(("fields", f) for f in FIELDS), ("count", str(PAGE)),
             ("start", str(start))]  # fmt: skip
    if organisation:
        query.append(("filter_organisations", organisation))
    parts = urllib.parse.urlsplit(base)
    kept = urllib.parse.parse_qsl(parts.query)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(kept + query)))


def fetch_all(base: str, since: dt.date, organisation: str = "") -> list[Notice]:
    """Every page of the answer, within the time and size one --against fetch may take in
    all (calendars.TIMEOUT, MAX_BYTES) and MAX_PAGES pages."""
    from calendar_gen.web import calendars

    end, left, found, start = time.monotonic() + calendars.TIMEOUT, calendars.MAX_BYTES, [], 0
    for _ in range(MAX_PAGES):
        url = page_address(base, since, start, organisation)
        if (seconds := end - time.monotonic()) <= 0:
            raise CalendarFileError(f"{url}: cannot be fetched: no complete answer within "
                                    f"{calendars.TIMEOUT:g} seconds for all its pages")  # fmt: skip
        try:
            # Never a redirect: a server could send the next page's request to another host.
            data = fetch(url, seconds=seconds, limit=left, redirects=False)
        except TooBig:
            raise CalendarFileError(
                f"{url}: the answers are more than {calendars.MAX_BYTES:,} bytes in all, too "
                "large for a calendar: ask for one organisation (govuk:ORGANISATION)"
            ) from None
        left -= len(data)
        page, total = read_page(data, url, start)
        found += page
        start += len(page)
        if not page or start >= total:
            return found
    raise CalendarFileError(
        f"{base}: more than {MAX_PAGES} pages of {PAGE} announcements, more than a whole "
        "government announces: is it the Search API's address?"
    )


def read_saved(data: bytes, where: str) -> list[Notice]:
    """The announcements in a saved answer, or in a JSON list of saved answers (pages)."""
    answer = _json(data, where)
    pages = answer if isinstance(answer, list) else [answer]
    return [n for page in pages for n in _results(page, where)]


def read_page(data: bytes, where: str, start: int = 0) -> tuple[list[Notice], int]:
    """One page's announcements, and how many match in all (`total`). The Search API says
    where its page starts (`start`): a page that starts elsewhere than asked is another's."""
    answer = _json(data, where)
    notices = _results(answer, where)
    total = answer.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise _shape(where, f"its total is {shown(total)}, not a count")
    if answer.get("start", start) != start:
        raise _shape(where, f"asked for the page from {start:,}, it answered the page from "
                     f"{shown(answer.get('start'))}, so it does not page by start")  # fmt: skip
    return notices, total


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CalendarFileError(f"{where}: is not UTF-8 text, so no Search API answer") from None
    except json.JSONDecodeError as error:
        raise CalendarFileError(
            f"{where}: is not readable JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno}): is it an answer of the GOV.UK Search API (/api/search.json)?"
        ) from None
    except RecursionError:
        raise CalendarFileError(f"{where}: is JSON nested too deeply to read") from None


def _shape(where: str, what: str) -> CalendarFileError:
    return CalendarFileError(
        f"{where}: is not an answer of the GOV.UK Search API as calendar-gen asks for it: "
        f"{what}; it reads /api/search.json?filter_format=statistics_announcement with the "
        f"fields {', '.join(FIELDS)}"
    )


def _results(answer: Any, where: str) -> list[Notice]:
    if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
        raise _shape(where, "it has no list of results")
    return [_notice(item, where, n) for n, item in enumerate(answer["results"], 1)
            if not _dayless_cancelled(item)]  # fmt: skip


def _dayless_cancelled(item: Any) -> bool:
    """A cancelled announcement with no release_timestamp: it names no day to clash with or
    line up, so it is passed over. Whitehall sends one for each (statistics_announcement_
    presenter.rb), but nothing in the Search API requires it."""
    return (isinstance(item, dict) and item.get("release_timestamp") is None
            and item.get("statistics_announcement_state") == State.CANCELLED)  # fmt: skip


def _text(item: dict[str, Any], key: str, where: str, n: int, required: bool = True) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _shape(where, f"result {n} has {key} {shown(value)}, not a text")
    return one_line(value)


def one_line(text: str) -> str:
    """At most MAX_TEXT characters on one line: GOV.UK's titles, dates and links have no line
    breaks, and one sent in a title would start a line of its own in what is printed."""
    return texts.one_line(text[: MAX_TEXT * 4])[:MAX_TEXT]


def _notice(item: Any, where: str, n: int) -> Notice:
    if not isinstance(item, dict):
        raise _shape(where, f"result {n} is {shown(item)}, not an object")
    title, stamp = _text(item, "title", where, n), _text(item, "release_timestamp", where, n)
    state = _text(item, "statistics_announcement_state", where, n)
    display = _text(item, "display_date", where, n, required=False)
    local = _timestamp(stamp, title, "release_timestamp", where, n)
    if state not in STATES:
        raise _shape(where, f"result {n} ({shown(title)}) has statistics_announcement_state "
                     f"{shown(state)}, not one of {', '.join(State)}")  # fmt: skip
    names, slugs = _organisations(item.get("organisations"), where, n)
    return Notice(title, _text(item, "link", where, n, required=False), local,
                  precision_of(display), display or said(local, Precision.EXACT), State(state),
                  names, slugs, _sub_type(_text(item, "content_store_document_type", where, n,
                                              required=False)),
                  _text(item, "description", where, n, required=False))  # fmt: skip


def _sub_type(document_type: str) -> str:
    """National or official, from national_statistics_announcement and its like."""
    kind = document_type.removesuffix("_statistics_announcement")
    return kind if kind in ("national", "official") else ""


def _organisations(value: Any, where: str, n: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names and slugs: the Search API expands each slug into an object; a bare slug is read."""
    if value is None:
        return (), ()
    if not isinstance(value, list):
        raise _shape(where, f"result {n} has organisations {shown(value)}, not a list")
    names, slugs = [], []
    for org in value:
        if isinstance(org, str):
            names.append(one_line(org))
            slugs.append(one_line(org.strip("/").rsplit("/", 1)[-1]))
        elif isinstance(org, dict) and isinstance(org.get("slug", ""), str):
            slug = str(org.get("slug", "")).strip("/").rsplit("/", 1)[-1]
            title = org.get("title")
            names.append(one_line(str(title if isinstance(title, str) else slug)))
            slugs.append(one_line(slug))
        else:
            raise _shape(where, f"result {n} has an organisation {shown(org)}, not a name")
    return tuple(names), tuple(slugs)


def precision_of(display_date: str) -> Precision:
    """How exactly `display_date` gives the day: "May 2027", "May to June 2027", or exact."""
    text = " ".join(display_date.split())
    if ONE_MONTH.fullmatch(text):
        return Precision.MONTH
    if TWO_MONTHS.fullmatch(text):
        return Precision.TWO_MONTHS
    return Precision.EXACT


def said(start: dt.datetime, precision: Precision) -> str:
    """The display date as whitehall writes it: "20 May 2027 9:30am", "May 2027", "May to
    June 2027", "December to January 2028" (config/initializers/formats.rb)."""
    match precision:
        case Precision.EXACT:
            hour = start.hour % 12 or 12
            return f"{start.day} {start:%B %Y} {hour}:{start:%M}{'am' if start.hour < 12 else 'pm'}"
        case Precision.MONTH:
            return f"{start:%B %Y}"
        case Precision.TWO_MONTHS:
            return f"{start:%B} to {YearMonth.of(start.date()).plus(1).first_day:%B %Y}"
        case _:
            assert_never(precision)


def ours(notice: Notice, organisation: str) -> bool:
    """Whether the announcement is of the organisation with the slug `organisation`."""
    return organisation in notice.slugs


def upcoming(notices: Iterable[Notice], since: dt.date) -> list[Notice]:
    """Those whose days are not all past: a saved answer may be older than today."""
    return [n for n in notices if n.span[1] > since]


def named(notices: Sequence[Notice], source: str) -> list[tuple[Notice, str]]:
    """Each announcement with the label clashes name it by: title (time, source: organisations,
    state)."""
    out = []
    for n in notices:
        orgs = ", ".join(n.organisations) or "no organisation given"
        when = f"{n.start:%H:%M}" if n.precision is Precision.EXACT else n.display_date
        out.append((n, f"{n.title} ({when}, {source}: {orgs}, {n.state.value})"))
    return out


def busy_days(
    labelled: Sequence[tuple[Notice, str]], first: dt.date, last: dt.date
) -> dict[dt.date, list[str]]:
    """The days from `first` to `last` with an announcement on the day (not cancelled, not
    given only to the month), each with the labels of its announcements."""
    busy: dict[dt.date, list[str]] = {}
    for notice, label in labelled:
        if notice.state is State.CANCELLED or notice.precision is not Precision.EXACT:
            continue
        if first <= notice.day <= last:
            busy.setdefault(notice.day, []).append(label)
    return busy


def possible_clashes(
    releases: Iterable[Release], labelled: Sequence[tuple[Notice, str]]
) -> list[Finding]:
    """A note for each release in the months of announcements given only to the month: it
    may fall on their day, which GOV.UK does not yet say, so it is no clash to count."""
    by_month: dict[YearMonth, list[str]] = {}
    for notice, label in labelled:
        if notice.state is State.CANCELLED or notice.precision is Precision.EXACT:
            continue
        first, after = notice.span
        month = YearMonth.of(first)
        while month.first_day < after:
            by_month.setdefault(month, []).append(label)
            month = month.plus(1)
    notes = []
    for r in releases:
        if not r.status.comes_out or not (labels := by_month.get(YearMonth.of(r.date))):
            continue
        more = f" and {len(labels) - 3:,} more" if len(labels) > 3 else ""
        text = (f"{r.publication.title} on {short_date(r.date)} may clash with "
                f"{plural(len(labels), 'announcement')} GOV.UK gives only to the month: "
                f"{'; '.join(labels[:3])}{more}")  # fmt: skip
        notes.append(Finding(FindingKind.POSSIBLE_CLASH, text, r.publication.id,
                             str(r.scheduled), r.date))  # fmt: skip
    return notes


# "Immigration statistics, April to June 2014": a title, then its period after a last comma.
_PERIOD = re.compile(r"(.+?),\s+[^,]*\d{4}[^,]*")


def series_title(title: str) -> str:
    """The publication a release's title names, its period left out: what comes before a
    colon, or before a last comma whose part names a year."""
    head = title.split(":", 1)[0].strip()
    return m.group(1).strip() if (m := _PERIOD.fullmatch(head)) else head


# When each came out: an announcement's release_timestamp; a publication's first_published_at
# ("the date the content was first published", search-api field_definitions.json), for its
# public_timestamp is a later edition's major change (whitehall app/models/edition.rb,
# set_public_timestamp) and is read only when no other is given.
_PAST = ("release_timestamp", "first_published_at", "public_timestamp")


def past_dates(data: bytes, where: str) -> list[tuple[str, dt.date]]:
    """(series title, UK day) of each release in saved Search API answers (see _PAST);
    cancelled ones and those given only to the month, which name no day, left out."""
    answer = _json(data, where)
    found = []
    for page in answer if isinstance(answer, list) else [answer]:
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise _shape(where, "it has no list of results")
        for n, item in enumerate(page["results"], 1):
            if not isinstance(item, dict):
                raise _shape(where, f"result {n} is {shown(item)}, not an object")
            if item.get("statistics_announcement_state") == State.CANCELLED:
                continue  # it never came out, whatever day it names, or none
            key = next((k for k in _PAST if item.get(k) is not None), _PAST[-1])
            stamp = _text(item, key, where, n)
            start = _timestamp(stamp, _text(item, "title", where, n), key, where, n)
            display = _text(item, "display_date", where, n, required=False)
            if precision_of(display) is Precision.EXACT:
                found.append((series_title(one_line(item["title"])), start.date()))
    return found


def _timestamp(stamp: str, title: str, key: str, where: str, n: int) -> dt.datetime:
    """A time with its offset, as UK time."""
    try:
        start = dt.datetime.fromisoformat(stamp)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise _shape(where, f"result {n} ({shown(title)}) has {key} {shown(stamp)}, not a "
                     "time with its offset like 2027-05-20T09:30:00.000+01:00")  # fmt: skip
    return start.astimezone(UK)
