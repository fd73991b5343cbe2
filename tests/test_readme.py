"""The README's transcripts run as shown.

Each ```console block is a transcript: a line starting with `$ ` is a command, and the lines
after it, up to the next command, are what it prints (standard output and error, as a
terminal shows them). A line `...` stands for any number of lines left out. The blocks of one
README section run in order in one fresh copy of what a clone holds (schedules/, examples/ and
feeds/) after `make feeds`, which builds; a `$ calendar-gen ...` command runs the command, and
the few shell commands a transcript uses to set the scene (rm, sed, cp) run in a shell.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import ROOT, SHIPPED

from calendar_gen.cli import cli

README = ROOT / "README.md"
COPIED = ("schedules", "examples", "feeds")  # what a clone has that the transcripts use
SCENE = ("rm", "sed", "cp")  # shell commands a transcript may use to prepare its copy
# `serve` runs until Ctrl-C and prints its port: its transcript is shown, not run.
NOT_RUN = ("calendar-gen serve",)


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    line: int  # where the block starts in the README, for messages
    steps: list[Step]


def transcripts(text: str) -> dict[str, list[Transcript]]:
    """The console blocks of each '## ' section, in order."""
    sections: dict[str, list[Transcript]] = {}
    section, block = "", None
    for number, line in enumerate(text.splitlines(), 1):
        if block is None and line.startswith("## "):
            section = line[3:]
        elif block is None and line == "```console":
            block = Transcript(number, [])
        elif block is not None and line == "```":
            sections.setdefault(section, []).append(block)
            block = None
        elif block is not None and line.startswith("$ "):
            block.steps.append(Step(line[2:]))
        elif block is not None:
            assert block.steps, f"README.md:{number}: output before any command"
            block.steps[-1].expected.append(line)
    return sections


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected`, each `...` standing for zero or more lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def run(command: str, cwd: Path) -> list[str]:
    """What `command` prints, run in `cwd`, as lines."""
    words = shlex.split(command)
    if words[0] == "calendar-gen":
        with contextlib.chdir(cwd):
            result = CliRunner().invoke(cli, words[1:], prog_name="calendar-gen")
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        output = result.output  # standard output and error, interleaved as printed
    else:
        assert words[0] in SCENE, f"a transcript may only prepare its copy with {SCENE}"
        done = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        output = done.stdout + done.stderr
    return [line.rstrip() for line in output.splitlines()]


SECTIONS = transcripts(README.read_text("utf-8"))


def test_the_readme_has_the_transcripts_this_test_runs():
    # Guards the parser: a README read wrongly would make the test below check nothing.
    assert {"Quick start", "Announcing, confirming, moving and cancelling",
            "Clashes and next year's calendar"} <= set(SECTIONS)  # fmt: skip
    commands = [s.command for blocks in SECTIONS.values() for b in blocks for s in b.steps]
    assert sum(c.startswith("calendar-gen ") for c in commands) >= 10


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_each_readme_transcript_prints_what_it_shows(section, tmp_path):
    # A fresh clone, as committed: no build notes or other hidden files, and a record no
    # build of this copy has published from.
    for folder in COPIED:
        source = SHIPPED if folder == "schedules" else ROOT / folder
        shutil.copytree(source, tmp_path / folder, ignore=shutil.ignore_patterns(".*"))
    if section == "Quick start":  # which follows `make feeds`, a build
        assert run("calendar-gen build", tmp_path)[-1].endswith("(0 files changed)")
    for block in SECTIONS[section]:
        if any(s.command.startswith(NOT_RUN) for s in block.steps):
            continue
        for step in block.steps:
            actual = run(step.command, tmp_path)
            assert matches(step.expected, actual), (
                f"README.md:{block.line}: $ {step.command}\n"
                + "shown:\n" + "\n".join(step.expected)
                + "\nprinted:\n" + "\n".join(actual)
            )  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "d"], True),
        (["a", "..."], ["a"], True),
        (["a", "...", "d"], ["a", "b", "c"], False),
        (["a", "b"], ["a", "b", "c"], False),
        ([], [], True),
    ],
)
def test_an_ellipsis_stands_for_any_lines_left_out(expected, actual, result):
    assert matches(expected, actual) is result
