"""What happens to feeds and the record when a build is killed, raced, or runs out of disk."""

import fcntl
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import tomllib

import icalendar
import pytest
from helpers import SHIPPED, run_cli

BUILD = [sys.executable, "-m", "calendar_gen", "build"]


def snapshot(folder) -> dict[str, bytes]:
    """Every file a build writes: the feeds folder and the announcement record."""
    # A killed build may leave a hidden temporary file; no reader ever sees it.
    files = {
        f"feeds/{p.name}": p.read_bytes()
        for p in (folder / "feeds").iterdir()
        if not p.name.startswith(".")
    }
    record = folder / "schedules" / "announcements.toml"
    if record.exists():
        files["record"] = record.read_bytes()
    return files


def restore(folder, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder / "feeds")
    (folder / "feeds").mkdir()
    for name, data in files.items():
        path = folder / "schedules" / "announcements.toml" if name == "record" else folder / name
        path.write_bytes(data)


@pytest.fixture
def states(tmp_path):
    """A built programme (old), and what building it with changed input gives (new)."""
    work = tmp_path / "work"
    shutil.copytree(SHIPPED, work / "schedules", ignore=shutil.ignore_patterns("announcements*"))
    assert run_cli("build", "--as-of", "2014-04-01", cwd=work).returncode == 0
    old = snapshot(work)
    topic = work / "schedules" / "migration.toml"
    topic.write_text(topic.read_text().replace("Asylum Statistics", "Asylum statistics, UK"))
    ahead = tmp_path / "ahead"
    shutil.copytree(work, ahead)
    assert run_cli("build", "--as-of", "2014-09-01", cwd=ahead).returncode == 0
    new = snapshot(ahead)
    assert all(old[name] != new[name] for name in old)  # every file changes
    return work, old, new


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_each_file_old_or_new(states):
    work, old, new = states
    timer = time.monotonic()
    assert subprocess.run([*BUILD, "--as-of", "2014-09-01"], cwd=work).returncode == 0
    duration = time.monotonic() - timer
    outcomes = set()
    chance = random.Random(20141016)
    for _ in range(25):
        restore(work, old)
        process = subprocess.Popen(
            [*BUILD, "--as-of", "2014-09-01"], cwd=work, stdout=subprocess.DEVNULL
        )
        # Some kills land before the renames, some among them, some after the build is done.
        time.sleep(chance.uniform(0, 1.5 * duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(work)
        for name, data in now.items():
            assert data in (old.get(name), new[name]), name
            if name.endswith(".ics"):
                icalendar.Calendar.from_ical(data)
        tomllib.loads(now["record"].decode())
        outcomes.add(tuple(now[n] == new[n] for n in sorted(new) if n in now))
    assert len(outcomes) > 1  # the kills landed at different moments
    # The next build completes the work and sweeps up what the killed one left.
    assert subprocess.run([*BUILD, "--as-of", "2014-09-01"], cwd=work).returncode == 0
    assert snapshot(work) == new
    assert not [p for p in (work / "feeds").iterdir() if p.name.endswith(".tmp")]


def test_concurrent_build_and_move_lose_nothing(states):
    work, old, _ = states
    restore(work, old)
    move = [sys.executable, "-m", "calendar_gen", "move", "asylum-statistics", "2014-06-10",
            "2014-06-11", "--reason", "late data", "--as-of", "2014-05-20"]  # fmt: skip
    processes = [
        subprocess.Popen([*BUILD, "--as-of", "2014-09-01"], cwd=work, stderr=subprocess.PIPE),
        subprocess.Popen(move, cwd=work, stderr=subprocess.PIPE),
        subprocess.Popen([*BUILD, "--as-of", "2014-09-01"], cwd=work, stderr=subprocess.PIPE),
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert b"Traceback" not in err
    record = tomllib.loads((work / "schedules" / "announcements.toml").read_text())
    june = [
        r for r in record["release"] if r["id"] == "asylum-statistics" and r["month"] == "2014-06"
    ]
    assert len(june) == 1 and june[0]["change"][0]["reason"] == "late data"
    # April's four (built on 1 April, up to 29 April: 3, 8, 9 and 16 April), the moved June
    # release, and September's three (4, 9 and 10 September); May to August were out,
    # never announced.
    assert len(record["release"]) == 8
    assert run_cli("build", "--as-of", "2014-09-01", cwd=work).returncode == 0
    assert (
        b"DTSTART;TZID=Europe/London:20140611T093000" in (work / "feeds/migration.ics").read_bytes()
    )


def test_a_held_lock_makes_others_wait_then_give_up_clearly(states):
    work, old, _ = states
    with open(work / "schedules" / ".calendar-gen.lock", "w") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        result = run_cli("--wait", "0.5", "build", "--as-of", "2014-09-01", cwd=work)
    assert result.returncode == 2
    assert "waiting for another calendar-gen run (pid 4242) to finish" in result.stderr
    assert "is still working on it after 0.5 s; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work) == old


def _small_disk() -> None:
    # A file-size limit stands in for a full disk: writes past it fail with EFBIG.
    resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, 8_000))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_changes_nothing(states):
    work, old, _ = states
    result = subprocess.run(
        [*BUILD, "--as-of", "2014-09-01"], cwd=work, capture_output=True, text=True,
        preexec_fn=_small_disk,
    )  # fmt: skip
    assert result.returncode == 2
    assert "cannot be written: File too large; nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work) == old
    assert not [p for p in (work / "feeds").iterdir() if p.name.endswith(".tmp")]
    assert not [p for p in (work / "schedules").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "--schedules", "programme.toml"), "programme.toml: is not a folder"),
        (("build", "--schedules", "nowhere"), "nowhere: does not exist"),
        (("build", "--out", "schedules/programme.toml/feeds"), "cannot create the output folder"),
        (("move", "x", "2014-05-01", "2014-05-02", "--reason", "r", "--schedules", "nowhere"),
         "nowhere: does not exist"),
    ],
)  # fmt: skip
def test_unusable_folders_are_clear_errors(states, args, message):
    work, old, _ = states
    (work / "programme.toml").write_text("a file, not a folder")
    result = run_cli(*args, cwd=work)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(work) == old
