"""Text made safe for a terminal: what another calendar or the record says is shown, never run."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and C1 controls: ESC alone starts a sequence that can
# retitle, clear or recolour the terminal, and C1's CSI (0x9b) does the same in one character.
# Bidirectional overrides, embeddings, isolates and marks can make a line read as another.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character and direction override shown as an escape (\\x1b)."""
    return _UNSAFE.sub(_visible, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_safe(text: str) -> str:
    """JSON text with each character terminal_safe shows written as its JSON escape (\\u009b):
    the same data to any JSON reader, and nothing a terminal would run. JSON escapes the C0
    controls itself; the others can stand only inside its strings, where an escape is valid."""
    return _UNSAFE.sub(_json_escape, text)
