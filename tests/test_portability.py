"""The same bytes on every Python calendar-gen supports: the shipped programme built as of the
golden day, its compliance report and its draft policy, on this interpreter (3.11 in CI) and
on CPython 3.12, 3.13 and 3.14 compiled to WebAssembly (Pyodide under node; portability.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import GOLDEN_AS_OF, ROOT, SHIPPED, assert_same_files, outside_tool, run_cli
from portability import PYODIDE, PYODIDES, runtime_distributions, wheels

NODE = shutil.which("node")
INSTALL = "run make test-tools"
# One after another in a copy of the shipped schedules: the build `make golden` makes, then
# the two commands that write other files from what it recorded.
COMMANDS = [
    ["build", "--as-of", GOLDEN_AS_OF],
    ["report", "--as-of", GOLDEN_AS_OF, "--out", "reports"],
    ["policy", "--out", "policy"],
]
FOLDERS = ["feeds", "schedules", "reports", "policy"]  # every one they write in
STAND_IN = "a stand-in whose flock does nothing"


def _start(python: str, site: Path, wheel_files: list[Path]) -> subprocess.Popen[str]:
    """Start the commands in `site` on Pyodide's `python`."""
    config = {
        "mounts": [str(ROOT), str(site)],
        "source": str(ROOT),
        "wheels": [str(w) for w in wheel_files],
        "distributions": list(runtime_distributions()),
        "cwd": str(site),
        "commands": COMMANDS,
    }
    assert NODE
    command = [NODE, str(PYODIDE / "run.mjs"), PYODIDES[python], json.dumps(config)]
    return subprocess.Popen(command, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _answers(runs: dict[str, subprocess.Popen[str]]) -> dict[str, dict]:
    """What each run answered, once all have ended: one failing leaves none running."""
    ended = {}
    for python, run in runs.items():
        try:
            ended[python] = (*run.communicate(timeout=300), run.returncode)
        except subprocess.TimeoutExpired:
            run.kill()
            ended[python] = ("", f"ran over 300 s: {run.communicate()[1]}", -1)
    for python, (_out, err, code) in ended.items():
        assert code == 0, f"Python {python} (Pyodide):\n{err}"
    return {python: json.loads(out) for python, (out, _err, _code) in ended.items()}


def _manifest(feeds: Path) -> dict:
    """The build's manifest without the files' modification times, which only the clock sets."""
    manifest = json.loads((feeds / ".calendar-gen-build.json").read_text("utf-8"))
    files = manifest["files"].items()
    manifest["files"] = {name: (size, digest) for name, (size, _mtime, digest) in files}
    return manifest


def _tools() -> list[Path]:
    """The wheels to run on: failing, saying how to install them, when anything is missing."""
    outside_tool("node (Pyodide)")
    assert NODE, f"node is not installed: {INSTALL} (node and npm)"
    for package in PYODIDES.values():
        assert (PYODIDE / "node_modules" / package).is_dir(), f"{package} missing: {INSTALL}"
    found, missing = wheels()
    assert not missing, f"no wheel of {', '.join(missing)} in {PYODIDE / 'wheels'}: {INSTALL}"
    return found


def _here(site) -> list[tuple[int, str, str]]:
    """The commands run on this interpreter, the build already made: what each printed."""
    ran = [site.build] + [run_cli(*args, cwd=site.root) for args in COMMANDS[1:]]
    return [(run.returncode, run.stdout, run.stderr) for run in ran]


@pytest.mark.slow
@pytest.mark.interop
def test_every_python_writes_the_same_bytes(shipped_site_copy, tmp_path):
    wheel_files = _tools()
    printed, here = _here(shipped_site_copy), ".".join(map(str, sys.version_info[:2]))
    assert [code for code, _out, _err in printed] == [0, 0, 0]
    sites = {python: tmp_path / f"pyodide-{python}" for python in PYODIDES}
    for site in sites.values():
        shutil.copytree(SHIPPED, site / "schedules")
    # Started together: most of each one's time is Pyodide starting.
    runs = {python: _start(python, site, wheel_files) for python, site in sites.items()}
    for python, answer in _answers(runs).items():
        # Each is the Python it is said to be, runs this checkout's calendar-gen, and has the
        # very versions of its dependencies this one has: only the Python differs.
        assert (answer["platform"], answer["python"].rpartition(".")[0]) == ("emscripten", python)
        assert answer["source"] == str(ROOT / "calendar_gen" / "__init__.py")
        assert answer["distributions"] == runtime_distributions()
        advice = f"Python {python} (Pyodide) wrote otherwise than Python {here}"
        assert [(r["exit"], r["stdout"], r["stderr"]) for r in answer["runs"]] == printed, advice
        for folder in FOLDERS:  # the record, in schedules/, above all
            assert_same_files(sites[python] / folder, shipped_site_copy.root / folder, advice)
        assert _manifest(sites[python] / "feeds") == _manifest(shipped_site_copy.feeds), advice
        # Pyodide's 3.12 and 3.13 have no fcntl; run.py gives them one whose flock does nothing.
        assert answer["fcntl"] == ("Pyodide's" if python == "3.14" else STAND_IN)
