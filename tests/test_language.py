"""The words and dates of each language, against forms written out by hand: Welsh day and
month names from rails-i18n's cy.yml and GOV.UK's Welsh pages, status words from the ONS's
Welsh release calendar (docs/sources-welsh.md)."""

import datetime as dt

import pytest

from calendar_gen.domain.history import Cancelled, Moved, Postponed, Reinstated, Released, Retimed
from calendar_gen.domain.language import WELSH_STATUSES, Language
from calendar_gen.domain.model import Designation, Precision, Status
from calendar_gen.domain.workdays import Nation

EN, CY = Language.EN, Language.CY
D = dt.date


@pytest.mark.parametrize(
    ("language", "name", "file", "other"),
    [(EN, "index.html", "index.html", CY), (CY, "all.all-day.ics", "all.all-day.cy.ics", EN),
     (CY, "changes.atom", "changes.cy.atom", EN), (CY, "README", "README.cy", EN)],
)  # fmt: skip
def test_each_language_names_its_files_and_the_other(language, name, file, other):
    assert (language.file(name), language.other) == (file, other)


# Thursday 23 April 2015; Monday 1 February 2016; Sunday 31 December 2017.
@pytest.mark.parametrize(
    ("language", "day", "long", "short"),
    [(EN, D(2015, 4, 23), "Thursday 23 April 2015", "Thu 23 Apr 2015"),
     (CY, D(2015, 4, 23), "Dydd Iau 23 Ebrill 2015", "Iau 23 Ebr 2015"),
     # The page's rows keep the day in two figures, so they line up: "Thu 04 Dec 2014".
     (EN, D(2016, 2, 1), "Monday 1 February 2016", "Mon 01 Feb 2016"),
     (CY, D(2016, 2, 1), "Dydd Llun 1 Chwefror 2016", "Llun 01 Chw 2016"),
     (CY, D(2017, 12, 31), "Dydd Sul 31 Rhagfyr 2017", "Sul 31 Rha 2017")],
)  # fmt: skip
def test_dates_are_written_as_each_language_writes_them(language, day, long, short):
    assert (language.long_date(day), language.short_date(day)) == (long, short)


@pytest.mark.parametrize(
    ("language", "precision", "said"),
    [(EN, Precision.EXACT, "Thursday 20 May 2027"), (EN, Precision.MONTH, "May 2027"),
     (EN, Precision.TWO_MONTHS, "May to June 2027"), (CY, Precision.EXACT, "Dydd Iau 20 Mai 2027"),
     (CY, Precision.MONTH, "Mai 2027"), (CY, Precision.TWO_MONTHS, "Mai\u2013Mehefin 2027")],
)  # fmt: skip
def test_a_provisional_date_is_said_to_its_precision(language, precision, said):
    assert language.announced(precision, D(2027, 5, 20)) == said


def test_two_months_across_a_new_year_name_both_years():
    assert EN.announced(Precision.TWO_MONTHS, D(2027, 12, 2)) == "December 2027 to January 2028"
    assert CY.months(D(2027, 12, 1), D(2028, 1, 31)) == "Rhagfyr 2027\u2013Ionawr 2028"


@pytest.mark.parametrize(
    ("status", "en", "cy", "title_cy"),
    [(Status.CONFIRMED, "confirmed", "Cadarnhawyd", "Bwletin"),
     (Status.PROVISIONAL, "provisional", "Dros dro", "Bwletin (dros dro)"),
     (Status.CANCELLED, "cancelled", "Canslwyd", "Canslwyd: Bwletin"),
     (Status.POSTPONED, "postponed", "Gohiriwyd",
      "Gohiriwyd: Bwletin (dyddiad newydd i'w gyhoeddi)")],
)  # fmt: skip
def test_status_words_and_titles(status, en, cy, title_cy):
    assert (EN.status(status), CY.status(status)) == (en, cy)
    assert CY.event_title(status, "Bwletin") == title_cy


def test_every_status_has_its_welsh_and_a_title_is_taken_as_written():
    # A status added without its Welsh row would fail every Welsh page: said here first.
    assert set(WELSH_STATUSES) == set(Status)
    assert CY.event_title(Status.PROVISIONAL, "{notice} {0}") == "{notice} {0} (dros dro)"


def test_a_title_announced_to_the_month_says_so_in_each_language():
    assert EN.provisional_title("Bulletin", "May 2027") == "Bulletin (provisional, May 2027)"
    assert CY.provisional_title("Bwletin", "Mai 2027") == "Bwletin (dros dro, Mai 2027)"


@pytest.mark.parametrize(
    ("nation", "cy"),
    [(Nation.ENGLAND_AND_WALES, "Cymru a Lloegr"), (Nation.SCOTLAND, "Yr Alban"),
     (Nation.NORTHERN_IRELAND, "Gogledd Iwerddon")],
)  # fmt: skip
def test_nations_by_name(nation, cy):
    assert (EN.nation(nation), CY.nation(nation)) == (nation.value, cy)


@pytest.mark.parametrize(
    ("designation", "cy"),
    [(Designation.ACCREDITED, "Ystadegau swyddogol achrededig"),
     (Designation.OFFICIAL, "Ystadegau swyddogol"), (Designation.NATIONAL, "Ystadegau Gwladol"),
     (Designation.IN_DEVELOPMENT, Designation.IN_DEVELOPMENT.value)],  # its Welsh not found
)  # fmt: skip
def test_designations_by_name(designation, cy):
    assert (EN.designation(designation), CY.designation(designation)) == (designation.value, cy)


def test_notice_is_counted_in_weeks():
    assert (EN.weeks(1), EN.weeks(4), CY.weeks(4)) == ("1 week", "4 weeks", "4 wythnos")


# Changes made on Tuesday 7 April 2015 to the release of Thursday 23 April 2015.
ON, OLD = D(2015, 4, 7), D(2015, 4, 23)
MADE = "Dyddiad y newid: Dydd Mawrth 7 Ebrill 2015"


@pytest.mark.parametrize(
    ("change", "headline", "said"),
    [(Moved(ON, OLD, D(2015, 4, 30), "late data", "data hwyr"), "Symudwyd",
      f"Symudwyd. {MADE}; Dyddiad blaenorol: Dydd Iau 23 Ebrill 2015; Dyddiad y datganiad: "
      "Dydd Iau 30 Ebrill 2015; Rheswm dros newid: data hwyr"),
     (Cancelled(ON, OLD, "survey stopped", "arolwg wedi dod i ben"), "Canslwyd",
      f"Canslwyd. {MADE}; Dyddiad blaenorol: Dydd Iau 23 Ebrill 2015; Rheswm dros newid: "
      "arolwg wedi dod i ben"),
     (Reinstated(ON, OLD, D(2015, 5, 7), "survey back", "arolwg yn ôl"), "Adferwyd",
      f"Adferwyd. {MADE}; Dyddiad y datganiad: Dydd Iau 7 Mai 2015; Rheswm dros newid: "
      "arolwg yn ôl"),
     (Retimed(ON, OLD, dt.time(10), "with the ONS", "gyda'r SYG"), "Amser newydd",
      f"Amser newydd: 10:00. {MADE}; Rheswm dros newid: gyda'r SYG"),
     (Postponed(ON, OLD, "election", "etholiad"), "Gohiriwyd",
      f"Gohiriwyd, dyddiad newydd i'w gyhoeddi. {MADE}; Dyddiad blaenorol: Dydd Iau 23 "
      "Ebrill 2015; Rheswm dros newid: etholiad"),
     (Released(D(2015, 4, 24), OLD, "https://example.gov.uk/stats"), "Rhyddhawyd",
      "Rhyddhawyd: Dydd Iau 23 Ebrill 2015; yr ystadegau: https://example.gov.uk/stats")],
)  # fmt: skip
def test_each_change_in_welsh(change, headline, said):
    assert CY.headline(change) == headline
    assert CY.change(change, change.reason_cy) == said
    assert EN.change(change, change.reason_cy) == change.text()
    assert EN.headline(change) == change.headline


def test_a_confirmation_is_headlined_in_each_language():
    assert (EN.headline(None), CY.headline(None)) == ("Confirmed", "Cadarnhawyd")


@pytest.mark.parametrize(
    ("status", "meaning"),
    [(Status.PROVISIONAL, "gall ei ddyddiad newid hyd at 4 wythnos cyn y datganiad"),
     (Status.CANCELLED, "ni chaiff ei gyhoeddi; mae'n aros yn y rhestr gyda'r rheswm")],
)  # fmt: skip
def test_the_legend_says_what_each_status_means(status, meaning):
    assert CY.meaning(status, CY.weeks(4)) == meaning
    assert EN.meaning(status, "4 weeks") == status.meaning("4 weeks")
