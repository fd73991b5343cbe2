"""calendar-gen: working-day release dates and iCalendar feeds for official statistics."""

__version__ = "0.1.0"
