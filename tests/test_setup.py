"""The README's first command on a machine as a newcomer finds it: the wrong Python, or a
.venv left by another one. Each runs the Makefile in a throwaway folder."""

import os
import shutil
import subprocess
import sys

import pytest
from helpers import ROOT


def make(folder, *args):
    # The README's first command is make: without it these tests fail, never skip.
    assert shutil.which("make"), "make is not installed: install it (apt-get install make)"
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def fake_python(path, answer):
    """An interpreter that answers every question with `answer`, as an old one would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{answer}'\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def folder(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_an_old_python_is_named_with_the_one_needed(folder):
    old = fake_python(folder / "bin" / "python3.10", "3.10")
    result = make(folder, "feeds", f"PYTHON={old}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[:2] == [
        f"calendar-gen needs Python 3.11 or later, and {old} is Python 3.10.",
        "Install Python 3.11 or later (from python.org, or apt install python3.11 on Debian "
        "and Ubuntu, with python3.11-venv, or brew install python@3.12 on a Mac), then run "
        "make feeds PYTHON=python3.11 (or the name it was installed as).",
    ]
    assert not (folder / ".venv").exists()


def test_a_missing_python_is_said_plainly(folder):
    result = make(folder, "test", "PYTHON=no-such-python3")
    assert result.returncode != 0
    assert "and no-such-python3 is not found." in result.stderr
    assert "then run make test PYTHON=python3.11" in result.stderr


@pytest.mark.parametrize(
    "made_by",
    [
        "/usr/bin/python3.10 (3, 10)",  # another interpreter
        None,  # one since removed: the .venv's python no longer runs
    ],
)
def test_a_venv_made_by_another_python_is_made_again(folder, made_by):
    python = folder / ".venv" / "bin" / "python"
    if made_by:
        fake_python(python, made_by)
    else:
        python.parent.mkdir(parents=True)
        python.symlink_to(folder / "gone" / "python3.10")
    (folder / ".venv" / ".installed").touch()  # installed, once, by that Python
    result = make(folder, "check-python", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f".venv was made by {made_by or 'a Python that no longer'}")
    assert result.stdout.rstrip().endswith(": making it again")
    assert not (folder / ".venv").exists()


def test_a_venv_made_by_the_same_python_is_kept(folder):
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", folder / ".venv"], check=True)
    (folder / ".venv" / ".installed").touch()
    result = make(folder, "check-python", f"PYTHON={sys.executable}")
    assert (result.returncode, result.stdout) == (0, "")
    assert (folder / ".venv" / ".installed").exists()


@pytest.mark.slow
def test_make_feeds_rebuilds_an_old_venv_and_installs_only_what_feeds_need(tmp_path):
    for name in ("Makefile", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path)
    for name in ("calendar_gen", "schedules"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    fake_python(tmp_path / ".venv" / "bin" / "python", "/usr/bin/python3.10 (3, 10)")
    result = make(tmp_path, "feeds", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".venv was made by /usr/bin/python3.10 (3, 10)" in result.stdout
    assert (tmp_path / "feeds" / "all.ics").exists()
    venv_python = tmp_path / ".venv" / "bin" / "python"
    assert os.path.realpath(venv_python) == os.path.realpath(sys.executable)

    def has(module):
        code = f"import importlib.util; print(importlib.util.find_spec('{module}') is not None)"
        return subprocess.run([venv_python, "-c", code], capture_output=True, text=True).stdout

    assert (has("icalendar"), has("pytest"), has("mypy")) == ("True\n", "False\n", "False\n")
    again = make(tmp_path, "feeds", f"PYTHON={sys.executable}")  # installed once only
    assert "installing" not in again.stdout and again.returncode == 0
