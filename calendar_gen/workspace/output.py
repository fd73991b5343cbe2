"""Writing files: all of a build or none of it, each file replaced atomically, one run at a time."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import filecmp
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from calendar_gen.errors import CalendarGenError, OutputError
from calendar_gen.workspace.readback import NOTE_LIMIT, loads, read_back

LOCK_FILE = ".calendar-gen.lock"
# The renames a run was about to make: a run killed among them is completed by the next one,
# so the files of one build or roll (record, feeds, programme.toml) are all old or all new.
JOURNAL = ".calendar-gen-journal.json"
# Temporary files start with this, so a sweep removes ours and never another program's.
TEMP_PREFIX = ".calendar-gen-"
TEMP_SUFFIX = ".tmp"


class BusyError(CalendarGenError):
    """Another run holds the schedules folder."""


Content = str | Iterable[str]  # a file's text, whole or as pieces written one after another

_ONE_BY_ONE = 8  # staged files synced each on its own; more are synced at once


def _stage(path: Path, content: Content) -> Path:
    """Write `content` to a temporary file beside `path`, piece by piece."""
    # The name only says whose it is; cut short, it leaves room under the system's limit.
    prefix = f"{TEMP_PREFIX}{path.name[:64]}."
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=TEMP_SUFFIX)
    temp = Path(name)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            handle.writelines([content] if isinstance(content, str) else content)
        temp.chmod(0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_staged(staged: list[tuple[Path, Path]]) -> None:
    """Make every staged file durable before any is renamed into place."""
    if len(staged) > _ONE_BY_ONE:
        _flush_filesystems({temp.parent for _, temp in staged})
    for path, temp in staged:
        try:
            _sync(temp)
        except OSError as error:
            message = f"{path}: cannot be written: {error.strerror}; nothing was changed"
            raise OutputError(message) from None


def _flush_filesystems(folders: set[Path]) -> None:
    """On Linux, write out all the filesystems holding `folders` at once, so that each
    staged file's fsync after it finds little left to write; elsewhere, nothing."""
    # A fsync a file forced a journal commit each: 30,000 for a large build. syncfs(2)
    # flushes one filesystem, not every disk on the machine as sync(2) would (a stuck
    # network mount would hang the build); Python's os has no syncfs, so ctypes calls it.
    # It says nothing of which file failed, so each file's fsync still runs and says that.
    if sys.platform != "linux":
        return
    try:
        import ctypes  # here only: a small build never loads it

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):  # no libc of that kind: fsync each
        return
    for folder in folders:
        try:  # a flush that cannot be made leaves the fsyncs to do it, and to say why
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            syncfs(fd)
        finally:
            os.close(fd)


def publish(files: Iterable[tuple[Path, Content]], journal: Path | None = None) -> list[Path]:
    """Write every file or none; return those whose content changed.

    Files may be produced lazily, one at a time, so a large build never holds them all.
    Each is staged in a temporary file first, so a full disk or a failed write changes
    nothing; then each is renamed into place, in order, so a reader sees the old file or the
    new one, never half. With a `journal` (in the locked folder), the renames are noted
    first, and a run killed among them is completed by the next (complete_interrupted).
    Unchanged files are not touched.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in files:
            staged.append((path, temp := _stage(path, content)))
            if path.is_file() and filecmp.cmp(temp, path, shallow=False):
                staged.pop()
                temp.unlink()
        _sync_staged(staged)
        _refuse_folders(staged)  # before anything is renamed, or a journal noted
    except BaseException as error:
        _discard(staged)
        if isinstance(error, OSError):
            message = f"{path}: cannot be written: {error.strerror}; nothing was changed"
            raise OutputError(message) from None
        raise
    noted = journal is not None and len(staged) > 1 and _note(journal, staged)
    _rename(staged, lambda: _discard(staged, journal if noted else None))
    if noted and journal is not None:
        journal.unlink()
        _sync(journal.parent)
    return [path for path, _ in staged]


def _discard(staged: list[tuple[Path, Path]], journal: Path | None = None) -> None:
    for _, temp in staged:
        temp.unlink(missing_ok=True)
    if journal is not None:
        journal.unlink(missing_ok=True)


def _refuse_folders(staged: list[tuple[Path, Path]]) -> None:
    """Refuse a folder where a file goes: no rename could replace it."""
    for path, _ in staged:
        if path.is_dir() and not path.is_symlink():
            raise OutputError(
                f"{path}: is a folder, where calendar-gen writes a file; nothing was changed. "
                "Move it away and run again."
            )


def _rename(staged: list[tuple[Path, Path]], undo: Callable[[], None] = lambda: None) -> None:
    """Rename each temporary file into place. When the first rename fails, `undo` clears up
    and nothing has changed; a later one leaves the rest to the next run, as a kill would."""
    for done, (path, temp) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as error:
            if not done:
                undo()
            left = "run again to finish" if done else "nothing was changed"
            raise OutputError(f"{path}: cannot be replaced: {error.strerror}; {left}") from None
    for folder in {path.parent for path, _ in staged}:
        _sync(folder)


def _note(journal: Path, staged: list[tuple[Path, Path]]) -> bool:
    """Note the renames to make, durably; False where the folder cannot take it (read-only)."""
    # Each folder resolved once, not each of a build's 30,000 files: the rename replaces the
    # name in the folder, a link there included, so the name is what is noted.
    folders: dict[Path, str] = {}
    for path, _ in staged:
        if path.parent not in folders:
            folders[path.parent] = str(path.parent.resolve())
    steps = [[os.path.join(folders[path.parent], temp.name), os.path.join(folders[path.parent],
              path.name)] for path, temp in staged]  # fmt: skip
    text = json.dumps(steps)
    try:
        temp = _stage(journal, text)
        _sync(temp)
        os.replace(temp, journal)
        _sync(journal.parent)
    except OSError:
        return False
    return True


def complete_interrupted(folder: Path) -> int:
    """Make the renames a killed run noted in `folder`'s journal; how many it made."""
    journal = folder / JOURNAL
    fix = "calendar-gen did not write it as it is: remove it and run again"
    try:
        steps = loads(read_back(journal, NOTE_LIMIT, fix))
        staged = [(Path(path), Path(temp)) for temp, path in steps]
    except (OSError, ValueError, TypeError):
        return 0
    # A journal planted in a schedules folder must not rename anything of anyone's: only our
    # own temporary files, each into the file it was staged for. One step that is not that,
    # and it is no journal of ours: refused before anything is renamed.
    if strange := next((path for path, temp in staged if not _staged_for(path, temp)), None):
        raise OutputError(f"{journal}: names {strange}, which calendar-gen never stages; {fix}")
    # The output folder's too: the record keeps the digest of the releases.json the run was
    # writing, which the next build is held to.
    staged = [(path, temp) for path, temp in staged if _ours(temp, path)]
    _rename(staged)
    journal.unlink(missing_ok=True)
    return len(staged)


def _staged_for(path: Path, temp: Path) -> bool:
    """Whether `temp` is named as _stage names the temporary file for `path`."""
    name = temp.name
    return (
        temp.parent == path.parent
        and name.startswith(f"{TEMP_PREFIX}{path.name[:64]}.")
        and name.endswith(TEMP_SUFFIX)
    )


def _ours(temp: Path, path: Path) -> bool:
    return temp.is_file() and not temp.is_symlink() and not path.is_symlink()


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files a killed run left in `folder`: ours only, never another's."""
    for temp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(IsADirectoryError, PermissionError):  # not one of ours
            temp.unlink(missing_ok=True)


def ensure_folder(folder: str | Path) -> Path:
    """Create the output folder if needed, or say clearly why it cannot be used."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the output folder: {error.strerror}") from None
    return out


@contextlib.contextmanager
def locked(folder: Path, wait: float, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold `folder`'s lock, so two builds or changes never interleave their writes; then sweep
    up the temporary files a killed one left there (the record's), as no other run is writing."""
    path = folder / LOCK_FILE
    fd = _open_lock(path)
    if fd is None:  # a read-only folder: nobody writes there, so there is nothing to guard
        yield
        return
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode(errors="replace").split("\n")[0] or "unknown"
            on_wait(f"{folder}: waiting for another calendar-gen run (pid {holder}) to finish")
            deadline = time.monotonic() + wait
            while not _try_lock(fd):
                if time.monotonic() > deadline:
                    raise BusyError(
                        f"{folder}: another calendar-gen run (pid {holder}) is still working "
                        f"on it after {wait:g} s; nothing was written. Try again when it is done."
                    )
                time.sleep(0.05)
        with contextlib.suppress(OSError):  # not on a read-only disk, where nothing is left
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            if done := complete_interrupted(folder):  # before the sweep: its files are noted
                files = f"{done} file{'s' if done != 1 else ''}"
                on_wait(f"{folder}: finished writing the {files} an interrupted run left")
            remove_leftovers(folder)
        yield
    finally:
        os.close(fd)  # closing releases the lock, even if the process is killed


def _open_lock(path: Path) -> int | None:
    """Open the lock file, refusing anything but a regular file of its own, so a link planted
    in its place never gets another file truncated and overwritten with a pid."""
    # O_NONBLOCK: a FIFO planted there must not hang the open; it is refused below.
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as error:
        with contextlib.suppress(OSError):
            _refuse_odd_lock(path, os.lstat(path))
        if error.errno not in (errno.EROFS, errno.EACCES):
            raise OutputError(f"{path}: cannot take the lock: {error.strerror}") from None
        # A read-only folder: lock an existing file for reading, if there is one, else go
        # without; a run that needs to write there says so when it tries.
        try:
            fd = os.open(path, flags & ~(os.O_RDWR | os.O_CREAT) | os.O_RDONLY)
        except OSError:
            return None
    try:
        _refuse_odd_lock(path, os.fstat(fd))
    except OutputError:
        os.close(fd)
        raise
    return fd


def _refuse_odd_lock(path: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        problem = "is a symbolic link"
    elif not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file"
    elif info.st_nlink != 1:  # a hard link to another file: writing the pid would clobber it
        problem = "has other names (hard links), so it may be another file"
    else:
        return
    raise OutputError(
        f"{path}: {problem}; calendar-gen keeps its lock there, so delete it and run again"
    )


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
