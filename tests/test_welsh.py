"""A calendar in Welsh beside English: the Welsh dates and words, the .cy feeds and page,
the Welsh reasons of changes, and the one error that names every Welsh text missing."""

import datetime as dt
import html
import json
import re
import shutil
import urllib.parse
from pathlib import Path

import icalendar
import pytest
import tomlkit
from helpers import SHIPPED, run_cli, valid, write_schedules
from interop import assert_alarms_agree, assert_parsers_agree
from test_pages import NASTY, Page, write_hostile

from calendar_gen.domain.history import Status
from calendar_gen.domain.language import Language
from calendar_gen.domain.model import Precision
from calendar_gen.domain.releases import expand
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.assets import script
from calendar_gen.publishing.pages import render_index

CY, EN = Language.CY, Language.EN


def unfolded(path: Path) -> str:
    """A feed's text with its folded lines joined (read as bytes: CRLF kept)."""
    return path.read_bytes().decode().replace("\r\n ", "")


PROGRAMME_CY = """\
organisation = "Test Office"
organisation_cy = "Swyddfa Brawf"
period = "2015/16"
"""
CRIME_CY = """\
topic = "Crime statistics"
topic_cy = "Ystadegau troseddu"

[[publication]]
id = "crime-bulletin"
title = "Crime bulletin"
title_cy = "Bwletin troseddu"
designation = "Official Statistics"
frequency = "monthly"
description = "Crimes recorded by the police."
description_cy = "Troseddau a gofnodwyd gan yr heddlu."
day = "fourth thursday"

[[publication]]
id = "quarterly-review"
title = "Quarterly review"
title_cy = "Adolygiad chwarterol"
designation = "National Statistics"
frequency = "quarterly"
months = [5, 8, 11, 2]
day = "second tuesday"
provisional = "month"
"""


# --- dates and words, worked out by hand ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "welsh"),
    [
        # 1 April 2015 was a Wednesday, so the 23rd was a Thursday.
        (dt.date(2015, 4, 23), "Dydd Iau 23 Ebrill 2015"),
        # 1 January 2015 was a Thursday: the 5th a Monday; 31 days on, 1 February a Sunday.
        (dt.date(2015, 1, 5), "Dydd Llun 5 Ionawr 2015"),
        (dt.date(2015, 2, 1), "Dydd Sul 1 Chwefror 2015"),
        # The day before Wednesday 1 April: Tuesday, Dydd Mawrth, in March, Mawrth.
        (dt.date(2015, 3, 31), "Dydd Mawrth 31 Mawrth 2015"),
        # 1 May 2015 a Friday; 6 June a Saturday; 8 July a Wednesday.
        (dt.date(2015, 5, 1), "Dydd Gwener 1 Mai 2015"),
        (dt.date(2015, 6, 6), "Dydd Sadwrn 6 Mehefin 2015"),
        (dt.date(2015, 7, 8), "Dydd Mercher 8 Gorffennaf 2015"),
        # 28 August 2014, the Terrorism Act statistics' day, a Thursday.
        (dt.date(2014, 8, 28), "Dydd Iau 28 Awst 2014"),
        (dt.date(2014, 9, 4), "Dydd Iau 4 Medi 2014"),
        (dt.date(2014, 10, 16), "Dydd Iau 16 Hydref 2014"),
        (dt.date(2014, 11, 27), "Dydd Iau 27 Tachwedd 2014"),
        (dt.date(2014, 12, 25), "Dydd Iau 25 Rhagfyr 2014"),
    ],
)
def test_welsh_long_dates(day, welsh):
    assert CY.long_date(day) == welsh


def test_english_dates_are_as_they_were():
    assert EN.long_date(dt.date(2015, 4, 23)) == "Thursday 23 April 2015"
    assert EN.short_date(dt.date(2015, 4, 23)) == "Thu 23 Apr 2015"
    assert CY.short_date(dt.date(2015, 4, 23)) == "Iau 23 Ebr 2015"


def test_provisional_months_in_welsh():
    # A release announced to the month of May 2027: "Mai 2027"; to two months, May and
    # June, or December 2027 and January 2028 (the year on each side).
    may = dt.date(2027, 5, 13)
    assert CY.announced(Precision.MONTH, may) == "Mai 2027"
    assert CY.announced(Precision.TWO_MONTHS, may) == "Mai\u2013Mehefin 2027"
    assert CY.announced(Precision.TWO_MONTHS, dt.date(2027, 12, 9)) == (
        "Rhagfyr 2027\u2013Ionawr 2028"
    )
    assert EN.announced(Precision.TWO_MONTHS, may) == "May to June 2027"
    # Thursday 20 May 2027: 1 May 2027 is a Saturday, so the 6th, 13th and 20th are Thursdays.
    assert CY.announced(Precision.EXACT, dt.date(2027, 5, 20)) == "Dydd Iau 20 Mai 2027"


def test_status_words_are_the_ons_welsh_release_calendars():
    words = {s: CY.status(s) for s in Status if s.published}
    assert words == {Status.CONFIRMED: "Cadarnhawyd", Status.PROVISIONAL: "Dros dro",
                     Status.CANCELLED: "Canslwyd", Status.POSTPONED: "Gohiriwyd"}  # fmt: skip
    assert CY.event_title(Status.CANCELLED, "Bwletin") == "Canslwyd: Bwletin"
    assert CY.event_title(Status.PROVISIONAL, "Bwletin") == "Bwletin (dros dro)"


def test_file_names_of_each_language():
    assert CY.file("all.ics") == "all.cy.ics" and CY.file("index.html") == "index.cy.html"
    assert EN.file("all.ics") == "all.ics"


# --- the build ------------------------------------------------------------------------------


@pytest.fixture
def welsh_site(tmp_path):
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY}, PROGRAMME_CY)
    built = run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    # all, crime, the two designations', England and Wales's and the two publications' feeds,
    # each at its time and all day, and each in Welsh: 28; two pages, two news feeds,
    # releases.json, releases.csv, feeds.json and the two schemas: 37.
    assert built.stdout.rstrip().endswith(": 7 feeds and index.html and each in Welsh in feeds/ "
                                          "(37 files changed)")  # fmt: skip
    return tmp_path


def test_welsh_feeds_and_page_beside_the_english(welsh_site):
    feeds = welsh_site / "feeds"
    names = {p.name for p in feeds.iterdir()}
    for english in ("all.ics", "crime.ics", "designation-official-statistics.ics",
                    "designation-national-statistics.ics", "index.html"):  # fmt: skip
        assert english in names and CY.file(english) in names
    welsh = (feeds / "crime.cy.ics").read_bytes().decode()
    # The bulletin of April 2015 is on its fourth Thursday: 2, 9, 16, 23 April.
    assert "SUMMARY;LANGUAGE=cy:Bwletin troseddu\r\n" in welsh
    assert "NAME;LANGUAGE=cy:Swyddfa Brawf: Ystadegau troseddu\r\n" in welsh
    assert "CATEGORIES;LANGUAGE=cy:Ystadegau troseddu,Ystadegau swyddogol\r\n" in welsh
    # The quarterly review of May 2015, announced to the month.
    assert "SUMMARY;LANGUAGE=cy:Adolygiad chwarterol (dros dro\\, Mai 2015)\r\n" in welsh
    # Each feed says where the other language is.
    assert "hefyd ar gael yn Saesneg (English): crime.ics" in unfolded(feeds / "crime.cy.ics")
    english = unfolded(feeds / "crime.ics")
    assert "also in Welsh (Cymraeg): crime.cy.ics" in english
    assert "LANGUAGE=" not in english
    page = (feeds / "index.cy.html").read_text()
    assert '<html lang="cy">' in page
    assert '<link rel="alternate" hreflang="en" href="index.html">' in page
    assert "Dydd Iau 23 Ebrill 2015" in page and "Iau 23 Ebr 2015" in page
    assert '<span class="status">Cadarnhawyd</span>' in page
    assert '<time datetime="2015-05">Mai 2015</time>' in page
    assert (
        '<link rel="alternate" hreflang="cy" href="index.cy.html">'
        in (feeds / "index.html").read_text()
    )


@pytest.mark.interop
def test_welsh_feeds_read_alike_in_six_parsers(welsh_site):
    for name in ("all.cy.ics", "crime.cy.ics", "designation-national-statistics.cy.ics"):
        events = assert_parsers_agree((welsh_site / "feeds" / name).read_bytes())
        assert events
    (first, *_) = assert_parsers_agree((welsh_site / "feeds" / "all.cy.ics").read_bytes())
    assert first.summary == "Bwletin troseddu"
    assert first.categories == ("Ystadegau troseddu", "Ystadegau swyddogol")
    assert first.description.endswith("Amser: 09:30 (amser y DU). Statws: Cadarnhawyd.")


def test_a_change_in_a_welsh_programme_needs_its_welsh_reason(welsh_site):
    move = ("move", "crime-bulletin", "2015-04-23", "2015-04-24", "--reason", "late data",
            "--as-of", "2015-04-02")  # fmt: skip
    refused = run_cli(*move, cwd=welsh_site)
    assert refused.returncode == 2 and "--reason-cy is required" in refused.stderr
    assert "Traceback" not in refused.stderr
    moved = run_cli(*move, "--reason-cy", "data yn hwyr", cwd=welsh_site)
    assert moved.returncode == 0, moved.stderr
    record = (welsh_site / "schedules" / "announcements.toml").read_text()
    assert 'reason = "late data"\nreason_cy = "data yn hwyr"\n' in record
    assert run_cli("build", "--as-of", "2015-04-02", cwd=welsh_site).returncode == 0
    feed = unfolded(welsh_site / "feeds" / "crime.cy.ics")
    # Moved on Thursday 2 April from Thursday 23 April to Friday 24 April 2015.
    assert ("Symudwyd. Dyddiad y newid: Dydd Iau 2 Ebrill 2015\\; Dyddiad blaenorol: Dydd Iau "
            "23 Ebrill 2015\\; Dyddiad y datganiad: Dydd Gwener 24 Ebrill 2015\\; Rheswm dros "
            "newid: data yn hwyr") in feed  # fmt: skip
    english = unfolded(welsh_site / "feeds" / "crime.ics")
    assert "to Friday 24 April 2015: late data" in english
    rows = json.loads((welsh_site / "feeds" / "releases.json").read_text())
    valid(rows, "releases")
    (moved_row,) = [r for r in rows if r["history"]]
    assert moved_row["history"][0]["reason_cy"] == "data yn hwyr"


def test_an_english_programme_takes_no_welsh_reason(tmp_path):
    write_schedules(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path).returncode == 0
    cancel = ("cancel", "monthly-bulletin", "2014-05-13", "--reason", "review", "--reason-cy",
              "adolygiad", "--as-of", "2014-04-22")  # fmt: skip
    refused = run_cli(*cancel, cwd=tmp_path)
    assert refused.returncode == 2 and "--reason-cy is for a programme" in refused.stderr


# --- the Welsh missing ----------------------------------------------------------------------


def test_every_welsh_text_missing_is_named_at_once_and_nothing_is_written(tmp_path):
    crime = CRIME_CY.replace('topic_cy = "Ystadegau troseddu"\n', "").replace(
        'title_cy = "Adolygiad chwarterol"\n', ""
    )
    crime = crime.replace('description_cy = "Troseddau a gofnodwyd gan yr heddlu."\n', "")
    write_schedules(tmp_path / "schedules", {"crime": crime}, PROGRAMME_CY)
    result = run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "schedules/crime.toml: topic_cy is missing: the programme has Welsh, so every text "
        'needs it; write topic_cy = "..." with the Welsh for "Crime statistics"',
        "schedules/crime.toml: publication 'crime-bulletin': description_cy is missing: the "
        'programme has Welsh, so every text needs it; write description_cy = "..." with the '
        'Welsh for "Crimes recorded by the police."',
        "schedules/crime.toml: publication 'quarterly-review': title_cy is missing: the "
        'programme has Welsh, so every text needs it; write title_cy = "..." with the Welsh '
        'for "Quarterly review"',
        "3 problems found; nothing was written.",
    ]
    assert not (tmp_path / "feeds").exists()
    assert not (tmp_path / "schedules" / "announcements.toml").exists()


def test_welsh_without_the_organisations_is_missing_that(tmp_path):
    crime = CRIME_CY.replace('title_cy = "Bwletin troseddu"\n', "")
    write_schedules(tmp_path / "schedules", {"crime": crime}, PROGRAMME_CY.replace(
        'organisation_cy = "Swyddfa Brawf"\n', ""))  # fmt: skip
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    said = result.stderr.splitlines()
    assert said[0].startswith("schedules/programme.toml: organisation_cy is missing")
    assert said[1].startswith("schedules/crime.toml: publication 'crime-bulletin': title_cy")
    assert said[-1] == "2 problems found; nothing was written."


def test_a_change_recorded_before_welsh_gets_its_welsh_reason_without_breaking_its_seal(
    tmp_path,
):
    # An English programme moves a release, then takes up Welsh.
    crime = re.sub(r"^(topic|title|description)_cy = .*\n", "", CRIME_CY, flags=re.M)
    english = PROGRAMME_CY.replace('organisation_cy = "Swyddfa Brawf"\n', "")
    write_schedules(tmp_path / "schedules", {"crime": crime}, english)
    for args in (("build", "--as-of", "2015-04-01"),
                 ("move", "crime-bulletin", "2015-04-23", "2015-04-24", "--reason",
                  "late data", "--as-of", "2015-04-02"),
                 ("build", "--as-of", "2015-04-02")):  # fmt: skip
        assert run_cli(*args, cwd=tmp_path).returncode == 0
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY}, PROGRAMME_CY)
    missing = run_cli("build", "--as-of", "2015-04-03", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == (
        "schedules/announcements.toml: publication 'crime-bulletin': the change of 2015-04-02 "
        "(moved): reason_cy is missing: the programme has Welsh, so every text needs it; "
        'write reason_cy = "..." with the Welsh for "late data"'
    )
    record = tmp_path / "schedules" / "announcements.toml"
    text = record.read_text()
    welsh = 'reason = "late data"\nreason_cy = "data yn hwyr"\n'
    record.write_text(text.replace('reason = "late data"\n', welsh))
    built = run_cli("build", "--as-of", "2015-04-03", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "Rheswm dros newid: data yn hwyr" in unfolded(tmp_path / "feeds" / "crime.cy.ics")


def test_the_shipped_english_programme_writes_no_welsh(shipped_site):
    assert not [p for p in shipped_site.feeds.iterdir() if ".cy." in p.name]


# --- the shipped programme in Welsh, for the parsers and the browser ------------------------


def in_welsh(folder: Path, source: Path = SHIPPED) -> Path:
    """The schedules of `source` at `folder` (the shipped ones unless given), every text
    given a Welsh one, "Cymraeg: " and the English: the tests read where each goes, not the
    translation."""
    if folder != source:
        shutil.copytree(source, folder)
    for path in folder.glob("*.toml"):
        if path.name == "announcements.toml":
            doc = tomlkit.parse(path.read_text())
            for change in (c for r in doc.get("release", []) for c in r.get("change", [])):
                if "reason" in change:
                    change["reason_cy"] = f"Cymraeg: {change['reason']}"
            path.write_text(tomlkit.dumps(doc))
            continue
        doc = tomlkit.parse(path.read_text())
        if "organisation" in doc:
            doc["organisation_cy"] = f"Cymraeg: {doc['organisation']}"
        if "topic" in doc:
            doc["topic_cy"] = f"Cymraeg: {doc['topic']}"
        for p in doc.get("publication", []):
            for key in ("title", "description", "time_reason"):
                if key in p:
                    p[f"{key}_cy"] = f"Cymraeg: {p[key]}"
            for table in [*p.get("suspended", []), *([p["ended"]] if "ended" in p else [])]:
                table["reason_cy"] = f"Cymraeg: {table['reason']}"
        path.write_text(tomlkit.dumps(doc))
    return folder


def test_the_shipped_programme_in_welsh_builds_both(tmp_path):
    in_welsh(tmp_path / "schedules")
    built = run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "feeds" / "index.cy.html").read_text()
    # The Terrorism Act figures' move of 7 August 2014 and the animals statistics' 10:00.
    assert "Rheswm dros newid: Cymraeg: reason not published" in page
    assert "Amser rhyddhau 10:00: Cymraeg: " in page
    assert "ataliwyd am 2015/16: Cymraeg: " in page  # alcohol licensing, suspended


@pytest.mark.interop
def test_the_shipped_programme_in_welsh_reads_alike_in_six_parsers(tmp_path):
    in_welsh(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    events = assert_parsers_agree((tmp_path / "feeds" / "all.cy.ics").read_bytes())
    english = assert_parsers_agree((tmp_path / "feeds" / "all.ics").read_bytes())
    # The same releases, with the same UIDs, starts and statuses, in each language.
    assert [(e.uid, e.start, e.status, e.sequence) for e in events] == [
        (e.uid, e.start, e.status, e.sequence) for e in english
    ]
    assert len(events) == 47
    assert all(e.summary.startswith(("Cymraeg: ", "Canslwyd: Cymraeg: ")) for e in events)


def hostile_in_welsh(folder: Path) -> Path:
    """test_pages' hostile programme, each text in Welsh as hostile as in English."""
    write_hostile(folder)
    return in_welsh(folder, folder)


def test_hostile_welsh_text_stays_text(tmp_path):
    programme = load_programme(hostile_in_welsh(tmp_path / "schedules"))
    releases = expand(programme, as_of=dt.date(2014, 6, 1))
    text = render_index(programme, releases, programme.period, dt.date(2014, 6, 1),
                        lang=CY)  # fmt: skip
    page = Page(text)
    assert page.scripts == [f"\n{script(welsh=True)}\n"]
    assert "b" not in page.tags and "onmouseover" not in str(page.rows)
    shown = "".join(page.text)
    raw = NASTY.replace('\\"', '"')  # as TOML reads it
    # Moved on Thursday 1 May 2014 from Tuesday 13 May to Wednesday 14 May 2014.
    moved = ("Symudwyd. Dyddiad y newid: Dydd Iau 1 Mai 2014; Dyddiad blaenorol: Dydd Mawrth "
             "13 Mai 2014; Dyddiad y datganiad: Dydd Mercher 14 Mai 2014; Rheswm dros newid: "
             "Cymraeg: moved ")  # fmt: skip
    for where in ("Cymraeg: Office ", moved, "Cymraeg: cancelled ", "Cymraeg: early ",
                  "Cymraeg: paused ", "Cymraeg: ended ", "Cymraeg: Odd "):  # fmt: skip
        assert where + raw in shown, where


@pytest.mark.interop
def test_hostile_welsh_feeds_read_alike_in_six_parsers(tmp_path):
    hostile_in_welsh(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    events = assert_parsers_agree((tmp_path / "feeds" / "all.cy.ics").read_bytes())
    # As of 1 June 2014 the feeds reach twelve months on, to May 2015 (odd-time is
    # suspended for 2015/16).
    assert {e.uid.split("@")[0] for e in events} == {
        "hostile-2014-05", "hostile-2014-11", "odd-time-2014-09", "hostile-2015-05"}  # fmt: skip


def test_next_years_moves_are_recorded_with_their_welsh(tmp_path):
    # Two monthly bulletins on every fourth Thursday clash; rolling to 2016/17 moves one of
    # each pair, and a Welsh programme's record takes each move's reason in Welsh too, so
    # the next command reads the record calendar-gen wrote.
    other = CRIME_CY.split("[[publication]]")[1].replace("crime-bulletin", "crime-extra")
    other = other.replace("Crime bulletin", "Extra bulletin").replace(
        "Bwletin troseddu", "Bwletin ychwanegol"
    )
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY + "[[publication]]" + other},
                    PROGRAMME_CY)  # fmt: skip
    rolled = run_cli("next-year", "--avoid-clashes", "--as-of", "2016-03-01", cwd=tmp_path)
    assert rolled.returncode == 0, rolled.stderr
    record = (tmp_path / "schedules" / "announcements.toml").read_text()
    assert 'reason_cy = "i osgoi gwrthdaro ar yr un diwrnod: Bwletin troseddu"' in record
    checked = run_cli("check", cwd=tmp_path)
    assert checked.returncode in (0, 1), checked.stderr


def test_a_welsh_name_with_the_article_takes_it_after_a_vowel():
    from calendar_gen.domain.language import releases_of

    assert releases_of("Y Swyddfa Gartref") == "datganiadau'r Swyddfa Gartref"
    assert releases_of("Yr Arolygiaeth") == "datganiadau'r Arolygiaeth"
    assert releases_of("Swyddfa Brawf") == "datganiadau Swyddfa Brawf"
    assert releases_of("Ystadegau Cymru") == "datganiadau Ystadegau Cymru"


def test_a_welsh_text_without_its_english_is_refused(tmp_path):
    crime = CRIME_CY.replace('description = "Crimes recorded by the police."\n', "")
    write_schedules(tmp_path / "schedules", {"crime": crime}, PROGRAMME_CY)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "schedules/crime.toml: publication 'crime-bulletin': description_cy is the Welsh of "
        "description, which is not written; write description too, or take description_cy out"
    )


def test_welsh_news_beside_the_english(welsh_site):
    atom = (welsh_site / "feeds" / "changes.cy.atom").read_text()
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cy">' in atom
    assert "<title>Calendr datganiadau Swyddfa Brawf: newidiadau</title>" in atom
    # The bulletin of Thursday 23 April 2015, confirmed by the build of 1 April.
    assert "<title>Cadarnhawyd: Bwletin troseddu, Dydd Iau 23 Ebrill 2015</title>" in atom
    assert ("<summary>Cadarnhawyd. Dyddiad y datganiad: Dydd Iau 23 Ebrill 2015, 09:30 (amser "
            "y DU).</summary>") in atom  # fmt: skip
    assert 'href="index.cy.html#crime-bulletin-2015-04"' in atom
    english = (welsh_site / "feeds" / "changes.atom").read_text()
    assert "<title>Confirmed: Crime bulletin, Thursday 23 April 2015</title>" in english
    ids = re.findall(r"<id>(.*?)</id>", atom)
    assert ids and not set(ids) & set(re.findall(r"<id>(.*?)</id>", english))
    page = (welsh_site / "feeds" / "index.cy.html").read_text()
    assert 'type="application/atom+xml" href="changes.cy.atom"' in page


@pytest.mark.interop
def test_the_welsh_news_feed_is_valid_atom(tmp_path):
    from test_news import validate

    hostile_in_welsh(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    validate(tmp_path / "feeds" / "changes.cy.atom")


def test_welsh_texts_have_their_english_ones_limits(tmp_path):
    long_title = "B" * 201
    crime = CRIME_CY.replace('title_cy = "Bwletin troseddu"', f'title_cy = "{long_title}"')
    write_schedules(tmp_path / "schedules", {"crime": crime}, PROGRAMME_CY)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "schedules/crime.toml: publication 'crime-bulletin': title_cy is 201 characters long; "
        "at most 200 are allowed"
    )
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY}, PROGRAMME_CY)
    assert run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path).returncode == 0
    refused = run_cli("cancel", "crime-bulletin", "2015-04-23", "--reason", "review",
                      "--reason-cy", "a" * 501, "--as-of", "2015-04-02", cwd=tmp_path)  # fmt: skip
    assert refused.returncode == 2
    assert "--reason-cy is 501 characters long; at most 500 are allowed" in refused.stderr


def test_feeds_json_lists_the_welsh_feeds_beside_the_english(welsh_site):
    feeds = welsh_site / "feeds"
    listed = json.loads((feeds / "feeds.json").read_text())
    valid(listed, "feeds")
    assert {f["name"] for f in listed} == {p.name for p in feeds.glob("*.ics")}
    by_name = {f["name"]: f for f in listed}
    assert by_name["crime.all-day.cy.ics"] == {
        "name": "crime.all-day.cy.ics", "title": "Ystadegau troseddu", "holds": "topic:crime",
        "variant": "all-day", "language": "cy", "address": "crime.all-day.cy.ics",
    }  # fmt: skip
    assert by_name["crime.ics"]["language"] == "en"
    assert by_name["crime.ics"]["title"] == "Crime statistics"
    # Each Welsh feed is the English one's filter and variant, in the other language.
    welsh = {(f["holds"], f["variant"]) for f in listed if f["language"] == "cy"}
    assert welsh == {(f["holds"], f["variant"]) for f in listed if f["language"] == "en"}
    assert len(welsh) == 14


def test_the_bound_on_publication_feeds_counts_the_welsh_files(tmp_path):
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY},
                    PROGRAMME_CY + "publication_feeds = 1\n")  # fmt: skip
    result = run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path)
    assert result.returncode == 2
    # Two publications, each feed at its time and all day, in English and in Welsh: 8 files.
    said = " ".join(result.stderr.split())
    assert ("publication_feeds = 1: the schedules have 2 publications, and a feed for each "
            "would be 8 files (each feed has 4 versions)") in said  # fmt: skip


def test_outlook_is_given_each_calendars_own_name_in_its_language(tmp_path):
    crime = CRIME_CY.replace('topic_cy = "Ystadegau troseddu"', 'topic_cy = "Troseddu & #1 ŵ"')
    settings = PROGRAMME_CY + 'feed_url = "https://stats.example.gov.uk/feeds"\n'
    write_schedules(tmp_path / "schedules", {"crime": crime}, settings)
    assert run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    for page in ("index.html", "index.cy.html"):
        links = re.findall(r'<a class="outlook" href="([^"]+)"', (feeds / page).read_text())
        assert len(links) == 14  # 7 feeds, at their time and all day
        for link in links:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(html.unescape(link)).query)
            (address,), (name,) = query["url"], query["name"]
            calendar = icalendar.Calendar.from_ical(
                (feeds / address.rsplit("/", 1)[1]).read_bytes()
            )
            assert name == str(calendar["NAME"]), link
    welsh = (feeds / "index.cy.html").read_text()
    assert "name=Swyddfa%20Brawf%3A%20Troseddu%20%26%20%231%20%C5%B5%20" in welsh


@pytest.mark.interop
def test_hostile_welsh_feeds_of_every_variant_and_filter_read_alike(tmp_path):
    folder = hostile_in_welsh(tmp_path / "schedules")
    with (folder / "programme.toml").open("a") as programme:
        programme.write('\nreminder = "16:00"\nfeed_url = "https://stats.example.gov.uk/feeds"\n')
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    welsh = sorted(feeds.glob("*.cy.ics"))
    assert {p.name.split(".", 1)[1] for p in welsh} == {"cy.ics", "all-day.cy.ics",
                                                        "reminder.cy.ics"}  # fmt: skip
    timed = {e.uid: e for e in assert_parsers_agree((feeds / "all.cy.ics").read_bytes())}
    for path in welsh:
        events = assert_parsers_agree(path.read_bytes())
        assert {e.uid for e in events} <= set(timed), path.name
        if ".reminder." in path.name:
            # One alarm for each release to come out, none for one cancelled or postponed.
            alarms = assert_alarms_agree(path.read_bytes())
            for event, alarm in zip(events, alarms, strict=True):
                assert len(alarm) == (event.status in ("CONFIRMED", "TENTATIVE")), path.name
            if path.name == "all.reminder.cy.ics":  # the hostile series' November is cancelled
                assert {e.status for e in events} >= {"CONFIRMED", "CANCELLED"}


def test_each_welsh_event_links_its_row_on_the_welsh_page_and_the_page_its_welsh_feeds(tmp_path):
    settings = PROGRAMME_CY + 'feed_url = "https://stats.example.gov.uk/feeds"\n'
    write_schedules(tmp_path / "schedules", {"crime": CRIME_CY}, settings)
    assert run_cli("build", "--as-of", "2015-04-01", cwd=tmp_path).returncode == 0
    feeds, base = tmp_path / "feeds", "https://stats.example.gov.uk/feeds/"
    for language, page in ((Language.EN, "index.html"), (Language.CY, "index.cy.html")):
        text = (feeds / page).read_text()
        ids = set(re.findall(r' id="([^"]+)"', text))
        own = [p for p in feeds.glob("*.ics") if (".cy." in p.name) == (language is CY)]
        assert len(own) == 14
        for path in own:
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            assert str(calendar["URL"]) == base + page and str(calendar["SOURCE"]) == (
                base + path.name)  # fmt: skip
            for event in calendar.events:
                where, _, row = str(event["URL"]).partition("#")
                assert where == base + page and row in ids, (path.name, row)
        # The page's feeds are its language's: every address, Apple's, Google's, Outlook's.
        linked = {urllib.parse.unquote(m).rsplit("/", 1)[1]
                  for m in re.findall(r'(?:href|cid|url)=["=]?([^"&]+?\.ics)', text)}  # fmt: skip
        assert linked == {p.name for p in own}, page
