"""Small schedule folders for tests, written from plain strings."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "schedules"

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


def published(folder: Path) -> list[Path]:
    """The files a build published in `folder`, without its hidden bookkeeping."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


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
    return subprocess.CompletedProcess(
        ["calendar-gen", *args], result.exit_code, result.stdout, result.stderr
    )


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
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        finally:
            for reader in readers:
                reader.join(timeout=10)
            process.stdout.close()
            process.stderr.close()
    served.stdout, served.stderr, served.returncode = "".join(out), "".join(err), process.returncode
