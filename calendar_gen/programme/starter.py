"""The files `calendar-gen init` writes: a commented programme and a topic that builds at once."""

from __future__ import annotations

from calendar_gen.domain.model import Period
from calendar_gen.errors import shown
from calendar_gen.programme.schedule import slugify
from calendar_gen.workspace.output import JOURNAL, LOCK_FILE, TEMP_PREFIX, TEMP_SUFFIX

PROGRAMME = """\
# The settings every topic file shares. Each key is explained in the README's
# "Schedule files" section; delete what you do not need.
organisation = {organisation}

# The last part of every release's UID, which calendars know it by: set once, never changed
# (renaming the organisation does not change it).
uid_domain = {uid_domain}

# The period the calendar starts from: a financial year like "2027/28" (April to March) or
# a calendar year like "2027". `calendar-gen next-year` moves it on.
period = {period}

# Releases are at 09:30 on working days unless a publication says otherwise.
release_time = "09:30"

# Whose bank holidays close a day: england-and-wales, scotland, northern-ireland,
# great-britain or united-kingdom.
holidays = "england-and-wales"

# A date that falls on a weekend or bank holiday moves to the next working day.
roll = "following"

# Releases this close to today are confirmed, and from then on change only with a reason.
notice_weeks = 4

# The address the feeds folder will be published at, for the page's subscribe links and
# each event's link to its release on the page:
# feed_url = "https://www.example.gov.uk/statistics/feeds"

# Reminder feeds too: each release with one reminder at this time on the working day before.
# reminder = "16:00"

# A feed for each publication, for up to this many publications (0: none).
# publication_feeds = 500
"""

TOPIC = """\
# One topic: its file name ({slug}.toml) names its feed ({slug}.ics). Add a
# [[publication]] table for each publication; copy this one to start.
topic = "Example statistics"

[[publication]]
id = "example-bulletin"            # lower case and hyphens; never change it once announced
title = "Example bulletin"
designation = "Official statistics"  # or "Accredited official statistics",
                                     # "Official statistics in development"
frequency = "monthly"              # weekly, fortnightly, monthly, quarterly, bi-annual,
                                   # annual or ad hoc
day = "second thursday"            # or "15", "last working day", "3rd working day" ...
description = "What subscribers should know about this publication."
# provisional = "month"            # announce provisional dates as "May 2027" (or
                                   # "two months": "May to June 2027"), as GOV.UK can
"""

TOPIC_SLUG = "statistics"

# What a run leaves in the schedules folder for itself: committed with the schedules, the
# lock or a half-written file would reach everyone who clones them.
GITIGNORE = f"""\
# calendar-gen's own files, never part of the schedules.
{LOCK_FILE}
{JOURNAL}
{TEMP_PREFIX}*{TEMP_SUFFIX}
"""


def starter_files(organisation: str, period: Period) -> dict[str, str]:
    """The starter files' names and texts."""
    return {
        "programme.toml": PROGRAMME.format(
            organisation=shown(organisation),
            uid_domain=shown(slugify(organisation)),
            period=shown(period.name),
        ),
        f"{TOPIC_SLUG}.toml": TOPIC.format(slug=TOPIC_SLUG),
        ".gitignore": GITIGNORE,
    }
