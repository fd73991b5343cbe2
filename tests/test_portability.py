"""The same bytes on every Python calendar-gen supports: the shipped programme built as of the
golden day on this interpreter (3.11 in CI) and on CPython 3.12, 3.13 and 3.14 compiled to
WebAssembly (Pyodide, under node; tests/portability.py), every output and the record alike."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import GOLDEN_AS_OF, ROOT, SHIPPED, assert_same_files, outside_tool
from portability import PYODIDE, PYODIDES, runtime_distributions, wheels

NODE = shutil.which("node")
INSTALL = "run make test-tools"


def _start(python: str, site: Path, wheel_files: list[Path]) -> subprocess.Popen[str]:
    """Start the build of `site`'s schedules on Pyodide's `python`, as the golden one is made."""
    config = {
        "mounts": [str(ROOT), str(site)],
        "source": str(ROOT),
        "wheels": [str(w) for w in wheel_files],
        "distributions": list(runtime_distributions()),
        "cwd": str(site),
        "args": ["build", "--as-of", GOLDEN_AS_OF],
    }
    assert NODE
    command = [NODE, str(PYODIDE / "run.mjs"), PYODIDES[python], json.dumps(config)]
    return subprocess.Popen(command, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _answers(builds: dict[str, subprocess.Popen[str]]) -> dict[str, dict]:
    """What each build answered, once all have ended: one failing leaves none running."""
    ended = {}
    for python, build in builds.items():
        try:
            ended[python] = (*build.communicate(timeout=300), build.returncode)
        except subprocess.TimeoutExpired:
            build.kill()
            ended[python] = ("", f"ran over 300 s: {build.communicate()[1]}", -1)
    for python, (_out, err, code) in ended.items():
        assert code == 0, f"Python {python} (Pyodide):\n{err}"
    return {python: json.loads(out) for python, (out, _err, _code) in ended.items()}


def _manifest(feeds: Path) -> dict:
    """The build's manifest without the files' modification times, which only the clock sets."""
    manifest = json.loads((feeds / ".calendar-gen-build.json").read_text("utf-8"))
    manifest["files"] = {name: size for name, (size, _mtime) in manifest["files"].items()}
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


@pytest.mark.slow
@pytest.mark.interop
def test_every_python_builds_the_same_bytes(shipped_site, tmp_path):
    wheel_files = _tools()
    sites = {python: tmp_path / python for python in PYODIDES}
    for site in sites.values():
        shutil.copytree(SHIPPED, site / "schedules")
    # Started together: most of each one's time is Pyodide starting, on a core of its own.
    builds = {python: _start(python, site, wheel_files) for python, site in sites.items()}
    answers = _answers(builds)
    here = ".".join(map(str, sys.version_info[:2]))
    for python, answer in answers.items():
        # Each is the Python it is said to be, runs this checkout's calendar-gen, and has the
        # very versions of its dependencies this one has: only the Python differs.
        assert (answer["platform"], answer["python"].rpartition(".")[0]) == ("emscripten", python)
        assert answer["source"] == str(ROOT / "calendar_gen" / "__init__.py")
        assert answer["distributions"] == runtime_distributions()
        printed = (answer["exit"], answer["stdout"], answer["stderr"])
        assert printed == (0, shipped_site.build.stdout, shipped_site.build.stderr)
        feeds, schedules = sites[python] / "feeds", sites[python] / "schedules"
        advice = f"Python {python} (Pyodide) built otherwise than Python {here}"
        assert_same_files(feeds, shipped_site.feeds, advice)
        assert_same_files(schedules, shipped_site.schedules, advice)  # the record above all
        assert _manifest(feeds) == _manifest(shipped_site.feeds), advice
    # Pyodide's 3.12 and 3.13 have no fcntl; run.py gives them one whose flock does nothing.
    stand_in = "a stand-in whose flock does nothing"
    locks = {python: answer["fcntl"] for python, answer in answers.items()}
    assert locks == {"3.12": stand_in, "3.13": stand_in, "3.14": "Pyodide's"}
