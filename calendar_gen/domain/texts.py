"""Words shared by every output: dates as people read them, change histories, counts."""

from __future__ import annotations

import datetime as dt
import html
import re
from enum import StrEnum

from calendar_gen.domain.history import long_date as long_date  # dates as people read them

# Control characters that can end a property, forge a line or move a terminal's cursor.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Direction overrides and isolates: in a title or an attribute no element can contain them.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class Named(StrEnum):
    """A kind whose value is a name people read; its slug, 'england-and-wales', is how the
    page's filters and the feeds' file names write it."""

    @property
    def slug(self) -> str:
        return "-".join(self.value.lower().split())


def one_line(text: str) -> str:
    """`text` with each run of white space, line breaks among them, one space: a title sent
    with a line break would otherwise start a line of its own in what is printed."""
    return " ".join(text.split())


def short_date(day: dt.date) -> str:
    return f"{day:%a %d %b %Y}"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 release', '2 releases', '2 clashes' (with `many`)."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def plain_html(text: str) -> str:
    """A text where no markup may go (an attribute, a title, an SVG description): escaped,
    without control characters or direction overrides, which it cannot hold to itself."""
    return html.escape(BIDI.sub("", CONTROL.sub("", text)))
