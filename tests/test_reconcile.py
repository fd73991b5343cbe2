"""reconcile: the record lined up with the organisation's announcements on GOV.UK, each drift
reported, and what to type into GOV.UK exported."""

import csv
import io
import json
import tomllib

import pytest
from helpers import PROGRAMME, run_cli, run_process, valid, write_schedules
from test_against import RAW_TITLE
from test_govuk import answer, api, result  # noqa: F401  (api: the local Search API)

from calendar_gen.checks.drift import DRIFTS
from calendar_gen.findings import Severity

LONG = '=HYPERLINK(\\"http://evil.example\\") ' + "Officers, staff and volunteers. " * 6
POLICE = f"""\
topic = "Police"

[[publication]]
id = "police"
title = "Police workforce statistics"
description = "{LONG}"
designation = "National Statistics"
frequency = "monthly"
day = "second tuesday"
"""
TITLES = 'police = "Police workforce"\n'


def on_govuk(title, stamp, **kw):
    return result(title, stamp, orgs=("test-office",), **kw)


# Second Tuesdays: 8 Apr, 13 May, 10 Jun, 8 Jul, 12 Aug, 9 Sep, 14 Oct, 11 Nov, 9 Dec 2014,
# 13 Jan, 10 Feb, 10 Mar 2015. Summer time (UTC+1) to 26 October 2014: 09:30 is 08:30Z.
ANNOUNCED = [
    on_govuk("Police workforce: April 2014", "2014-05-13T08:30:00Z"),  # out here on 13 May
    on_govuk("Police workforce: May 2014", "2014-06-10T08:30:00Z", state="provisional"),
    on_govuk("Police workforce: June 2014", "2014-07-09T08:30:00Z", state="provisional"),
    # 12 August: none.
    on_govuk("Knife crime figures", "2014-09-04T08:30:00Z"),
    on_govuk("Police workforce: July 2014", "2014-09-09T08:30:00Z", state="provisional"),
    on_govuk("Police workforce: August 2014", "2014-10-14T08:30:00Z", state="provisional"),
    # Given to the month on GOV.UK, to the day here.
    on_govuk(
        "Police workforce: September 2014",
        "2014-11-01T09:30:00Z",
        display="November 2014",
        state="provisional",
    ),
    # Winter (GMT): 09:30 is 09:30Z.
    *(
        on_govuk(f"Police workforce, England and Wales: {month}", stamp, state="provisional")
        for month, stamp in [
            ("October 2014", "2014-12-09T09:30:00Z"),
            ("November 2014", "2015-01-13T09:30:00Z"),
            ("December 2014", "2015-02-10T09:30:00Z"),
            ("January 2015", "2015-03-10T09:30:00Z"),
        ]
    ),
    result("Retail sales", "2014-08-12T08:30:00Z"),  # another organisation's
]


def _programme(root):
    folder = write_schedules(root / "schedules", {"police": POLICE}, PROGRAMME)
    (folder / "govuk-titles.toml").write_text(TITLES)
    for day in ("2014-04-01", "2014-04-15", "2014-05-20"):
        assert run_cli("build", "--as-of", day, cwd=root).returncode == 0
    cancelled = run_cli("cancel", "police", "2014-10-14", "--reason", "The survey was not run",
                        "--as-of", "2014-05-20", cwd=root)  # fmt: skip
    assert cancelled.returncode == 0, cancelled.stderr
    (root / "govuk.json").write_text(json.dumps(answer(ANNOUNCED)))


@pytest.fixture
def programme(made_once, tmp_path):
    """Built on 1 and 15 April and 20 May 2014 (which confirmed 13 May and 10 June), and the
    October release cancelled."""
    return made_once("reconcile-programme", _programme, tmp_path)


def reconcile(folder, *args):
    return run_cli("reconcile", "--as-of", "2014-05-20", "--govuk", "govuk.json", *args,
                   cwd=folder)  # fmt: skip


def test_each_drift_between_the_record_and_gov_uk(programme):
    found = reconcile(programme)
    assert found.returncode == 1, found.stderr
    assert found.stdout.splitlines() == [
        "govuk-live: Police workforce statistics came out on Tuesday 13 May 2014, yet its "
        "announcement on GOV.UK (/government/statistics/announcements/police-workforce-april-"
        "2014) is still live",
        "govuk-state: Police workforce statistics on Tuesday 10 June 2014 is confirmed here, "
        "provisional on GOV.UK",
        "govuk-date: Police workforce statistics is announced here for 8 July 2014 9:30am, on "
        "GOV.UK for 9 July 2014 9:30am",
        "govuk-missing: Police workforce statistics on Tuesday 12 August 2014 (provisional) is "
        "not announced on GOV.UK",
        'govuk-unknown: GOV.UK announces "Knife crime figures" for 4 September 2014 9:30am '
        "(confirmed, /government/statistics/announcements/knife-crime-figures), which is no "
        "release in the record",
        "govuk-state: Police workforce statistics on Tuesday 14 October 2014 is cancelled "
        "here, provisional on GOV.UK",
        "govuk-date: Police workforce statistics is announced here for 11 November 2014 "
        "9:30am, on GOV.UK for November 2014",
        # The feeds reach twelve months on, past the period: the second Tuesdays of April
        # and May 2015 too.
        "govuk-missing: Police workforce statistics on Tuesday 14 April 2015 (provisional) is "
        "not announced on GOV.UK",
        "govuk-missing: Police workforce statistics on Tuesday 12 May 2015 (provisional) is "
        "not announced on GOV.UK",
        "9 drifts from GOV.UK as of Tue 20 May 2014: 11 announcements of test-office read "
        "from govuk.json, 10 lined up with the record",
    ]


def test_json_carries_each_side(programme):
    data = json.loads(reconcile(programme, "--format", "json").stdout)
    assert valid(data, "reconcile") is None
    assert [d["kind"] for d in data["drifts"]] == [
        "govuk-live", "govuk-state", "govuk-date", "govuk-missing", "govuk-unknown",
        "govuk-state", "govuk-date", "govuk-missing", "govuk-missing",
    ]  # fmt: skip
    july = data["drifts"][2]
    assert july["here"] == {
        "publication": "police",
        "title": "Police workforce statistics",
        "date": "2014-07-08",
        "time": "09:30",
        "status": "provisional",
    }
    assert july["govuk"]["release_timestamp"] == "2014-07-09T09:30:00+01:00"  # in UK time
    assert (data["announcements"], data["lined_up"]) == (11, 10)


def test_in_step_exits_0(programme):
    # Only what the record says, as GOV.UK would say it.
    agreed = [on_govuk(f"Police workforce: {m}", stamp, state=state) for m, stamp, state in [
        ("May 2014", "2014-06-10T08:30:00Z", "confirmed"),
        ("June 2014", "2014-07-08T08:30:00Z", "provisional"),
        ("July 2014", "2014-08-12T08:30:00Z", "provisional"),
        ("August 2014", "2014-09-09T08:30:00Z", "provisional"),
        ("September 2014", "2014-10-14T08:30:00Z", "cancelled"),
        ("October 2014", "2014-11-11T09:30:00Z", "provisional"),
        ("November 2014", "2014-12-09T09:30:00Z", "provisional"),
        ("December 2014", "2015-01-13T09:30:00Z", "provisional"),
        ("January 2015", "2015-02-10T09:30:00Z", "provisional"),
        ("February 2015", "2015-03-10T09:30:00Z", "provisional"),
        ("March 2015", "2015-04-14T08:30:00Z", "provisional"),  # summer time from 29 March
        ("April 2015", "2015-05-12T08:30:00Z", "provisional"),
    ]]  # fmt: skip
    (programme / "govuk.json").write_text(json.dumps(answer(agreed)))
    found = reconcile(programme)
    assert (found.returncode, found.stdout) == (0, (
        "in step with GOV.UK as of Tue 20 May 2014: 12 announcements of test-office read from "
        "govuk.json, 12 lined up with the record\n"))  # fmt: skip


def test_without_the_titles_file_nothing_lines_up(programme):
    (programme / "schedules" / "govuk-titles.toml").unlink()
    found = reconcile(programme)
    assert found.returncode == 1
    assert found.stdout.count("govuk-unknown:") == 11  # every one of the organisation's
    # June 2014 to May 2015 but the cancelled October's: none paired.
    assert found.stdout.count("govuk-missing:") == 11


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '# ids and titles\nnowhere = "X"\n',
            'line 2: "nowhere" is no publication of the programme: write one of its '
            'ids, like police = "Its title on GOV.UK"',
        ),
        ("police = 3\n", "publication 'police': line 1: police = 3: write its title on GOV.UK"),
        ("police = \n", "invalid TOML: Invalid value (at line 1, column 10); text must be in "),
        (
            'police = "A"\npolice = "B"\n',
            "Cannot overwrite a value (at line 2, column 13); a key is given twice: write it once",
        ),
        # A line break would start a line of its own in what reconcile prints.
        (
            'police = "Police\\nin step with GOV.UK"\n',
            'line 1: police = "Police\\nin step '
            'with GOV.UK": keep it to one line of at most 500 characters, without control',
        ),
        # Word's quotes, as a statistician's editor may type them.
        (
            "police = \u201cPolice workforce\u201d\n",
            'use straight quotes "...": police = "Police workforce"',
        ),
    ],
)
def test_a_broken_titles_file_is_a_plain_error(programme, text, message):
    (programme / "schedules" / "govuk-titles.toml").write_text(text)
    found = reconcile(programme)
    assert found.returncode == 2 and "Traceback" not in found.stderr
    assert found.stderr.startswith("schedules/govuk-titles.toml: ")
    assert message in found.stderr


def test_a_titles_file_saved_by_notepad_is_read_and_every_problem_is_told(programme):
    # A byte-order mark and Windows line ends, as Windows Notepad saves it: read as it is.
    titles = programme / "schedules" / "govuk-titles.toml"
    titles.write_bytes(b"\xef\xbb\xbf" + TITLES.replace("\n", "\r\n").encode())
    assert reconcile(programme).returncode == 1  # drifts, read as with the plain file
    assert "10 lined up with the record" in reconcile(programme).stdout
    # Two wrong lines: both told, each by its line, nothing printed but the problems.
    titles.write_text('police = ""\n"no-such" = "X"\n')
    found = reconcile(programme)
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr.splitlines() == [
        "schedules/govuk-titles.toml: publication 'police': line 1: police = \"\": write its "
        "title on GOV.UK, or the last part of its announcements' address, as text",
        'schedules/govuk-titles.toml: line 2: "no-such" is no publication of the programme: '
        'write one of its ids, like police = "Its title on GOV.UK"',
        "2 problems found; nothing was written.",
    ]


def test_nothing_read_asks_whether_the_slug_is_right(programme):
    # A slug GOV.UK does not know gets no announcement: every release is then "missing".
    (programme / "govuk.json").write_text(json.dumps(answer([])))
    lines = reconcile(programme).stdout.splitlines()
    assert lines[-2].endswith("0 announcements of test-office read from govuk.json, 0 lined "
                              "up with the record")  # fmt: skip
    assert lines[-1] == (
        "none of test-office was read: is it the organisation's slug on GOV.UK, the last part "
        "of its address there (govuk_organisation in programme.toml)?"
    )


def test_a_title_two_publications_would_share_is_refused(tmp_path):
    # "Immigration statistics" is the immigration publication's own title; given to the
    # quarterly one too (in another case and spacing), an announcement could be either's.
    write_schedules(tmp_path / "schedules", {"t": 'topic = "T"\n' + SIMILAR})
    (tmp_path / "schedules" / "govuk-titles.toml").write_text(
        '# GOV.UK titles\nquarterly = "immigration  Statistics"\n'
    )
    (tmp_path / "govuk.json").write_text(json.dumps(answer([])))
    found = run_cli("reconcile", "--as-of", "2014-06-20", "--govuk", "govuk.json", cwd=tmp_path)
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr.splitlines()[0] == (
        "schedules/govuk-titles.toml: publication 'quarterly': line 2: quarterly = \"immigration"
        '  Statistics": immigration has that title on GOV.UK too, so an announcement could be '
        "either's: give each its own title"
    )


def test_a_broken_answer_exits_2(programme):
    (programme / "govuk.json").write_text('{"results": [{"title": "x"}], "total": 1}')
    found = reconcile(programme)
    assert found.returncode == 2
    assert found.stderr.startswith("govuk.json: is not an answer of the GOV.UK Search API")


def test_export_gives_the_fields_to_type_into_gov_uk(programme):
    found = reconcile(programme, "--export", "for-govuk")
    assert found.returncode == 1
    assert "wrote for-govuk/govuk-announcements.csv" in found.stdout
    text = (programme / "for-govuk" / "govuk-announcements.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["action"], r["release_date"], r["state"]) for r in rows] == [
        ("unpublish", "2014-05-13", "confirmed"),
        ("confirm", "2014-06-10", "confirmed"),
        ("change date", "2014-07-08", "provisional"),
        ("announce", "2014-08-12", "provisional"),
        ("cancel", "2014-10-14", "cancelled"),
        ("change date", "2014-11-11", "provisional"),
        ("announce", "2015-04-14", "provisional"),
        ("announce", "2015-05-12", "provisional"),
    ]
    august = rows[3]
    assert august["title"] == "Police workforce"  # the title on GOV.UK, from the titles file
    assert august["type"] == "Accredited Official Statistics"  # National Statistics
    assert (august["display_date"], august["precision"]) == ("12 August 2014 9:30am", "exact")
    assert august["organisation"] == "Test Office"
    # A summary a spreadsheet would run as a formula is text.
    assert august["summary"].startswith("'=HYPERLINK(")
    assert rows[4]["cancellation_reason"] == "The survey was not run"
    data = json.loads((programme / "for-govuk" / "govuk-announcements.json").read_text())
    assert valid(data, "reconcile") is None
    assert data["entries"][3]["summary"].startswith("=HYPERLINK(")  # JSON is data
    # The summary is over 160 characters: a warning for each entry.
    warnings = [line for line in found.stderr.splitlines() if "characters" in line]
    # As the schedule reads it: TOML's escapes read, the spaces around it left out.
    summary = tomllib.loads(POLICE)["publication"][0]["description"].strip()
    assert len(summary) == 225
    assert len(warnings) == 8
    assert warnings[0] == (
        f"warning: Police workforce (police): its description is {len(summary)} characters; "
        "GOV.UK's summaries are under 160"
    )


def test_the_title_rules_of_gov_uk(programme):
    (programme / "schedules" / "govuk-titles.toml").unlink()
    found = reconcile(programme, "--export", "out")
    assert (
        "warning: Police workforce statistics (police): its title has the word statistics, "
        "which GOV.UK leaves out (the page says it already)"
    ) in found.stderr
    long_title = "Police workforce, England and Wales: officers, staff and volunteers by force"
    (programme / "schedules" / "govuk-titles.toml").write_text(f'police = "{long_title}"\n')
    found = reconcile(programme, "--export", "out")
    assert f"warning: {long_title} (police): its title is {len(long_title)} characters; " \
        "GOV.UK's statistics titles are under 65" in found.stderr  # fmt: skip


def test_drifts_are_warnings():
    assert {kind.severity for kind in DRIFTS} == {Severity.WARNING}


def test_the_search_api_is_asked_for_the_organisations_own(programme, api):  # noqa: F811
    # test_govuk's local Search API, serving this programme's announcements.
    api.results = ANNOUNCED
    settings = programme / "schedules" / "programme.toml"
    settings.write_text(settings.read_text() + f'govuk_api = "{api.url}/api/search.json"\n')
    found = run_cli("reconcile", "--as-of", "2014-05-20", "--govuk", cwd=programme)
    assert found.returncode == 1, found.stderr
    [asked] = api.asked
    assert asked["filter_organisations"] == ["test-office"]
    # From a quarter (92 days) before 20 May 2014: 17 February.
    assert asked["filter_release_timestamp"] == ["from:2014-02-17"]
    assert found.stdout.splitlines()[-1].endswith(
        f"11 announcements of test-office read from {api.url}/api/search.json, 10 lined up "
        "with the record"
    )
    # An address given is asked the same way.
    again = run_cli("reconcile", "--as-of", "2014-05-20", "--govuk",
                    f"{api.url}/api/search.json", "--format", "json", cwd=programme)  # fmt: skip
    assert json.loads(again.stdout)["source"].startswith(f"{api.url}/api/search.json")


def test_a_hostile_title_on_gov_uk_never_reaches_the_terminal(programme):
    hostile = [on_govuk(RAW_TITLE, "2014-09-04T08:30:00Z")]
    (programme / "govuk.json").write_text(json.dumps(answer(hostile)))
    found = reconcile(programme)
    assert found.returncode == 1
    assert "\\u001B]0;owned\\u0007" in found.stdout  # shown as escapes
    assert not set("\x1b\x07\x9b\u202e\u2066") & set(found.stdout + found.stderr)
    printed = reconcile(programme, "--format", "json").stdout
    assert not set("\x1b\x07\x9b\u202e\u2066") & set(printed)
    assert [d["govuk"]["title"] for d in json.loads(printed)["drifts"]
            if d["kind"] == "govuk-unknown"] == [RAW_TITLE]  # fmt: skip


def test_a_line_break_sent_in_any_text_starts_no_line_of_its_own(programme):
    # A display date, a link and a title, each with a line that reads like the last line of
    # an answer in step; on GOV.UK none has a line break, so each is read as one line.
    fake = "\nin step with GOV.UK as of Tue 20 May 2014: 0 announcements\r\u2028"
    july = on_govuk("Police workforce: June 2014", "2014-07-09T08:30:00Z", state="provisional",
                    display="9 July 2014" + fake + "9:30am")  # fmt: skip
    may = on_govuk("Police workforce: April 2014", "2014-05-13T08:30:00Z", link="x" + fake)
    (programme / "govuk.json").write_text(json.dumps(answer([july, may, on_govuk(
        "Knife" + fake, "2014-09-04T08:30:00Z")])))  # fmt: skip
    found = reconcile(programme)
    assert found.returncode == 1
    lines = found.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["govuk-live", "govuk-missing",
                                                          "govuk-date"]  # fmt: skip
    assert "on GOV.UK for 9 July 2014 in step with GOV.UK as of Tue 20 May 2014: 0 " \
        "announcements 9:30am" in lines[2]  # fmt: skip
    assert sum(line.startswith("in step") for line in lines) == 0
    assert all(line.startswith(("govuk-", "13 drifts from")) for line in lines), lines
    assert len(lines) == 14


def test_a_real_process_exits_1_on_drift_and_0_in_step(programme):
    found = run_process("reconcile", "--as-of", "2014-05-20", "--govuk", "govuk.json",
                        cwd=programme)  # fmt: skip
    assert found.returncode == 1, found.stderr
    assert found.stdout.startswith("govuk-live: ")
    (programme / "govuk.json").write_text("{")
    broken = run_process("reconcile", "--as-of", "2014-05-20", "--govuk", "govuk.json",
                         cwd=programme)  # fmt: skip
    assert broken.returncode == 2 and broken.stderr.startswith("govuk.json: is not readable JSON")


def test_a_postponed_release_has_no_day_to_agree_on(programme):
    postponed = run_cli("postpone", "police", "2014-09-09", "--reason", "Awaiting force data",
                        "--as-of", "2014-05-20", cwd=programme)  # fmt: skip
    assert postponed.returncode == 0, postponed.stderr
    # GOV.UK has no postponed state: provisional there, on its old day, is in step.
    found = reconcile(programme)
    assert "9 September 2014" not in found.stdout
    assert found.stdout.splitlines()[-1].startswith("9 drifts from GOV.UK")
    # Confirmed there is not.
    announced = json.loads((programme / "govuk.json").read_text())
    july = next(r for r in announced["results"] if r["title"].endswith("July 2014"))
    july["statistics_announcement_state"] = "confirmed"
    (programme / "govuk.json").write_text(json.dumps(announced))
    assert (
        "govuk-state: Police workforce statistics on Tuesday 9 September 2014 is postponed "
        "here, confirmed on GOV.UK"
    ) in reconcile(programme).stdout.splitlines()


def test_a_slug_in_the_titles_file_lines_up_by_the_address(programme):
    # GOV.UK's titles here say nothing of the police: their addresses do.
    renamed = json.loads((programme / "govuk.json").read_text())
    for r in renamed["results"]:
        r["title"] = r["title"].replace("Police workforce", "Officers and staff")
    (programme / "govuk.json").write_text(json.dumps(renamed))
    (programme / "schedules" / "govuk-titles.toml").write_text('police = "police-workforce"\n')
    found = reconcile(programme)
    assert found.stdout.splitlines()[-1].endswith("10 lined up with the record")
    # A slug is a whole word of the address: "police" alone is not "police-workforce".
    (programme / "schedules" / "govuk-titles.toml").write_text('police = "police-work"\n')
    assert reconcile(programme).stdout.splitlines()[-1].endswith("0 lined up with the record")


def test_a_release_recorded_out_gives_gov_uk_the_statistics_address(programme):
    url = "https://www.gov.uk/government/statistics/police-workforce-april-2014"
    released = run_cli("released", "police", "2014-05-13", "--url", url, "--as-of",
                       "2014-05-20", cwd=programme)  # fmt: skip
    assert released.returncode == 0, released.stderr
    found = reconcile(programme, "--export", "out")
    assert found.stdout.startswith("govuk-live: Police workforce statistics came out on Tuesday "
                                   "13 May 2014")  # fmt: skip
    data = json.loads((programme / "out" / "govuk-announcements.json").read_text())
    [unpublish] = [e for e in data["entries"] if e["action"] == "unpublish"]
    assert (unpublish["published_url"], unpublish["govuk_link"]) == (
        url,
        "/government/statistics/announcements/police-workforce-april-2014",
    )


def test_confirmed_there_and_provisional_here_is_for_the_build_to_put_right(programme):
    # GOV.UK confirmed 8 July (09:30, 08:30Z) before the record's notice period began.
    announced = json.loads((programme / "govuk.json").read_text())
    june = next(r for r in announced["results"] if r["title"].endswith("June 2014"))
    june.update(release_timestamp="2014-07-08T08:30:00Z", statistics_announcement_state="confirmed")
    (programme / "govuk.json").write_text(json.dumps(announced))
    found = reconcile(programme, "--export", "out")
    assert (
        "govuk-state: Police workforce statistics on Tuesday 8 July 2014 is provisional here, "
        "confirmed on GOV.UK"
    ) in found.stdout.splitlines()
    rows = json.loads((programme / "out" / "govuk-announcements.json").read_text())["entries"]
    assert "2014-07-08" not in [r["release_date"] for r in rows]  # nothing to type there


SIMILAR = "".join(
    f"""
[[publication]]
id = "{pub_id}"
title = "{title}"
description = "Figures."
designation = "Official Statistics"
frequency = "monthly"
day = "second tuesday"
"""
    for pub_id, title in [
        ("one-word", "Immigration"),
        ("immigration", "Immigration statistics"),
        ("quarterly", "Immigration statistics quarterly release"),
        ("hate", "Hate crime, England and Wales"),
    ]
)


def test_titles_pair_case_punctuation_and_period_aside_and_never_a_similar_one(tmp_path):
    write_schedules(tmp_path / "schedules", {"t": 'topic = "T"\n' + SIMILAR})
    # Every one a day after the release of 8 July 2014, so each pairing shows as a date drift.
    titles = [
        "IMMIGRATION STATISTICS \u2014 April to June 2014",  # an em dash
        "Immigration statistics quarterly release: April to June 2014",
        "Hate crime England and Wales: 2013 to 2014",  # no comma
        # Like "Immigration" but no publication's: its slug starts immigration-, yet the
        # title is no slug, so it is unknown, not the one-word publication's.
        "Immigration enforcement figures: June 2014",
    ]
    (tmp_path / "govuk.json").write_text(json.dumps(answer(
        [on_govuk(t, "2014-07-09T08:30:00Z", state="provisional") for t in titles])))  # fmt: skip
    found = run_cli("reconcile", "--as-of", "2014-06-20", "--govuk", "govuk.json", "--format",
                    "json", cwd=tmp_path)  # fmt: skip
    data = json.loads(found.stdout)
    paired = {(d["here"]["publication"], d["govuk"]["title"]) for d in data["drifts"]
              if d["kind"] == "govuk-date"}  # fmt: skip
    assert paired == {("immigration", titles[0]), ("quarterly", titles[1]), ("hate", titles[2])}
    [unknown] = [d["govuk"]["title"] for d in data["drifts"] if d["kind"] == "govuk-unknown"]
    assert unknown == titles[3]


def test_a_confirmed_announcement_of_a_release_cancelled_here_is_a_state_drift(programme):
    # GOV.UK confirmed 14 October at 09:30 (08:30Z in summer time), which the record
    # cancelled; and has 10 June provisional on its exact day and time, which the record
    # confirmed: two state drifts, and no date drift, as both days and times agree.
    announced = [
        on_govuk("Police workforce: May 2014", "2014-06-10T08:30:00Z", state="provisional",
                 display="10 June 2014 9:30am"),
        on_govuk("Police workforce: September 2014", "2014-10-14T08:30:00Z", state="confirmed",
                 display="14 October 2014 9:30am"),
    ]  # fmt: skip
    (programme / "govuk.json").write_text(json.dumps(answer(announced)))
    found = reconcile(programme, "--export", "to-do")
    assert found.returncode == 1
    states = [line for line in found.stdout.splitlines() if line.startswith("govuk-state")]
    assert states == [
        "govuk-state: Police workforce statistics on Tuesday 10 June 2014 is confirmed here, "
        "provisional on GOV.UK",
        "govuk-state: Police workforce statistics on Tuesday 14 October 2014 is cancelled here, "
        "confirmed on GOV.UK",
    ]
    assert "govuk-date" not in found.stdout
    rows = list(csv.DictReader(io.StringIO((programme / "to-do" / "govuk-announcements.csv")
                                           .read_text())))  # fmt: skip
    by_day = {r["release_date"]: (r["action"], r["state"], r["cancellation_reason"]) for r in rows}
    assert by_day["2014-06-10"] == ("confirm", "confirmed", "")
    assert by_day["2014-10-14"] == ("cancel", "cancelled", "The survey was not run")
