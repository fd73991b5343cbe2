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


def save(path: Path, text: str) -> None:
    """Replace one file atomically, or raise OutputError naming it."""
    try:
        write_atomic(path, text.encode())
    except OSError as error:
        raise OutputError(f"{path}: cannot be written: {error.strerror}") from None


def ensure_folder(folder: str | Path) -> Path:
    """Create the output folder if needed, or say clearly why it cannot be used."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the output folder: {error.strerror}") from None
    return out


def write_files(folder: str | Path, files: dict[str, str]) -> list[str]:
    """Write `files` (name -> text) into `folder`; return the names whose content changed."""
    out = ensure_folder(folder)
    changed = []
    for name, text in files.items():
        path = out / name
        if path.is_file() and path.read_bytes() == text.encode():
            continue
        save(path, text)
        changed.append(name)
    return changed
