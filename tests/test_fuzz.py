"""Fuzzing schedule loading: no input, however broken, gets past a clear ScheduleError.

Thousands of generated and mutated programme.toml, topic and announcements.toml files are
loaded, expanded and rendered in process; a few dozen more go through the real command. Any
exception other than ScheduleError, or a refusal that does not name a file of the folder,
fails the test.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import SHIPPED, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import render_feeds

from calendar_gen.domain.releases import expand
from calendar_gen.errors import ScheduleError
from calendar_gen.programme.schedule import load_programme

pytestmark = pytest.mark.slow

# The same documents on every run (conftest.py's profiles), so CI is repeatable. The counts
# stay as written under any profile: the outcomes each test asserts are counted in them.
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SHIPPED_FILES = {p.name: p.read_bytes() for p in sorted(SHIPPED.glob("*.toml"))}
TOPIC_FILE = "test.toml"
AS_OF = st.dates(dt.date(2013, 1, 1), dt.date(2016, 12, 31))


# --- valid documents to start from ---------------------------------------------------------

PROGRAMME: dict[str, Any] = {
    "organisation": "Test Office",
    "period": "2014/15",
    "timezone": "Europe/London",
    "release_time": "09:30",
    "holidays": "england-and-wales",
    "roll": "following",
    "notice_weeks": 4,
    "uid_domain": "test.example.gov.uk",
    "feed_url": "https://example.gov.uk/feeds",
    "max_releases_per_day": 2,
    "blackout": [
        {"from": dt.date(2015, 3, 30), "until": dt.date(2015, 5, 7), "reason": "election"}
    ],
}
TOPIC: dict[str, Any] = {
    "topic": "Test topic",
    "publication": [
        {
            "id": "monthly-bulletin",
            "title": "Monthly bulletin",
            "designation": "Official Statistics",
            "frequency": "monthly",
            "description": "Line one.\nLine two; with, escapes \\ here.",
            "day": "second tuesday",
            "roll": "modified-following",
            "holidays": "united-kingdom",
            "time": dt.time(7, 0),
            "released_with": ["quarterly-report"],
            "suspended": [{"period": "2015/16", "reason": "collection paused"}],
        },
        {
            "id": "quarterly-report",
            "title": "Quarterly report",
            "designation": "National Statistics",
            "frequency": "quarterly",
            "months": [2, 5, 8, 11],
            "day": "4th thursday",
        },
        {
            "id": "annual-digest",
            "title": "Annual digest",
            "designation": "Official Statistics",
            "frequency": "annual",
            "months": [7],
            "day": 31,
            "roll": "preceding",
        },
        {
            "id": "working-day-count",
            "title": "Working day count",
            "designation": "Official Statistics",
            "frequency": "bi-annual",
            "months": [3, 9],
            "day": "5th working day",
            "holidays": "scotland",
            "time": "10:00",
        },
    ],
}
RECORD: dict[str, Any] = {
    "release": [
        {
            "id": "monthly-bulletin",
            "month": "2014-05",
            "date": dt.date(2014, 5, 13),
            "confirmed": dt.date(2014, 4, 15),
        },
        {
            "id": "quarterly-report",
            "month": "2014-08",
            "date": dt.date(2014, 8, 28),
            "confirmed": dt.date(2014, 7, 31),
        },
        {
            "id": "quarterly-report",
            "month": "2014-05",
            "date": dt.date(2014, 5, 29),
            "confirmed": dt.date(2014, 4, 24),
            "change": [
                {
                    "on": dt.date(2014, 5, 1),
                    "action": "moved",
                    "from": dt.date(2014, 5, 22),
                    "to": dt.date(2014, 5, 29),
                    "reason": "supplier delay",
                }
            ],
        },
        {
            "id": "annual-digest",
            "month": "2014-07",
            "date": dt.date(2014, 7, 31),
            "change": [
                {
                    "on": dt.date(2014, 6, 1),
                    "action": "cancelled",
                    "from": dt.date(2014, 7, 31),
                    "reason": "data not ready",
                }
            ],
        },
    ]
}
DOCUMENTS = {"programme.toml": PROGRAMME, TOPIC_FILE: TOPIC, "announcements.toml": RECORD}


# --- a TOML writer that can write anything, valid or not ------------------------------------


class Raw(str):
    """Text written into the document as it is: huge literals, broken syntax, deep nesting."""


def deep(opening: str, middle: str, closing: str, depth: int) -> Raw:
    return Raw(opening * depth + middle + closing * depth)


# A basic string's escapes: the quote, the backslash and each control character.
_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\"} | {c: f"\\u{c:04x}" for c in [*range(0x20), 0x7F]}


def quote(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def inline(value: Any) -> str:
    """One value as inline TOML (tables as {...}), so a document is one key per line."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(k)} = {inline(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def dump(document: dict[str, Any]) -> bytes:
    return "".join(f"{quote(k)} = {inline(v)}\n" for k, v in document.items()).encode()


def test_the_writer_round_trips_the_valid_documents():
    for document in DOCUMENTS.values():
        assert tomllib.loads(dump(document).decode()) == document


# --- mutations ----------------------------------------------------------------------------

LONG = "x" * 100_000
# Digits that str.isdigit() and int() accept but a schedule should not: "2014/15" in
# full-width digits, 2014 and "2014-05" in Arabic-Indic digits.
WIDE_PERIOD = "\uff12\uff10\uff11\uff14/\uff11\uff15"
ARABIC_YEAR = "\u0662\u0660\u0661\u0664"
ARABIC_MONTH = "\u0662\u0660\u0661\u0664-\u0660\u0665"
NASTY: list[Any] = [
    "", " ", "\t", "\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "line\nbreak", "cr\rlf",
    "\u2028", "\u0085", "\ufeff", "\u200b", "é", "💥" * 40, LONG, "2014/15", "2015/16", "2015",
    "1999", "2099", "2014/16", WIDE_PERIOD, ARABIC_YEAR, "²", "¹⁵", "1" * 5000, "9" * 50,
    "first working day", "last working day", "19th working day", "20th working day",
    "21st working day", "0th working day", "11st working day", "last friday", "fifth monday",
    "first sunday", "31", "32", "0", "-1", "15 ", " Second  Tuesday ", "monthly", "annual",
    "quarterly", "fortnightly", "National Statistics", "Official Statistics", "following",
    "preceding", "modified-following", "modified-preceding", "scotland", "northern-ireland",
    "great-britain", "united-kingdom", "GB", "Europe/Paris", "UTC", "09:30", "23:59", "24:00",
    "9:30", "09:60", "monthly-bulletin", "quarterly-report", "annual-digest", "Monthly-Bulletin",
    "a" * 81, "2014-05", "2014-13", "2014-00", "0000-01", "moved", "cancelled",
    "https://example.gov.uk/feeds/", "javascript:alert(1)", "https://a b", "https://x\x00y",
    "<script>", "EXAMPLE.GOV.UK", "a..b",
    10**30, -(10**30), 2**63 - 1, -(2**63), 0, -1, 1, 2, 4, 12, 13, 31, 32, 52, 53, 100, 101,
    True, False, 1.5, 0.0, -0.0, 1e308, float("nan"), float("inf"), float("-inf"),
    dt.date(2014, 5, 13), dt.date(2014, 5, 22), dt.date(2014, 5, 24), dt.date(2014, 12, 25),
    dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(14, 5, 13), dt.date(9999, 12, 31),
    dt.date(2099, 1, 1), dt.datetime(2014, 5, 13, 9, 30), dt.datetime(2014, 5, 13, tzinfo=dt.UTC),
    dt.time(9, 30), dt.time(0, 0), dt.time(23, 59, 59, 999999),
    [], [[]], [{}], [1, 2], [2, 5, 8, 11], [2, 5, 8, 8], [0, 13], [True], ["x"], [1.5],
    list(range(1, 13)), list(range(1000)), [LONG], {}, {"a": 1}, {"id": "x"}, [{"id": []}],
    [{"period": "2014/15", "reason": "r"}], [{"from": dt.date(2015, 1, 1)}],
    Raw("9" * 5000), Raw("-" + "1" * 4301), Raw("0x" + "f" * 5000), Raw("1" + "0" * 400 + ".0"),
    Raw("1979-05-27T07:32:00Z"), Raw("07:32:00"), Raw("'literal'"), Raw("'''multi\nline'''"),
    Raw('"""multi\nline"""'), Raw("+inf"), Raw("0b101"), Raw("0o777"), Raw("1_000"),
    Raw('"unterminated'), Raw("[1, 2"), Raw("{a = 1"), Raw("= ="), Raw(""), Raw("nul\x00"),
    deep("[", "", "]", 50), deep("[", "", "]", 2_000), deep("[", "", "]", 20_000),
    deep("{a = ", "1", "}", 50), deep("{a = ", "1", "}", 2_000), deep("[{a = ", "1", "}]", 1_000),
]  # fmt: skip
KEYS = sorted({*PROGRAMME, *TOPIC, *TOPIC["publication"][0], *RECORD["release"][1]} | {
    "months", "change", "on", "action", "from", "to", "until", "reason", "period", "moths",
    "", " ", "ID", "\x00", "é", "a.b", LONG[:1000], "release", "publication",
})  # fmt: skip

# Values near the edge of what each key accepts, to get past the type checks.
_DATES = [dt.date(2014, 5, 14), dt.date(2014, 5, 17), dt.date(2014, 5, 26), dt.date(2015, 4, 1),
          dt.date(1, 1, 2), dt.date(14, 5, 13), dt.date(1999, 12, 31), dt.date(9999, 12, 31),
          dt.datetime(2014, 5, 14, 9, 30), "2014-05-14"]  # fmt: skip
_PERIODS = ["2014/15", "2015/16", "2013/14", "2015", "2014", "2000", "2098/99", "2099/00",
            "2098", "1999/00", "2014/2015", "14/15",
            WIDE_PERIOD, ARABIC_YEAR, "2014/15 "]  # fmt: skip
_TIMES = ["00:00", "23:59", "24:00", "9:30", "09:30:00", dt.time(23, 59), dt.time(0, 0, 1),
          dt.datetime(2014, 1, 1, 9, 30), 930]  # fmt: skip
KEY_VALUES: dict[str, list[Any]] = {
    "day": ["²", "1" * 5000, "\u0663", "\uff11\uff15", "19th working day", "20th working day",
            "1st working day", "first working day", "last working day", "last sunday",
            "fourth saturday", "31", 31, 29, 1, "0", -5, "fifth friday", "3rd  Working   Day"],
    "period": _PERIODS,
    "date": _DATES, "from": _DATES, "to": _DATES, "on": _DATES, "confirmed": _DATES,
    "until": _DATES,
    "month": ["2014-05", "2014-06", "2015-03", "2015-04", "2014-13", "2014-5", ARABIC_MONTH,
              "1-05", "0014-05", "9999-12"],
    "id": ["monthly-bulletin", "quarterly-report", "annual-digest", "working-day-count",
           ["monthly-bulletin"], {"a": 1}, "a" * 80, "a" * 81, "x", "-x", "x--y"],
    "months": [[10**30], [2, 5, 8], [1, 2, 3, 4], [12], [], list(range(12, 0, -1)), [0]],
    "time": _TIMES, "release_time": _TIMES,
    "notice_weeks": [Raw("9" * 5000), 52, 53, 1, 0, -1, 10**30],
    "max_releases_per_day": [Raw("9" * 5000), 100, 101, 1, 0],
    "holidays": ["great-britain", "united-kingdom", "scotland", "northern-ireland", "wales"],
    "roll": ["preceding", "modified-preceding", "modified-following", "Following"],
    "released_with": [["annual-digest"], ["monthly-bulletin"], ["nobody"], [[]], [{}]],
    "action": ["moved", "cancelled", "MOVED", "postponed", ""],
}  # fmt: skip
anything = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(),
    st.dates(),
    st.lists(st.integers(-3, 40), max_size=13),
)


def values_for(key: Any) -> st.SearchStrategy[Any]:
    if key in KEY_VALUES:
        return st.sampled_from(KEY_VALUES[key]) | anything
    return anything


def paths(node: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a document: each key of a table and each item of an array."""
    found = [at]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*at, index))
    return found


def parent_of(document: Any, path: tuple) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated_document(draw, document: dict[str, Any]) -> dict[str, Any]:
    """`document` with a few values replaced, removed, added or buried in nesting."""
    document = _copy(document)
    for _ in range(draw(st.integers(1, 3))):
        places = paths(document)[1:]
        action = draw(st.sampled_from(["edge", "edge", "replace", "delete", "add", "wrap"]))
        edges = [p for p in places if p[-1] in KEY_VALUES]
        if action == "edge" and edges:
            path = draw(st.sampled_from(edges))
            parent_of(document, path)[path[-1]] = _copy(draw(st.sampled_from(KEY_VALUES[path[-1]])))
            continue
        if action == "add" or not places:
            tables = [p for p in paths(document) if isinstance(_get(document, p), dict)]
            table = _get(document, draw(st.sampled_from(tables)))
            key = draw(st.sampled_from(KEYS))
            table[key] = _copy(draw(values_for(key)))
            continue
        path = draw(st.sampled_from(places))
        parent = parent_of(document, path)
        if action == "replace":
            key = next((step for step in reversed(path) if isinstance(step, str)), None)
            parent[path[-1]] = _copy(draw(values_for(key)))
        elif action == "delete":
            del parent[path[-1]]
        else:
            wrapped = parent[path[-1]]
            for _ in range(draw(st.integers(1, 5))):
                wrapped = draw(st.sampled_from([[wrapped], {"x": wrapped}]))
            parent[path[-1]] = wrapped
    return document


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _get(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


INSERTS = [b"\x00", b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\n",
           b'"', b"'", b"[", b"]]", b"[[publication]]\n", b"\n[release]\n", b"=", b"#", b"\\",
           b"\\u0000", b"\x1b", b"\t", b"9" * 5000, b"[" * 5000]  # fmt: skip


@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    """`data` with bytes flipped, cut, inserted, or lines repeated (duplicate keys) or dropped."""
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate", "repeat", "drop"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif action == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        elif action == "insert":
            data = data[:at] + draw(st.sampled_from(INSERTS)) + data[at:]
        elif action == "truncate":
            data = data[:at]
        else:
            lines = data.splitlines(keepends=True)
            if lines:
                line = draw(st.integers(0, len(lines) - 1))
                repeat = action == "repeat"
                lines[line : line + 1] = [lines[line]] * (2 if repeat else 0)
            data = b"".join(lines)
    return data


# Mostly one damaged file beside valid ones, so the damage is what gets tested.
HOW = ["valid"] * 6 + ["data"] * 4 + ["bytes", "both", "missing"]


@st.composite
def generated_folders(draw) -> dict[str, bytes | None]:
    """The three files, each valid, mutated as data, mutated as bytes, or missing."""
    files: dict[str, bytes | None] = {}
    for name, document in DOCUMENTS.items():
        how = draw(st.sampled_from(HOW))
        if how == "missing":
            files[name] = None
            continue
        data = dump(draw(mutated_document(document)) if how in ("data", "both") else document)
        files[name] = draw(mutated_bytes(data)) if how in ("bytes", "both") else data
    return files


@st.composite
def shipped_folders(draw) -> dict[str, bytes | None]:
    """The shipped programme with one or two of its files mutated byte by byte."""
    files: dict[str, bytes | None] = dict(SHIPPED_FILES)
    names = st.sets(st.sampled_from(sorted(SHIPPED_FILES)), min_size=1, max_size=2)
    for name in sorted(draw(names)):  # sorted: a set's order changes with the hash seed
        files[name] = draw(mutated_bytes(SHIPPED_FILES[name]))
    return files


# --- the checks -----------------------------------------------------------------------------


def write_folder(folder: Path, files: dict[str, bytes | None]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, data in files.items():
        if data is not None:
            (folder / name).write_bytes(data)


_LINE = re.compile(rb"[^\r\n]{0,75}")
_DTSTART = re.compile(r"DTSTART;TZID=Europe/London:\d{8}T\d{6}")
_DAY = re.compile(r"DTSTART;VALUE=DATE:\d{8}")  # an all-day event, or one across a month
_STAMP = re.compile(r"(DTSTAMP|LAST-MODIFIED):\d{8}T\d{6}Z")


# Whose bank holidays each region's releases keep: the nation feeds they are in.
NATIONS = {"england-and-wales": ["england-and-wales"], "scotland": ["scotland"],
           "northern-ireland": ["northern-ireland"],
           "great-britain": ["england-and-wales", "scotland"],
           "united-kingdom": ["england-and-wales", "scotland", "northern-ireland"]}  # fmt: skip


def expected_feeds(programme) -> set[str]:
    """The feeds a programme's schedules call for, as the README's "Choosing a feed" says."""
    publications = programme.publications
    stems = {"all", *(t.slug for t in programme.topics),
             *(p.designation.feed.removesuffix(".ics") for p in publications),
             *(f"nation-{n}" for p in publications for n in NATIONS[p.rule.region])}  # fmt: skip
    if programme.publication_feeds:
        stems |= {f"publication-{p.id}" for p in publications}
    endings = [".ics", ".all-day.ics"] + ([".reminder.ics"] if programme.reminder else [])
    if programme.welsh:
        endings += [e.replace(".ics", ".cy.ics") for e in endings]
    return {stem + ending for stem in stems for ending in endings}


def load_expand_render(folder: Path, as_of: dt.date) -> str:
    """Load, expand and render `folder`: 'loaded' or 'refused', or the test fails."""
    try:
        programme = load_programme(folder)
        releases = expand(programme, as_of=as_of)
        feeds = render_feeds(programme, releases, programme.period)
    except ScheduleError as error:
        assert error.problems, "a refusal must say what is wrong"
        for problem in error.problems:
            assert problem.message.strip(), problem
            assert Path(problem.file).parent == folder, problem
            assert Path(problem.file).suffix == ".toml", problem
        return "refused"
    # Accepted: the feeds are well-formed iCalendar with one event per release. An event's
    # lines stand in many feeds: each distinct line is checked once, with its feed's kind.
    assert set(feeds) == expected_feeds(programme)
    lines: dict[re.Pattern[str], set[str]] = {_DTSTART: set(), _DAY: set()}
    for name, text in feeds.items():
        assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
        lines[_DAY if ".all-day." in name else _DTSTART].update(text.split("\r\n")[:-1])
    for starts, found in lines.items():
        for line in found:
            assert _LINE.fullmatch(line.encode()), line[:200]
            if line.startswith("DTSTART;"):
                assert starts.fullmatch(line) or _DAY.fullmatch(line), line
            if line.startswith(("DTSTAMP", "LAST-MODIFIED")):
                assert _STAMP.fullmatch(line), line
    assert feeds["all.ics"].count("BEGIN:VEVENT\r\n") == len(releases)
    return "loaded"


def outcomes_of(folder: Path, folders: st.SearchStrategy, examples: int) -> Counter[str]:
    """How many of `examples` generated schedule folders loaded, and how many were refused."""
    outcomes: Counter[str] = Counter()

    @settings(FUZZ, max_examples=examples)
    @given(folders, AS_OF)
    def run(files, as_of):
        write_folder(folder, files)
        outcomes[load_expand_render(folder, as_of)] += 1

    run()
    return outcomes


def test_generated_documents_are_loaded_or_refused_clearly(tmp_path):
    outcomes = outcomes_of(tmp_path / "schedules", generated_folders(), 1200)
    # Both ways out are exercised, so neither check above is vacuous.
    assert outcomes["loaded"] >= 150, outcomes
    assert outcomes["refused"] >= 400, outcomes


def test_mutated_shipped_files_are_loaded_or_refused_clearly(tmp_path):
    outcomes = outcomes_of(tmp_path / "schedules", shipped_folders(), 600)
    assert outcomes["loaded"] >= 30, outcomes
    assert outcomes["refused"] >= 300, outcomes


# --- hand-picked cases, in process and through the real command ------------------------------


def _cases() -> list[tuple[str, str | None, dict[str, bytes | None]]]:
    """Hand-picked folders with the outcome they must have ("loaded", "refused", or None
    where either is right), then seeded random byte damage to the shipped files."""
    valid = {name: dump(document) for name, document in DOCUMENTS.items()}

    def changed(name: str, where: tuple, value: Any) -> dict[str, bytes | None]:
        document = _copy(DOCUMENTS[name])
        parent_of(document, where)[where[-1]] = value
        return {**valid, name: dump(document)}

    prog, rec = "programme.toml", "announcements.toml"
    bulletin, quarterly = ("publication", 0), ("publication", 1)
    august = ("release", 1)  # quarterly-report, England and Wales, 2014-08
    cases = [
        ("valid", "loaded", valid),
        ("no programme", "refused", {**valid, prog: None}),
        ("empty files", "refused", dict.fromkeys(valid, b"")),
        ("invalid utf-8", "refused", {**valid, TOPIC_FILE: b'topic = "\xff\xfe"\n'}),
        ("nul byte", "refused", {**valid, prog: valid[prog] + b"\x00"}),
        ("duplicate key", "refused", {**valid, prog: valid[prog] * 2}),
        ("unknown key", "refused", changed(TOPIC_FILE, (*quarterly, "moths"), [1])),
        ("wrong type", "refused", changed(TOPIC_FILE, (*quarterly, "months"), "2, 5, 8, 11")),
        ("huge months", "refused", changed(TOPIC_FILE, (*quarterly, "months"), [10**30])),
        ("negative notice", "refused", changed(prog, ("notice_weeks",), -4)),
        ("long title", "refused", changed(TOPIC_FILE, (*bulletin, "title"), LONG)),
        ("title at its limit", "loaded", changed(TOPIC_FILE, (*bulletin, "title"), "é" * 200)),
        # Valid but for its size: a comment takes it past 1 MiB.
        ("huge file", "refused", changed(TOPIC_FILE, ("topic",), Raw('"Crime" #' + "x" * 2**20))),
        ("control title", "refused", changed(TOPIC_FILE, (*bulletin, "title"), "a\x1bb")),
        ("huge integer", "refused", changed(prog, ("notice_weeks",), Raw("9" * 5000))),
        ("deep arrays", "refused", changed(prog, ("extra",), deep("[", "", "]", 20_000))),
        ("deep tables", "refused", changed(TOPIC_FILE, ("extra",), deep("{a = ", "1", "}", 2_000))),
        ("superscript day", "refused", changed(TOPIC_FILE, (*bulletin, "day"), "²")),
        ("long digit day", "refused", changed(TOPIC_FILE, (*bulletin, "day"), "1" * 5000)),
        # August 2014 has 19 working days in the United Kingdom: refusing the rule and
        # giving the month's last working day are both fine; a crash is not.
        ("20th working day", None, changed(TOPIC_FILE, (*bulletin, "day"), "20th working day")),
        ("record id list", "refused", changed(rec, ("release", 0, "id"), ["x"])),
        # An announced date two thousand years from its month: refused, or at least
        # published as a well-formed date.
        ("record year 1", None, changed(rec, (*august, "date"), dt.date(1, 1, 2))),
        ("record year 14", None, changed(rec, (*august, "date"), dt.date(14, 5, 14))),
    ]
    rng = random.Random(20140401)
    for n in range(10):
        name = rng.choice(sorted(SHIPPED_FILES))
        data = bytearray(SHIPPED_FILES[name])
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] ^= rng.randrange(1, 256)
            else:
                del data[at : at + rng.randint(1, 40)]
        cases.append((f"shipped {name} damaged {n}", None, {**SHIPPED_FILES, name: bytes(data)}))
    return cases


CASES = _cases()
by_name = pytest.mark.parametrize(
    ("expected", "files"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)


@by_name
def test_hand_picked_folders_are_loaded_or_refused_clearly(tmp_path, expected, files):
    folder = tmp_path / "schedules"
    write_folder(folder, files)
    outcome = load_expand_render(folder, dt.date(2014, 4, 20))
    assert outcome == (expected or outcome)


def test_the_valid_documents_give_every_release(tmp_path):
    folder = tmp_path / "schedules"
    write_folder(folder, {name: dump(document) for name, document in DOCUMENTS.items()})
    programme = load_programme(folder)
    releases = expand(programme, as_of=dt.date(2014, 4, 20))
    # Monthly 12, quarterly 4, annual 1 (cancelled, still listed), bi-annual 2.
    assert len(releases) == 19
    assert {r.status for r in releases} == {"confirmed", "provisional", "cancelled"}
    moved = next(r for r in releases if r.uid.startswith("quarterly-report-2014-05@"))
    # Confirmed on 24 April, then moved: two revisions.
    assert (moved.date, moved.sequence) == (dt.date(2014, 5, 29), 2)


@by_name
def test_the_command_refuses_broken_folders_without_a_traceback(tmp_path, expected, files):
    schedules, out = tmp_path / "schedules", tmp_path / "feeds"
    write_folder(schedules, files)
    check = run_cli("check", "--schedules", str(schedules))
    build = run_cli(
        "build", "--schedules", str(schedules), "--out", str(out), "--as-of", "2014-04-20"
    )
    for result in (check, build):
        assert result.returncode in (0, 2), result.stderr
        assert "Traceback" not in result.stderr
        # The command turns a crash into "internal error" and exit 2: still a bug.
        assert "internal error" not in result.stderr, result.stderr
        if result.returncode == 2:
            assert re.search(r"\d+ problems? found; nothing was written\.\n\Z", result.stderr)
    assert check.returncode == build.returncode, (check.stderr, build.stderr)
    if expected:
        assert build.returncode == (0 if expected == "loaded" else 2), build.stderr
    if build.returncode == 0:
        assert check.stdout.endswith("OK\n")
        assert (out / "all.ics").is_file()
    else:
        assert not out.exists() or not any(out.iterdir())
