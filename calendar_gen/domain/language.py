"""The languages a calendar is published in, English and Welsh, and every word and date form
the feeds and the page write in each.

English is the calendar as it has always been written (its words stay where they were, in
history.py, feeds.py and pages.py, and come through here unchanged); Welsh is written from
the terms GOV.UK, the ONS and the Welsh Government publish, in tables here (each change
kind's Welsh headline is its own, beside its English one). docs/sources-welsh.md gives the
source of each Welsh word, and says which were not found and were composed from those.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, assert_never

from calendar_gen.domain import history
from calendar_gen.domain.history import Status, long_date, status_word
from calendar_gen.domain.model import Designation, Precision
from calendar_gen.domain.workdays import Nation

# rails-i18n's Welsh (rails/locale/cy.yml: date.day_names, abbr_day_names, month_names,
# abbr_month_names), the tables GOV.UK's Rails applications write Welsh dates with; the
# same names as GOV.UK's Welsh bank holidays page (www.gov.uk/gwyliau-banc, alphagov/
# frontend) and the Welsh Government's pages (llyw.cymru).
# Monday first, as date.weekday() counts.
WELSH_DAYS = ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
              "Dydd Sadwrn", "Dydd Sul")  # fmt: skip
WELSH_DAYS_SHORT = ("Llun", "Maw", "Mer", "Iau", "Gwe", "Sad", "Sul")
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
                "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")  # fmt: skip
# The nations as Directgov's Welsh bank holidays page (DG_073741CY) and Welsh Wikipedia's
# "Gŵyl banc" (cy.wikipedia.org/wiki/Gŵyl_Banc) name them.
WELSH_NATIONS = {
    Nation.ENGLAND_AND_WALES: "Cymru a Lloegr",
    Nation.SCOTLAND: "Yr Alban",
    Nation.NORTHERN_IRELAND: "Gogledd Iwerddon",
}
# The feeds' variants in a calendar's name: not found in a source, composed (see
# docs/sources-welsh.md) and to be checked by a translator.
VARIANTS = {
    "en": {"timed": "", "all-day": "all day", "reminder": "with reminders"},
    "cy": {"timed": "", "all-day": "drwy'r dydd", "reminder": "gyda nodiadau atgoffa"},
}
WELSH_MONTHS_SHORT = ("Ion", "Chw", "Maw", "Ebr", "Mai", "Meh", "Gor", "Awst", "Med", "Hyd",
                      "Tach", "Rha")  # fmt: skip
# "Ystadegau swyddogol achrededig" (the Welsh Government's statement of release practice,
# llyw.cymru), "Ystadegau swyddogol" and "Ystadegau Gwladol" (GOV.UK's Welsh document types,
# alphagov/frontend). The Welsh of the other two was not found: they keep their English names.
WELSH_DESIGNATIONS = {
    Designation.ACCREDITED: "Ystadegau swyddogol achrededig",
    Designation.OFFICIAL: "Ystadegau swyddogol",
    Designation.NATIONAL: "Ystadegau Gwladol",
}


class Welsh(NamedTuple):
    """A status in Welsh, as the page and the feeds show it."""

    word: str  # on the page
    title: str  # the title calendars show, of {title}
    meaning: str  # what the page's legend says, of {notice} ("4 wythnos")


# The words: the ONS's Welsh release calendar (ReleaseStateConfirmed, ...Provisional,
# ...Postponed, ...Cancelled); "Heb ei gyhoeddi" was not found (no feed or page shows it).
# The titles and meanings are composed from those (docs/sources-welsh.md).
WELSH_STATUSES = {
    Status.CONFIRMED: Welsh("Cadarnhawyd", "{title}",
                            "dim ond am reswm a ddangosir gyda'r datganiad y mae ei ddyddiad "
                            "yn newid"),
    Status.PROVISIONAL: Welsh("Dros dro", "{title} (dros dro)",
                              "gall ei ddyddiad newid hyd at {notice} cyn y datganiad"),
    Status.CANCELLED: Welsh("Canslwyd", "Canslwyd: {title}",
                            "ni chaiff ei gyhoeddi; mae'n aros yn y rhestr gyda'r rheswm"),
    Status.POSTPONED: Welsh("Gohiriwyd", "Gohiriwyd: {title} (dyddiad newydd i'w gyhoeddi)",
                            "cyhoeddir dyddiad newydd; tan hynny mae'n aros yn y rhestr ar y "
                            "dyddiad a oedd ganddo"),
    Status.NOT_ANNOUNCED: Welsh("Heb ei gyhoeddi", "{title} (heb ei gyhoeddi)",
                                "ni chafodd ei gyhoeddi: nid yw mewn unrhyw ffrwd"),
}  # fmt: skip


class Language(StrEnum):
    """A language a calendar is published in, by its BCP 47 tag (RFC 5646), which is what
    HTML's lang and hreflang and iCalendar's LANGUAGE parameter (RFC 5545 3.2.10) take."""

    EN = "en"
    CY = "cy"

    @property
    def other(self) -> Language:
        match self:
            case Language.EN:
                return Language.CY
            case Language.CY:
                return Language.EN
            case _:
                assert_never(self)

    def file(self, name: str) -> str:
        """The file of this language: 'all.ics' is 'all.cy.ics' in Welsh, 'index.html'
        'index.cy.html'; English keeps the name, so an English-only folder is as it was."""
        match self:
            case Language.EN:
                return name
            case Language.CY:
                stem, dot, ending = name.rpartition(".")
                return f"{stem}.cy.{ending}" if dot else f"{name}.cy"
            case _:
                assert_never(self)

    @property
    def name_in_itself(self) -> str:
        """'English', 'Cymraeg' (GOV.UK's language_names: cy: Cymraeg)."""
        match self:
            case Language.EN:
                return "English"
            case Language.CY:
                return "Cymraeg"
            case _:
                assert_never(self)

    def long_date(self, day: dt.date) -> str:
        """'Thursday 23 April 2015', 'Dydd Iau 23 Ebrill 2015'."""
        match self:
            case Language.EN:
                return long_date(day)
            case Language.CY:
                month = WELSH_MONTHS[day.month - 1]
                return f"{WELSH_DAYS[day.weekday()]} {day.day} {month} {day.year}"
            case _:
                assert_never(self)

    def short_date(self, day: dt.date) -> str:
        """'Thu 23 Apr 2015', 'Iau 23 Ebr 2015' (the page's rows)."""
        match self:
            case Language.EN:
                return f"{day:%a %d %b %Y}"
            case Language.CY:
                month = WELSH_MONTHS_SHORT[day.month - 1]
                return f"{WELSH_DAYS_SHORT[day.weekday()]} {day.day:02d} {month} {day.year}"
            case _:
                assert_never(self)

    def month(self, day: dt.date, *, year: bool = True) -> str:
        """'May 2027', 'Mai 2027'; without the year, 'May', 'Mai'."""
        match self:
            case Language.EN:
                name = f"{day:%B}"
            case Language.CY:
                name = WELSH_MONTHS[day.month - 1]
            case _:
                assert_never(self)
        return f"{name} {day.year}" if year else name

    def months(self, first: dt.date, last: dt.date) -> str:
        """Two months a release is announced for: 'May to June 2027' as GOV.UK writes it;
        in Welsh 'Mai\u2013Mehefin 2027' (an en dash): after 'i' ('to') a month's name takes the
        soft mutation ('i Fehefin'), which a dash leaves out."""
        opening = self.month(first, year=first.year != last.year)
        match self:
            case Language.EN:
                return f"{opening} to {self.month(last)}"
            case Language.CY:
                return f"{opening}\u2013{self.month(last)}"
            case _:
                assert_never(self)

    def announced(self, precision: Precision, day: dt.date) -> str:
        """A release's day as announced: 'Dydd Iau 20 Mai 2027', 'Mai 2027', 'Mai\u2013Mehefin
        2027'."""
        match self:
            case Language.EN:
                return precision.said(day)
            case Language.CY:
                start, after = precision.span(day)
                match precision:
                    case Precision.EXACT:
                        return self.long_date(day)
                    case Precision.MONTH:
                        return self.month(start)
                    case Precision.TWO_MONTHS:
                        return self.months(start, after - dt.timedelta(days=1))
                    case _:
                        assert_never(precision)
            case _:
                assert_never(self)

    def nation(self, nation: Nation) -> str:
        """A nation whose bank holidays a release keeps, by name."""
        return nation.value if self is Language.EN else WELSH_NATIONS[nation]

    def variant(self, value: str) -> str:
        """How a calendar's name calls a variant of the feeds ("all day")."""
        return VARIANTS[self.value][value]

    def designation(self, designation: Designation) -> str:
        """The designation's name, in Welsh where its Welsh was found."""
        if self is Language.EN:
            return designation.value
        return WELSH_DESIGNATIONS.get(designation, designation.value)

    def status(self, status: Status) -> str:
        """The status word on the page: 'confirmed', 'Cadarnhawyd'."""
        return status.value if self is Language.EN else WELSH_STATUSES[status].word

    def headline(self, change: history.Change | None) -> str:
        """What a news item is: 'Confirmed' (None), or the change's headline, 'Moved'; in
        Welsh 'Cadarnhawyd' (the ONS's word) or the change's own Welsh headline."""
        match self:
            case Language.EN:
                return "Confirmed" if change is None else change.headline
            case Language.CY:
                return "Cadarnhawyd" if change is None else change.headline_cy
            case _:
                assert_never(self)

    def event_title(self, status: Status, title: str) -> str:
        """The title calendars show, the status in it (some clients hide STATUS)."""
        if self is Language.EN:
            return status_word(status, title)
        return WELSH_STATUSES[status].title.format(title=title)

    def provisional_title(self, title: str, announced: str) -> str:
        """'Bulletin (provisional, May 2027)', 'Bwletin (dros dro, Mai 2027)'."""
        return f"{title} ({self.status(Status.PROVISIONAL).lower()}, {announced})"

    def meaning(self, status: Status, notice: str) -> str:
        """What the page's legend says of a status; `notice` like '4 weeks', '4 wythnos'."""
        if self is Language.EN:
            return status.meaning(notice)
        return WELSH_STATUSES[status].meaning.format(notice=notice)

    def weeks(self, count: int) -> str:
        """'4 weeks', '4 wythnos': a Welsh noun after a numeral stays singular, and
        'wythnos' takes no mutation after any numeral a notice period has."""
        match self:
            case Language.EN:
                return f"{count:,} week" + ("" if count == 1 else "s")
            case Language.CY:
                return f"{count:,} wythnos"
            case _:
                assert_never(self)

    def change(self, change: history.Change, reason_cy: str) -> str:
        """A change as its release's history says it. Welsh gives each day after a label
        ('Dyddiad blaenorol: Dydd Iau 4 Medi 2014', the ONS's words): a date after 'ar', 'o'
        or 'i' would take a mutation ('ar ddydd Iau')."""
        match self:
            case Language.EN:
                return change.text()
            case Language.CY:
                return _welsh_change(change, reason_cy)
            case _:
                assert_never(self)


def _welsh_change(change: history.Change, reason_cy: str) -> str:
    d = Language.CY.long_date
    reason = f"; Rheswm dros newid: {reason_cy}" if reason_cy else ""
    made = f"Dyddiad y newid: {d(change.on)}"
    match change:
        case history.Moved():
            return (f"Symudwyd. {made}; Dyddiad blaenorol: {d(change.old)}; Dyddiad y "
                    f"datganiad: {d(change.new)}{reason}")  # fmt: skip
        case history.Cancelled():
            return f"Canslwyd. {made}; Dyddiad blaenorol: {d(change.old)}{reason}"
        case history.Reinstated():
            return f"Adferwyd. {made}; Dyddiad y datganiad: {d(change.new)}{reason}"
        case history.Retimed():
            return f"Amser newydd: {change.time:%H:%M}. {made}{reason}"
        case history.Postponed():
            return (f"Gohiriwyd, dyddiad newydd i'w gyhoeddi. {made}; Dyddiad blaenorol: "
                    f"{d(change.old)}{reason}")  # fmt: skip
        case history.Released():
            link = f"; yr ystadegau: {change.url}" if change.url else ""
            return f"Rhyddhawyd: {d(change.old)}{link}"
        case _:
            assert_never(change)


def releases_of(name: str) -> str:
    """'datganiadau Swyddfa Brawf' (the releases of ...); a name with the article, 'Y Swyddfa
    Gartref', takes it as "'r" after the vowel: "datganiadau'r Swyddfa Gartref"."""
    if found := re.match(r"[Yy]r? (.+)", name):
        return f"datganiadau'r {found.group(1)}"
    return f"datganiadau {name}"


@dataclass(frozen=True)
class FeedWords:
    """What a feed's header says, in one language."""

    everything: str  # the all.ics feed's title on the page
    all_name: str  # "{org}: all statistics releases"
    about: str  # "Pre-announced release dates of {what}, {period}."
    also: str  # "This calendar is also available in Welsh (Cymraeg): {address}"


FEED_WORDS = {
    Language.EN: FeedWords(
        "All releases",
        "{org}: all statistics releases",
        "Pre-announced release dates of {what}, {period}.",
        "This calendar is also in Welsh (Cymraeg): {address}",
    ),
    # "Calendr datganiadau": the ONS's Welsh release calendar; "ar gael yn Saesneg
    # (English)": GOV.UK's Welsh pages (alphagov/frontend, bank_holiday_translation_html).
    Language.CY: FeedWords(
        "Pob datganiad",
        "{org}: pob datganiad ystadegau",
        "Calendr {of}, {period}.",
        "Mae'r calendr hwn hefyd ar gael yn Saesneg (English): {address}",
    ),
}


@dataclass(frozen=True)
class PageWords:
    """What the page says around the schedules' texts, in one language. Each text with a
    {placeholder} is formatted with it; none holds markup."""

    title: str  # the page's <title>: {heading} is the calendar's, {period} the period
    heading: str  # "{org_statistics} release calendar"
    news_title: str  # the title of changes.atom's link: "Changes to the {org} release calendar"
    skip: str
    intro: str  # "Pre-announced release dates of {what}{span}."
    span: str  # " from {first} to {last}"
    release_time: str  # "Statistics are released at {time} UK time on working days ..."
    updated: str  # "Last updated {date}."; {date} is the marked-up date
    subscribe: str
    subscribe_help: str  # the paragraph under it; {atom} is the news feed's link
    releases: str
    count: str  # "{n} release(s)": a feed's count before the script counts upcoming ones
    count_one: str
    address: str
    copy: str  # the copy button, then its hidden words naming the feed
    copy_of: str
    subscribe_to: str
    download: str  # "Download {name}"
    released_at: str  # "Released at {time}: {reason}"
    topic: str
    all_topics: str
    designation: str
    all_designations: str
    month: str
    all_months: str
    filter_label: str
    show_all: str
    upcoming: str
    no_upcoming: str
    past: str
    every: str
    none: str
    more: str  # "And {n} more: every release is in {csv}."
    paused: str
    suspended: str  # "{where}: suspended for {period}: {reason}"
    ended: str  # "{where}: ended on {date}: {reason}"
    data: str  # "The same releases as data: {csv}, {json}."
    digest: str  # "releases.json as published has the digest {code}, ..."
    sealed: str
    # The Subscribe section's feeds: how many in a group, the groups, each variant's label,
    # the apps' links and what each app does with a cancellation.
    feeds: str  # "{n} feeds"
    groups: tuple[str, str, str, str]  # all and topics, designations, nations, publications
    variants: tuple[str, str, str]  # timed, all day, with reminders
    add: str  # Google Calendar's and Outlook's hidden words naming the feed
    apple: str  # Apple Calendar's
    reminders: str  # ", and with a reminder at {time} ..."
    cancellations: str


PAGE_WORDS = {
    Language.EN: PageWords(
        title="{heading}, {period}",
        heading="{org_statistics} release calendar",
        news_title="Changes to the {org} release calendar",
        skip="Skip to the releases",
        intro="Pre-announced release dates of {what}{span}.",
        span=" from {first} to {last}",
        release_time="Statistics are released at {time} UK time on working days unless a "
        "release shows another time.",
        updated=" Last updated {date}.",
        subscribe="Subscribe",
        subscribe_help="Subscribe to a feed and your calendar follows every change. Open its "
        "link for your\ncalendar app, or copy its address, then: in Outlook, Add calendar, "
        "Subscribe from web; in\nGoogle Calendar, Other calendars, From URL; in Apple Calendar, "
        "File, New Calendar\nSubscription; in Thunderbird, New Calendar, On the Network. Each "
        "feed comes at the\nreleases' times, all day (the time in the title){reminders}. News "
        "of every\nconfirmation, move and cancellation is in {atom}, for a news reader.",
        releases="Releases",
        count="{n} releases",
        count_one="1 release",
        address="Address: ",
        copy="Copy address",
        copy_of=" of {label}",
        subscribe_to=" to {label}",
        download="Download {name}",
        released_at="Released at {time}: {reason}",
        topic="Topic",
        all_topics="All topics",
        designation="Designation",
        all_designations="All designations",
        month="Month",
        all_months="All months",
        filter_label="Filter the releases",
        show_all="Show all",
        upcoming="Upcoming releases, soonest first",
        no_upcoming="No upcoming releases.",
        past="Past releases, newest first",
        every="All releases, newest first",
        none="No releases.",
        more="And {n} more: every release is in {csv}.",
        paused="Suspended and ended publications",
        suspended="{where}: suspended for {period}: {reason}",
        ended="{where}: ended on {date}: {reason}",
        data="The same releases as data: {csv},\n{json}.",
        digest="releases.json as published has the digest {code}, which the programme's "
        "record keeps ([published] releases).",
        sealed=" The record's events, as sealed by this build, have the digest {code} "
        "([published] events).",
        feeds="{n} feeds",
        groups=(
            "All releases, and each topic's",
            "By designation",
            "By the nation whose bank holidays a release keeps",
            "By publication",
        ),
        variants=(
            "at its time",
            "all day, the time in the title",
            "with a reminder the working day before",
        ),
        add=": add {label}",
        apple=": subscribe to {label}",
        reminders=", and with a reminder at {time} on the working day\nbefore each release "
        "(the feeds without it carry none)",
        # Sources: subscribing.py.
        cancellations="What each app does with a cancelled release: Google Calendar deletes "
        "it, so its users never see the cancellation (the page and changes.atom keep it, with "
        "its reason); Outlook shows it as if it went ahead, its title beginning "
        "\u201cCancelled:\u201d; Apple Calendar and Thunderbird show it struck through.",
    ),
    # "Calendr datganiadau", "Ar ddod", "Dyddiad": the ONS's Welsh release calendar;
    # "Neidio i'r prif gynnwys", "Tanysgrifio i'r ffrwd", "Diweddarwyd ddiwethaf", "Pwnc",
    # "yn Saesneg (English)": GOV.UK's Welsh (alphagov/govuk_publishing_components, frontend,
    # whitehall). The sentences are composed from those; docs/sources-welsh.md says which.
    Language.CY: PageWords(
        title="{heading}, {period}",
        heading="Calendr {of}",
        news_title="Newidiadau i galendr {of}",
        skip="Neidio i'r datganiadau",
        intro="Dyddiadau {of} a gyhoeddir ymlaen llaw{span}.",
        span=": {first}\u2013{last}",
        release_time="Caiff ystadegau eu rhyddhau am {time} (amser y DU) ar ddiwrnodau gwaith "
        "oni bai bod datganiad yn dangos amser arall.",
        updated=" Diweddarwyd ddiwethaf: {date}.",
        subscribe="Tanysgrifio",
        subscribe_help="Tanysgrifiwch i ffrwd a bydd eich calendr yn dilyn pob newid. Agorwch "
        "ei dolen ar gyfer eich\nap calendr, neu copïwch ei chyfeiriad, yna: yn Outlook, Add "
        "calendar, Subscribe from web; yn\nGoogle Calendar, Other calendars, From URL; yn "
        "Apple Calendar, File, New Calendar\nSubscription; yn Thunderbird, New Calendar, On "
        "the Network. Daw pob ffrwd ar amseroedd y\ndatganiadau, a drwy'r dydd (yr amser yn y "
        "teitl){reminders}. Mae newyddion am bob cadarnhad,\nsymud a chanslo yn {atom}, ar "
        "gyfer darllenydd newyddion.",
        releases="Datganiadau",
        count="Datganiadau: {n}",
        count_one="Datganiadau: 1",
        address="Cyfeiriad: ",
        copy="Copïo'r cyfeiriad",
        copy_of=": {label}",
        subscribe_to=": {label}",
        download="Llwytho {name} i lawr",
        released_at="Amser rhyddhau {time}: {reason}",
        topic="Pwnc",
        all_topics="Pob pwnc",
        designation="Dynodiad",
        all_designations="Pob dynodiad",
        month="Mis",
        all_months="Pob mis",
        filter_label="Hidlo'r datganiadau",
        show_all="Dangos y cyfan",
        upcoming="Datganiadau ar ddod, y cynharaf yn gyntaf",
        no_upcoming="Dim datganiadau ar ddod.",
        past="Datganiadau blaenorol, y diweddaraf yn gyntaf",
        every="Pob datganiad, y diweddaraf yn gyntaf",
        none="Dim datganiadau.",
        more="A {n} arall: mae pob datganiad yn {csv}.",
        paused="Cyhoeddiadau a ataliwyd neu a ddaeth i ben",
        suspended="{where}: ataliwyd am {period}: {reason}",
        ended="{where}: daeth i ben: {date}: {reason}",
        data="Yr un datganiadau fel data (yn Saesneg): {csv},\n{json}.",
        digest="Crynodeb SHA-256 releases.json fel y'i cyhoeddwyd: {code}; mae cofnod y "
        "rhaglen yn ei gadw ([published] releases).",
        sealed=" Crynodeb digwyddiadau'r cofnod, fel y'u seliwyd gan yr adeiladu hwn: {code} "
        "([published] events).",
        # The Subscribe section's words below were not found in a source: composed from the
        # sourced terms, to be checked by a translator (docs/sources-welsh.md).
        feeds="Ffrydiau: {n}",
        groups=(
            "Pob datganiad, a phob pwnc",
            "Yn ôl dynodiad",
            "Yn ôl y wlad y mae datganiad yn cadw ei gwyliau banc",
            "Yn ôl cyhoeddiad",
        ),
        variants=(
            "ar ei amser",
            "drwy'r dydd, yr amser yn y teitl",
            "gyda nodyn atgoffa y diwrnod gwaith cynt",
        ),
        add=": {label}",
        apple=": {label}",
        reminders=", a gyda nodyn atgoffa am {time} ar y diwrnod gwaith\ncyn pob datganiad "
        "(nid oes un yn y ffrydiau eraill)",
        cancellations="Beth mae pob ap yn ei wneud â datganiad a ganslwyd: mae Google Calendar "
        "yn ei ddileu, felly nid yw ei ddefnyddwyr byth yn gweld y canslo (mae'r dudalen a "
        "changes.cy.atom yn ei gadw, gyda'i reswm); mae Outlook yn ei ddangos fel pe bai wedi "
        "digwydd, a'i deitl yn dechrau \u201cCanslwyd:\u201d; mae Apple Calendar a "
        "Thunderbird yn ei ddangos wedi'i groesi allan.",
    ),
}
