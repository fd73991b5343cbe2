"""Small schedule folders for tests, written from plain strings."""

from __future__ import annotations

import os
import subprocess
import sys
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
