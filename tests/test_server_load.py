"""The preview server under a bounded, mixed load from many threads at once, on 127.0.0.1.

A real `calendar-gen serve` process gets GETs and HEADs of every file, conditional GETs,
path traversal attempts, other methods and malformed requests on raw sockets, shuffled,
from 16 threads; every reply is checked. Then more idle connections than it serves at once
are held open, and a further request must be turned away at once. (benchmarks/server_load.py
holds the load and the checks, and runs it bigger as a benchmark.) Every socket has a
timeout and the load a deadline, so a stalled server fails the test rather than hanging it.
"""

import importlib.util
import sys

import pytest
from helpers import MONTHLY, ROOT, run_cli, serving, write_schedules

pytestmark = pytest.mark.slow


def _import(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


load = _import(ROOT / "benchmarks" / "server_load.py")

REQUESTS = 2000
THREADS = 16
CROWD = 80  # idle connections held at once: more than the server's 64
SECOND = (
    MONTHLY.replace("Test topic", "Second topic")
    .replace("monthly-bulletin", "labour-survey")
    .replace("Monthly bulletin", "Labour survey")
    .replace("second tuesday", "last thursday")
)


def test_mixed_load_from_many_threads(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY, "second": SECOND})
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "feeds"
    load.half_past(feeds)
    files = load.site_paths(feeds)
    load.plant_outside(feeds)
    plan = load.make_plan(files, load.traversal_paths(feeds), REQUESTS)

    with serving(feeds) as served:
        site = load.survey(served.port, files)
        tally = load.run(site, plan, THREADS, deadline=20)
        crowd = load.crowd(served.port, CROWD, files["/"])
        after = load.exchange_raw(served.port, load.request_bytes(load.Probe("get", "GET", "/")))

    print(f"\n{load.report(tally)}")  # noqa: T201 - the figures, shown by pytest -s
    checks = {
        "every request sent": tally.not_run == 0,
        "no 5xx": tally.server_errors == 0,
        "no connection errors on well-formed requests": tally.errors == 0,
        "no traversal successes": tally.traversal_successes == 0,
        "every conditional GET right": tally.conditional_right == tally.conditional,
        "every reply as it should be": not tally.problems,
        "a request over the connection cap turned away at once": crowd.turned_away,
        "served again once the crowd left": crowd.after.body == files["/"],
        "a normal GET served afterwards": after.status == 200 and after.body == files["/"],
        "clean shutdown": served.returncode == 0 and served.stdout.rstrip().endswith("stopped"),
        "no traceback on stderr": "Traceback" not in served.stderr,
        "no control characters in the access log": load.log_is_printable(served.stdout),
    }
    failed = [name for name, held in checks.items() if not held]
    assert not failed, "\n".join(
        [*failed, load.report(tally), str(crowd), *tally.problems, *load.exceptions(served.stderr)]
    )
