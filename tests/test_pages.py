"""The index page and the data files a build writes beside the feeds."""

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

from helpers import PROGRAMME, write_schedules

from calendar_gen.pages import render_csv, render_index, render_json
from calendar_gen.releases import FIELDS, expand
from calendar_gen.schedule import load_programme

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


def test_data_files_match_the_list_fields(tmp_path):
    _, releases = page_for(tmp_path)
    rows = list(csv.DictReader(io.StringIO(render_csv(releases, [r.as_dict() for r in releases]))))
    data = json.loads(render_json([r.as_dict() for r in releases]))
    assert tuple(rows[0]) == FIELDS == tuple(data[0])
    assert [r["date"] for r in rows] == [r["date"] for r in data] == ["2014-05-13", "2014-11-11"]
    assert rows[0]["title"] == "<script>alert('x')</script> \"quoted\""
