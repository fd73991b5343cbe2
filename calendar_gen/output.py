"""Writing a build's files: each one replaced atomically, unchanged ones left alone."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from calendar_gen.errors import OutputError


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a reader sees the old file or the new, never half."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_files(folder: str | Path, files: dict[str, str]) -> list[str]:
    """Write `files` (name -> text) into `folder`; return the names whose content changed."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the output folder: {error.strerror}") from None
    if not out.is_dir():
        raise OutputError(f"{folder}: is not a folder")
    changed = []
    for name, text in files.items():
        path = out / name
        data = text.encode()
        try:
            if path.is_file() and path.read_bytes() == data:
                continue
            write_atomic(path, data)
        except OSError as error:
            raise OutputError(f"{path}: cannot be written: {error.strerror}") from None
        changed.append(name)
    return changed
