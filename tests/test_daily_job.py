"""The daily job the README ships, run command by command: the GitHub Actions workflow in
examples/ and the cron line, in a new programme with a remote to push to."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow

WORKFLOW = ROOT / "examples" / "daily-build.yml"
BIN = Path(sys.executable).parent  # where calendar-gen is installed
GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def new_programme(tmp_path: Path) -> tuple[Path, Path]:
    """A programme just started with init, committed, with a bare remote it pushes to."""
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    assert shell(f"git init -q --bare {remote}", tmp_path).returncode == 0
    work.mkdir()
    for command in ("git init -q -b main", "calendar-gen init schedules", "git add -A",
                    "git commit -qm start", f"git remote add origin {remote}",
                    "git push -q -u origin main"):  # fmt: skip
        done = shell(command, work)
        assert done.returncode == 0, (command, done.stderr)
    return work, remote


def workflow_steps() -> list[str]:
    """The shell commands of the workflow's steps, in order, but for installing and for
    reconcile, which asks GOV.UK (tests/test_reconcile.py runs it against a local server)."""
    steps = re.findall(r"^ +- run: (.+?)(?: # .*)?$", WORKFLOW.read_text(), flags=re.M)
    assert steps[-1].startswith("calendar-gen reconcile --govuk "), "the workflow's last step"
    return [s for s in steps[:-1] if not s.startswith("pip install")]


def test_the_workflow_builds_commits_pushes_and_checks(tmp_path):
    work, remote = new_programme(tmp_path)
    steps = workflow_steps()
    assert steps[0] == "calendar-gen build" and steps[-1].startswith("calendar-gen check")
    for step in steps[:-1]:
        done = shell(step, work)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    log = shell("git log --format=%s main", remote).stdout.splitlines()
    assert log == ["Daily build of the release calendar", "start"]
    files = shell("git show --name-only --format= main", remote).stdout.split()
    assert "feeds/all.ics" in files and "schedules/announcements.toml" in files
    # The check runs on what was built: 0, or 1 when it names releases to put right.
    checked = shell(steps[-1], work)
    assert checked.returncode in (0, 1), checked.stderr
    assert checked.stdout.startswith("schedules: ")
    # Run again the same day: nothing new to commit, and every step still succeeds.
    for step in steps[:-1]:
        assert shell(step, work).returncode == 0, step
    assert len(shell("git log --format=%s main", remote).stdout.splitlines()) == 2


def test_the_cron_line_builds_commits_and_pushes(tmp_path):
    work, remote = new_programme(tmp_path)
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"^0 6 \* \* \* (cd .+)$", readme, flags=re.M)
    assert line, "the README's cron line"
    command = line.group(1).replace("/srv/release-calendar", str(work))
    command = command.replace(".venv/bin/calendar-gen", "calendar-gen")
    done = shell(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert shell("git log -1 --format=%s main", remote).stdout.strip() == "Daily build"
