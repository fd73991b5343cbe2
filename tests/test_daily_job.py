"""The daily job the README ships, run command by command: the GitHub Actions workflow in
examples/ and the cron line, in a new programme with a remote to push to, its email alerts
going to an SMTP server on loopback."""

import email
import email.policy
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from helpers import ROOT

pytestmark = pytest.mark.slow

WORKFLOW = ROOT / "examples" / "daily-build.yml"
BIN = Path(sys.executable).parent  # where calendar-gen is installed
GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip


DAILY = "Daily build of the release calendar"
# The settings a job takes from the environment (repository variables, the crontab).
MAIL: dict[str, str] = {}


class Kept:
    """An aiosmtpd handler keeping each message it takes."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def mail_server():
    """A list server on loopback, and the job's settings pointing at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(kept := Kept(), hostname="127.0.0.1", port=port)
    controller.start()
    MAIL.update(CALENDAR_GEN_SMTP=f"127.0.0.1:{port}", CALENDAR_GEN_SMTP_TLS="none",
                CALENDAR_GEN_LIST="release-calendar@lists.example.ac.uk",
                CALENDAR_GEN_FROM="statistics@example.gov.uk",
                CALENDAR_GEN_UNSUBSCRIBE="https://lists.example.ac.uk/leave")  # fmt: skip
    try:
        yield kept
    finally:
        MAIL.clear()
        controller.stop()


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT, **MAIL, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
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


def run_steps(steps: list[str], work: Path) -> None:
    for step in steps:
        done = shell(step, work)
        assert done.returncode == 0, (step, done.stdout, done.stderr)


def postpone_the_next_provisional(work: Path) -> str:
    """A change with its reason, for the next build to publish and the next digest to tell."""
    rows = json.loads(shell("calendar-gen list --format json", work).stdout)
    row = next(r for r in rows if r["status"] == "provisional")
    done = shell(f"calendar-gen postpone {row['id']} {row['date']} --reason 'data delayed'", work)
    assert done.returncode == 0, done.stderr
    return row["title"]


def test_the_workflow_builds_commits_pushes_alerts_and_checks(tmp_path, mail_server):
    work, remote = new_programme(tmp_path)
    steps = workflow_steps()
    assert steps[0] == "calendar-gen build" and steps[-1].startswith("calendar-gen check")
    run_steps(steps[:-1], work)
    log = shell("git log --format=%s main", remote).stdout.splitlines()
    # The first alert run takes what is published as told, and sends nothing.
    assert log == ["Email alert noted", DAILY, "start"]
    assert mail_server.messages == []
    files = shell("git show --name-only --format= main~1", remote).stdout.split()
    assert "feeds/all.ics" in files and "schedules/announcements.toml" in files
    # The check runs on what was built: 0, or 1 when it names releases to put right.
    checked = shell(steps[-1], work)
    assert checked.returncode in (0, 1), checked.stderr
    assert checked.stdout.startswith("schedules: ")
    # Run again the same day: nothing new to commit or send, and every step still succeeds.
    run_steps(steps[:-1], work)
    assert len(shell("git log --format=%s main", remote).stdout.splitlines()) == 3
    assert mail_server.messages == []
    # A change: the next run publishes it, notes the digest, pushes the note, sends it once.
    title = postpone_the_next_provisional(work)
    run_steps(steps[:-1], work)
    run_steps(steps[:-1], work)
    (message,) = mail_server.messages
    assert message["Subject"].strip().endswith(f"release calendar: Postponed: {title}")
    log = shell("git log --format=%s main", remote).stdout.splitlines()
    assert log[:3] == ["Email alert sent", "Email alert noted", DAILY]
    pushed = shell("git show main:feeds/.calendar-gen-notify.json", remote).stdout
    assert json.loads(pushed)["lists"][MAIL["CALENDAR_GEN_LIST"]]["last"]["delivery"] == "sent"


def test_the_cron_line_builds_alerts_commits_and_pushes(tmp_path, mail_server):
    work, remote = new_programme(tmp_path)
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"^0 6 \* \* \* (cd .+)$", readme, flags=re.M)
    assert line, "the README's cron line"
    command = line.group(1).replace("/srv/release-calendar", str(work))
    command = command.replace(".venv/bin/calendar-gen", "calendar-gen")
    done = shell(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert shell("git log -1 --format=%s main", remote).stdout.strip() == "Daily build"
    assert "feeds/.calendar-gen-notify.json" in shell("git show --name-only main", remote).stdout
    title = postpone_the_next_provisional(work)
    assert shell(command, tmp_path).returncode == 0
    assert shell(command, tmp_path).returncode == 0
    (message,) = mail_server.messages
    assert message["Subject"].strip().endswith(f"release calendar: Postponed: {title}")


def test_the_workflow_checks_even_when_an_alert_did_not_go_out():
    # A step runs only if those before it succeeded, unless its `if` says otherwise: an
    # alert that failed (exit 1) would skip the check, and a late confirmation go unsaid.
    check = re.search(r"^ +- run: calendar-gen check .*\n +if: (.+?)(?: # .*)?$",
                      WORKFLOW.read_text(), flags=re.M)  # fmt: skip
    assert check is not None and check.group(1) == "success() || failure()"
