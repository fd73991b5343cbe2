"""Reading back calendar-gen's own files (releases.json, all.ics, the manifest, the journal):
anyone may have put something else in their place, so they are read like a schedule."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from calendar_gen.errors import OutputError
from calendar_gen.programme.files import NotRegular, TooLarge, open_checked

# A whole government's releases.json or all.ics is about 100 MB; a bookkeeping note a few kB.
DATA_LIMIT = 512 * 2**20
NOTE_LIMIT = 16 * 2**20
MISPLACED = "calendar-gen only ever writes a regular file there"


class ReadBackError(OutputError):
    """A file calendar-gen wrote is not what it wrote: the message says how to put it right."""


def _refused(path: Path, error: NotRegular | TooLarge, fix: str) -> ReadBackError:
    if isinstance(error, TooLarge):
        why = f"is {error.size:,} bytes, more than the {error.limit:,} calendar-gen ever writes"
    else:
        why = f"is {error.kind}, and {MISPLACED}"
    return ReadBackError(f"{path}: {why}; {fix}")


@contextlib.contextmanager
def opened(path: Path, limit: int, fix: str) -> Iterator[IO[bytes]]:
    """`path` open for reading, if it is a regular file (not a link) of at most `limit`
    bytes; ReadBackError saying `fix` otherwise. Nothing is opened blocking."""
    try:
        fd = open_checked(path, limit, follow=False)
    except (NotRegular, TooLarge) as error:
        raise _refused(path, error, fix) from None
    with open(fd, "rb") as file:
        yield file


def read_back(path: Path, limit: int, fix: str) -> bytes:
    """The bytes of `path`, on the terms of `opened`; OSError when it cannot be read."""
    with opened(path, limit, fix) as file:
        return file.read(limit + 1)[:limit]  # grown since it was opened: no further


def loads(data: bytes | str) -> Any:
    """JSON as json.loads reads it, but ValueError for nesting too deep to read."""
    try:
        return json.loads(data)
    except RecursionError:  # the C parser checks its depth: this leaves the stack whole
        raise ValueError("nested too deeply for a file calendar-gen wrote") from None


def exists(path: Path) -> bool:
    """Whether anything, a broken link included, has the name `path`."""
    return os.path.lexists(path)
