"""The draft release practice policy: what it says of a programme, and that no schedule text
can put markup into it."""

from __future__ import annotations

import re
import shutil
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import MONTHLY, PROGRAMME, SHIPPED, run_cli, write_schedules

import calendar_gen as cg
from calendar_gen.publishing import releasepolicy
from calendar_gen.publishing.releasepolicy import HTML_FILE, MARKDOWN_FILE, Policy, Section, md

ANIMALS = "Annual Statistics of Scientific Procedures on Living Animals"
SOURCE = "https://osr.statisticsauthority.gov.uk/guidance/short-guide-to-code-of-practice-standard-three-be-transparent/"


class Page(HTMLParser):
    """The tags, headings and text of an HTML page, as a browser's parser meets them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(folder: Path) -> tuple[str, str]:
    """The policy written in `folder`: its Markdown and its HTML."""
    return (folder / MARKDOWN_FILE).read_text("utf-8"), (folder / HTML_FILE).read_text("utf-8")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The shipped programme's policy, Markdown and HTML."""
    root = tmp_path_factory.mktemp("policy")
    schedules = shutil.copytree(SHIPPED, root / "schedules")
    report = cg.policy(schedules, root / "feeds")
    assert report.files == (root / "feeds" / MARKDOWN_FILE, root / "feeds" / HTML_FILE)
    return _read(root / "feeds")


def test_the_shipped_policy_names_the_animals_statistics_time_and_its_reason(shipped):
    reason = tomllib.loads((SHIPPED / "other.toml").read_text())["publication"][0]["time_reason"]
    assert reason.startswith("laid before Parliament under section 21(7)")
    markdown, html = shipped
    assert f"- {ANIMALS}, Great Britain: released at 10:00. Why: {reason}." in markdown
    page = "".join(Page(html).text)
    assert f"{ANIMALS}, Great Britain: released at 10:00. Why: {reason}." in page
    assert "1 publication released at another time:" in markdown


def test_the_shipped_policy_gives_the_standard_time_and_four_weeks_notice(shipped):
    markdown, _ = shipped
    assert "Statistics are released at 09:30 UK time (Europe/London) on a working day" in markdown
    assert (
        "A release is to be confirmed, with its date and time, 4 weeks before its day" in markdown
    )
    # The shipped programme ends with its year: its calendar reaches no twelve months on.
    assert "it is published, to the programme's end, Tuesday 31 March 2015." in markdown
    # 47 [[release]] tables in schedules/announcements.toml, each with its confirmed day.
    assert "The record holds 47 confirmed releases;" in markdown
    assert "Provisional dates are given to the day, for every publication." in markdown


def test_the_shipped_policy_counts_the_changes_in_the_record_by_kind(shipped):
    # Counted by hand in schedules/announcements.toml: one [[release.change]] table, the
    # Terrorism Act quarterly release moved from 4 to 28 August 2014 (action = "moved");
    # no release was cancelled, reinstated, retimed, postponed or recorded as released.
    markdown, _ = shipped
    assert "The record holds 1 change so far:" in markdown
    counts = dict(re.findall(r"^- calendar-gen ([a-z]+) .*: ([0-9]+)$", markdown, re.M))
    assert counts == {"move": "1", "cancel": "0", "reinstate": "0", "retime": "0",
                      "postpone": "0", "released": "0"}  # fmt: skip


def test_each_statement_quotes_the_code_and_says_where_from(shipped):
    markdown, html = shipped
    assert (
        '> Practice 3.1 of the Code of Practice for Statistics: "Pre-announce the release of '
        "statistics with the time and date in a 12-month release calendar. Give a specific "
        'release date and time four weeks ahead where possible"'
    ) in markdown
    assert "Practice 3.2 of the Code of Practice for Statistics" in markdown
    assert "Practice 3.11 of the Code of Practice for Statistics" in markdown
    sections = markdown.split("\n## ")[1:]
    assert len(sections) == 6
    for section in sections[:-1]:  # all but the list of sources
        assert "of the Code of Practice for Statistics: " in section, section
        assert "(source: <https://osr.statisticsauthority.gov.uk/" in section, section
    assert sections[-1].startswith("Sources\n")
    assert f"- <{SOURCE}>" in sections[-1]
    assert f'<a href="{SOURCE}">' in html


def test_the_shipped_policy_lists_every_feed_and_the_news_feed(shipped):
    markdown, _ = shipped
    for line in (
        "- All releases: all.ics",
        "- Crime statistics: crime.ics",
        "- National Statistics: designation-national-statistics.ics",
        "- News of every confirmation and change, for a news reader: changes.atom",
    ):
        assert line in markdown
    assert "set feed\\_url in programme.toml to give the address" in markdown
    assert "No blackout periods are set." in markdown


def test_the_page_stands_alone_with_its_headings_in_order(shipped):
    _, html = shipped
    page = Page(html)
    assert html.startswith("<!doctype html>\n")
    assert ("html", {"lang": "en"}) in page.tags
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert "Release practice policy: Home Office statistics" in page.text
    # Nothing fetched from elsewhere: no script, style sheet, image or frame.
    assert not {"script", "link", "img", "iframe"} & {tag for tag, _ in page.tags}


HOSTILE_TITLE = "<script>alert(1)</script> [click](javascript:alert(1)) `code` | cell"
# Schedule files hold reasons on one line (the loader refuses line breaks in them), so the
# line breaks are tried on the renderers directly, below.
HOSTILE_REASON = "agreed # Injected heading <img src=x onerror=alert(1)> - a list item"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[str, str]:
    """The policy of a programme whose every text tries to be markup."""
    programme = (
        'organisation = "Evil & <b>Co</b> | #1"\nperiod = "2014/15"\n'
        "[[blackout]]\nfrom = 2014-06-01\nuntil = 2014-06-05\n"
        'reason = "election ## purdah <a href=\\"x\\">here</a>"\n'
    )
    topic = MONTHLY.replace('"Monthly bulletin"', repr(HOSTILE_TITLE).replace("'", '"'))
    topic += f'time = "10:00"\ntime_reason = """{HOSTILE_REASON}"""\n'
    write_schedules(tmp_path / "schedules", {"test": topic}, programme)
    result = run_cli("policy", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return _read(tmp_path / "feeds")


def test_schedule_text_cannot_put_markup_into_the_markdown(hostile):
    markdown, _ = hostile
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "# Release practice policy: Evil &amp; &lt;b&gt;Co&lt;/b&gt; \\| \\#1 statistics",
        "## When statistics are released",
        "## How far ahead release dates are announced",
        "## How changes are made, announced and explained",
        "## Where the calendar is, and how to follow it",
        "## When nothing is released",
        "## Sources",
    ]
    assert "<script" not in markdown and "<img" not in markdown and "<a href" not in markdown
    assert not re.search(r"(?<!\\)[\[\]]", markdown.split("## Sources")[0])  # no link
    assert "\\[click\\](javascript:alert(1))" in markdown
    assert "\\`code\\` \\| cell" in markdown
    assert (
        "Why: agreed \\# Injected heading &lt;img src=x onerror=alert(1)&gt; - a list item."
    ) in markdown
    assert 'election \\#\\# purdah &lt;a href="x"&gt;here&lt;/a&gt;' in markdown


def test_schedule_text_cannot_put_markup_into_the_page(hostile):
    _, html = hostile
    page = Page(html)
    tags = {tag for tag, _ in page.tags}
    assert tags == {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "p",
                    "ul", "li", "blockquote", "a"}  # fmt: skip
    assert all(attrs.get("href", "https://").startswith("https://") for _, attrs in page.tags)
    text = "".join(page.text)
    assert HOSTILE_TITLE in text  # shown as written, as text
    assert "agreed # Injected heading <img src=x onerror=alert(1)> - a list item" in text


def test_a_line_break_in_any_text_starts_no_line_of_markup():
    # The record's reasons, which `move --reason` takes as typed, may hold line breaks.
    broken = "first\n# Injected heading\r\n- an item\n<script>x</script>\u2028> quote"
    policy = Policy(broken, (broken,), (Section(broken, (broken,), (broken,)),))
    flat = "first \\# Injected heading - an item &lt;script&gt;x&lt;/script&gt; &gt; quote"
    blocks = releasepolicy.markdown(policy).split("\n\n")
    # The title, the introduction, the Code's practice 3.11, the heading, its paragraph, its list.
    assert [blocks[i] for i in (0, 1, 3, 4, 5)] == [f"# {flat}", flat, f"## {flat}", flat,
                                                     f"- {flat}"]  # fmt: skip
    page = Page(releasepolicy.html(policy))
    assert "script" not in {tag for tag, _ in page.tags}
    assert "first # Injected heading - an item <script>x</script> > quote" in page.text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("> quote", "&gt; quote"),
        ("a\nb\r\nc\u2028d", "a b c d"),
        ("bell\x07 escape\x1b[2J", "bell escape\\[2J"),
        ("[link](http://x) ![img](y)", "\\[link\\](http://x) !\\[img\\](y)"),
        ("a | b & c", "a \\| b &amp; c"),
        ("*strong* _em_ ~strike~", "\\*strong\\* \\_em\\_ \\~strike\\~"),
        ("back\\slash", "back\\\\slash"),
        ("9.30am", "9.30am"),
        ("2014. A year", "2014\\. A year"),
        ("--- rule", "\\--- rule"),
    ],
)
def test_markdown_shows_any_text_literally(text, shown):
    assert md(text) == shown


def test_blackouts_provisional_precision_and_the_feed_address_are_stated(tmp_path):
    programme = PROGRAMME + (
        'feed_url = "https://example.gov.uk/stats/feeds"\n'
        '[[blackout]]\nfrom = 2014-06-01\nuntil = 2014-06-05\nreason = "pre-election period"\n'
    )
    write_schedules(tmp_path, {"test": MONTHLY + 'provisional = "month"\n'}, programme)
    report = cg.policy(tmp_path, "-")
    assert report.files == () and report.text is not None
    text = report.text
    assert "- Sunday 1 June 2014 to Thursday 5 June 2014: pre-election period" in text
    assert "- Monthly bulletin: to the month (such as May 2027)" in text
    assert "The calendar is published at https://example.gov.uk/stats/feeds/index.html" in text
    assert "- All releases: https://example.gov.uk/stats/feeds/all.ics" in text
    assert "Every publication is released at the standard time." in text
    assert "The record holds 0 changes so far:" in text


def test_the_command_writes_both_files_and_says_so(tmp_path):
    write_schedules(tmp_path / "schedules")
    result = run_cli("policy", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"wrote {Path('site') / MARKDOWN_FILE}",
        f"wrote {Path('site') / HTML_FILE}",
    ]
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [HTML_FILE, MARKDOWN_FILE]
    again = run_cli("policy", "--out", "site", cwd=tmp_path)
    assert again.stdout.splitlines()[0] == f"{Path('site') / MARKDOWN_FILE} unchanged"


def test_out_dash_prints_the_markdown_and_writes_nothing(tmp_path):
    write_schedules(tmp_path / "schedules")
    result = run_cli("policy", "--out", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Release practice policy: Test Office statistics\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schedules"]


def test_bad_schedules_exit_2_with_the_usual_message_and_write_nothing(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY.replace('"monthly"', '"biweekly"')})
    result = run_cli("policy", cwd=tmp_path)
    assert result.returncode == 2
    assert "schedules/test.toml: publication 'monthly-bulletin': frequency \"biweekly\"" in (
        result.stderr
    )
    assert result.stderr.splitlines()[-1] == "1 problem found; nothing was written."
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "feeds").exists()


def test_a_build_does_not_write_the_policy(shipped_site):
    assert not (shipped_site.feeds / MARKDOWN_FILE).exists()
    assert not (shipped_site.feeds / HTML_FILE).exists()
