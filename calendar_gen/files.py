"""Reading the TOML files people write: one place that turns every failure into a Problem."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from calendar_gen.errors import Problem

Reader = Callable[[str], dict[str, Any] | None]


def read_toml(
    path: Path, shown: str, usual: Reader | None = None
) -> tuple[dict[str, Any] | None, Problem | None]:
    """The file's tables, or the problem that stops it being read (never both).

    `usual` reads the file's usual layout faster than tomllib, exactly as tomllib would, and
    returns None for anything else, which tomllib then reads.
    """
    try:
        text = path.read_bytes().decode("utf-8")
        data = usual(text) if usual else None
        return (tomllib.loads(text) if data is None else data), None
    except UnicodeDecodeError as error:
        return None, Problem(shown, f"is not UTF-8 text (byte {error.start})")
    except tomllib.TOMLDecodeError as error:
        return None, Problem(shown, f"invalid TOML: {error}")
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, nesting 3,000 deep
        return None, Problem(shown, f"invalid TOML: {error or 'nested too deeply'}")
    except OSError as error:
        return None, Problem(shown, f"cannot be read: {error.strerror}")
