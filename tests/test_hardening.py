"""What happens to feeds and the record when a build is killed, raced, or runs out of disk."""

import fcntl
import json
import os
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
from helpers import MONTHLY, PROGRAMME, SHIPPED, run_cli, write_schedules

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


def _states(root) -> None:
    """A built programme in root/work (old), and what building it with changed input gives
    in root/ahead (new)."""
    work = root / "work"
    shutil.copytree(SHIPPED, work / "schedules", ignore=shutil.ignore_patterns("announcements*"))
    assert run_cli("build", "--as-of", "2014-04-01", cwd=work).returncode == 0
    # Every publication retitled: every feed changes, each publication's too.
    for topic in (work / "schedules").glob("*.toml"):
        text = topic.read_text()
        topic.write_text(text.replace('\ntitle = "', '\ntitle = "UK '))
    ahead = root / "ahead"
    shutil.copytree(work, ahead)
    assert run_cli("build", "--as-of", "2014-09-01", cwd=ahead).returncode == 0


@pytest.fixture
def states(made_once, tmp_path):
    """A built programme (old), and what building it with changed input gives (new)."""
    made_once("hardening-states", _states, tmp_path)
    work, old, new = tmp_path / "work", snapshot(tmp_path / "work"), snapshot(tmp_path / "ahead")
    # Every file changes but the schemas, which depend on no title (feeds.json names each
    # publication's feed by its title).
    same = {"feeds/releases.schema.json", "feeds/feeds.schema.json"}
    assert all(old[name] != new[name] for name in old if name not in same)
    return work, old, new


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_each_file_old_or_new(states):
    work, old, new = states
    # Each file must be old or new, so each is read as either was: each read once, here.
    for files in (old, new):
        for name, data in files.items():
            if name.endswith(".ics"):
                icalendar.Calendar.from_ical(data)
        tomllib.loads(files["record"].decode())
    timer = time.monotonic()
    assert subprocess.run([*BUILD[:3], "--help"], stdout=subprocess.DEVNULL).returncode == 0
    started = time.monotonic() - timer  # before this, a build has not even read its schedules
    assert subprocess.run([*BUILD, "--as-of", "2014-09-01"], cwd=work).returncode == 0
    duration = time.monotonic() - timer - started
    outcomes = set()
    chance = random.Random(20141016)
    kills = 20
    for k in range(kills):
        restore(work, old)
        process = subprocess.Popen(
            [*BUILD, "--as-of", "2014-09-01"], cwd=work, stdout=subprocess.DEVNULL
        )
        # Some kills land before the renames, some among them, some after the build is done:
        # one in each of `kills` equal spans from its start-up to half as long again as a build.
        span = (1.5 * duration - started) / kills
        time.sleep(started + span * (k + chance.random()))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(work)
        assert now.keys() == new.keys()  # no file, the record above all, is ever missing
        for name, data in now.items():
            assert data in (old.get(name), new[name]), name
        outcomes.add(tuple(now[n] == new[n] for n in sorted(new) if n in now))
    assert len(outcomes) > 1  # the kills landed at different moments
    # The next build completes the work and sweeps up what the killed one left.
    assert subprocess.run([*BUILD, "--as-of", "2014-09-01"], cwd=work).returncode == 0
    assert snapshot(work) == new
    assert not [p for p in (work / "feeds").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow  # three real processes race for the lock
def test_concurrent_build_and_move_lose_nothing(states):
    work, old, _ = states
    restore(work, old)
    # Dated as the builds are: no change may be dated before the last build.
    move = [sys.executable, "-m", "calendar_gen", "move", "asylum-statistics", "2014-10-14",
            "2014-10-15", "--reason", "late data", "--as-of", "2014-09-01"]  # fmt: skip
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
    moved = [
        r for r in record["release"] if r["id"] == "asylum-statistics" and r["month"] == "2014-10"
    ]
    assert len(moved) == 1 and moved[0]["change"][0]["reason"] == "late data"
    # April's four (built on 1 April, up to 29 April: 3, 8, 9 and 16 April), the moved
    # October release, and September's three (4, 9 and 10 September); and the 18 of May to
    # August, shown as provisional on 1 April, whose days passed unconfirmed: kept as shown.
    assert len(record["release"]) == 8 + 18
    kept = [r for r in record["release"] if "confirmed" not in r and "change" not in r]
    assert len(kept) == 18 and all("2014-05-01" <= str(r["date"]) < "2014-09-01" for r in kept)
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


# --- the output folder read like a schedule ---------------------------------------------------


def everything(folder) -> dict[str, object]:
    """Every name under `folder`, hidden ones too, with its bytes, its link's target or its
    kind; nothing is opened but regular files, so a FIFO never blocks the listing. The lock
    is left out: every run writes its pid there."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if path.name == ".calendar-gen.lock":
            continue
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = ("link", os.readlink(path))
        elif path.is_fifo():
            found[name] = "fifo"
        elif path.is_dir():
            found[name] = "folder"
        elif (stat := path.stat()).st_size > 2**24:
            # A planted sparse giant: read, it would take seconds. Any write to it changes
            # its mtime, and a replacement (how calendar-gen writes) its inode.
            found[name] = ("large", stat.st_size, stat.st_mtime_ns, stat.st_ino)
        else:
            found[name] = path.read_bytes()
    return found


DEEP = "[\n  " + "[" * 100_000 + "]" * 100_000 + "\n]\n"


def _fifo(path):
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _zero_link(path):
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


def _folder(path):
    path.unlink(missing_ok=True)
    path.mkdir()
    (path / "kept").write_text("someone's")


def _huge(path):
    # Sparse: past every limit on what calendar-gen writes, though it takes no disk.
    path.unlink(missing_ok=True)
    with open(path, "wb") as file:
        file.truncate(600 * 2**20)


def _deep(path):
    path.write_text(DEEP)


MANIFEST = "feeds/.calendar-gen-build.json"
JOURNAL = "schedules/.calendar-gen-journal.json"
PLANTED = [
    ("feeds/releases.json", _fifo, "is a FIFO", "restore it from the published site"),
    ("feeds/releases.json", _zero_link, "is a symbolic link", "--published FILE"),
    ("feeds/releases.json", _deep, "nested too deeply", "--published FILE"),
    ("feeds/all.ics", _fifo, "is a FIFO", "remove it and build again"),
    ("feeds/all.ics", _zero_link, "is a symbolic link", "remove it and build again"),
    ("feeds/all.ics", _huge, "is 629,145,600 bytes, more than the 536,870,912", "remove it"),
    ("feeds/releases.json", _huge, "is 629,145,600 bytes, more than", "--published FILE"),
    (MANIFEST, _huge, "is 629,145,600 bytes, more than the 16,777,216", "remove it and build"),
    (MANIFEST, _fifo, "is a FIFO", "remove it and build again"),
    (MANIFEST, _folder, "is a folder", "remove it and build again"),
    (JOURNAL, _fifo, "is a FIFO", "remove it and run again"),
    (JOURNAL, _zero_link, "is a symbolic link", "remove it and run again"),
    ("feeds/index.html", _folder, "is a folder, where calendar-gen writes a file", "Move it away"),
    ("feeds/releases.csv", _folder, "is a folder, where calendar-gen writes a file",
     "Move it away"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "plant", "why", "fix"), PLANTED)
def test_a_file_planted_in_the_output_is_refused_and_nothing_changes(states, name, plant, why,
                                                                     fix, run_limited):  # fmt: skip
    work, _, _ = states
    plant(work / name)
    before = everything(work)
    result = run_limited("build", "--as-of", "2014-09-01", cwd=work)
    assert result.returncode == 2, result.stderr
    assert f"{name.split('/', 1)[1]}: " in result.stderr
    assert why in result.stderr and fix in result.stderr
    assert "Traceback" not in result.stderr
    assert everything(work) == before  # no byte changed, no temporary file left


def test_a_refused_next_year_is_never_finished_by_a_later_build(tmp_path, run_limited):
    work = tmp_path / "work"
    shutil.copytree(SHIPPED, work / "schedules")
    programme = work / "schedules" / "programme.toml"
    programme.write_text(programme.read_text().replace("ends = 2015-03-31\n", ""))
    assert run_cli("build", "--as-of", "2015-03-01", cwd=work).returncode == 0
    _folder(work / "feeds" / "releases.csv")
    before = everything(work)
    rolled = run_limited("next-year", "--as-of", "2015-03-01", cwd=work)
    assert rolled.returncode == 2, rolled.stderr
    assert "releases.csv: is a folder" in rolled.stderr and "nothing was changed" in rolled.stderr
    assert everything(work) == before
    built = run_limited("build", "--as-of", "2015-03-01", cwd=work)
    assert built.returncode == 2 and everything(work) == before
    assert "releases.csv: is a folder" in built.stderr
    (work / "feeds" / "releases.csv" / "kept").unlink()
    (work / "feeds" / "releases.csv").rmdir()
    assert run_cli("build", "--as-of", "2015-03-01", cwd=work).returncode == 0
    # Built, not rolled: the programme and its record are the year they were.
    assert (work / "schedules" / "programme.toml").read_bytes() == before[
        "schedules/programme.toml"
    ]
    assert (work / "schedules" / "announcements.toml").read_bytes() == before[
        "schedules/announcements.toml"
    ]


def test_a_planted_journal_naming_a_file_outside_changes_nothing(states, tmp_path):
    work, _, _ = states
    precious = tmp_path / "precious"
    precious.write_text("someone else's")
    ours = work / "schedules" / ".calendar-gen-announcements.toml.abc.tmp"
    ours.write_text("not the record")
    steps = [[str(ours), str(work / "schedules" / "announcements.toml")],
             [str(work / "schedules" / "crime.toml"), str(precious)]]  # fmt: skip
    (work / JOURNAL).write_text(json.dumps(steps))
    before, kept = everything(work), precious.read_bytes()
    result = run_cli("build", "--as-of", "2014-09-01", cwd=work)
    assert result.returncode == 2
    assert f".calendar-gen-journal.json: names {precious}, which calendar-gen never" in (
        result.stderr
    )
    assert everything(work) == before and precious.read_bytes() == kept


WEEKLY = """
[[publication]]
id = "weekly-figures"
title = "Weekly figures"
designation = "Official Statistics"
frequency = "weekly"
day = "thursday"
"""


def test_a_calendar_larger_than_max_releases_is_refused_before_anything_is_made(
    tmp_path, run_limited
):
    # Built on 1 April 2014, the calendar runs April 2014 to April 2015: 13 months, so 13
    # monthly releases and 57 Thursdays (five in May, July, October, January and April).
    write_schedules(tmp_path / "schedules", {"test": MONTHLY + WEEKLY},
                    PROGRAMME + "max_releases = 69\n")  # fmt: skip
    said = (
        "schedules/programme.toml: the rules give up to 70 releases from April 2014 to April "
        "2015, more than max_releases = 69; the most from weekly-figures (57), monthly-bulletin "
        "(13). If a frequency or day is wrong, put it right; if the calendar is meant to be this "
        "large, raise max_releases in programme.toml\n"
    )
    for command in ("build", "check"):  # check stops it too, so it can be a gate
        result = run_limited(command, "--as-of", "2014-04-01", cwd=tmp_path)
        assert (result.returncode, result.stderr) == (2, said)
    assert not (tmp_path / "feeds").exists()
    assert not (tmp_path / "schedules" / "announcements.toml").exists()
    (tmp_path / "schedules" / "programme.toml").write_text(PROGRAMME + "max_releases = 70\n")
    built = run_limited("build", "--as-of", "2014-04-01", "--format", "json", cwd=tmp_path)
    assert built.returncode == 0 and "70 releases" in json.loads(built.stdout)["summary"]


def test_max_releases_counts_no_release_of_a_suspended_or_ended_publication(tmp_path, run_limited):
    paused = WEEKLY + '\n[[publication.suspended]]\nperiod = "2014/15"\nreason = "review"\n'
    ended = WEEKLY.replace("weekly-figures", "old").replace("thursday", "friday")
    ended += '\n[publication.ended]\non = 2014-04-30\nreason = "merged"\n'
    # Fridays of April 2014: 4, 11, 18, 25; the suspended one gives only April 2015's five.
    write_schedules(tmp_path / "schedules", {"test": MONTHLY + paused + ended},
                    PROGRAMME + "max_releases = 22\n")  # fmt: skip
    assert run_limited("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    "name",
    ["./all.ics", "//all.ics", "../outside.ics", "{outside}", "all\0.ics", ".", ""],
    ids=["dot", "slashes", "up", "absolute", "nul", "folder", "empty"],
)
def test_a_manifest_naming_anything_but_a_file_of_its_folder_means_build_again(tmp_path, name):
    """A planted manifest may name a file twice over, or outside the folder: it is no
    build's, so the next build is a full one, and no such file is read or taken away."""
    write_schedules(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    feeds, outside = tmp_path / "feeds", tmp_path / "outside.ics"
    shutil.copy2(feeds / "all.ics", outside)  # the same bytes, size and time as all.ics
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    name = name.format(outside=outside)
    manifest["files"][name] = manifest["files"]["all.ics"]
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    again = run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "unchanged)" not in again.stdout  # built in full: the manifest is no build's
    assert outside.read_bytes() == (feeds / "all.ics").read_bytes()
    assert name not in json.loads((tmp_path / MANIFEST).read_text())["files"]
