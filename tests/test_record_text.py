"""The record read and written as text: exactly what tomllib reads and tomlkit writes.

recordtext reads the record's usual layout without tomllib, and edits.render_updates appends
new entries as text and edits a changed one with tomlkit on its own. On generated records,
hand-edited layouts and damaged files, both must give what tomllib and a whole-document
tomlkit edit (edits.render_document, the way every record was written before) give.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from dataclasses import replace

import pytest
from helpers import SHIPPED, examples, unsealed_table
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from calendar_gen.domain.history import Cancelled, Moved, Reinstated
from calendar_gen.domain.model import (
    NO_SEALS,
    Announcement,
    Builds,
    Key,
    Showing,
    ShownRow,
    YearMonth,
)
from calendar_gen.domain.slots import IsoWeek
from calendar_gen.record import recordtext
from calendar_gen.workspace.edits import (
    HEADER,
    _joined,
    _marked,
    _spaced,
    render_document,
    render_updates,
)

# The same records on every run (conftest.py's profiles), so CI is repeatable.
SLOW_OK = [HealthCheck.too_slow]
SETTINGS = examples(600, suppress_health_check=SLOW_OK)
D = dt.date
CHANGED = """\
# Release dates announced to the public.

[[release]]
id = "monthly-bulletin"
month = "2014-05"  # checked with the team
date = 2014-05-15
confirmed = 2014-04-15

[[release.change]]
on = 2014-05-01
action = "moved"
from = 2014-05-13
to = 2014-05-15
reason = "late, \\"very\\" late;\\nsorry \\\\ ŵ 😀"

# June's, cancelled
[[release]]
id = "monthly-bulletin"
month = "2014-06"
date = 2014-06-10
[[release.change]]
on=2014-06-01
action = "cancelled"   # by the head of profession
from = 2014-06-10
reason = "data not ready"
"""


# Rows as a build writes them, after a release.
SHOWN_ROWS = """\
[[release]]
id = "a"
month = "2014-05"
date = 2014-05-13

[[shown]]
before = 2014-04-01
releases = [
    "a 2014-06 2014-06-10 09:30",
]

[[shown]]
on = 2014-04-01
releases = [
    "a 2014-W20 2014-05-15 10:00",
    "b-c 2014-05-15 2014-05-15 09:30",
]
"""


def tomllib_or_none(text: str) -> dict | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def assert_read_as_tomllib_reads(text: str) -> dict | None:
    """The fast reader gives tomllib's tables or leaves the text to tomllib; never other."""
    found, expected = recordtext.read(text), tomllib_or_none(text)
    assert found is None or found == expected
    return found


# --- reading -------------------------------------------------------------------------------


def test_the_shipped_record_and_a_hand_edited_one_are_read_as_tomllib_reads_them():
    for text in ((SHIPPED / "announcements.toml").read_text("utf-8"), CHANGED):
        assert recordtext.read(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        '[[release]]\nid = "a"\nmonth = "2014-05"\ndate = 2014-05-13',  # no final newline
        '  [[release]]   # indented\n\tid="a"\n month   =   "2014-05"#close\n',
        '[[release]]\nid = "a\\u00e9\\tb"\nreason = "x"\n',
        '# note\n[published]\nfirst = 2014-04-01\nlast = 2014-05-01\nreleases = "sha256:ab"\n\n'
        '[[release]]\nid = "a"\nmonth = "2014-05"\ndate = 2014-05-13\n',
        '[[release]]\nid = "a"\n[published]  # after the releases\nlast = 2014-05-01\n',
        SHOWN_ROWS,
        SHOWN_ROWS + "\n# a note\n[published]\nlast = 2014-05-01\n",
        "[[shown]]\non = 2014-04-01\nreleases = [\n]\n",
    ],
)
def test_comments_spacing_and_escapes_are_read_without_tomllib(text):
    assert recordtext.read(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '[[release]]\r\nid = "a"\r\n',  # Windows line ends: valid, left to tomllib
        '[[ release ]]\nid = "a"\n',
        "[release]\nid = 'a'\n",
        '[[release]]\nreason = """two\nlines"""\n',
        'id = "outside"\n[[release]]\n',
        "[[release.change]]\non = 2014-05-01\n",
        '[[release]]\nchange = "x"\n[[release.change]]\n',
        '[[release]]\nid = "a"\nid = "b"\n',  # invalid TOML
        "[[release]]\ndate = 2014-02-30\n",  # invalid TOML
        '[[release]]\nreason = "bad \\q escape"\n',  # invalid TOML
        "[[release]]\ndate = 2014-05-13 09:30:00\n",
        '[[release]]\nid = "a"\n[[other]]\n',
        '[[release]]\nreason = "a\x7f"\n',  # invalid TOML
        "[published]\nlast = 2014-05-01\n[published]\n",  # invalid TOML: given twice
        "[published.more]\nlast = 2014-05-01\n",
        SHOWN_ROWS + '[[release]]\nid = "b"\n',  # a release after the rows
        SHOWN_ROWS + '\n[[release]]\nid = "b"\nmonth = "2014-05"\ndate = 2014-05-13\n',
        SHOWN_ROWS + "[[release.change]]\non = 2014-05-01\n",
        SHOWN_ROWS + 'reason = "after a row"\n',
        '[[shown]]\non = 2014-04-01\nreleases = ["a 2014-05 2014-05-13 09:30"]\n',
        '[[shown]]\non = 2014-04-01\nreleases = [\n    "a 2014-05 2014-05-13 09:30"\n]\n',
        "[[shown]]\non = 2014-04-31\nreleases = [\n]\n",  # invalid TOML
        '[[shown]]\non = 2014-04-01\nreleases = [\n    "a\\u00e9 2014-05 2014-05-13 09:30",\n]\n',
    ],
)
def test_other_layouts_and_broken_files_are_left_to_tomllib(text):
    assert recordtext.read(text) is None


DAYS = st.dates(D(2013, 1, 1), D(2016, 12, 31))
REASONS = st.text(max_size=30)


@st.composite
def announcements(draw: st.DrawFn) -> Announcement:
    month = draw(DAYS)
    changes = draw(
        st.lists(
            st.one_of(
                st.builds(Moved, DAYS, DAYS, DAYS, REASONS),
                st.builds(Cancelled, DAYS, DAYS, REASONS),
                st.builds(Reinstated, DAYS, DAYS, DAYS, REASONS),
            ),
            max_size=2,
        )
    )
    return Announcement(
        draw(st.sampled_from(["a", "monthly-bulletin", "quarterly-report", "x1-2"])),
        YearMonth(month.year, month.month),
        draw(DAYS),
        draw(st.one_of(st.none(), DAYS)),
        tuple(changes),
    )


def unique(entries: list[Announcement]) -> list[Announcement]:
    return list({a.key: a for a in entries}.values())


@examples(200, suppress_health_check=SLOW_OK)
@given(st.lists(announcements(), min_size=1, max_size=6).map(unique), st.booleans())
def test_records_the_commands_write_are_read_without_tomllib(entries, sealed):
    text = render_document(HEADER, entries, seals=NO_SEALS if sealed else None)
    assert assert_read_as_tomllib_reads(text) is not None


TOML_STRINGS = st.text(max_size=10).map(lambda s: json.dumps(s, ensure_ascii=False))
ODD_VALUES = (
    "2014-02-30", "2014-13-01", "2014-05-13T09:30:00", "2014-05-13 09:30", "2014-5-13",
    "'literal'", '"""multi"""', "[1, 2]", "{a = 1}", "12", "true", '"bad \\q"', '"open',
    '"tab\there"', '"del\x7f"', '"\\u00e9"', '"\\ud800"', "2014-05-13Z",
)  # fmt: skip
VALUES = st.one_of(TOML_STRINGS, DAYS.map(str), st.sampled_from(ODD_VALUES))
KEYS = st.sampled_from(("id", "month", "date", "confirmed", "change", "on", "reason", "x-y"))
SPACE = st.sampled_from(("", " ", "  ", "\t"))
COMMENT = st.sampled_from(("", "# note", "#", '# "[[release]]" é', "#\x01", "#\t"))
HEADERS = st.sampled_from(
    ("[[release]]", "[[release.change]]", "[[ release ]]", "[release]", "[[other]]", "[[release")
)
LINES = st.one_of(
    st.tuples(SPACE, HEADERS, SPACE, COMMENT).map("".join),
    st.tuples(SPACE, KEYS, SPACE, st.just("="), SPACE, VALUES, SPACE, COMMENT).map("".join),
    st.tuples(SPACE, COMMENT).map("".join),
)
CANONICAL = announcements().map(lambda a: render_document("", [a]))


@SETTINGS
@given(
    st.lists(st.one_of(LINES, CANONICAL), max_size=12),
    st.sampled_from(("\n", "\n", "\r\n")),
    st.booleans(),
)
def test_any_layout_is_read_as_tomllib_reads_it_or_left_to_it(lines, newline, final):
    text = newline.join(lines) + (newline if final else "")
    found = assert_read_as_tomllib_reads(text)
    event("read without tomllib" if found is not None else "left to tomllib")


PIECES = (
    '"', "\\", "\n", "\r\n", "#", "[", "]", "=", " ", "\t", "a", "1", "-", ".", "\x00", "é",
    "[[release]]\n", "[[release.change]]\n", 'id = "x"\n', "date = 2014-05-13\n", '"""',
)  # fmt: skip


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, len(CHANGED)), st.integers(0, 3), st.sampled_from(PIECES)),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_records_are_read_as_tomllib_reads_them_or_left_to_it(edits):
    text = CHANGED
    for position, cut, piece in edits:
        text = text[:position] + piece + text[position + cut :]
    found = assert_read_as_tomllib_reads(text)
    event("read without tomllib" if found is not None else "left to tomllib")


# --- writing -------------------------------------------------------------------------------


@st.composite
def decorated(draw: st.DrawFn, text: str) -> str:
    """`text` as a person might have edited it: comments and blank lines added or taken out."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        if lines[at].strip() and draw(st.booleans()):
            lines[at] += draw(st.sampled_from(("  # checked", " #x", "\t# ŵ")))
        else:
            lines.insert(at, draw(st.sampled_from(("# a note", "", "   "))))
    if draw(st.booleans()):  # blank lines taken out: the next write puts them back
        lines = [line for line in lines if line]
    return "\n".join(lines).rstrip("\n") + "\n"


@st.composite
def updates(draw: st.DrawFn, recorded: list[Announcement]) -> list[Announcement]:
    """What a build or a change writes: new entries, and recorded ones changed."""
    found = draw(st.lists(announcements(), max_size=4))
    for a in draw(st.lists(st.sampled_from(recorded), max_size=2)) if recorded else []:
        if draw(st.booleans()):
            a = a.with_change(Moved(draw(DAYS), a.date, draw(DAYS), "late"))
        found.append(replace(a, confirmed=a.confirmed or draw(DAYS)))
    return found


SLOTS = st.one_of(
    DAYS.map(lambda d: YearMonth(d.year, d.month)),
    DAYS.map(lambda d: IsoWeek(*d.isocalendar()[:2])),
)
SHOWINGS = st.builds(
    Showing,
    st.builds(Key, st.sampled_from(["a", "monthly-bulletin", "x1-2"]), SLOTS),
    DAYS,
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
SHOWN = st.lists(st.builds(ShownRow, DAYS, st.lists(SHOWINGS, min_size=1, max_size=3).map(tuple),
                           st.booleans()), max_size=2)  # fmt: skip


@examples(200, suppress_health_check=SLOW_OK)
@given(st.data())
def test_updates_are_written_as_a_whole_document_edit_wrote_them(tmp_path_factory, data):
    recorded = unique(data.draw(st.lists(announcements(), min_size=1, max_size=5)))
    path = tmp_path_factory.mktemp("record") / "announcements.toml"
    path.write_text(data.draw(decorated(render_document(HEADER, recorded))), "utf-8")
    rows = data.draw(SHOWN)  # written by builds, after the entries people edit
    seals = data.draw(st.sampled_from([None, NO_SEALS]))  # by a build, or by a change command
    text = render_updates(path, [], shown=rows, seals=seals)
    path.write_text(text, "utf-8")
    changes, added = data.draw(updates(recorded)), data.draw(SHOWN)
    event("read without tomllib" if recordtext.scan(text) is not None else "left to tomllib")
    event(f"{len({a.key for a in recorded} & {a.key for a in changes})} entries edited")
    written = render_updates(path, changes, shown=added, seals=seals)
    assert written == render_document(text, changes, shown=added, seals=seals)
    # Every row, old and new, read back in the order recorded, as calendar-gen wrote it.
    assert [
        (row.get("on", row.get("before")), row["releases"])
        for row in tomllib.loads(written).get("shown", [])
    ] == [(row.on, [str(s) for s in row.releases]) for row in [*rows, *added]]
    assert assert_read_as_tomllib_reads(written) is not None
    tables = tomllib.loads(written)["release"]
    recorded_keys = {a.key for a in recorded}
    for a in {a.key: a for a in changes}.values():  # read back: each entry as last written
        table = [t for t in tables if (t["id"], t["month"]) == (a.id, str(a.month))][-1]
        assert table["date"] == a.date
        assert ("seal" in table) == (seals is not None)  # a build seals all it writes
        if a.key not in recorded_keys:  # a new entry: exactly the announcement
            assert unsealed_table(table) == table_of(a)


def table_of(a: Announcement) -> dict:
    """An announcement as tomllib reads its [[release]] table."""
    table = {"id": a.id, "month": str(a.month), "date": a.date}
    if a.confirmed:
        table["confirmed"] = a.confirmed
    if a.changes:
        table["change"] = [
            {"on": c.on, "action": c.action.value, "from": c.old}
            | ({"to": c.new} if isinstance(c, Moved | Reinstated) else {})
            | {"reason": c.reason}
            for c in a.changes
        ]
    return table


def spaced_as_before(text: str) -> str:
    """edits._spaced as it was written first, line by line."""
    out: list[str] = []
    for line in text.split("\n"):
        if line.startswith("[[release") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return "\n".join(out)


SPACING_LINES = st.sampled_from(
    ("[[release]]", "[[release.change]]", "[[releases", "", " ", "\t", "\xa0", "\u2003", "a = 1")
)


@SETTINGS
@given(st.lists(st.one_of(SPACING_LINES, st.text(max_size=5)), max_size=8).map("\n".join))
def test_blank_lines_go_before_table_headers_as_they_did(text):
    assert _spaced(text) == spaced_as_before(text)


TABLE = '[published]\nfirst = 2014-04-01\nlast = 2014-04-02\nreleases = ""'
SPACING_PIECES = st.lists(
    st.tuples(st.lists(st.one_of(SPACING_LINES, st.sampled_from(("[[shown]]", TABLE)),
                                 st.text(max_size=3)), max_size=4), st.booleans())
    .map(lambda piece: "\n".join(piece[0]) + ("\n" if piece[1] else "")),
    max_size=6,
)  # fmt: skip
MARKED = st.sampled_from((None, Builds(D(2014, 4, 1), D(2014, 4, 3), "")))


def outcome(write: Callable[[], str]) -> str | type[Exception]:
    try:
        return write()
    except Exception as error:  # a record tomlkit cannot read fails alike both ways
        return type(error)


@SETTINGS
@given(SPACING_PIECES, MARKED, st.booleans())
def test_pieces_are_written_as_the_text_they_make(pieces, builds, present):
    # The record is spaced piece by piece, kept and new, and [published] written in the
    # piece it is in: a header at the start of one piece gets its blank line from the end
    # of the piece before it, and a new table its gap from the two before.
    whole = outcome(lambda: _marked(_spaced("".join(pieces)), builds, present))
    assert outcome(lambda: "".join(_joined(pieces, builds, present))) == whole


def test_a_new_record_is_written_as_tomlkit_wrote_it(tmp_path):
    reason = 'late "x"\n\t\x01\x1b\x7f\\ ŵ'
    moved = Moved(D(2014, 5, 1), D(2014, 5, 13), D(2014, 5, 15), reason)
    entries = [
        Announcement("a", YearMonth(2014, 5), D(2014, 5, 13), D(2014, 4, 15)),
        Announcement("b", YearMonth(2014, 5), D(2014, 5, 15), None, (moved,)),
    ]
    assert render_updates(tmp_path / "none.toml", entries) == render_document(HEADER, entries)


# --- what the builds published ---------------------------------------------------------------

BUILDS = Builds(D(2014, 4, 1), D(2014, 6, 20), "sha256:" + "0" * 64)
LATER = Builds(D(2014, 4, 1), D(2014, 7, 1), "sha256:" + "1" * 64)


@pytest.mark.parametrize(
    "record",
    [
        None,  # no record yet
        (SHIPPED / "announcements.toml").read_text("utf-8"),  # the usual layout, no table yet
        'release = [{id = "asylum-statistics", month = "2014-05", date = 2014-05-13}]\n',
    ],
)
def test_a_build_notes_what_it_published_and_the_next_replaces_it(tmp_path, record):
    path = tmp_path / "announcements.toml"
    if record is not None:
        path.write_text(record)
    before = tomllib.loads(record or "").get("release")
    for builds in (BUILDS, LATER):
        path.write_text(render_updates(path, [], builds))
        read = tomllib.loads(path.read_text())
        assert read["published"] == {"first": D(2014, 4, 1), "last": builds.last,
                                     "releases": builds.releases}  # fmt: skip
        assert read.get("release") == before  # the releases as they were
        assert recordtext.read(path.read_text()) in (None, read)
    assert path.read_text().count("[published]") == 1
