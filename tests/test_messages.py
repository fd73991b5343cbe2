"""The mistakes a statistician makes, each answered through the command with one message that
names the file, the publication and the key, shows the value as written, and says what to
write instead."""

import pytest
from helpers import MONTHLY, PROGRAMME, run_cli, write_schedules

T = "schedules/t.toml: publication 'monthly-bulletin': "
P = "schedules/programme.toml: "
REGIONS = '"england-and-wales", "scotland", "northern-ireland", "great-britain", "united-kingdom"'
FREQUENCIES = '"weekly", "fortnightly", "monthly", "quarterly", "bi-annual", "annual", "ad hoc"'
DESIGNATIONS = (
    '"Accredited official statistics", "Official statistics", '
    '"Official statistics in development", "National Statistics", "Experimental statistics"'
)
PUBLICATION_KEYS = (
    "id, title, designation, frequency, description, months, day, roll, holidays, time, "
    "time_reason, suspended, released_with, ended, from, dates, provisional, title_cy, "
    "description_cy, time_reason_cy"
)
PROGRAMME_KEYS = (
    "organisation, period, timezone, release_time, holidays, roll, uid_domain, notice_weeks, "
    "max_releases_per_day, max_releases, blackout, feed_url, ends, accept, govuk_api, "
    "govuk_organisation, organisation_cy, reminder, publication_feeds"
)
DAY_FORMS = (
    "an ordinal weekday ('first|second|third|fourth|last <weekday>', also '1st'..'4th'), a day "
    "of the month (1..31), 'first working day', 'last working day' or 'Nth working day' "
    "(1st..20th)"
)

# (what the topic file's line becomes, the one message expected)
PUBLICATION_MISTAKES = [
    ('frequency = "biannual"',
     f'{T}frequency "biannual" is not one of {FREQUENCIES}; did you mean "bi-annual"?'),
    ('frequncy = "monthly"',
     f'{T}unknown key "frequncy" in a publication (did you mean "frequency"?); allowed: '
     f"{PUBLICATION_KEYS}"),
    ('frequency = "quarterly"',
     f"{T}months is missing; write it like months = [2, 5, 8, 11] (quarterly: 4 month numbers)"),
    ('frequency = "quarterly"\nmonths = [1, 4, 7]',
     f"{T}months [1, 4, 7] names 3 months but a quarterly publication has 4; write it like "
     "months = [2, 5, 8, 11]"),
    ('frequency = "annual"\nmonths = [13]',
     f"{T}months [13] is not a list of month numbers from 1 to 12; write it like "
     "months = [7]"),
    ('frequency = "monthly"\nfrom = 2014-04-08',
     f"{T}from is used only by a fortnightly publication, not a monthly one; remove it"),
    ('frequency = "quarterly"\nmonths = [1, 4, 7, 13]',
     f"{T}months [1, 4, 7, 13] is not a list of month numbers from 1 to 12; write it like "
     "months = [2, 5, 8, 11]"),
    ('frequency = "bi-annual"\nmonths = [1, 1]',
     f"{T}months [1, 1] names a month twice; name each month once"),
    ('frequency = "monthly"\nday = "last thrusday"',
     f'{T}day "last thrusday" is not {DAY_FORMS}; did you mean "last thursday"?'),
    ('frequency = "monthly"\nday = 0', f"{T}day 0 is not a day of the month; write 1 to 31"),
    ('frequency = "monthly"\ndesignation = "Experimental"',
     f'{T}designation "Experimental" is not one of {DESIGNATIONS}; did you mean '
     '"Experimental statistics"?'),
    ('frequency = "monthly"\ntitle = ""',
     f'{T}title "" is empty; write the title between the quotes'),
    ('frequency = "monthly"\nprovisional = "monthly"',
     f'{T}provisional "monthly" is not one of "exact", "month", "two months"; did you mean '
     '"month"?'),
    ('frequency = "weekly"\nday = "thursday"\nprovisional = "month"',
     f'{T}provisional "month" is for monthly, quarterly, bi-annual and annual publications: '
     'a weekly one is announced to the day; remove provisional (or write provisional = '
     '"exact")'),
    ('frequency = "ad hoc"\ndates = [2014-05-06]\nprovisional = "month"',
     f'{T}provisional "month" is for monthly, quarterly, bi-annual and annual publications: '
     'an ad hoc one is announced to the day; remove provisional (or write provisional = '
     '"exact")'),
    ('frequency = "monthly"\nholidays = "uk"',
     f'{T}holidays "uk" is not one of {REGIONS}; did you mean "united-kingdom"?'),
    ('frequency = "monthly"\ntime = "9.30"',
     f'{T}time "9.30" is not a time of day; write it like time = "09:30"'),
    ('frequency = "monthly"\ndescription = 5',
     f'{T}description 5 is not text; write it in quotes: description = "..."'),
    ('frequency = "monthly"\ntitle = "A\\nB"',
     f'{T}title "A\\nB" must not contain line breaks or control characters; keep it to one line'),
    ('frequency = "monthly"\n[[publication.suspended]]\nperiod = "2014-15"\nreason = "x"',
     f'{T}suspended period "2014-15" is not a financial year like "2014/15" or a calendar '
     'year like "2015" between 2000 and 2098'),
]  # fmt: skip


def publication(line: str) -> str:
    """The test topic with its frequency line (and what follows it) replaced by `line`."""
    head, tail = MONTHLY.split('frequency = "monthly"\n')
    line, _, table = line.partition("\n[[")  # a sub-table goes after the publication's keys
    text = head + line + "\n" + tail + (f"[[{table}\n" if table else "")
    if "\nday = " in line or '"ad hoc"' in line:  # the day is wrong or not wanted: drop it
        text = text.replace('day = "second tuesday"\n', "", 1)
    if "\ntitle = " in line or "\ndesignation = " in line:
        key = "title" if "\ntitle = " in line else "designation"
        good = next(g for g in MONTHLY.splitlines() if g.startswith(f"{key} = "))
        text = text.replace(good + "\n", "", 1)
    return text


@pytest.mark.parametrize(("line", "message"), PUBLICATION_MISTAKES)
def test_each_mistake_in_a_publication_gives_one_clear_message(tmp_path, line, message):
    write_schedules(tmp_path / "schedules", {"t": publication(line)})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message, "1 problem found; nothing was written."]
    assert "Traceback" not in result.stderr


PROGRAMME_MISTAKES = [
    ('period = "2014/16"',
     f'{P}period "2014/16" is not a financial year like "2014/15" or a calendar year like '
     '"2015" between 2000 and 2098'),
    ("period = 2027", f'{P}period 2027 is a number; write it in quotes: period = "2027"'),
    ('period = "2014/15"\ntimezone = "Europe/Paris"',
     f'{P}timezone "Europe/Paris" is not one of "Europe/London"'),
    ('period = "2014/15"\nrelease_time = "25:00"',
     f'{P}release_time "25:00" is not a time of day; write it like release_time = "09:30"'),
    ('period = "2014/15"\nuid_domain = "Not A Domain"',
     f'{P}uid_domain "Not A Domain" is not a domain; write it like '
     'uid_domain = "example.gov.uk"'),
    ('period = "2014/15"\n[[blackout]]\nfrom = "2015-03-30"\nuntil = 2015-05-07\nreason = "x"',
     f'{P}from "2015-03-30" is text, not a date; write the date without quotes: '
     "from = 2015-03-30"),
    ('period = "2014/15"\nnotice_weeks = "4"',
     f'{P}notice_weeks "4" is not a whole number from 1 to 52; write it without quotes, like '
     "notice_weeks = 4"),
    ('period = "2014/15"\nreminder = "4pm"',
     f'{P}reminder "4pm" is not a time of day; write it like reminder = "09:30"'),
    ('period = "2014/15"\npublication_feeds = -1',
     f"{P}publication_feeds -1 is not a whole number from 0 to 20000; write it without quotes, "
     "like publication_feeds = 500"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), PROGRAMME_MISTAKES)
def test_each_mistake_in_the_programme_gives_one_clear_message(tmp_path, line, message):
    text = PROGRAMME.replace('period = "2014/15"', line)
    write_schedules(tmp_path / "schedules", programme=text)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message, "1 problem found; nothing was written."]


def test_a_misspelt_programme_key_is_one_mistake(tmp_path):
    text = PROGRAMME.replace("organisation", "organization")
    write_schedules(tmp_path / "schedules", programme=text)
    assert run_cli("check", cwd=tmp_path).stderr.splitlines() == [
        f'{P}unknown key "organization" in the programme (did you mean "organisation"?); '
        f"allowed: {PROGRAMME_KEYS}",
        "1 problem found; nothing was written.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        'frequency = "Quarterly"\nmonths = [2, 5, 8, 11]',
        'frequency = " MONTHLY "\nholidays = "Scotland"\nroll = "Modified-Following"',
        'frequency = "monthly"\ndesignation = "official statistics in development"',
        'frequency = "monthly"\ntime = "7:00"\ntime_reason = "approved by the regulator"',
    ],
)
def test_values_are_read_whatever_their_case_and_spacing(tmp_path, line):
    write_schedules(tmp_path / "schedules", {"t": publication(line)})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_counts_are_in_plain_english(tmp_path):
    write_schedules(tmp_path / "schedules", {"t": publication('frequency = "biannual"\nday = 0')})
    result = run_cli("check", cwd=tmp_path)
    assert result.stderr.splitlines()[-1] == "2 problems found; nothing was written."


# (the line taken out, or replaced, and the one message expected)
MISSING = [
    ('day = "second tuesday"\n', "",
     f'{T}day is missing; write it like day = "last thursday" (or "15", or "first working day")'),
    ('title = "Monthly bulletin"\n', "", f'{T}title is missing; write it like title = "..."'),
    ('id = "monthly-bulletin"\n', "",
     "schedules/t.toml: publication '#1': id is missing; write it like "
     'id = "police-workforce" (lower case, words joined by hyphens)'),
    ('id = "monthly-bulletin"\n', 'id = "Monthly Bulletin"\n',
     "schedules/t.toml: publication '#1': id \"Monthly Bulletin\" is not an id; write "
     'lower-case words joined by hyphens, like id = "monthly-bulletin"'),
    ('day = "second tuesday"\n', 'day = "fifth tuesday"\n',
     f'{T}day "fifth tuesday" is not {DAY_FORMS}'),
    # TOML's hexadecimal numbers have no size limit: 4,000 hexadecimal digits are 16,000 bits,
    # a number of 16,000 x log10(2) = 4,816 decimal digits, more than Python will write out.
    ('id = "monthly-bulletin"\n', "id = 0x" + "f" * 4000 + "\n",
     "schedules/t.toml: publication '#1': id (a number of about 4,816 digits) is not an id; "
     'write lower-case words joined by hyphens, like id = "monthly-bulletin"'),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "message"), MISSING)
def test_a_missing_or_malformed_key_gives_one_clear_message(tmp_path, old, new, message):
    write_schedules(tmp_path / "schedules", {"t": MONTHLY.replace(old, new)})
    result = run_cli("check", cwd=tmp_path)
    assert result.stderr.splitlines() == [message, "1 problem found; nothing was written."]


def test_an_unknown_id_given_to_a_change_gets_the_closest_suggested(tmp_path):
    write_schedules(tmp_path / "schedules")
    result = run_cli("cancel", "monthly-buletin", "2014-05-13", "--reason", "x",
                     "--as-of", "2014-05-01", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "'monthly-buletin' is not a publication in schedules; did you mean \"monthly-bulletin\"?\n"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("day = second tuesday",
         "schedules/t.toml: invalid TOML: Invalid value (at line 8, column 7); text must be in "
         'quotes (day = "second thursday"), dates not (2027-05-06)'),
        ('day = "second tuesday',
         "schedules/t.toml: invalid TOML: Illegal character '\\n' (at line 8, column 22); a "
         "text is missing its closing quote"),
        # A second publication written on without its own [[publication]] line.
        ('day = "second tuesday"\nid = "again"',
         "schedules/t.toml: invalid TOML: Cannot overwrite a value (at line 9, column 13); a "
         "key is given twice: write it once (in a topic file, each publication starts with its "
         "own [[publication]] line)"),
    ],
)  # fmt: skip
def test_toml_mistakes_say_what_they_mean(tmp_path, line, message):
    write_schedules(tmp_path / "schedules", {"t": MONTHLY.replace('day = "second tuesday"', line)})
    result = run_cli("check", cwd=tmp_path)
    assert result.stderr.splitlines() == [message, "1 problem found; nothing was written."]


# --- the mistakes of a first hour: each a file as written, and the one message it gets --------

TOPIC = "schedules/t.toml: "
ACCEPTED = '[[accept]]\ndate = 2014-05-13\nreason = "looked at"\n'
SUSPENDED = '[[publication.suspended]]\nperiod = "2014/15"\nreason = "dropped"\n'
ENDED = '[publication.ended]\non = 2015-01-01\nreason = "replaced"\n'
MOVE_UP = "(TOML puts every key under the table above it)"
RECORD = "".join(
    f'[[release]]\nid = "monthly-bulletin"\nmonth = "2014-{m:02}"\ndate = 2014-{m:02}-{d:02}\n'
    f"confirmed = 2014-04-15\n\n"
    for m, d in ((5, 13), (6, 10), (7, 8))  # the second Tuesdays
)
TRAVEL = MONTHLY.replace("monthly-bulletin", "travel-survey").replace("Test topic", "Travel")
# (what the test files become, the messages expected)
FIRST_HOUR_MISTAKES = {
    "double typographic quotes": (
        {"schedules/t.toml": MONTHLY.replace('title = "Monthly bulletin"',
                                   "title = \u201cSeatbelt and mobile phone use surveys\u201d")},
        [f"{TOPIC}line 5, column 9: title = \u201cSeatbelt and mobile phone use surveys\u201d "
         "has typographic quotes (as Word or Outlook change them), which TOML does not read as "
         'quotes; use straight quotes "...": title = "Seatbelt and mobile phone use surveys"'],
    ),
    "single typographic quotes": (
        {"schedules/t.toml": MONTHLY.replace('"monthly"', "\u2018annual\u2019  # once a year")
         .replace("day =", "months = [7]\nday =")},
        [f"{TOPIC}line 7, column 13: frequency = \u2018annual\u2019  # once a year has "
         "typographic quotes (as Word or Outlook change them), which TOML does not read as "
         'quotes; use straight quotes "...": frequency = "annual"  # once a year'],
    ),
    "an apostrophe inside typographic quotes stays": (
        {"schedules/t.toml": MONTHLY.replace('"Monthly bulletin"',
                                   "\u201cChildren\u2019s services\u201d")},
        [f"{TOPIC}line 5, column 9: title = \u201cChildren\u2019s services\u201d has "
         "typographic quotes (as Word or Outlook change them), which TOML does not read as "
         'quotes; use straight quotes "...": title = "Children\u2019s services"'],
    ),
    "a setting added below [[accept]]": (
        {"schedules/programme.toml": PROGRAMME + "\n" + ACCEPTED + "\nends = 2015-03-31\n"},
        [f"{P}line 8: ends = 2015-03-31 is read as part of the [[accept]] above it {MOVE_UP}; "
         "ends belongs with the settings at the top of the file, above the first [[...]] line "
         "(line 4): move it there"],
    ),
    "topic moved below the publications": (
        {"schedules/t.toml": MONTHLY.replace('topic = "Test topic"\n', "")
         + '\ntopic = "Test topic"\n'},
        [f'{TOPIC}line 9: topic = "Test topic" is read as part of the [[publication]] above '
         f"it {MOVE_UP}; topic belongs with the settings at the top of the file, above the "
         "first [[...]] line (line 2): move it there"],
    ),
    "topic below a publication's [publication.ended]": (
        {"schedules/t.toml": MONTHLY + ENDED + 'topic = "Moved"\n'},
        [f'{TOPIC}line 12: topic = "Moved" is read as part of the [publication.ended] above it '
         f"{MOVE_UP}; topic belongs with the settings at the top of the file, above the first "
         "[[...]] line (line 3): move it there"],
    ),
    "a publication's key below its [[publication.suspended]]": (
        {"schedules/t.toml": MONTHLY + SUSPENDED + 'description = "Monthly figures."\n'},
        [f'{TOPIC}line 12: description = "Monthly figures." is read as part of the '
         f"[[publication.suspended]] above it {MOVE_UP}; description belongs with the "
         "publication's keys, above its [[publication.suspended]] line (line 9): move it "
         "there"],
    ),
    "an announced id renamed": (
        {"schedules/t.toml": MONTHLY.replace('"monthly-bulletin"', '"monthly-stats-bulletin"'),
         "schedules/announcements.toml": RECORD},
        ["schedules/announcements.toml: publication 'monthly-bulletin': id \"monthly-bulletin\" "
         "is not a publication in the schedules, but the record holds 3 announced releases of "
         'it: was it renamed "monthly-stats-bulletin" in schedules/t.toml? An id never changes '
         "once its releases are announced: it is part of every event's UID, and subscribers' "
         "calendars would keep the old events beside new ones. To give it a new title, put "
         'back id = "monthly-bulletin" and change only title. If it was removed, put it back '
         "and mark it ended ([publication.ended] with on = the last day and reason = why)"],
    ),
    "an announced id renamed to one unlike it, the only new id": (
        {"schedules/t.toml": MONTHLY.replace('"monthly-bulletin"', '"crime-figures"'),
         "schedules/announcements.toml": RECORD},
        ["schedules/announcements.toml: publication 'monthly-bulletin': id \"monthly-bulletin\" "
         "is not a publication in the schedules, but the record holds 3 announced releases of "
         'it: was it renamed "crime-figures" in schedules/t.toml? An id never changes '
         "once its releases are announced: it is part of every event's UID, and subscribers' "
         "calendars would keep the old events beside new ones. To give it a new title, put "
         'back id = "monthly-bulletin" and change only title. If it was removed, put it back '
         "and mark it ended ([publication.ended] with on = the last day and reason = why)"],
    ),
    "the same mistake in every entry of the record": (
        {"schedules/announcements.toml": RECORD.replace("confirmed =", "confirmd =")},
        ["schedules/announcements.toml: publication 'monthly-bulletin': unknown key "
         '"confirmd" (did you mean "confirmed"?) in a release; allowed: id, month, date, '
         "confirmed, change"],
    ),
    "a schedule file saved as .toml.txt": (
        {"schedules/travel.toml.txt": TRAVEL},
        ["schedules/travel.toml.txt: looks like a schedule file saved with the wrong name: "
         "rename it travel.toml"],
    ),
    "a schedule file saved as .TOML": (
        {"schedules/Travel.TOML": TRAVEL},
        ["schedules/Travel.TOML: looks like a schedule file saved with the wrong name: rename "
         "it travel.toml"],
    ),
    "an editor's backup of a file that is not there": (
        {"schedules/travel.toml~": TRAVEL},
        ["schedules/travel.toml~: looks like a schedule file saved with the wrong name: rename "
         "it travel.toml"],
    ),
    "a copy beside the file that is read": (
        {"schedules/t.toml.txt": MONTHLY.replace("second tuesday", "third tuesday")},
        ["schedules/t.toml.txt: looks like a copy of t.toml saved with the wrong name; only "
         "t.toml is read: move what you changed into t.toml, then remove t.toml.txt"],
    ),
    "run inside the schedules folder": (
        {"@cwd": "schedules"},
        ["schedules: does not exist (looked for {tmp}/schedules/schedules); this folder is "
         "itself a schedules folder: use --schedules ."],
    ),
    "run inside the feeds folder": (
        {"feeds/all.ics": "", "@cwd": "feeds"},
        ["schedules: does not exist (looked for {tmp}/feeds/schedules); this folder is a feeds "
         "folder, which calendar-gen writes; the schedules are in the folder beside it: use "
         "--schedules ../schedules"],
    ),
    "run above a schedules folder of another name": (
        {"work/rail/programme.toml": PROGRAMME, "@cwd": "work"},
        ["schedules: does not exist (looked for {tmp}/work/schedules); this folder has "
         "schedules in rail: use --schedules rail"],
    ),
    "run where there are no schedules": (
        {"empty/notes.txt": "", "@cwd": "empty"},
        ["schedules: does not exist (looked for {tmp}/empty/schedules); --schedules names a "
         "folder of .toml files"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("files", "messages"), FIRST_HOUR_MISTAKES.values(), ids=FIRST_HOUR_MISTAKES.keys()
)
def test_each_first_hour_mistake_gets_its_own_message(tmp_path, files, messages):
    write_schedules(tmp_path / "schedules", {"t": MONTHLY})
    files = dict(files)
    cwd = tmp_path / files.pop("@cwd", "")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=cwd)
    assert result.returncode == 2
    count = f"{len(messages)} problem{'s' if len(messages) > 1 else ''}"
    expected = [m.replace("{tmp}", str(tmp_path)) for m in messages]
    assert result.stderr.splitlines() == [*expected, f"{count} found; nothing was written."]
    assert "Traceback" not in result.stderr + result.stdout


def test_an_editors_backup_beside_its_file_is_left_alone(tmp_path):
    schedules = write_schedules(tmp_path / "schedules", {"t": MONTHLY})
    (schedules / "t.toml~").write_text(MONTHLY.replace("second", "third"))
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
