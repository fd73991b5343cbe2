"""Loading schedule folders: what is accepted, and a clear message for everything that is not."""

import datetime as dt
import os
import stat
import threading

import pytest
from helpers import MONTHLY, PROGRAMME, SHIPPED, run_cli, write_schedules

from calendar_gen.domain.model import Designation, Frequency, Period, Publication, YearMonth
from calendar_gen.domain.rules import MonthlyRule, OrdinalWeekday, WeeklyRule
from calendar_gen.domain.workdays import Roll
from calendar_gen.errors import ScheduleError
from calendar_gen.programme.schedule import load_programme


def problems(folder) -> list[str]:
    with pytest.raises(ScheduleError) as error:
        load_programme(folder)
    return [str(p) for p in error.value.problems]


def test_defaults_fill_what_the_programme_leaves_out(tmp_path):
    programme = load_programme(write_schedules(tmp_path))
    assert programme.organisation == "Test Office"
    assert programme.period == Period.parse("2014/15")
    assert programme.timezone == "Europe/London"
    assert programme.release_time == dt.time(9, 30)
    assert programme.uid_domain == "test-office"
    (publication,) = programme.publications
    assert publication.rule.months == tuple(range(1, 13))
    assert publication.rule.day == OrdinalWeekday(2, 1)
    assert publication.rule.roll is Roll.FOLLOWING
    assert publication.rule.region == "england-and-wales"
    assert publication.time == dt.time(9, 30)
    assert publication.topic == "test"


def test_publication_settings_override_the_programme(tmp_path):
    programme_text = (
        PROGRAMME + 'release_time = "07:00"\nholidays = "scotland"\nroll = "preceding"\n'
    )
    topic = MONTHLY.replace('day = "second tuesday"', "day = 15\ntime = 10:00:00")
    topic += (
        '\n[[publication]]\nid = "annual"\ntitle = "A"\ndesignation = "National Statistics"\n'
        'frequency = "annual"\nmonths = [7]\nday = "last friday"\nroll = "modified-following"\n'
        'holidays = "united-kingdom"\n'
    )
    programme = load_programme(write_schedules(tmp_path, {"t": topic}, programme_text))
    monthly, annual = programme.publications
    assert monthly.time == dt.time(10, 0)
    assert monthly.rule.region == "scotland"
    assert monthly.rule.roll is Roll.PRECEDING
    assert annual.time == dt.time(7, 0)
    assert annual.rule.region == "united-kingdom"
    assert annual.rule.roll is Roll.MODIFIED_FOLLOWING


def test_shipped_programme_loads():
    programme = load_programme(SHIPPED)
    assert programme.organisation == "Home Office"
    assert [t.slug for t in programme.topics] == ["crime", "migration", "other", "policing"]
    assert len(programme.publications) == 15


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    folder = write_schedules(
        tmp_path,
        {
            "crime": MONTHLY.replace('frequency = "monthly"', 'frequency = "biweekly"').replace(
                'day = "second tuesday"', 'day = "someday"'
            ),
            "migration": MONTHLY.replace("monthly-bulletin", "other").replace("title", "titel"),
        },
        PROGRAMME.replace('"2014/15"', '"14/15"'),
    )
    found = problems(folder)
    # One message a mistake: the misspelt title is not also reported missing.
    assert len(found) == 4, found
    assert any('programme.toml: period "14/15"' in p for p in found)
    assert any("crime.toml: publication 'monthly-bulletin': frequency" in p for p in found)
    assert any("crime.toml: publication 'monthly-bulletin': day \"someday\"" in p for p in found)
    assert any("migration.toml: publication 'other': unknown key \"titel\"" in p for p in found)


def test_duplicate_id_across_files_names_both(tmp_path):
    found = problems(write_schedules(tmp_path, {"a": MONTHLY, "b": MONTHLY}))
    assert found == [
        f"{tmp_path}/b.toml: publication 'monthly-bulletin': id 'monthly-bulletin' is already "
        f"used in {tmp_path}/a.toml"
    ]


def test_toml_syntax_error_names_file_and_line(tmp_path):
    broken = MONTHLY.replace('title = "Monthly bulletin"', 'title = "Monthly bulletin')
    (found,) = problems(write_schedules(tmp_path, {"crime": broken}))
    assert found.startswith(f"{tmp_path}/crime.toml: invalid TOML: ")
    assert "line 5" in found


def test_invalid_utf8_is_named(tmp_path):
    write_schedules(tmp_path)
    (tmp_path / "test.toml").write_bytes(MONTHLY.encode().replace(b"Monthly", b"Mon\xffthly"))
    (found,) = problems(tmp_path)
    # "Mon" sits after `title = "` on line 5: the bad byte is the 13th of the line.
    assert found == (
        f"{tmp_path}/test.toml: line 5, column 13: byte 0xFF is not UTF-8 text (a file saved "
        "as Windows-1252 or Latin-1?); open it in your editor and save it as UTF-8"
    )


@pytest.mark.parametrize("name", ["all.toml", "Crime.toml", "crime stats.toml", "-x.toml"])
def test_topic_file_name_must_be_a_safe_slug(tmp_path, name):
    write_schedules(tmp_path)
    (tmp_path / name).write_text(MONTHLY.replace("monthly-bulletin", "other"))
    (found,) = problems(tmp_path)
    assert found.startswith(f"{tmp_path}/{name}: a topic file's name must be a lower-case slug")


def test_missing_folder_and_missing_programme(tmp_path):
    assert problems(tmp_path / "nowhere") == [
        f"{tmp_path}/nowhere: does not exist; --schedules names a folder of .toml files"
    ]
    (tmp_path / "file").write_text("")
    assert "is not a folder" in problems(tmp_path / "file")[0]
    (tmp_path / "empty").mkdir()
    assert problems(tmp_path / "empty") == [f"{tmp_path}/empty/programme.toml: is missing"]


# --- Sizes ------------------------------------------------------------------------------------

SUSPENDED = '\n[[publication.suspended]]\nperiod = "2014/15"\nreason = "{}"\n'
BLACKOUT = '\n[[blackout]]\nfrom = 2014-05-01\nuntil = 2014-05-02\nreason = "{}"\n'
# (key, limit, the programme and topic texts with the value at "{}", where the problem is)
SIZED = [
    ("title", 200, (PROGRAMME, MONTHLY.replace("Monthly bulletin", "{}")), "test.toml",
     "publication 'monthly-bulletin': "),
    ("description", 2_000, (PROGRAMME, MONTHLY + 'description = "{}"\n'), "test.toml",
     "publication 'monthly-bulletin': "),
    ("topic", 200, (PROGRAMME, MONTHLY.replace("Test topic", "{}")), "test.toml", ""),
    ("reason", 500, (PROGRAMME, MONTHLY + SUSPENDED), "test.toml",
     "publication 'monthly-bulletin': "),
    ("organisation", 200, (PROGRAMME.replace("Test Office", "{}"), MONTHLY), "programme.toml",
     ""),
    ("reason", 500, (PROGRAMME + BLACKOUT, MONTHLY), "programme.toml", ""),
]  # fmt: skip


def sized(tmp_path, texts: tuple[str, str], value: str):
    programme, topic = (t.replace("{}", value) for t in texts)
    return write_schedules(tmp_path, {"test": topic}, programme)


@pytest.mark.parametrize(("key", "limit", "texts", "file", "where"), SIZED)
def test_texts_up_to_their_limit_are_read(tmp_path, key, limit, texts, file, where):
    load_programme(sized(tmp_path, texts, "ŵ" * limit))  # characters, not bytes


@pytest.mark.parametrize(("key", "limit", "texts", "file", "where"), SIZED)
def test_texts_over_their_limit_are_refused(tmp_path, key, limit, texts, file, where):
    found = problems(sized(tmp_path, texts, "x" * (limit + 1)))
    message = f"{key} is {limit + 1:,} characters long; at most {limit:,} are allowed"
    assert found == [f"{tmp_path}/{file}: {where}{message}"]


def test_a_text_far_over_its_limit_is_named_not_repeated(tmp_path):
    found = problems(sized(tmp_path, (PROGRAMME, MONTHLY + 'description = "{}"\n'), "x" * 900_000))
    assert found == [
        f"{tmp_path}/test.toml: publication 'monthly-bulletin': description is 900,000 "
        "characters long; at most 2,000 are allowed"
    ]


MIB = 1_048_576


def padded(text: str, size: int) -> str:
    """`text` and a comment making it `size` bytes of TOML."""
    return text + "#" + "x" * (size - len(text.encode()) - 2) + "\n"


@pytest.mark.parametrize("name", ["test.toml", "programme.toml"])
def test_schedule_files_up_to_a_mebibyte_are_read(tmp_path, name):
    write_schedules(tmp_path)
    (tmp_path / name).write_text(padded((tmp_path / name).read_text(), MIB))
    assert (tmp_path / name).stat().st_size == MIB
    load_programme(tmp_path)


@pytest.mark.parametrize("size", [MIB + 1, 20_000_000])
@pytest.mark.parametrize("name", ["test.toml", "programme.toml"])
def test_larger_schedule_files_are_refused_unread(tmp_path, name, size):
    # A 20 MB description in a monthly publication once wrote 935 MB of feeds and data.
    description = MONTHLY + 'description = "' + "x" * (size - len(MONTHLY) - 17) + '"\n'
    write_schedules(tmp_path, {"test": description if name == "test.toml" else MONTHLY})
    if name == "programme.toml":
        (tmp_path / name).write_text(padded(PROGRAMME, size))
    assert (tmp_path / name).stat().st_size == size
    assert problems(tmp_path) == [
        f"{tmp_path}/{name}: is {size:,} bytes; a schedule file may be at most 1,048,576 "
        "bytes (1 MiB): split it into smaller files"
    ]


# --- Only regular files are schedules -------------------------------------------------------

NOT_A_FILE = {
    "a folder": lambda path: path.mkdir(),
    "a FIFO": lambda path: os.mkfifo(path),
    "a broken link": lambda path: path.symlink_to(path.parent / "nowhere.toml"),
}
ADVICE = "not a schedule file; remove it or rename it so it does not end in .toml"


def problems_within(folder, seconds: float = 10) -> list[str]:
    """problems(folder), failing rather than hanging when loading blocks (on a FIFO)."""
    found: list[list[str]] = []

    def load() -> None:
        try:
            load_programme(folder)
            found.append([])
        except ScheduleError as error:
            found.append([str(p) for p in error.problems])

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(seconds)
    if reader.is_alive():
        for path in folder.iterdir():  # open each FIFO's other end, so the reader goes on
            if stat.S_ISFIFO(path.lstat().st_mode):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(seconds)
        pytest.fail(f"loading {folder} blocked for {seconds} s")
    assert found, "loading raised something other than ScheduleError"
    return found[0]


@pytest.mark.parametrize("kind", NOT_A_FILE)
@pytest.mark.parametrize("name", ["x.toml", "programme.toml", "announcements.toml"])
def test_only_regular_files_are_read(tmp_path, kind, name):
    write_schedules(tmp_path)
    (tmp_path / name).unlink(missing_ok=True)
    NOT_A_FILE[kind](tmp_path / name)
    found = problems_within(tmp_path)
    assert f"{tmp_path}/{name}: is {kind}, {ADVICE}" in found, found


@pytest.mark.parametrize("kind", NOT_A_FILE)
def test_the_commands_refuse_what_is_not_a_file(tmp_path, kind, run_limited):
    write_schedules(tmp_path / "schedules")
    assert run_cli("build", "--as-of", "2014-04-01", cwd=tmp_path).returncode == 0
    built = {p.name: p.read_bytes() for p in (tmp_path / "feeds").iterdir()}
    NOT_A_FILE[kind](tmp_path / "schedules" / "x.toml")
    for command in ("check", "build"):  # build: not "unchanged" from the last build either
        result = run_limited(command, "--as-of", "2014-04-01", cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"schedules/x.toml: is {kind}, {ADVICE}" in result.stderr
        assert "internal error" not in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "feeds").iterdir()} == built


def test_a_link_to_a_schedule_file_is_read(tmp_path):
    elsewhere = write_schedules(tmp_path / "elsewhere")
    folder = tmp_path / "schedules"
    folder.mkdir()
    for name in ("programme.toml", "test.toml"):
        (folder / name).symlink_to(elsewhere / name)
    assert [t.slug for t in load_programme(folder).topics] == ["test"]


@pytest.mark.parametrize(
    ("text", "first", "last", "following"),
    [
        ("2014/15", (2014, 4), (2015, 3), "2015/16"),
        ("2098/99", (2098, 4), (2099, 3), None),
        ("2015", (2015, 1), (2015, 12), "2016"),
        ("2000", (2000, 1), (2000, 12), "2001"),
    ],
)
def test_period_months(text, first, last, following):
    period = Period.parse(text)
    assert len(period.months) == 12
    assert (period.months[0], period.months[-1]) == (first, last)
    assert period.contains(YearMonth(*first)) and period.contains(YearMonth(*last))
    before = (first[0] - (first[1] == 1), (first[1] - 2) % 12 + 1)
    after = (last[0] + (last[1] == 12), last[1] % 12 + 1)
    assert not period.contains(YearMonth(*before)) and not period.contains(YearMonth(*after))
    if following:
        assert period.following() == Period.parse(following)


@pytest.mark.parametrize(
    ("kind", "day", "holding"),
    [
        ("2014/15", dt.date(2016, 3, 31), "2015/16"),  # a financial year ends in March
        ("2014/15", dt.date(2016, 4, 1), "2016/17"),
        ("2014", dt.date(2016, 3, 31), "2016"),
    ],
)
def test_period_holding_a_day(kind, day, holding):
    assert Period.parse(kind).holding(day) == Period.parse(holding)


@pytest.mark.parametrize("text", ["2014/16", "2014-15", "1999", "1999/00", "2099/00", "15", ""])
def test_period_refuses(text):
    with pytest.raises(ValueError, match="is not a financial year"):
        Period.parse(text)


def test_a_programme_starting_in_2000_builds_in_its_first_months(tmp_path):
    # 1 February 2000 is in the financial year 1999/00, before the calendar's reach.
    write_schedules(tmp_path / "schedules", programme=PROGRAMME.replace("2014/15", "2000/01"))
    result = run_cli("build", "--as-of", "2000-02-01", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["designation-official-statistics", "nation-scotland",
                                  "publication-monthly-bulletin"])  # fmt: skip
def test_a_topic_file_may_not_take_the_name_of_a_feed_of_another_kind(tmp_path, name):
    from helpers import MONTHLY, run_cli, write_schedules

    write_schedules(tmp_path / "schedules", {name: MONTHLY})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "not all.toml or designation-....toml (nor nation-....toml, publication-....toml: the "
        "names of calendar-gen's own feeds)"
    ) in result.stderr


# Each frequency's registry entry, as the schedule guide describes them.
@pytest.mark.parametrize(
    ("frequency", "shape", "months", "weeks"),
    [
        ("weekly", "weeks", 12, 1),
        ("fortnightly", "weeks", 12, 2),
        ("monthly", "months", 12, 0),
        ("quarterly", "months", 4, 0),
        ("bi-annual", "months", 2, 0),
        ("annual", "months", 1, 0),
        ("ad hoc", "days", 12, 0),
    ],
)
def test_each_frequency_has_its_shape_and_count(frequency, shape, months, weeks):
    cadence = Frequency(frequency).cadence
    assert (cadence.shape.value, Frequency(frequency).months, cadence.weeks) == (
        shape,
        months,
        weeks,
    )


@pytest.mark.parametrize(
    ("months", "weeks", "named", "every"),
    [(1, 1, "annual", "weekly"), (2, 2, "bi-annual", "fortnightly"), (4, 3, "quarterly", None),
     (6, 4, "monthly", None)],
)  # fmt: skip
def test_learn_finds_frequencies_by_their_months_and_weeks(months, weeks, named, every):
    assert Frequency.naming(months) == named
    assert Frequency.every(weeks) == (Frequency(every) if every else None)


def test_a_publication_whose_rule_its_frequency_cannot_have_is_a_bug():
    # The reader never makes one: a weekly publication with a rule of months, or a quarterly
    # one with three months, is refused where it is built.
    monthly = MonthlyRule((2, 5, 8), OrdinalWeekday(-1, 3), Roll.FOLLOWING, "england-and-wales")
    for frequency in (Frequency.WEEKLY, Frequency.QUARTERLY, Frequency.AD_HOC):
        with pytest.raises(ValueError, match=f"a {frequency} publication cannot have"):
            Publication(id="p", title="P", designation=Designation.OFFICIAL, frequency=frequency,
                        description="", rule=monthly, time=dt.time(9, 30), suspensions=(),
                        released_with=(), topic="t", file="schedules/t.toml")  # fmt: skip
    weekly = WeeklyRule(3, 1, dt.date(2000, 1, 6), (1, 2), Roll.FOLLOWING, "england-and-wales")
    with pytest.raises(ValueError, match="a fortnightly publication cannot have"):
        Publication(id="p", title="P", designation=Designation.OFFICIAL,
                    frequency=Frequency.FORTNIGHTLY, description="", rule=weekly,
                    time=dt.time(9, 30), suspensions=(), released_with=(), topic="t",
                    file="schedules/t.toml")  # fmt: skip
