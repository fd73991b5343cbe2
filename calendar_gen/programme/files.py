"""Reading the TOML files people write: one place that turns every failure into a Problem."""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from calendar_gen.errors import Problem

NOT_A_SCHEDULE = "not a schedule file; remove it or rename it so it does not end in .toml"


class Refused(Exception):
    """A file left unread; the message says why, following its name ('is a FIFO, ...')."""


class NotRegular(Refused):
    """The file is no regular file: `kind` says what it is ('a FIFO')."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"is {kind}")
        self.kind = kind


class TooLarge(Refused):
    """The file holds `size` bytes, more than `limit`."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"is {size:,} bytes, more than {limit:,}")
        self.size, self.limit = size, limit


def _kind(mode: int) -> str | None:
    """What a file of this mode is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def not_a_file(path: Path, *, follow: bool = True) -> str | None:
    """What `path` is when it is neither a regular file nor (with `follow`) a link to one,
    else None.

    Only stat is used: opening a FIFO blocks until something writes to it.
    """
    try:
        return _kind((os.stat if follow else os.lstat)(path).st_mode)
    except OSError:  # gone, a broken link or a loop of links; reading says what is wrong
        return "a broken link" if path.is_symlink() else None


def open_checked(path: Path, limit: int | None = None, *, follow: bool = True) -> int:
    """A descriptor open for reading on a regular file (or, with `follow`, a link to one) of at
    most `limit` bytes; NotRegular or TooLarge for anything else. Never blocks."""
    if kind := not_a_file(path, follow=follow):
        raise NotRegular(kind)
    # O_NONBLOCK: should a FIFO take the file's place after the check, opening it still
    # returns at once, and the check on the open file refuses it. O_NOFOLLOW: so would a link.
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow:
            raise NotRegular("a symbolic link") from None
        raise
    try:
        status = os.fstat(fd)
        if kind := _kind(status.st_mode):
            raise NotRegular(kind)
        if limit is not None and status.st_size > limit:
            raise TooLarge(status.st_size, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, limit: int | None = None, *, follow: bool = True) -> bytes:
    """The bytes of the file open_checked opens, never more than `limit` + 1 of them read."""
    with open(open_checked(path, limit, follow=follow), "rb") as file:
        data = file.read() if limit is None else file.read(limit + 1)
    if limit is not None and len(data) > limit:  # it grew after the check
        raise TooLarge(len(data), limit)
    return data


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a schedule file: read_bytes, refusals worded for whoever wrote it."""
    try:
        return read_bytes(path, limit)
    except NotRegular as error:
        raise Refused(f"is {error.kind}, {NOT_A_SCHEDULE}") from None
    except TooLarge as error:
        raise Refused(
            f"is {error.size:,} bytes; a schedule file may be at most "
            f"{error.limit:,} bytes ({error.limit / 2**20:g} MiB): split it into smaller files"
        ) from None


BOM = b"\xef\xbb\xbf"  # Windows Notepad starts UTF-8 files with it


def decoded(data: bytes) -> str:
    """A schedule file's text: UTF-8, with or without a byte-order mark. A file in another
    encoding raises UnicodeDecodeError."""
    return data.removeprefix(BOM).decode("utf-8")


def not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    """Where the first byte that is not UTF-8 is, and how to fix the file."""
    start = error.start + (len(BOM) if data.startswith(BOM) else 0)
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return (
        f"line {line}, column {column}: byte 0x{data[start]:02X} is not UTF-8 text (a file "
        "saved as Windows-1252 or Latin-1?); open it in your editor and save it as UTF-8"
    )


Reader = Callable[[str], dict[str, Any] | None]

# What tomllib's terse messages most often mean in a schedule file, in the writer's words.
_HINTS = {
    "Illegal character '\\n'": "a text is missing its closing quote",
    "Invalid value": 'text must be in quotes (day = "second thursday"), dates not (2027-05-06)',
    "Cannot overwrite a value": "a key is given twice: write it once (in a topic file, each "
    "publication starts with its own [[publication]] line)",
    "Cannot declare": "a table is given twice",
    "Unclosed array": "a list is missing its closing ]",
}


def _hint(message: str) -> str:
    return next((f"; {hint}" for start, hint in _HINTS.items() if message.startswith(start)), "")


_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
# Curly double and single quotes, as Word and Outlook autocorrect straight ones.
TYPOGRAPHIC = "\u201c\u201d\u2018\u2019"
# A value between typographic quotes, after "=", "[" or ","; an apostrophe inside stays.
_CURLY = re.compile(
    r"(?P<before>(?:=|\[|,)\s*)[\u201c\u201d\u2018\u2019](?P<text>[^\u201c\u201d\n]*?)"
    r"[\u201c\u201d\u2018\u2019](?=\s*(?:[,\]#]|$))"
)


def _typographic(text: str, message: str) -> str | None:
    """What to say when TOML stopped at a value in typographic quotes, else None."""
    at = _AT.search(message)
    lines = text.splitlines()
    if not at or not 0 < int(at.group(1)) <= len(lines):
        return None
    number, column = int(at.group(1)), int(at.group(2))
    line = lines[number - 1]
    if line[column - 1 : column] not in tuple(TYPOGRAPHIC):
        return None
    fixed = _CURLY.sub(lambda m: m["before"] + '"' + m["text"].replace('"', '\\"') + '"', line)
    return (
        f"line {number}, column {column}: {line.strip()} has typographic quotes (as Word or "
        "Outlook change them), which TOML does not read as quotes; use straight quotes "
        f'"...": {fixed.strip()}'
    )


def read_toml(
    path: Path, shown: str, limit: int | None = None, usual: Reader | None = None
) -> tuple[dict[str, Any] | None, Problem | None]:
    """The file's tables, or the problem that stops it being read (never both).

    Windows line ends (CRLF) are read like any others, as TOML allows. `usual` reads the
    file's usual layout faster than tomllib, exactly as tomllib would, and returns None for
    anything else, which tomllib then reads.
    """
    data, _, problem = read_toml_text(path, shown, limit, usual)
    return data, problem


def read_toml_text(
    path: Path, shown: str, limit: int | None = None, usual: Reader | None = None
) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """As read_toml, with the file's text too ("" when it could not be read), for messages
    that give a key's line."""
    data, text = b"", ""
    try:
        data = read_regular(path, limit)
        text = decoded(data)
        tables = usual(text) if usual else None
        return (tomllib.loads(text) if tables is None else tables), text, None
    except Refused as error:
        return None, text, Problem(shown, str(error))
    except UnicodeDecodeError as error:
        return None, text, Problem(shown, not_utf8(data, error))
    except tomllib.TOMLDecodeError as error:
        message = _typographic(text, str(error)) or f"invalid TOML: {error}{_hint(str(error))}"
        return None, text, Problem(shown, message)
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, nesting 3,000 deep
        return None, text, Problem(shown, f"invalid TOML: {error or 'nested too deeply'}")
    except OSError as error:
        return None, text, Problem(shown, f"cannot be read: {error.strerror}")
