"""The index page and the data files a build writes beside the feeds."""

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from helpers import PROGRAMME, generated_releases, write_schedules
from hypothesis import event, given, settings
from hypothesis import strategies as st

from calendar_gen.pages import csv_lines, json_lines, render_index
from calendar_gen.releases import FIELDS, expand
from calendar_gen.schedule import load_programme
from calendar_gen.texts import describe

HOSTILE = """\
topic = "<b>Bold</b> & co"

[[publication]]
id = "hostile"
title = "<script>alert('x')</script> \\"quoted\\""
designation = "Official Statistics"
frequency = "bi-annual"
months = [5, 11]
day = "second tuesday"
description = "<img src=x onerror=alert(1)>"
"""


class Page(HTMLParser):
    """What a browser would see: elements, links and text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []  # (class, href)
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "a":
            self.links.append((attributes.get("class") or "", attributes["href"]))

    def handle_data(self, data):
        self.text.append(data)


def page_for(tmp_path, settings="", topic=HOSTILE, as_of=dt.date(2014, 6, 1)):
    programme = load_programme(write_schedules(tmp_path, {"t": topic}, PROGRAMME + settings))
    releases = expand(programme, as_of=as_of)
    return render_index(programme, releases, programme.period, as_of), releases


def test_schedule_text_is_shown_as_text_never_run(tmp_path):
    text, _ = page_for(tmp_path)
    page = Page(text)
    assert "img" not in page.tags and "b" not in page.tags
    assert page.tags.count("script") == 1  # only the page's own link script
    shown = "".join(page.text)
    assert "<script>alert('x')</script> \"quoted\"" in shown
    assert "<b>Bold</b> & co" in shown


def test_links_use_feed_url(tmp_path):
    text, _ = page_for(tmp_path, 'feed_url = "https://stats.example.gov.uk/feeds/"\n')
    page = Page(text)
    assert ("subscribe", "webcal://stats.example.gov.uk/feeds/all.ics") in page.links
    assert ("download", "https://stats.example.gov.uk/feeds/all.ics") in page.links
    assert ("subscribe", "webcal://stats.example.gov.uk/feeds/t.ics") in page.links
    assert "script" not in page.tags
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!stats\.example)""", text)


def test_links_are_relative_without_feed_url(tmp_path):
    page = Page(page_for(tmp_path)[0])
    assert ("subscribe", "t.ics") in page.links and ("download", "t.ics") in page.links


def test_upcoming_first_with_counts(tmp_path):
    # As of 1 June 2014: 13 May is past; 11 November is to come.
    text, _ = page_for(tmp_path)
    assert "All releases</strong>: 1 upcoming release<br>" in text
    assert text.index("Tue 11 Nov 2014") < text.index("Tue 13 May 2014")
    assert text.index("Upcoming releases") < text.index("Past releases")


def with_history(tmp_path, topic: str):
    """Releases of `topic`, one of them moved with a reason that needs quoting."""
    folder = write_schedules(tmp_path, {"t": topic})
    (folder / "announcements.toml").write_text(
        '[[release]]\nid = "hostile"\nmonth = "2014-05"\ndate = 2014-05-14\n\n'
        '[[release.change]]\non = 2014-05-01\naction = "moved"\nfrom = 2014-05-13\n'
        'to = 2014-05-14\nreason = "late, \\"very\\" late;\\nsorry"\n'
    )
    return expand(load_programme(folder), as_of=dt.date(2014, 6, 1))


PLAIN = HOSTILE.replace('description = "<img src=x onerror=alert(1)>"\n', "")
WELSH = HOSTILE.replace("<img src=x onerror=alert(1)>", 'Ystadegau ŵyr, \\"dyfyniad\\"\\n😀')


@pytest.mark.parametrize("topic", [HOSTILE, PLAIN, WELSH])
def test_data_files_are_what_the_csv_and_json_libraries_write(tmp_path, topic):
    releases = with_history(tmp_path, topic)
    assert releases[0].changes  # the moved release, with a reason to quote
    assert_written_as_the_libraries_write(releases)
    assert "".join(json_lines([])) == "[]\n"


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.data())
def test_generated_calendars_are_written_as_the_libraries_write_them(tmp_path_factory, data):
    releases = generated_releases(data.draw, tmp_path_factory.mktemp("schedules"))
    assert_written_as_the_libraries_write(releases)
    event("with changes" if any(r.changes for r in releases) else "without")


def assert_written_as_the_libraries_write(releases):
    rows = [r.as_dict() for r in releases]
    # The library path: csv.writer and json.dumps over each release's as_dict().
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for release, row in zip(releases, rows, strict=True):
        writer.writerow([*list(row.values())[:-1], "; ".join(describe(c) for c in release.changes)])
    assert "".join(csv_lines(releases)) == buffer.getvalue()
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    expected = "[\n" + ",\n".join("  " + x for x in lines) + "\n]\n" if rows else "[]\n"
    assert "".join(json_lines(releases)) == expected
    assert json.loads(expected) == rows


def test_data_files_match_the_list_fields(tmp_path):
    _, releases = page_for(tmp_path)
    rows = list(csv.DictReader(io.StringIO("".join(csv_lines(releases)))))
    data = json.loads("".join(json_lines(releases)))
    assert tuple(rows[0]) == FIELDS == tuple(data[0])
    assert [r["date"] for r in rows] == [r["date"] for r in data] == ["2014-05-13", "2014-11-11"]
    assert rows[0]["title"] == "<script>alert('x')</script> \"quoted\""
