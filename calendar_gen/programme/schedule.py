"""Schedule files: read a folder of TOML into a validated Programme, reporting every problem."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, assert_never

from calendar_gen.domain.history import WELSH_REASON
from calendar_gen.domain.model import (
    DESIGNATION_FEED,
    FEED_PREFIXES,
    GOVUK_API,
    MAX_RELEASES,
    PROGRAMME_FILE,
    PUBLICATION_FEEDS,
    RECORD_FILE,
    AcceptedClash,
    Announcement,
    Blackout,
    Designation,
    Ending,
    Frequency,
    Period,
    Precision,
    Programme,
    Publication,
    Shape,
    Suspension,
    Topic,
    choose,
    fold_shown,
)
from calendar_gen.domain.rules import (
    WEEKDAYS,
    AdHocRule,
    DaySpec,
    MonthlyRule,
    Rule,
    RuleError,
    WeeklyRule,
    parse_day,
    parse_weekday,
)
from calendar_gen.domain.texts import CONTROL, CONTROL_OR_NEWLINE, plural
from calendar_gen.domain.workdays import FIRST_YEAR, LAST_YEAR, REGIONS, Roll
from calendar_gen.errors import Problem, ScheduleError, shown
from calendar_gen.programme.files import NOT_A_SCHEDULE, not_a_file, read_toml_text
from calendar_gen.record.announcements import Record, read_record

# The settings, the announcement record, and the titles `reconcile` looks for on GOV.UK.
NOT_TOPICS = ("programme", "announcements", "govuk-titles")
RESERVED_SLUGS = ("all",)  # all.ics is the feed of every release
# Feeds carry a VTIMEZONE written out with yearly rules (the only form Outlook reads), and
# that is written for the UK's zone only.
TIMEZONES = ("Europe/London",)
REGIONS_DEFAULT = "england-and-wales"

PROGRAMME_KEYS = (
    "organisation", "period", "timezone", "release_time", "holidays", "roll", "uid_domain",
    "notice_weeks", "max_releases_per_day", "max_releases", "blackout", "feed_url", "ends",
    "accept", "govuk_api", "govuk_organisation", "organisation_cy", "reminder",
    "publication_feeds",
)  # fmt: skip
BLACKOUT_KEYS = ("from", "until", "reason", "reason_cy")
ACCEPT_KEYS = ("date", "ids", "reason")
ENDED_KEYS = ("on", "reason", "reason_cy")
TOPIC_KEYS = ("topic", "publication", "topic_cy")
PUBLICATION_KEYS = (
    "id", "title", "designation", "frequency", "description", "months", "day", "roll",
    "holidays", "time", "time_reason", "suspended", "released_with", "ended", "from", "dates",
    "provisional", "title_cy", "description_cy", "time_reason_cy",
)  # fmt: skip
SUSPENSION_KEYS = ("period", "reason", "reason_cy")

WELSH = "_cy"  # organisation_cy, topic_cy, title_cy, ...: the text in Welsh
# The longest text each key takes, in characters: what fits a calendar's title line or a
# page, with room to spare. A 20 MB description in a monthly publication once wrote 935 MB
# of feeds and data. The README lists these.
TEXT_LIMITS = {"organisation": 200, "topic": 200, "title": 200, "description": 2_000,
               "reason": 500}  # fmt: skip
# The Welsh of each: organisation_cy, title_cy, ... (a Welsh text runs longer than its
# English, but not past these).
TEXT_LIMITS |= {f"{key}{WELSH}": limit for key, limit in list(TEXT_LIMITS.items())}
FILE_LIMIT = 1_048_576  # bytes of one schedule file (1 MiB), checked before it is parsed

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")  # "9:30" too


def _listed(allowed: tuple[str, ...]) -> str:
    return ", ".join(f'"{a}"' for a in allowed)


# Words people write for a region that are not its name here.
_REGION_WORDS = {"uk": "united-kingdom", "gb": "great-britain", "england": "england-and-wales",
                 "wales": "england-and-wales", "ni": "northern-ireland"}  # fmt: skip


def _hint(value: object, allowed: tuple[str, ...]) -> str:
    """'; did you mean "bi-annual"?' for the allowed value closest to what was written."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split()).casefold()
    folded = {a.casefold(): a for a in allowed}
    close = difflib.get_close_matches(text, list(folded), n=1, cutoff=0.6)
    guess = folded[close[0]] if close else _REGION_WORDS.get(text)
    return f'; did you mean "{guess}"?' if guess in allowed else ""


def slugify(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "calendar-gen"


@dataclass
class _Welsh:
    """The Welsh texts a programme's files hold and lack: all or none of them."""

    found: list[str] = field(default_factory=list)  # where one was found
    missing: list[Problem] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        """Every Welsh text missing, once any is written; none when the programme has none."""
        return self.missing if self.found else []


class _Reader:
    """Collects problems while reading values, so one run reports them all.

    Each message names the key, shows the value as it was written and says what to write.
    """

    def __init__(self, file: str, welsh: _Welsh | None = None) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.publication: str | None = None
        self.suggested: set[str] = set()  # keys a misspelt key was taken for
        self.welsh = welsh or _Welsh()

    def welsh_text(self, table: dict[str, Any], key: str, *, lines: bool = False) -> str:
        """The Welsh of `key` (`key`_cy); "" when there is none, noted as missing where the
        English is written, so that a programme with any Welsh gets every one asked for."""
        welsh = key + WELSH
        if welsh in table and key not in table:
            self.problem(f"{welsh} is the Welsh of {key}, which is not written; write {key} "
                         f"too, or take {welsh} out")  # fmt: skip
        elif welsh in table:
            self.welsh.found.append(self.file)
            return self.text(table, welsh, lines=lines) or ""
        english = table.get(key)
        if isinstance(english, str) and english.strip():
            self.welsh.missing.append(Problem(self.file, missing_welsh(welsh, english),
                                              self.publication))  # fmt: skip
        return ""

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.file, message, self.publication))

    def missing(self, key: str, example: str) -> None:
        """`key` is missing, unless a misspelling of it was reported already: one mistake,
        one message."""
        if key not in self.suggested:
            self.problem(f"{key} is missing; write it like {example}")

    def tables(
        self, data: dict[str, Any], key: str, holding: str, written: str = ""
    ) -> list[dict[str, Any]] | None:
        """The tables of `key` ([] when it has none); None, said, when it holds anything else.
        `holding`: the keys each table has; `written`: its [[header]], when not `key`."""
        value = data.get(key, [])
        if isinstance(value, list) and all(isinstance(t, dict) for t in value):
            return value
        self.problem(f"{key} must be tables of {holding}, written [[{written or key}]]")
        return None

    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key.casefold(), allowed, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                self.suggested.update(close)
                self.problem(f'unknown key "{key}" {where}{hint}; allowed: {", ".join(allowed)}')

    def text(
        self, table: dict[str, Any], key: str, *, required: bool = True, lines: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.missing(key, f'{key} = "..."')
            return None
        if not isinstance(value, str):
            self.problem(f'{key} {shown(value)} is not text; write it in quotes: {key} = "..."')
            return None
        length, limit = len(value.strip()), TEXT_LIMITS.get(key)
        if not length:
            self.problem(f'{key} "{value}" is empty; write the {key} between the quotes')
        elif limit is not None and length > limit:  # said before the text is quoted below
            self.problem(f"{key} is {length:,} characters long; at most {limit:,} are allowed")
        elif (CONTROL if lines else CONTROL_OR_NEWLINE).search(value):
            kind = "control characters" if lines else "line breaks or control characters"
            self.problem(f"{key} {shown(value)} must not contain {kind}; keep it to one line")
        else:
            return value.strip()
        return None

    def choice(
        self, table: dict[str, Any], key: str, allowed: tuple[str, ...], default: str | None = None
    ) -> str | None:
        """One of `allowed`, whatever the case and spacing; else the closest is suggested."""
        value = table.get(key, default)
        if value is None:
            self.missing(key, f'{key} = "{allowed[0]}" (or {_listed(allowed[1:])})')
            return None
        if isinstance(value, str) and (found := choose(value, allowed)):
            return found
        hint = _hint(value, allowed)
        self.problem(f"{key} {shown(value)} is not one of {_listed(allowed)}{hint}")
        return None

    def time(self, table: dict[str, Any], key: str, default: dt.time) -> dt.time | None:
        value = table.get(key)
        if value is None:
            return default
        if isinstance(value, dt.time) and value.tzinfo is None:
            return value.replace(second=0, microsecond=0)
        if isinstance(value, str) and (m := _TIME.fullmatch(value.strip())):
            return dt.time(int(m.group(1)), int(m.group(2)))
        self.problem(f'{key} {shown(value)} is not a time of day; write it like {key} = "09:30"')
        return None

    def date(self, table: dict[str, Any], key: str) -> dt.date | None:
        value = table.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _quoted_date(value):
            self.problem(
                f"{key} {shown(value)} is text, not a date; write the date without quotes: "
                f"{key} = {value.strip()}"
            )
        elif value is None:
            self.missing(key, f"{key} = 2015-03-31")
        else:
            self.problem(f"{key} {shown(value)} is not a date; write it like {key} = 2015-03-31")
        return None

    def number(
        self, table: dict[str, Any], key: str, default: int, low: int, high: int
    ) -> int | None:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                f"{key} {shown(value)} is not a whole number from {low} to {high}; write it "
                f"without quotes, like {key} = {default}"
            )
            return None
        return value

    def period(self, value: Any, key: str) -> Period | None:
        if isinstance(value, int) and not isinstance(value, bool):
            name = key.split()[-1]  # "suspended period" is written period = ...
            self.problem(f'{key} {value} is a number; write it in quotes: {name} = "{value}"')
            return None
        if not isinstance(value, str):
            self.problem(f'{key} {shown(value)} is not a period; write it like {key} = "2014/15"')
            return None
        try:
            return Period.parse(value.strip())
        except ValueError as error:
            self.problem(str(error).replace("period", key, 1))
            return None


def missing_welsh(key: str, english: str) -> str:
    """What a Welsh text missing from a programme with Welsh says."""
    return (
        f"{key} is missing: the programme has Welsh, so every text needs it; write "
        f'{key} = "..." with the Welsh for {shown(english)}'
    )


def _quoted_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Settings:
    organisation: str
    period: Period
    timezone: str
    release_time: dt.time
    holidays: str
    roll: Roll
    uid_domain: str
    notice_weeks: int
    max_releases_per_day: int
    blackouts: tuple[Blackout, ...]
    feed_url: str | None
    ends: dt.date | None
    accepted: tuple[AcceptedClash, ...]
    max_releases: int
    govuk_api: str
    govuk_organisation: str
    organisation_cy: str = ""
    reminder: dt.time | None = None
    publication_feeds: int = PUBLICATION_FEEDS


# The tables each file may hold: the keys of each, and the tables below it.
Layout = tuple[tuple[str, ...], dict[str, Any]]
PROGRAMME_LAYOUT: Layout = (PROGRAMME_KEYS, {"accept": (ACCEPT_KEYS, {}),
                                             "blackout": (BLACKOUT_KEYS, {})})  # fmt: skip
TOPIC_LAYOUT: Layout = (TOPIC_KEYS, {"publication": (PUBLICATION_KEYS, {
    "suspended": (SUSPENSION_KEYS, {}), "ended": (ENDED_KEYS, {})})})  # fmt: skip
_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.\s-]+?)\s*\]\]?\s*(?:#.*)?")


def _headers(text: str) -> list[tuple[int, str]]:
    """Each [table] or [[table]] line of the file: its number and the table's dotted name."""
    return [
        (number, re.sub(r"\s+", "", m.group(1)))
        for number, line in enumerate(text.splitlines(), 1)
        if (m := _HEADER.fullmatch(line))
    ]


def _misplaced(
    table: dict[str, Any],
    text: str,
    layout: Layout,
    r: _Reader,
    name: str = "",
    above: tuple[tuple[dict[str, Any], tuple[str, ...], str], ...] = (),
) -> None:
    """Report each key TOML put under a table though it belongs higher up (`ends` added at
    the bottom of programme.toml), and move it there so the rest reads as meant."""
    allowed, below = layout
    for child, child_layout in below.items():
        value = table.get(child)
        for sub in value if isinstance(value, list) else [value]:
            if isinstance(sub, dict):
                path = f"{name}.{child}" if name else child
                _misplaced(sub, text, child_layout, r, path, (*above, (table, allowed, name)))
    for key in [k for k in table if k not in allowed]:
        home = next((a for a in reversed(above) if key in a[1]), None)
        if home is not None:
            home[0].setdefault(key, table.pop(key))
            r.problem(_misplaced_message(text, key, name, home[2]))


def _misplaced_message(text: str, key: str, path: str, home: str) -> str:
    """Where the key is, the table TOML read it into, and where to move it."""
    headers, lines = _headers(text), text.splitlines()
    written = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    found = next(
        (
            (number, header)
            for number, line in enumerate(lines, 1)
            if written.match(line)
            for header in [next((h for h in reversed(headers) if h[0] < number), None)]
            if header and header[1] == path
        ),
        None,
    )
    kind = f"[{path}]" if path.endswith(".ended") else f"[[{path}]]"
    where = f"line {found[0]}: {lines[found[0] - 1].strip()}" if found else key
    if home:
        first = f" (line {found[1][0]})" if found else ""
        belongs = f"with the {home}'s keys, above its {kind} line{first}"
    else:
        belongs = "with the settings at the top of the file, above the first [[...]] line"
        belongs += f" (line {headers[0][0]})" if headers else ""
    return (
        f"{where} is read as part of the {kind} above it (TOML puts every key under the table "
        f"above it); {key} belongs {belongs}: move it there"
    )


def _read_settings(data: dict[str, Any], r: _Reader) -> _Settings | None:
    r.unknown_keys(data, PROGRAMME_KEYS, "in the programme")
    organisation = r.text(data, "organisation")
    organisation_cy = r.welsh_text(data, "organisation")
    period = r.period(data["period"], "period") if "period" in data else None
    if "period" not in data:
        r.missing("period", 'period = "2014/15" (a financial year) or period = "2015"')
    timezone = r.choice(data, "timezone", TIMEZONES, default="Europe/London")
    release_time = r.time(data, "release_time", dt.time(9, 30))
    holidays = r.choice(data, "holidays", tuple(REGIONS), default=REGIONS_DEFAULT)
    roll = r.choice(data, "roll", tuple(Roll), default="following")
    uid_domain, feed_url = _read_addresses(data, r)
    notice_weeks = r.number(data, "notice_weeks", 4, 1, 52)
    max_per_day = r.number(data, "max_releases_per_day", 1, 1, 100)
    max_releases = r.number(data, "max_releases", MAX_RELEASES, 1, 10_000_000)
    blackouts = _read_blackouts(data, r)
    ends = r.date(data, "ends") if "ends" in data else None
    if ends and period and ends < period.start:
        r.problem(f"ends {ends} is before the period {period} starts ({period.start}): the "
                  "programme would have no release; write its real last day")  # fmt: skip
    accepted = _read_accepted(data, r)
    govuk_api, govuk_organisation = _read_govuk(data, r)
    reminder = r.time(data, "reminder", dt.time(16)) if "reminder" in data else None
    publication_feeds = r.number(data, "publication_feeds", PUBLICATION_FEEDS, 0, 20_000)
    if r.problems:
        return None
    assert organisation and period and timezone and release_time and holidays and roll
    assert notice_weeks and max_per_day and max_releases
    assert blackouts is not None and accepted is not None
    return _Settings(
        organisation,
        period,
        timezone,
        release_time,
        holidays,
        Roll(roll),
        uid_domain or slugify(organisation),
        notice_weeks,
        max_per_day,
        blackouts,
        feed_url.rstrip("/") if feed_url else None,
        ends,
        accepted,
        max_releases,
        govuk_api,
        govuk_organisation or slugify(organisation),
        organisation_cy,
        reminder,
        publication_feeds if publication_feeds is not None else PUBLICATION_FEEDS,
    )


def _read_govuk(data: dict[str, Any], r: _Reader) -> tuple[str, str]:
    """The Search API's address and the organisation's slug on GOV.UK, each checked."""
    api, slug = data.get("govuk_api", GOVUK_API), data.get("govuk_organisation", "")
    if not (isinstance(api, str) and re.fullmatch(r"https?://[^\s\"'<>]+", api)):
        example = f'govuk_api = "{GOVUK_API}"'
        r.problem(f"govuk_api {shown(api)} is not a web address; write it like {example}")
        api = GOVUK_API
    if not (isinstance(slug, str) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*|", slug)):
        example = 'govuk_organisation = "home-office"'
        r.problem(f"govuk_organisation {shown(slug)} is not the organisation's slug on "
                  f"GOV.UK (its address's last part); write it like {example}")  # fmt: skip
        slug = ""
    return api, slug


# A folder's address that every feed and page can end with "/all.ics" or "/index.html#row":
# a host and a path of RFC 3986 (2.2, 2.3) characters, "%XX" for any other, and no query or
# fragment, which the file name would land inside. No quote, space, control, bidi or other
# non-ASCII character, which iCalendar's URI values (RFC 5545 3.3.13) and the page's
# attributes would carry as they are.
FEED_URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
    r"(?:/(?:[A-Za-z0-9\-._~!$&()*+,;=:@]|%[0-9A-Fa-f]{2})*)*"
)


def _read_addresses(data: dict[str, Any], r: _Reader) -> tuple[str | None, str | None]:
    """uid_domain and feed_url, each checked for its form."""
    uid_domain = data.get("uid_domain")
    if uid_domain is not None and not (
        isinstance(uid_domain, str) and re.fullmatch(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", uid_domain)
    ):
        example = 'uid_domain = "example.gov.uk"'
        r.problem(f"uid_domain {shown(uid_domain)} is not a domain; write it like {example}")
        uid_domain = None
    feed_url = data.get("feed_url")
    if feed_url is not None and not (isinstance(feed_url, str) and FEED_URL.fullmatch(feed_url)):
        example = 'feed_url = "https://example.gov.uk/feeds"'
        r.problem(
            f"feed_url {shown(feed_url)} is not the web address of a folder; write it like "
            f"{example}: a host, then a path of letters, digits and - . _ ~ / (any other "
            "character as %XX), no ? or #"
        )
        feed_url = None
    return uid_domain, feed_url


def _read_accepted(data: dict[str, Any], r: _Reader) -> tuple[AcceptedClash, ...] | None:
    """[[accept]]: clashes looked at and accepted, with the day, the ids and why."""
    if (value := r.tables(data, "accept", "date, ids and reason")) is None:
        return None
    found = []
    for table in value:
        r.unknown_keys(table, ACCEPT_KEYS, "in an accepted clash")
        day, reason, ids = r.date(table, "date"), r.text(table, "reason"), table.get("ids", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            r.problem(
                f'accept ids {shown(ids)} is not a list of ids; write it like ids = ["hate-crimes"]'
            )
        elif day and reason:
            found.append(AcceptedClash(day, tuple(ids), reason))
    return tuple(found) if len(found) == len(value) else None


def _read_blackouts(data: dict[str, Any], r: _Reader) -> tuple[Blackout, ...] | None:
    if (value := r.tables(data, "blackout", "from, until and reason")) is None:
        return None
    found = []
    for table in value:
        r.unknown_keys(table, BLACKOUT_KEYS, "in a blackout")
        start, end, reason = r.date(table, "from"), r.date(table, "until"), r.text(table, "reason")
        if start is None or end is None:
            continue
        if start > end:
            r.problem(f"blackout from {start} until {end} ends before it starts")
        elif reason:
            found.append(Blackout(start, end, reason, r.welsh_text(table, "reason")))
    return tuple(found) if len(found) == len(value) else None


def _read_months(table: dict[str, Any], frequency: Frequency | None, r: _Reader) -> tuple[int, ...]:
    value = table.get("months")
    # With an unknown frequency (reported already), check the months as a quarterly's.
    cadence = (frequency or Frequency.QUARTERLY).cadence
    if value is None:
        if cadence.months is None:
            return tuple(range(1, 13))
        if frequency is not None:
            r.missing(
                "months",
                f"months = {cadence.example} ({frequency}: {cadence.months} month numbers)",
            )
        return ()
    if not isinstance(value, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value
    ):
        r.problem(
            f"months {shown(value)} is not a list of month numbers from 1 to 12; write it like "
            f"months = {cadence.example.split(' (')[0]}"
        )
        return ()
    if len(set(value)) != len(value):
        r.problem(f"months {shown(value)} names a month twice; name each month once")
        return ()
    if not value:
        r.problem(f"months [] names no month; write it like months = {cadence.example}")
        return ()
    # A monthly series may skip months (months then says which); the others have their count.
    if frequency is not None and cadence.months not in (None, len(value)):
        r.problem(
            f"months {shown(value)} names {plural(len(value), 'month')} but a {frequency} "
            f"publication has {cadence.months}; write it like months = {cadence.example}"
        )
        return ()
    return tuple(sorted(value))


def _read_ended(table: dict[str, Any], r: _Reader) -> Ending | None:
    """[publication.ended]: the day it stopped and why; its announced releases stay."""
    value = table.get("ended")
    if value is None:
        return None
    if not isinstance(value, dict):
        r.problem("ended must be a table of on and reason, written [publication.ended]")
        return None
    r.unknown_keys(value, ENDED_KEYS, "in ended")
    on, reason = r.date(value, "on"), r.text(value, "reason")
    return Ending(on, reason, r.welsh_text(value, "reason")) if on and reason else None


def _read_suspensions(table: dict[str, Any], r: _Reader) -> tuple[Suspension, ...]:
    value = r.tables(table, "suspended", "period and reason", "publication.suspended")
    if value is None:
        return ()
    found = []
    for entry in value:
        r.unknown_keys(entry, SUSPENSION_KEYS, "in suspended")
        period = r.period(entry.get("period"), "suspended period")
        reason = r.text(entry, "reason")
        if period and reason:
            found.append(Suspension(period, reason, r.welsh_text(entry, "reason")))
    return tuple(found)


def _read_id(table: dict[str, Any], index: int, r: _Reader) -> str | None:
    """The publication's id, which names it in every later message ('#2' when it has none)."""
    pub_id = table.get("id")
    if isinstance(pub_id, str) and SLUG.fullmatch(pub_id) and len(pub_id) <= 80:
        r.publication = pub_id
        return pub_id
    r.publication = f"#{index + 1}"
    if pub_id is None:
        r.missing("id", 'id = "police-workforce" (lower case, words joined by hyphens)')
    else:
        # An id written as a number or a table suggests one from the title, which names it.
        title = table.get("title")
        written = pub_id if isinstance(pub_id, str) else title if isinstance(title, str) else ""
        r.problem(
            f"id {shown(pub_id)} is not an id; write lower-case words joined by hyphens, "
            f'like id = "{slugify(written)[:80] if written else "police-workforce"}"'
        )
    return None


def _read_publication(
    table: dict[str, Any], index: int, slug: str, settings: _Settings | None, r: _Reader
) -> Publication | None:
    pub_id = _read_id(table, index, r)
    r.unknown_keys(table, PUBLICATION_KEYS, "in a publication")
    title = r.text(table, "title")
    welsh = {f"{key}{WELSH}": r.welsh_text(table, key, lines=key == "description")
             for key in ("title", "description", "time_reason")}  # fmt: skip
    designation = r.choice(table, "designation", tuple(Designation))
    frequency = r.choice(table, "frequency", tuple(Frequency))
    description = r.text(table, "description", required=False, lines=True) or ""
    rule = _read_rule(table, Frequency(frequency) if frequency else None, settings, r)
    time = r.time(table, "time", settings.release_time if settings else dt.time(9, 30))
    suspensions = _read_suspensions(table, r)
    time_reason = r.text(table, "time_reason", required=False) or ""
    precision = _read_precision(table, frequency, r)
    ended = _read_ended(table, r)
    released_with = table.get("released_with", [])
    if not isinstance(released_with, list) or not all(
        isinstance(i, str) and i != pub_id for i in released_with
    ):
        r.problem(
            f"released_with {shown(released_with)} is not a list of other publications' ids; "
            'write it like released_with = ["other-id"]'
        )
        released_with = None
    r.publication = None
    if None in (pub_id, title, designation, frequency, rule, time, released_with, precision):
        return None
    assert pub_id and title and designation and frequency and rule and time and precision
    return Publication(
        id=pub_id,
        title=title,
        designation=Designation(designation),
        frequency=Frequency(frequency),
        description=description,
        rule=rule,
        time=time,
        suspensions=suspensions,
        released_with=tuple(released_with),
        time_reason=time_reason,
        ended=ended,
        precision=Precision(precision),
        topic=slug,
        file=r.file,
        **welsh,
    )


def _read_precision(table: dict[str, Any], frequency: str | None, r: _Reader) -> str | None:
    """How exactly its provisional dates are announced. Weekly releases always to the day,
    or a month would hold four or five of one publication; ad hoc ones too, as each is named
    by its day, in its UID."""
    precision = r.choice(table, "provisional", tuple(Precision), default=Precision.EXACT.value)
    known = Frequency(frequency) if frequency else None
    if precision not in (None, Precision.EXACT) and known and known.cadence.exact_only:
        loose = ", ".join(f.value for f in Frequency if not f.cadence.exact_only)
        r.problem(
            f'provisional "{precision}" is for {" and ".join(loose.rsplit(", ", 1))} '
            f"publications: {_either([known])} one is "
            "announced to the day; remove provisional "
            '(or write provisional = "exact")'
        )
        return None
    return precision


def _read_rule(
    table: dict[str, Any], frequency: Frequency | None, settings: _Settings | None, r: _Reader
) -> Rule | None:
    """When the publication comes out: its months and day, its weekday, or its dates; and how
    a day that is not a working day rolls, against whose holidays."""
    # With broken settings (reported already), check the rest against the usual defaults.
    roll = r.choice(table, "roll", tuple(Roll), default=settings.roll if settings else "following")
    default = settings.holidays if settings else REGIONS_DEFAULT
    region = r.choice(table, "holidays", tuple(REGIONS), default=default)
    _refuse_others_keys(table, frequency, r)
    # With an unknown frequency (reported already), check the rest as a monthly rule's.
    shape = frequency.cadence.shape if frequency else Shape.MONTHS
    match shape:
        case Shape.DAYS:
            days = _read_dates(table, r)
            return AdHocRule(days, Roll(roll), region) if days and roll and region else None
        case Shape.WEEKS:
            assert frequency is not None
            months = _read_months(table, frequency, r)
            weekly = _read_weekly(table, frequency, r)
            if weekly is None or not (months and roll and region):
                return None
            return WeeklyRule(weekly[0], weekly[1], weekly[2], months, Roll(roll), region)
        case Shape.MONTHS:
            months = _read_months(table, frequency, r)
            day = _read_day(table, r)
            if day is None or not (months and roll and region):
                return None
            return MonthlyRule(months, day, Roll(roll), region)
        case _:
            assert_never(shape)


def _refuse_others_keys(table: dict[str, Any], frequency: Frequency | None, r: _Reader) -> None:
    """`from` and `dates` belong to the frequencies that use them."""
    uses = {
        "from": [f for f in Frequency if f.cadence.weeks > 1],
        "dates": [f for f in Frequency if f.cadence.shape is Shape.DAYS],
    }
    for key, users in uses.items():
        if key in table and frequency is not None and frequency not in users:
            r.problem(f"{key} is used only by {_either(users)} publication, not a {frequency} "
                      "one; remove it")  # fmt: skip


def _either(frequencies: list[Frequency]) -> str:
    """'a fortnightly', 'an ad hoc', 'a weekly or monthly'."""
    names = " or ".join(f.value for f in frequencies)
    return ("an " if names[0] in "aeiou" else "a ") + names


def _read_day(table: dict[str, Any], r: _Reader) -> DaySpec | None:
    if "day" not in table:
        r.missing("day", 'day = "last thursday" (or "15", or "first working day")')
        return None
    try:
        return parse_day(table["day"])
    except RuleError as error:
        r.problem(str(error))
        return None


def _read_weekly(
    table: dict[str, Any], frequency: Frequency, r: _Reader
) -> tuple[int, int, dt.date] | None:
    """The weekday, every how many weeks, and a day it falls on (`from`, for fortnightly)."""
    if "day" not in table:
        r.missing("day", 'day = "thursday"')
        return None
    try:
        weekday = parse_weekday(table["day"])
    except RuleError as error:
        r.problem(str(error))
        return None
    weeks = frequency.cadence.weeks
    if weeks == 1:
        return weekday, 1, dt.date(2000, 1, 3) + dt.timedelta(days=weekday)  # a Monday on
    anchor = r.date(table, "from") if "from" in table else None
    if "from" not in table:
        r.missing("from", f"from = 2027-01-07 (a {WEEKDAYS[weekday]} it falls on)")
    elif anchor and anchor.weekday() != weekday:
        r.problem(
            f"from {anchor} is a {anchor:%A}, not a {WEEKDAYS[weekday]}; write a "
            f"{WEEKDAYS[weekday]} the series falls on"
        )
        return None
    return (weekday, weeks, anchor) if anchor else None


def _read_dates(table: dict[str, Any], r: _Reader) -> tuple[dt.date, ...]:
    """An ad hoc publication's days, each written as a date without quotes."""
    for key in ("day", "months"):
        if key in table:
            r.problem(f"{key} is not used by an ad hoc publication; list its days in dates")
    value = table.get("dates")
    if value is None:
        r.missing("dates", "dates = [2027-05-06, 2027-11-04]")
        return ()
    if not isinstance(value, list) or not value or not all(_is_date(d) for d in value):
        r.problem(
            f"dates {shown(value)} is not a list of dates; write them without quotes, like "
            "dates = [2027-05-06, 2027-11-04]"
        )
        return ()
    if len(set(value)) != len(value):
        r.problem(f"dates {shown(value)} names a day twice; name each day once")
        return ()
    if far := [d for d in value if not FIRST_YEAR <= d.year <= LAST_YEAR]:
        r.problem(f"dates names {far[0]}, outside the years {FIRST_YEAR} to {LAST_YEAR}")
        return ()
    return tuple(sorted(value))


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _read_topic(
    data: dict[str, Any], slug: str, settings: _Settings | None, r: _Reader
) -> Topic | None:
    r.unknown_keys(data, TOPIC_KEYS, "in a topic file")
    name = r.text(data, "topic")
    name_cy = r.welsh_text(data, "topic")
    tables = data.get("publication", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        r.problem("publication must be a list of tables, written [[publication]]")
        return None
    publications = [_read_publication(t, i, slug, settings, r) for i, t in enumerate(tables)]
    if name is None or None in publications:
        return None
    return Topic(slug, name, r.file, tuple(p for p in publications if p is not None), name_cy)


def _duplicate_ids(data: dict[str, Any], file: str, seen: dict[str, str]) -> list[Problem]:
    """Ids must be unique across all files: they are part of every event's UID."""
    problems = []
    tables = data.get("publication")
    for table in tables if isinstance(tables, list) else ():
        pub_id = table.get("id") if isinstance(table, dict) else None
        if not isinstance(pub_id, str):
            continue
        if pub_id in seen:
            message = f"id '{pub_id}' is already used in {seen[pub_id]}"
            problems.append(Problem(file, message, pub_id))
        seen.setdefault(pub_id, file)
    return problems


# travel.toml.txt (Windows hides the ending it added), Travel.TOML, an editor's travel.toml~.
_MISNAMED = re.compile(r"(?P<stem>[^.].*)\.toml(?P<extra>\.txt|~)?", re.IGNORECASE)


def _misnamed(root: Path, shown: str) -> list[Problem]:
    """Files beside the schedules that look like schedule files but are not read as one."""
    names = sorted(entry.name for entry in os.scandir(root))
    problems = []
    for name in names:
        found = _MISNAMED.fullmatch(name)
        if not found or name.endswith(".toml"):
            continue
        meant = f"{found['stem'].lower()}.toml"
        if meant not in names:
            message = f"looks like a schedule file saved with the wrong name: rename it {meant}"
        elif found["extra"] == "~":
            continue  # the backup copy an editor keeps of a file that is there
        else:
            message = (
                f"looks like a copy of {meant} saved with the wrong name; only {meant} is read: "
                f"move what you changed into {meant}, then remove {name}"
            )
        problems.append(Problem(str(Path(shown) / name), message))
    return problems


def _read_topics(
    root: Path, shown: str, settings: _Settings | None, welsh: _Welsh
) -> tuple[list[Topic], list[Problem]]:
    """Every topic file in the folder, read and checked, and the problems found."""
    topics: list[Topic] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    problems += _misnamed(root, shown)
    for path in sorted(root.glob("*.toml")):
        slug = path.stem
        file = str(Path(shown) / path.name)
        # A FIFO would hang the build, a folder or broken link fail it: say so, and read none.
        if slug != "programme" and (kind := not_a_file(path)):  # read_toml names that one
            problems.append(Problem(file, f"is {kind}, {NOT_A_SCHEDULE}"))
            continue
        if slug in NOT_TOPICS:
            continue
        if not SLUG.fullmatch(slug) or slug in RESERVED_SLUGS or slug.startswith(FEED_PREFIXES):
            problems.append(
                Problem(
                    file,
                    "a topic file's name must be a lower-case slug like 'crime.toml', and not "
                    f"all.toml or {DESIGNATION_FEED}....toml (nor "
                    + ", ".join(f"{p}....toml" for p in FEED_PREFIXES[1:])
                    + ": the names of calendar-gen's own feeds)",
                )
            )
            continue
        data, text, problem = read_toml_text(path, file, FILE_LIMIT)
        if problem:
            problems.append(problem)
            continue
        assert data is not None
        reader = _Reader(file, welsh)
        _misplaced(data, text, TOPIC_LAYOUT, reader)
        topic = _read_topic(data, slug, settings, reader)
        problems += reader.problems + _duplicate_ids(data, file, seen)
        if topic:
            topics.append(topic)
    return topics, problems


def _one_per_renamed_id(
    problems: list[Problem], topics: list[Topic], announced: set[str]
) -> list[Problem]:
    """The record's problems, with the line given for each release of an id no longer in
    the schedules (most often renamed) made one line for the id."""
    # A renamed publication's new id has nothing announced yet.
    files = {p.id: p.file for t in topics for p in t.publications if p.id not in announced}

    def unknown(problem: Problem) -> bool:
        return problem.message.startswith(f'id "{problem.publication}" is not a publication')

    counts = Counter(p.publication for p in problems if unknown(p))
    kept: list[Problem] = []
    for problem in problems:
        old = problem.publication
        if not unknown(problem):
            kept.append(problem)
        elif old is not None and old in counts:
            kept.append(Problem(problem.file, _renamed(old, counts.pop(old), files), old))
    return kept


def _renamed(old: str, count: int, files: dict[str, str]) -> str:
    """Why an announced id must stay, and how to keep a new title without changing it."""
    # The new id looks like the old, or is the one publication with nothing announced.
    close = difflib.get_close_matches(old, list(files), n=1) or (
        list(files)[:1] if len(files) == 1 else []
    )
    guess = f' renamed "{close[0]}" in {files[close[0]]}' if close else " renamed"
    return (
        f'id "{old}" is not a publication in the schedules, but the record holds '
        f"{plural(count, 'announced release')} of it: was it{guess}? An id never changes once "
        "its releases are announced: it is part of every event's UID, and subscribers' "
        "calendars would keep the old events beside new ones. To give it a new title, put "
        f'back id = "{old}" and change only title. If it was removed, put it back and mark it '
        "ended ([publication.ended] with on = the last day and reason = why)"
    )


def _schedules_in(folder: Path) -> list[Path]:
    """The folders just below `folder` that hold a programme.toml, a few at most."""
    try:
        with os.scandir(folder) as entries:
            below = [Path(e.path) for _, e in zip(range(1000), entries, strict=False)]
    except OSError:
        return []
    return sorted(p for p in below if (p / PROGRAMME_FILE).is_file())[:3]


def _no_folder(root: Path) -> str:
    """That the schedules folder is not there, where it was looked for, and where the
    schedules seem to be instead."""
    what = "does not exist" if not root.exists() else "is not a folder"
    looked = root.absolute()
    parent, here = looked.parent, Path.cwd()

    def named(path: Path) -> str:
        return os.path.relpath(path, here) if path.is_relative_to(here.parent) else str(path)

    folder = "this folder" if parent == here else named(parent)
    if (parent / PROGRAMME_FILE).is_file():
        hint = f"{folder} is itself a schedules folder: use --schedules {named(parent)}"
    elif any((parent / name).is_file() for name in ("all.ics", "releases.json")):
        beside = [p for p in _schedules_in(parent.parent) if p != parent]
        where = " or ".join(f"--schedules {named(p)}" for p in beside) or "--schedules DIR"
        hint = (
            f"{folder} is a feeds folder, which calendar-gen writes; the schedules are in the "
            f"folder beside it: use {where}"
        )
    elif below := [p for p in _schedules_in(parent) if p != looked]:
        hint = f"{folder} has schedules in " + " and ".join(named(p) for p in below)
        hint += f": use --schedules {named(below[0])}"
    else:
        hint = "--schedules names a folder of .toml files"
    if root.is_absolute():
        return f"{what}; {hint}"
    return f"{what} (looked for {looked}); {hint}"


def _programme_settings(
    root: Path, shown: str, welsh: _Welsh
) -> tuple[_Settings | None, list[Problem]]:
    """programme.toml's settings, or None and why they cannot be read."""
    settings_file = root / PROGRAMME_FILE
    file = str(Path(shown) / PROGRAMME_FILE)
    if not os.path.lexists(settings_file):  # anything else there, read_toml says what it is
        return None, [Problem(file, "is missing")]
    data, text, problem = read_toml_text(settings_file, file, FILE_LIMIT)
    if problem:
        return None, [problem]
    if data is None:
        return None, []
    reader = _Reader(file, welsh)
    _misplaced(data, text, PROGRAMME_LAYOUT, reader)
    settings = _read_settings(data, reader)
    return settings, list(reader.problems)


def _too_many_feeds(settings: _Settings, publications: int, shown: str) -> list[Problem]:
    """A feed a publication, for more publications than publication_feeds allows: refused,
    not cut short, so no feed a subscriber follows disappears because another was added."""
    most = settings.publication_feeds
    if not most or publications <= most:
        return []
    # Each variant of a feed is a file, in each language: 2, 3 with reminders, twice in Welsh.
    files = (3 if settings.reminder else 2) * (2 if settings.organisation_cy else 1)
    setting = f"publication_feeds = {most}" + (
        " (the default)" if most == PUBLICATION_FEEDS else ""
    )
    message = (
        f"{setting}: the schedules have {publications:,} publications, and a feed for each "
        f"would be {publications * files:,} files (each feed has {files} versions); write "
        f"publication_feeds = {publications} or more to have them, or publication_feeds = 0 "
        "for none (the topic, designation and nation feeds stay)"
    )
    return [Problem(str(Path(shown) / PROGRAMME_FILE), message)]


def _released_with(topics: list[Topic], regions: Mapping[str, object]) -> list[Problem]:
    """Each `released_with` naming no publication of the schedules."""
    return [
        Problem(p.file, f"released_with '{other}' is not a publication in the schedules", p.id)
        for t in topics
        for p in t.publications
        for other in p.released_with
        if other not in regions
    ]


def _welsh_reasons(announcements: Iterable[Announcement], file: str, welsh: _Welsh) -> None:
    """The record's changes' Welsh reasons, found and missing, as the schedules' texts."""
    for a in announcements:
        for change in a.changes:
            if change.reason_cy:
                welsh.found.append(file)
            elif change.reason:
                why = missing_welsh(WELSH_REASON, change.reason)
                welsh.missing.append(Problem(file, f"the change of {change.on} ({change.action}): "
                                             f"{why}", a.id))  # fmt: skip


def load_programme(folder: str | Path, *, promises_first: bool = False) -> Programme:
    """Read and validate a schedules folder; raise ScheduleError listing every problem.
    With `promises_first` (a build's), an event taken out of the record is left to it."""
    root = Path(folder)
    shown = str(folder).rstrip("/") or "/"
    if not root.is_dir():
        raise ScheduleError([Problem(shown, _no_folder(root))])
    welsh = _Welsh()
    settings, problems = _programme_settings(root, shown, welsh)
    topics, topic_problems = _read_topics(root, shown, settings, welsh)
    problems += topic_problems
    regions = {p.id: p.rule.region for t in topics for p in t.publications}
    problems += _released_with(topics, regions)
    if settings:
        problems += _too_many_feeds(settings, len(regions), shown)
    record, record_problems = read_record(
        root / RECORD_FILE, str(Path(shown) / RECORD_FILE), regions
    )
    if not problems:  # ids in the record are checked against complete schedules only
        announced = {a.id for a in record.announcements.values()}
        problems += _one_per_renamed_id(record_problems, topics, announced)
    _welsh_reasons(record.announcements.values(), str(Path(shown) / RECORD_FILE), welsh)
    problems += welsh.problems()
    if not problems and record.seals.taken_out and not promises_first:
        problems.append(record.seals.taken_out)
    if problems or settings is None:
        raise ScheduleError(problems)
    return _programme(settings, tuple(topics), shown, record)


def _programme(
    settings: _Settings, topics: tuple[Topic, ...], shown: str, record: Record
) -> Programme:
    """The programme its settings, topics and record make."""
    return Programme(
        organisation=settings.organisation,
        period=settings.period,
        timezone=settings.timezone,
        release_time=settings.release_time,
        uid_domain=settings.uid_domain,
        notice_weeks=settings.notice_weeks,
        max_releases_per_day=settings.max_releases_per_day,
        blackouts=settings.blackouts,
        feed_url=settings.feed_url,
        ends=settings.ends,
        accepted=settings.accepted,
        max_releases=settings.max_releases,
        govuk_api=settings.govuk_api,
        govuk_organisation=settings.govuk_organisation,
        reminder=settings.reminder,
        publication_feeds=settings.publication_feeds,
        topics=topics,
        folder=shown,
        announcements=record.announcements,
        builds=record.builds,
        shown=fold_shown(record.shown),
        seals=record.seals,
        organisation_cy=settings.organisation_cy,
    )
