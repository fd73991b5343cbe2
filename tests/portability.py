"""The other Pythons tests/test_portability.py builds on: CPython 3.12, 3.13 and 3.14 compiled to
WebAssembly (Pyodide), run under node, with the wheels of the very versions of calendar-gen's
dependencies installed here. `make test-tools` installs both; run as a script, this prints the
requirements (name==version) whose wheel is not yet downloaded, for it to fetch."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

PYODIDE = Path(__file__).resolve().parent / "pyodide"
WHEELS = PYODIDE / "wheels"  # ignored by git: `make test-tools` downloads them from PyPI
# Each Python, and the Pyodide of package.json that is it (checked when it runs).
PYODIDES = {"3.12": "pyodide-312", "3.13": "pyodide-313", "3.14": "pyodide-314"}


def runtime_distributions() -> dict[str, str]:
    """calendar-gen's run-time dependencies, all the way down, as installed here: every one a
    requirement's marker wants on any of the Pythons (typing-extensions is for 3.12 and below)."""
    found: dict[str, str] = {}
    wanted = ["calendar-gen"]
    while wanted:
        name = canonicalize_name(wanted.pop())
        if name in found:
            continue
        distribution = metadata.distribution(name)
        found[name] = distribution.version
        for line in distribution.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            pythons = ["3.11", *PYODIDES]
            if marker is None or any(marker.evaluate({"python_version": v}) for v in pythons):
                wanted.append(requirement.name)
    del found["calendar-gen"]  # its source is mounted, not installed
    return dict(sorted(found.items()))


def _downloaded() -> dict[tuple[str, Version], Path]:
    wheels = sorted(WHEELS.glob("*.whl")) if WHEELS.is_dir() else []
    return {parse_wheel_filename(w.name)[:2]: w for w in wheels}


def wheels() -> tuple[list[Path], list[str]]:
    """The downloaded wheel of each run-time dependency, and the requirements with none."""
    downloaded = _downloaded()
    found, missing = [], []
    for name, version in runtime_distributions().items():
        wheel = downloaded.get((canonicalize_name(name), Version(version)))
        if wheel:
            found.append(wheel)
        else:
            missing.append(f"{name}=={version}")
    return found, missing


if __name__ == "__main__":
    sys.stdout.write("".join(f"{requirement}\n" for requirement in wheels()[1]))
