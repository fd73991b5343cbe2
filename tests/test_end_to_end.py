"""A few runs of the real command in a subprocess: exit codes, tracebacks and the bug path."""

import shutil
import subprocess
import sys
import types
import typing

import pytest
from helpers import GOLDEN, SHIPPED, assert_same_files, published, run_process, write_schedules
from test_golden import GOLDEN_FILES as SHIPPED_FILES


def test_the_installed_command_builds_the_shipped_feeds(tmp_path, shipped_schedules):
    # With no --as-of: today's build of the shipped schedules is the golden set too.
    result = run_process("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in published(GOLDEN)) == sorted(SHIPPED_FILES)
    assert_same_files(tmp_path / "feeds", GOLDEN)


def test_bad_input_exits_2_with_the_problem_and_no_traceback(tmp_path):
    (tmp_path / "schedules").mkdir()
    result = run_process("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "schedules/programme.toml: is missing",
        "1 problem found; nothing was written.",
    ]


# A bug is injected into a real process: the page renderer raises.
INJECT = """
import sys
import calendar_gen.publishing.site as site
def broken(*args, **kwargs):
    raise ZeroDivisionError("injected fault in render_index")
site.index_pieces = broken
from calendar_gen.cli import main
sys.argv[0] = "calendar-gen"
main()
"""


def _with_fault(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copytree(SHIPPED, tmp_path / "schedules", dirs_exist_ok=True)
    return subprocess.run([sys.executable, "-c", INJECT, *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)  # fmt: skip


def test_a_bug_exits_70_asking_for_a_report_and_writes_nothing(tmp_path):
    result = _with_fault(tmp_path, "build")
    assert result.returncode == 70
    assert "injected fault in render_index" in result.stderr  # the fault was reached
    assert "This is a bug in calendar-gen" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "feeds" / "all.ics").exists()


def test_debug_shows_the_traceback(tmp_path):
    result = _with_fault(tmp_path, "--debug", "build")
    assert result.returncode == 70
    assert "Traceback (most recent call last)" in result.stderr
    assert ", in broken" in result.stderr  # the frame that raised
    assert "ZeroDivisionError: injected fault in render_index" in result.stderr


def test_debug_as_the_text_of_a_reason_is_only_text(tmp_path, shipped_schedules):
    args = ("move", "asylum-statistics", "2014-04-08", "2014-04-10", "--reason", "--debug",
            "--as-of", "2014-04-01")  # fmt: skip
    result = run_process(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "from Tuesday 8 April 2014 to Thursday 10 April 2014: --debug" in result.stdout


def test_list_stops_quietly_when_its_reader_has_enough(tmp_path):
    # 100 monthly publications: 0.8 MB of JSON, far more than a pipe holds (64 KB).
    tables = "".join(
        f'[[publication]]\nid = "p{i}"\ntitle = "P{i}"\ndesignation = "Official Statistics"\n'
        'frequency = "monthly"\nday = "second tuesday"\n\n'
        for i in range(100)
    )
    write_schedules(tmp_path / "schedules", {"t": 'topic = "T"\n\n' + tables})
    command = [sys.executable, "-m", "calendar_gen", "list", "--format", "json"]
    reader = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout.read(2) == b"[\n"
    reader.stdout.close()  # as `| head` does
    assert reader.wait(timeout=60) == 0
    assert reader.stderr.read() == b""
    reader.stderr.close()


def test_help_loads_neither_the_core_nor_the_holiday_tables():
    script = (
        "import sys\nfrom calendar_gen.cli import main\nsys.argv = ['calendar-gen', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('holidays', 'calendar_gen.'))))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "['calendar_gen.cli']"


# What a check or a build of the shipped programme has no use for, and what each cost at
# start when it was loaded: the 250 countries of `holidays` (~140 ms), the web client and
# TLS that xml.sax.saxutils imports (~15 ms), the email modules of notify, the TOML writer;
# and the modules of other commands, named without their package so that a move into
# another package keeps them in the test.
NEVER_LOADED = {
    "holidays.countries", "holidays.financial", "urllib.request", "http.client", "http.server",
    "ssl", "smtplib", "email.headerregistry", "xml.sax", "tomlkit", "icalendar",
}  # fmt: skip
OTHER_COMMANDS = {"digest", "mailing", "learning", "clash", "drift", "govuk", "calendars",
                  "server"}  # fmt: skip
MODULES_AFTER = (
    "import sys\nfrom calendar_gen.cli import main\nsys.argv = ['calendar-gen', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)))"
)


@pytest.mark.parametrize(
    ("command", "also_never"),
    [(["check"], {"site", "feeds", "news"}), (["build", "--as-of", "2014-04-01"], set())],
)
def test_a_check_or_build_loads_only_what_it_uses(tmp_path, shipped_schedules, command,
                                                   also_never):  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER, *command], cwd=tmp_path, capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.splitlines()[-1].split())
    ours = {m.rsplit(".", 1)[-1] for m in loaded if m.startswith("calendar_gen.")}
    assert loaded & NEVER_LOADED == set()
    assert ours & (OTHER_COMMANDS | also_never) == set()
    assert {"model", "reports"} <= ours  # the names are the modules' own
    # The UK's bank holidays do come from the `holidays` package, its UK module alone.
    assert "holidays.countries.united_kingdom" in loaded
    if command[0] == "build":
        assert (tmp_path / "feeds" / "releases.json").is_file()


def test_every_public_name_is_there_when_asked_for():
    import calendar_gen

    for name in calendar_gen.__all__:
        value = getattr(calendar_gen, name)
        if isinstance(value, types.UnionType):  # a closed type: each of its kinds is public too
            assert {kind.__name__ for kind in typing.get_args(value)} <= set(calendar_gen.__all__)
        else:
            assert value.__name__ == name
    with pytest.raises(AttributeError):
        calendar_gen.expand_everything  # noqa: B018
