"""Small schedule folders for tests, written from plain strings."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


def _as_committed() -> Path:
    """The shipped schedules as committed. A build in this checkout (`make feeds`) notes its
    day in the record's [published] table, to which every later build is held; the tests of
    the example programme, built as of days in 2014, take the record without it."""
    import atexit
    import shutil
    import tempfile

    from calendar_gen.workspace.edits import PUBLISHED_NOTE

    folder = Path(tempfile.mkdtemp(prefix="calendar-gen-shipped-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy = shutil.copytree(ROOT / "schedules", folder / "schedules")
    record = copy / "announcements.toml"
    text = record.read_text("utf-8").replace(PUBLISHED_NOTE, "")
    record.write_text(re.sub(r"^\[published\]\n(?:[a-z]+ = [^\n]*\n)*\n?", "", text, flags=re.M))
    return copy


SHIPPED = _as_committed()
# The shipped feeds/ folder is what the shipped schedules build on any day from the end of
# their period on: tests/test_golden.py holds every build to it, and `make golden` rewrites it.
GOLDEN = ROOT / "feeds"
GOLDEN_AS_OF = "2015-03-31"

PROGRAMME = """\
organisation = "Test Office"
period = "2014/15"
"""

MONTHLY = """\
topic = "Test topic"

[[publication]]
id = "monthly-bulletin"
title = "Monthly bulletin"
designation = "Official Statistics"
frequency = "monthly"
day = "second tuesday"
"""


# --- outside tools: only tests marked interop may run them ---------------------------------

# conftest.py sets this before each test: whether the test is marked `interop`. The working
# lane leaves interop tests out; a test that runs node, libical, Chromium, Java or LibreOffice
# without the mark would fail there instead of being left out, so the mark cannot be forgotten.
INTEROP_MARKED = True


def outside_tool(name: str) -> None:
    """Called before running `name` (node, libical, Chromium, Java, LibreOffice): the test
    must say so."""
    assert INTEROP_MARKED, f"this test runs {name}: mark it @pytest.mark.interop"


# --- hypothesis ----------------------------------------------------------------------------

# The `ci` profile's examples per test, which examples() counts in (see conftest.py).
CI_EXAMPLES = 100


def examples(n: int, **overrides) -> settings:
    """`n` examples under CI's hypothesis profile, and the same share of the profile loaded
    (a tenth under `quick`); the rest of the settings come from the profile."""
    share = settings.default.max_examples / CI_EXAMPLES
    return settings(max_examples=max(1, round(n * share)), **overrides)


# --- the announcement record, as the commands write it --------------------------------------


def record_entry(pub_id: str, month: str, date: str, confirmed: str | None = None) -> str:
    """A release's table in announcements.toml; its changes follow with record_change."""
    entry = f'[[release]]\nid = "{pub_id}"\nmonth = "{month}"\ndate = {date}\n'
    return entry + (f"confirmed = {confirmed}\n" if confirmed else "")


def record_change(on: str, action: str, old: str, new: str | None = None, reason: str = "") -> str:
    """One [[release.change]] of the entry above it, with a blank line before it."""
    change = f'\n[[release.change]]\non = {on}\naction = "{action}"\nfrom = {old}\n'
    return change + (f"to = {new}\n" if new else "") + f"reason = {_toml(reason)}\n"


def unsealed_text(text: str) -> str:
    """A record's text without its seals and [published] events: as no build sealed it."""
    return re.sub(r'^(seal|events) = "[^"]*"\n', "", text, flags=re.M)


def unsealed_table(table: dict) -> dict:
    """A [[release]] table as tomllib reads it, without its seals."""
    kept = {k: v for k, v in table.items() if k != "seal"}
    if "change" in kept:
        kept["change"] = [{k: v for k, v in c.items() if k != "seal"} for c in kept["change"]]
    return kept


def without_seals(folder: Path) -> None:
    """Take the seals out of `folder`'s record by hand, as in a record from before builds
    sealed it: what is left to guard it is the check against the releases last published."""
    path = folder / "schedules" / "announcements.toml"
    path.write_text(unsealed_text(path.read_text()))


def published(folder: Path) -> list[Path]:
    """The files a build published in `folder`, without its hidden bookkeeping."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _shown_lines(data: bytes) -> list[str]:
    """Lines to diff, their ends kept visible: a CRLF lost is a difference worth seeing."""
    return [repr(line)[1:-1] for line in data.decode("utf-8", "replace").splitlines(True)]


def assert_same_files(built: Path, expected: Path, advice: str = "") -> None:
    """The files published in `built` are those of `expected`, byte for byte; otherwise fail
    with the names missing or extra and a unified diff of each file that differs."""
    ours = {p.name: p.read_bytes() for p in published(built)}
    theirs = {p.name: p.read_bytes() for p in published(expected)}
    problems = []
    if missing := sorted(theirs.keys() - ours.keys()):
        problems.append(f"not built: {', '.join(missing)}")
    if extra := sorted(ours.keys() - theirs.keys()):
        problems.append(f"built but not expected: {', '.join(extra)}")
    for name in sorted(ours.keys() & theirs.keys()):
        if ours[name] == theirs[name]:
            continue
        old, new = _shown_lines(theirs[name]), _shown_lines(ours[name])
        diff = list(difflib.unified_diff(old, new, f"{expected / name}", f"{built / name}", n=2,
                                         lineterm=""))  # fmt: skip
        shown = diff[:80] + ([f"... {len(diff) - 80} more diff lines"] if len(diff) > 80 else [])
        problems.append("\n".join(shown) if diff else f"{name}: differs in bytes only")
    assert not problems, "\n".join(problems) + (f"\n{advice}" if advice else "")


def write_schedules(
    folder: Path, topics: dict[str, str] | None = None, programme: str = PROGRAMME
) -> Path:
    """Write programme.toml and one file per topic slug into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.toml").write_text(programme)
    for slug, text in (topics if topics is not None else {"test": MONTHLY}).items():
        (folder / f"{slug}.toml").write_text(text)
    return folder


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command in this process, as click's CliRunner does, from the folder `cwd`."""
    from click.testing import CliRunner

    from calendar_gen.cli import cli

    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(cli, list(args), prog_name="calendar-gen")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # the command cannot fail like this in a real process
    if result.exit_code in (0, 1):
        _held_to_the_schemas(args, result.stdout, cwd or Path.cwd())
    return subprocess.CompletedProcess(
        ["calendar-gen", *args], result.exit_code, result.stdout, result.stderr
    )


SCHEMAS = ROOT / "calendar_gen" / "schemas"
SCHEMA_OF = {"list": "releases", "check": "findings", "build": "findings", "clashes": "clashes",
             "reconcile": "reconcile"}  # fmt: skip


@functools.cache
def _validator(name: str):
    import jsonschema

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def valid(data: object, name: str) -> None:
    """Raise, naming the member, if `data` is not what the schema `name` publishes."""
    _validator(name).validate(data)


# The texts already found valid, by schema: most tests build the same few programmes, and
# checking the same releases.json again would find what it found before, slowly.
_VALID: set[tuple[str, bytes]] = set()


def valid_text(text: str, name: str) -> None:
    """valid() of the JSON `text`, checked once per distinct text."""
    key = (name, hashlib.sha256(text.encode()).digest())
    if key not in _VALID:
        valid(json.loads(text), name)
        _VALID.add(key)


def _held_to_the_schemas(args: tuple[str, ...], stdout: str, cwd: Path) -> None:
    """Every JSON a command prints, and every releases.json a build writes, is valid."""
    command = args[0] if args else ""
    if "--format" in args and args[args.index("--format") + 1] == "json" and command in SCHEMA_OF:
        valid_text(stdout, SCHEMA_OF[command])
    if command in ("build", "next-year") and "--dry-run" not in args:
        out = Path(args[args.index("--out") + 1]) if "--out" in args else Path("feeds")
        if (data := cwd / out / "releases.json").is_file():
            valid_text(data.read_text(), "releases")
        if (data := cwd / out / "feeds.json").is_file():
            valid_text(data.read_text(), "feeds")
    if command == "report":
        out = Path(args[args.index("--out") + 1]) if "--out" in args else Path("feeds")
        for data in (cwd / out).glob("report-*.json"):
            valid_text(data.read_text(), "report")


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-m", "calendar_gen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


class Hung(BaseException):
    """A command run in this process is still running past its time. Not an Exception, nor
    an OSError as TimeoutError is: calendar-gen may catch those where a read fails and go
    on, and nothing in it or in click catches this."""


def in_process_with_limit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command in this process, as run_cli runs it, stopped (and the test failed) should
    it hang on what it reads: a SIGALRM breaks even a blocking open of a FIFO, and comes
    again each second after the first 20, should anything outlast one."""

    def stop(signum: int, frame: object) -> None:
        raise Hung(f"calendar-gen {' '.join(args)} still running after 20 s")

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 20, 1)
    try:
        return run_cli(*args, cwd=cwd)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def process_with_limit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, as run_process runs it (a warning is an error), killed (and the test
    failed) should it hang on what it reads."""
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    return subprocess.run([sys.executable, "-m", "calendar_gen", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=60, env=env)  # fmt: skip


@dataclass
class Served:
    """A running `calendar-gen serve`; what it printed is filled in once it has stopped."""

    url: str
    port: int
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None


@contextlib.contextmanager
def serving(out: Path, *extra: str, cwd: Path | None = None):
    """Run `calendar-gen serve` on a free loopback port until the block ends, then Ctrl-C it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "calendar_gen", "serve", "--out", str(out), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    # Drain both pipes while it runs: a full pipe would stall the server's access log.
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.extend(process.stdout), daemon=True),
        threading.Thread(target=lambda: err.extend(process.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + 30
        while not out and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", out[0] if out else "")
        assert match, "".join(out + err)
        served = Served(f"http://127.0.0.1:{match.group(1)}", int(match.group(1)))
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)  # a loaded machine (two test workers) may be slow to stop it
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler prints where every thread is
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for reader in readers:
                reader.join(timeout=10)
            raise AssertionError("serve did not stop on Ctrl-C:\n" + "".join(err)) from None
        finally:
            for reader in readers:
                reader.join(timeout=10)
            process.stdout.close()
            process.stderr.close()
    served.stdout, served.stderr, served.returncode = "".join(out), "".join(err), process.returncode


# --- generated calendars, with any text and a record of changes ------------------------------

AS_OF = dt.date(2014, 4, 20)
# Any text a schedule file may hold: titles on one line, descriptions and reasons on several.
ONE_LINE = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=24).filter(str.strip)
LINES = st.text(st.characters(exclude_categories=("Cc", "Cs")) | st.just("\n"), max_size=40)
DAYS = ("second tuesday", "last friday", "15", "31", "3rd working day", "last working day")


def _toml(text: str) -> str:
    """A TOML string: JSON's escapes are TOML's, and other characters are written as they are."""
    return json.dumps(text, ensure_ascii=False)


@st.composite
def topic_files(draw: st.DrawFn) -> dict[str, str]:
    """One or two topic files of monthly and quarterly publications with any text, their
    provisional dates announced to the day or the month."""
    files = {}
    for slug in ("first", "second")[: draw(st.integers(1, 2))]:
        tables = []
        for i in range(draw(st.integers(1, 3))):
            quarterly = draw(st.booleans())
            tables.append(
                f'[[publication]]\nid = "{slug}-{i}"\ntitle = {_toml(draw(ONE_LINE))}\n'
                f'designation = "{draw(st.sampled_from(("National", "Official")))} Statistics"\n'
                f'frequency = "{"quarterly" if quarterly else "monthly"}"\n'
                + ("months = [2, 5, 8, 11]\n" if quarterly else "")
                + f'day = "{draw(st.sampled_from(DAYS))}"\n'
                f'time = "{draw(st.sampled_from(("07:00", "09:30", "16:30")))}"\n'
                f'provisional = "{draw(st.sampled_from(("exact", "month", "two months")))}"\n'
                + (f"description = {_toml(text)}\n" if (text := draw(LINES)).strip() else "")
            )
        files[slug] = f"topic = {_toml(draw(ONE_LINE))}\n\n" + "\n".join(tables)
    return files


def generated_releases(draw: st.DrawFn, folder: Path) -> list:
    """A generated programme in `folder`, some of its releases moved or cancelled with any
    reason (through the commands' own functions), expanded as a build would publish it."""
    from calendar_gen import usecases
    from calendar_gen.domain.releases import calendar, expand
    from calendar_gen.domain.workdays import next_working_day
    from calendar_gen.errors import ChangeError
    from calendar_gen.programme.schedule import load_programme

    write_schedules(folder, draw(topic_files()))
    for index, cancel, reason in draw(
        st.lists(st.tuples(st.integers(0, 99), st.booleans(), LINES), max_size=3)
    ):
        later = [r for r in expand(load_programme(folder), as_of=AS_OF) if r.date > AS_OF]
        release = later[index % len(later)]
        pub_id, day = release.publication.id, release.date
        new = next_working_day(day + dt.timedelta(days=1), release.publication.rule.region)
        with contextlib.suppress(ChangeError):  # cancelled already, or an empty reason
            if cancel:
                usecases.cancel(pub_id, day, reason, schedules=folder, as_of=AS_OF)
            else:
                usecases.move(pub_id, day, new, reason, schedules=folder, as_of=AS_OF)
    as_of = draw(st.dates(dt.date(2014, 1, 1), dt.date(2015, 6, 30)))
    return calendar(load_programme(folder), as_of)


def drip(handler: http.server.BaseHTTPRequestHandler, data: bytes) -> None:
    """Send `data` a byte every 20 ms, each read well within any per-read timeout, until the
    test releases the server (`server.release`) or the client gives up (`server.cut_off`)."""
    for byte in data:
        if handler.server.release.is_set():
            return
        try:
            handler.wfile.write(bytes([byte]))
        except OSError:  # the client has given up: what the test wants
            handler.server.cut_off.set()
            return
        time.sleep(0.02)
