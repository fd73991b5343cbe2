"""Writing files safely in folders shared with other programs: the lock and temporary files."""

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import SHIPPED, published, run_cli, write_schedules

from calendar_gen.errors import OutputError
from calendar_gen.workspace.output import LOCK_FILE, locked, publish, remove_leftovers

PRECIOUS = "someone else's file\n"


def _take_lock(folder: Path) -> None:
    with locked(folder, 0, lambda message: None):
        pass


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path):
    precious = tmp_path / "precious"
    precious.write_text(PRECIOUS)
    (tmp_path / LOCK_FILE).symlink_to(precious)
    with pytest.raises(OutputError) as refused:
        _take_lock(tmp_path)
    assert str(tmp_path / LOCK_FILE) in str(refused.value)
    assert "symbolic link" in str(refused.value) and "delete it" in str(refused.value)
    assert precious.read_text() == PRECIOUS


def test_a_dangling_symlinked_lock_file_creates_nothing(tmp_path):
    (tmp_path / LOCK_FILE).symlink_to(tmp_path / "created")
    with pytest.raises(OutputError, match="delete it"):
        _take_lock(tmp_path)
    assert not (tmp_path / "created").exists()


def test_a_hard_linked_lock_file_is_refused_and_untouched(tmp_path):
    precious = tmp_path / "precious"
    precious.write_text(PRECIOUS)
    os.link(precious, tmp_path / LOCK_FILE)
    with pytest.raises(OutputError, match=r"other names.*delete it"):
        _take_lock(tmp_path)
    assert precious.read_text() == PRECIOUS


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_lock_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    lock = tmp_path / LOCK_FILE
    lock.mkdir() if kind == "folder" else os.mkfifo(lock)
    with pytest.raises(OutputError) as refused:
        _take_lock(tmp_path)
    assert str(lock) in str(refused.value)
    assert "not a regular file" in str(refused.value) and "delete it" in str(refused.value)


def test_the_lock_holds_the_pid_and_is_not_inherited(tmp_path):
    with locked(tmp_path, 0, lambda message: None):
        assert (tmp_path / LOCK_FILE).read_text() == f"{os.getpid()}\n"
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
        lock_fds = [
            fd for fd in fds if os.path.realpath(f"/proc/self/fd/{fd}") == str(tmp_path / LOCK_FILE)
        ]
        assert lock_fds and all(not os.get_inheritable(fd) for fd in lock_fds)


def test_a_build_refuses_a_symlinked_lock_and_says_what_to_do(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    precious = tmp_path / "precious"
    precious.write_text(PRECIOUS)
    (schedules / LOCK_FILE).symlink_to(precious)
    result = run_cli("build", cwd=tmp_path)
    assert result.returncode == 2
    assert f"schedules/{LOCK_FILE}: is a symbolic link" in result.stderr
    assert "delete it" in result.stderr and "Traceback" not in result.stderr
    assert precious.read_text() == PRECIOUS
    assert not (tmp_path / "feeds").exists()


def test_leftovers_are_only_our_own_temporary_files(tmp_path):
    theirs = [".session.tmp", ".announcements.toml.x1y2.tmp", ".calendar-gen.tmp", "keep.tmp"]
    for name in theirs:
        (tmp_path / name).write_text("another program's")
    ours = tmp_path / ".calendar-gen-all.ics.k2j4h5.tmp"
    ours.write_text("half a feed")
    remove_leftovers(tmp_path)
    assert not ours.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(theirs)


def test_remove_leftovers_leaves_folders_alone(tmp_path):
    folder = tmp_path / ".calendar-gen-odd.tmp"
    folder.mkdir()
    remove_leftovers(tmp_path)
    assert folder.is_dir()


def test_temporary_files_carry_our_prefix(tmp_path):
    seen: list[str] = []

    def pieces():
        yield "BEGIN"
        seen.extend(p.name for p in tmp_path.iterdir())  # the half-written file is there now
        yield "END"

    assert publish([(tmp_path / "all.ics", pieces())]) == [tmp_path / "all.ics"]
    assert len(seen) == 1 and seen[0].startswith(".calendar-gen-all.ics.")
    assert seen[0].endswith(".tmp")
    assert [p.name for p in tmp_path.iterdir()] == ["all.ics"]


def test_a_long_file_name_still_has_room_for_its_temporary_file(tmp_path):
    path = tmp_path / ("a" * 250 + ".ics")
    assert publish([(path, "data")]) == [path]
    assert path.read_text() == "data"


def test_a_build_keeps_other_programs_files_and_sweeps_ours(tmp_path):
    schedules = write_schedules(tmp_path / "schedules")
    out = tmp_path / "home"
    out.mkdir()
    (out / ".session.tmp").write_text("another program's")
    (out / ".calendar-gen-test.ics.abc123.tmp").write_text("left by a killed build")
    # A record write killed before its rename leaves its temporary file beside the record.
    (schedules / ".calendar-gen-announcements.toml.abc123.tmp").write_text("half a record")
    (schedules / ".notes.tmp").write_text("the user's")
    result = run_cli("build", "--out", str(out), "--as-of", "2014-04-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / ".session.tmp").read_text() == "another program's"
    assert (schedules / ".notes.tmp").read_text() == "the user's"
    left = [p.name for p in [*out.iterdir(), *schedules.iterdir()] if p.name.endswith(".tmp")]
    assert sorted(left) == [".notes.tmp", ".session.tmp"]
    assert "all.ics" in [p.name for p in published(out)]


@pytest.fixture
def read_only(tmp_path):
    """The shipped schedules in a folder mounted read-only (a checkout on a read-only disk)."""
    source, folder = tmp_path / "source", tmp_path / "schedules"
    shutil.copytree(SHIPPED, source, ignore=shutil.ignore_patterns(".*"))
    folder.mkdir()
    mounts = [["mount", "--bind", str(source), str(folder)],
              ["mount", "-o", "remount,ro,bind", str(folder)]]  # fmt: skip
    for command in mounts:  # root on this project's machines and CI can; elsewhere it fails
        subprocess.run(command, check=True, capture_output=True)
    try:
        with pytest.raises(OSError):  # the fault is really there
            (folder / "probe").write_text("")
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_build_from_a_read_only_schedules_folder_is_a_clear_error(read_only, tmp_path):
    # Every build notes its day in the record ([published]), which guards the past wherever
    # the next build runs: one that cannot note it publishes nothing.
    out = tmp_path / "feeds"
    result = run_cli("build", "--schedules", str(read_only), "--out", str(out))
    assert result.returncode == 2
    assert "announcements.toml: cannot be written: Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(out.iterdir())


def test_a_read_only_schedules_folder_that_must_change_is_a_clear_error(read_only, tmp_path):
    # A move writes the record, which a read-only disk cannot take.
    out = tmp_path / "feeds"
    result = run_cli("move", "asylum-statistics", "2014-06-10", "2014-06-11", "--reason", "x",
                     "--schedules", str(read_only), "--as-of", "2014-05-20")  # fmt: skip
    assert result.returncode == 2
    assert "announcements.toml: cannot be written: Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_planted_journal_is_refused_before_it_renames_anything(tmp_path):
    import json

    folder = tmp_path / "schedules"
    folder.mkdir()
    precious = tmp_path / "precious"
    precious.write_text(PRECIOUS)
    planted = folder / "evil.toml"
    planted.write_text("overwritten")
    ours = folder / ".calendar-gen-record.toml.abc.tmp"
    ours.write_text("new record")
    steps = [[str(ours), str(folder / "record.toml")], [str(planted), str(precious)]]
    (folder / ".calendar-gen-journal.json").write_text(json.dumps(steps))
    with pytest.raises(OutputError) as refused:
        _take_lock(folder)
    assert f".calendar-gen-journal.json: names {precious}, which calendar-gen never" in str(
        refused.value
    )
    assert "remove it and run again" in str(refused.value)
    # Not even the step that looked like ours was taken, and the journal is still there.
    assert precious.read_text() == PRECIOUS
    assert planted.read_text() == "overwritten"
    assert ours.read_text() == "new record" and not (folder / "record.toml").exists()
    assert (folder / ".calendar-gen-journal.json").exists()


def test_a_journal_of_ours_finishes_every_rename_it_noted(tmp_path):
    # The output folder's too: the record names the digest of the releases.json the killed
    # run was writing, and the next build is held to it.
    import json

    folder, feeds = tmp_path / "schedules", tmp_path / "feeds"
    folder.mkdir()
    feeds.mkdir()
    ours = folder / ".calendar-gen-record.toml.abc.tmp"
    ours.write_text("new record")
    feed = feeds / ".calendar-gen-all.ics.abc.tmp"
    feed.write_text("new feed")
    steps = [[str(ours), str(folder / "record.toml")], [str(feed), str(feeds / "all.ics")]]
    (folder / ".calendar-gen-journal.json").write_text(json.dumps(steps))
    _take_lock(folder)
    assert (folder / "record.toml").read_text() == "new record"
    assert (feeds / "all.ics").read_text() == "new feed"
    assert not (folder / ".calendar-gen-journal.json").exists()


def _watch_writes(monkeypatch: pytest.MonkeyPatch, fail_on: int | None = None) -> list[str]:
    """What publish asks of the disk, in order: each syncfs, fsync and rename; the
    `fail_on`th fsync fails as a disk that cannot write would."""
    done: list[str] = []
    real_cdll, real_fsync, real_replace = ctypes.CDLL, os.fsync, os.replace

    class Libc:
        def __init__(self, *args: Any, **options: Any) -> None:
            self.real = real_cdll(*args, **options)

        def syncfs(self, fd: int) -> int:
            done.append("syncfs")
            return self.real.syncfs(fd)

    def fsync(fd: int) -> None:
        done.append("fsync")
        if done.count("fsync") == fail_on:
            raise OSError(5, "Input/output error")
        real_fsync(fd)

    def replace(source: str | Path, target: str | Path) -> None:
        done.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(ctypes, "CDLL", Libc)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return done


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs(2) is Linux's")
def test_many_files_flush_their_filesystem_at_once_and_each_is_still_synced_before_any_rename(
    tmp_path, monkeypatch
):
    done = _watch_writes(monkeypatch)
    files = [(tmp_path / f"feed-{n}.ics", f"feed {n}\n") for n in range(20)]
    publish(files)
    files_synced = done.index("rename")
    assert done[:files_synced] == ["syncfs"] + ["fsync"] * 20  # one folder: one filesystem
    assert done[files_synced:].count("rename") == 20
    assert [(path, path.read_text()) for path, _ in files] == files


def test_a_few_files_are_synced_one_by_one(tmp_path, monkeypatch):
    done = _watch_writes(monkeypatch)
    publish([(tmp_path / "a.json", "{}\n"), (tmp_path / "b.json", "[]\n")])
    assert done[:3] == ["fsync", "fsync", "rename"] and "syncfs" not in done


def test_a_write_the_disk_fails_names_its_file_and_changes_nothing(tmp_path, monkeypatch):
    kept = {f"feed-{n}.ics": "as published\n" for n in range(12)}
    for name, text in kept.items():
        (tmp_path / name).write_text(text)
    done = _watch_writes(monkeypatch, fail_on=5)
    with pytest.raises(OutputError) as refused:
        publish([(tmp_path / name, "changed\n") for name in kept])
    assert done.count("fsync") == 5 and "rename" not in done  # it reached the failing write
    assert str(refused.value) == (
        f"{tmp_path / 'feed-4.ics'}: cannot be written: Input/output error; nothing was changed"
    )
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == kept


@pytest.mark.parametrize("missing", [OSError("no libc"), AttributeError("syncfs")])
def test_without_syncfs_each_file_is_synced_on_its_own(tmp_path, monkeypatch, missing):
    done = _watch_writes(monkeypatch)

    def no_libc(*args: Any, **options: Any) -> None:
        done.append("libc")
        raise missing

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    files = [(tmp_path / f"feed-{n}.ics", f"feed {n}\n") for n in range(12)]
    publish(files)
    assert (
        done[: done.index("rename")] == ["libc"] * sys.platform.startswith("linux") + ["fsync"] * 12
    )
    assert [(path, path.read_text()) for path, _ in files] == files
