"""Inside Pyodide (run.mjs): calendar-gen commands, from this checkout's source with the wheels
of its dependencies, answered in JSON: what each printed and its exit code, what they ran on."""

import contextlib
import io
import json
import os
import sys
import types
import zipfile
from importlib import metadata

SITE_PACKAGES = "/lib/calendar-gen-wheels"  # in Pyodide's own memory, not on the host


def _fcntl() -> str:
    """Make fcntl importable, with a stand-in where Pyodide leaves it out (3.12, 3.13): which."""
    # calendar_gen.workspace.output imports it for its lock. Emscripten's own flock (3.14's) grants
    # every lock, a second one on the same file too: the stand-in's does nothing, as there.
    # Emscripten's fsync does nothing either, on every version; its renames are the host's.
    with contextlib.suppress(ModuleNotFoundError):
        import fcntl  # noqa: F401

        return "Pyodide's"
    stand_in = types.ModuleType("fcntl")
    vars(stand_in).update(LOCK_SH=1, LOCK_EX=2, LOCK_NB=4, LOCK_UN=8, flock=lambda fd, op: None)
    sys.modules["fcntl"] = stand_in
    return "a stand-in whose flock does nothing"


def _run(args: list[str]) -> dict:
    """Run one command as the installed calendar-gen does: its exit code and what it printed."""
    from calendar_gen.cli import main as calendar_gen

    sys.argv = ["calendar-gen", *args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            calendar_gen()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return {"exit": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main(config: str) -> str:
    """Run the commands `config` names, one after another in its folder; answer in JSON."""
    run = json.loads(config)
    sys.dont_write_bytecode = True  # no cpython-3xx.pyc of ours left in the host's source
    for wheel in run["wheels"]:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(SITE_PACKAGES)
    sys.path[:0] = [SITE_PACKAGES, run["source"]]
    lock = _fcntl()
    os.chdir(run["cwd"])
    runs = [_run(args) for args in run["commands"]]
    import calendar_gen

    answer = {
        "python": ".".join(map(str, sys.version_info[:3])),
        "platform": sys.platform,
        "fcntl": lock,
        "source": calendar_gen.__file__,
        "distributions": {name: metadata.version(name) for name in run["distributions"]},
        "runs": runs,
    }
    return json.dumps(answer)
