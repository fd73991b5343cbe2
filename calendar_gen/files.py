"""Reading the TOML files people write: one place that turns every failure into a Problem."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from calendar_gen.errors import Problem


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """The file's tables, or the problem that stops it being read (never both)."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8")), None
    except UnicodeDecodeError as error:
        return None, Problem(shown, f"is not UTF-8 text (byte {error.start})")
    except tomllib.TOMLDecodeError as error:
        return None, Problem(shown, f"invalid TOML: {error}")
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, nesting 3,000 deep
        return None, Problem(shown, f"invalid TOML: {error or 'nested too deeply'}")
    except OSError as error:
        return None, Problem(shown, f"cannot be read: {error.strerror}")
