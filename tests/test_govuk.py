"""GOV.UK's statistics announcements as a calendar to check clashes against.

The answers are written here in the GOV.UK Search API's shape (alphagov/search-api:
docs/using-the-search-api.md, lib/search/presenters/result_set_presenter.rb,
config/schema/field_definitions.json; alphagov/whitehall: app/presenters/publishing_api/
statistics_announcement_presenter.rb) and served from 127.0.0.1 only, never the real host.
"""

import contextlib
import http.server
import json
import threading
import time
import urllib.parse

import pytest
from helpers import PROGRAMME, drip, run_cli, write_schedules
from test_against import RAW_TITLE, SHOWN_TITLE
from test_clash import ONE

from calendar_gen.domain.model import Precision
from calendar_gen.web import calendars, govuk


def result(title, stamp, *, display="", state="confirmed", orgs=("office-for-national-statistics",),
           link=None):  # fmt: skip
    """One statistics announcement as the Search API gives it, organisations expanded."""
    # As whitehall's friendly_id makes it: lower case, each run of other characters a dash.
    slug = link or "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    return {
        "title": title,
        "link": f"/government/statistics/announcements/{slug}",
        "description": f"{title}: the figures.",
        "release_timestamp": stamp,
        "display_date": display,
        "statistics_announcement_state": state,
        "organisations": [{"title": o.replace("-", " ").title(), "slug": o} for o in orgs],
        "content_store_document_type": "official_statistics_announcement",
    }


def answer(results, start=0, total=None):
    return {"results": results, "total": len(results) if total is None else total,
            "start": start, "aggregates": {}, "suggested_queries": []}  # fmt: skip


# The programme's one release a month is on the second Tuesday: 8 Apr, 13 May, 10 Jun,
# 8 Jul, 12 Aug, 9 Sep, 14 Oct, 11 Nov, 9 Dec 2014, 13 Jan, 10 Feb, 10 Mar 2015.
YEAR = [
    # 09:30 in summer time is 08:30 UTC: Tuesday 13 May 2014.
    result("Labour market overview", "2014-05-13T08:30:00.000Z"),
    # 23:30 UTC on Monday 7 July is 00:30 on Tuesday 8 July in summer time (UTC+1): the UK
    # day is the 8th, when the release is.
    result("Overnight figures", "2014-07-07T23:30:00Z", state="provisional"),
    # In winter, 23:30 UTC on Monday 8 December is 23:30 that Monday in London: no clash
    # with Tuesday 9 December.
    result("Late figures", "2014-12-08T23:30:00+00:00"),
    # Cancelled on the day of the August release: nothing to clash with.
    result("Dropped figures", "2014-08-12T09:30:00+01:00", state="cancelled"),
    # Given only to the month: June, and September to October, as whitehall writes them.
    result("House prices", "2014-06-01T09:30:00+01:00", display="June 2014", state="provisional"),
    result(
        "Farm incomes",
        "2014-09-01T09:30:00+01:00",
        display="September to October 2014",
        state="provisional",
    ),
    # The programme's own (Test Office): left out unless asked for.
    result("Our own figures", "2014-11-11T09:30:00+00:00", orgs=("test-office",)),
]


# Some of the fields the Search API defines (search-api config/schema/field_definitions.json at
# 392b480): a search whose `fields` names any other is refused whole, 422, and so is one with a
# parameter it does not know (lib/parameter_parser/search_parameter_parser.rb, return_fields
# and "Unexpected parameters"; lib/rummager/app.rb answers a ParseError with 422).
REAL_FIELDS = {
    *("title", "link", "description", "release_timestamp", "display_date", "organisations"),
    *("statistics_announcement_state", "content_store_document_type", "display_type"),
    *("public_timestamp", "slug", "format", "latest_change_note"),
}
REAL_PARAMETERS = {
    *("q", "start", "count", "order", "fields", "filter_format", "filter_release_timestamp"),
    *("filter_organisations", "reject_organisations"),
}


def refused(query):
    """The Search API's own error for what it does not know, or None."""
    errors = [f"Some requested fields are not valid return fields: {sorted(wrong)}"
              for wrong in [set(query.get("fields", [])) - REAL_FIELDS] if wrong]  # fmt: skip
    if unknown := set(query) - REAL_PARAMETERS:
        errors.append(f"Unexpected parameters: {', '.join(sorted(unknown))}")
    return ". ".join(errors) or None


class SearchAPI(http.server.BaseHTTPRequestHandler):
    """/api/search.json paged by start and count, as the Search API pages; a few answers
    that break, on other paths."""

    def do_GET(self):
        server = self.server
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        server.asked.append(query)
        if (error := refused(query)) is not None:
            return self._send(json.dumps({"error": error}).encode(), 422)
        if url.path == "/moved/search.json" and query["start"] != ["0"]:
            where = f"http://localhost:{server.server_address[1]}/api/search.json?{url.query}"
            return self._moved(where)
        if url.path in ("/api/search.json", "/slow/search.json", "/moved/search.json"):
            start, count = int(query["start"][0]), int(query["count"][0])
            total = server.total or len(server.results)
            body = json.dumps(answer(server.results[start:start + count], start,
                                     total)).encode()  # fmt: skip
        else:
            body = server.bodies[url.path]
        if url.path == "/slow/search.json" and query["start"] != ["0"]:
            return self._drip(body)
        self._send(body)

    def _send(self, body, code=200):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _moved(self, where):
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(302)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _drip(self, body):
        """A byte every 20 ms: each read well within any per-read timeout."""
        drip(self, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SearchAPI)
    server.daemon_threads = True
    server.results, server.bodies, server.asked, server.total = list(YEAR), {}, [], None
    server.release, server.cut_off = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


def clashes(tmp_path, api, *args, path="/api/search.json"):
    settings = f'govuk_api = "{api.url}{path}"\n'
    write_schedules(tmp_path / "schedules", {"t": ONE}, PROGRAMME + settings)
    return run_cli("clashes", "--period", "2014/15", "--as-of", "2014-04-01", "--against",
                   "govuk", *args, cwd=tmp_path)  # fmt: skip


def test_announcements_on_gov_uk_clash_on_their_uk_day(tmp_path, api):
    found = clashes(tmp_path, api)
    assert found.returncode == 1, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0] == (
        "Tue 13 May 2014  external  Official one (09:30, T) on the day of Labour market "
        "overview (09:30, GOV.UK: Office For National Statistics, confirmed); suggest moving "
        "Official one to Wed 14 May 2014"
    )
    assert lines[1].startswith(
        "Tue 08 Jul 2014  external  Official one (09:30, T) on the day of Overnight figures "
        "(00:30, GOV.UK: Office For National Statistics, provisional)"
    )
    # Not 9 December (the day before in London), not the cancelled one, not our own.
    assert lines[2:] == ["2 clashes in 2014/15"]
    # Those given to the month are notes on the releases in their months, not clashes.
    notes = [line for line in found.stderr.splitlines() if "only to the month" in line]
    assert [n.split(" may clash")[0] for n in notes] == [
        "warning: Official one on Tue 10 Jun 2014",
        "warning: Official one on Tue 09 Sep 2014",
        "warning: Official one on Tue 14 Oct 2014",
    ]
    assert "House prices (June 2014, GOV.UK: Office For National Statistics, provisional)" \
        in notes[0]  # fmt: skip
    # One request: everything fitted on the first page, asked for as the Search API wants.
    [asked] = api.asked
    assert asked["filter_format"] == ["statistics_announcement"]
    assert asked["filter_release_timestamp"] == ["from:2014-04-08"]
    assert set(asked["fields"]) >= {"release_timestamp", "display_date", "organisations",
                                    "statistics_announcement_state", "title"}  # fmt: skip


def test_our_own_announcements_are_kept_when_asked(tmp_path, api):
    found = clashes(tmp_path, api, "--with-own", "--only", "external")
    assert "Tue 11 Nov 2014  external  Official one (09:30, T) on the day of Our own " \
        "figures (09:30, GOV.UK: Test Office, confirmed)" in found.stdout  # fmt: skip
    assert found.stdout.splitlines()[-1] == "3 clashes in 2014/15"


def test_one_organisation_and_every_page(tmp_path, api, monkeypatch):
    # Seven announcements, three a page: pages start at 0, 3 and 6.
    monkeypatch.setattr(govuk, "PAGE", 3)
    found = clashes(tmp_path, api, "--against", "ONS=govuk:office-for-national-statistics")
    assert found.returncode == 1
    assert [(q["start"], q["count"]) for q in api.asked] == [
        (["0"], ["3"]),
        (["3"], ["3"]),
        (["6"], ["3"]),  # --against govuk
        (["0"], ["3"]),
        (["3"], ["3"]),
        (["6"], ["3"]),  # govuk:office-for-national-statistics
    ]
    assert api.asked[3]["filter_organisations"] == ["office-for-national-statistics"]
    assert "Labour market overview (09:30, GOV.UK: Office For National Statistics, " \
        "confirmed); Labour market overview (09:30, ONS: " in found.stdout  # fmt: skip


def test_a_saved_answer_is_read_like_the_api(tmp_path, api):
    (tmp_path / "saved.json").write_text(json.dumps([answer(YEAR[:3]), answer(YEAR[3:])]))
    write_schedules(tmp_path / "schedules", {"t": ONE})
    found = run_cli("clashes", "--period", "2014/15", "--as-of", "2014-04-01", "--against",
                    "saved.json", "--only", "external", cwd=tmp_path)  # fmt: skip
    assert found.returncode == 1
    assert "Labour market overview (09:30, GOV.UK: Office For National Statistics, confirmed)" \
        in found.stdout  # fmt: skip
    assert found.stdout.splitlines()[-1] == "2 clashes in 2014/15"
    assert api.asked == []


@pytest.mark.slow  # waits out its time limits on purpose
def test_a_slow_server_cannot_stretch_the_time_for_all_pages(tmp_path, api, monkeypatch):
    # The first page comes at once; the second a byte every 20 ms, which would take 30 s.
    monkeypatch.setattr(calendars, "TIMEOUT", 1.5)
    monkeypatch.setattr(govuk, "PAGE", 3)
    timer = time.monotonic()
    found = clashes(tmp_path, api, path="/slow/search.json")
    took = time.monotonic() - timer
    assert found.returncode == 2
    assert found.stderr.endswith(": cannot be fetched: no complete answer within 1.5 seconds\n")
    assert found.stderr.startswith(f"{api.url}/slow/search.json?")
    assert took < 6
    assert api.cut_off.wait(10)


def test_a_huge_answer_is_refused_by_the_size_of_all_its_pages(tmp_path, api, monkeypatch):
    # A byte less than the first two pages of three: the second page tips it over.
    pages = [len(json.dumps(answer(YEAR[n : n + 3], n, 7))) for n in (0, 3)]
    monkeypatch.setattr(calendars, "MAX_BYTES", sum(pages) - 1)
    monkeypatch.setattr(govuk, "PAGE", 3)
    found = clashes(tmp_path, api)
    assert found.returncode == 2
    assert found.stderr.endswith(
        f": the answers are more than {sum(pages) - 1:,} bytes in all, too large for a "
        "calendar: ask for one organisation (govuk:ORGANISATION)\n"
    )
    assert len(api.asked) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"results": [',
            "is not readable JSON (Expecting value at line 1, column 14): is "
            "it an answer of the GOV.UK Search API (/api/search.json)?",
        ),
        (b'{"total": 1}', "it has no list of results"),
        (
            json.dumps(answer([{"title": "No day"}])).encode(),
            "result 1 has release_timestamp None, not a text",
        ),
        (
            json.dumps(answer([result("Floating", "2014-05-13T09:30:00")])).encode(),
            'result 1 ("Floating") has release_timestamp "2014-05-13T09:30:00", not a time with '
            "its offset like 2027-05-20T09:30:00.000+01:00",
        ),
        (
            json.dumps(answer([result("Odd", "2014-05-13T09:30:00Z", state="live")])).encode(),
            'result 1 ("Odd") has statistics_announcement_state "live", not one of provisional, '
            "confirmed, cancelled",
        ),
        (json.dumps({"results": [], "total": "many"}).encode(), 'its total is "many"'),
    ],
)
def test_a_broken_answer_is_a_plain_error_naming_its_source(tmp_path, api, body, message):
    api.bodies["/broken/search.json"] = body
    found = clashes(tmp_path, api, path="/broken/search.json")
    assert found.returncode == 2 and "Traceback" not in found.stderr
    assert found.stderr.startswith(f"{api.url}/broken/search.json?filter_format=statistics_")
    assert message in found.stderr
    assert found.stdout == ""


def test_a_broken_saved_answer_names_the_file(tmp_path):
    (tmp_path / "saved.json").write_bytes(b"[{]")
    write_schedules(tmp_path / "schedules", {"t": ONE})
    found = run_cli("clashes", "--as-of", "2014-04-01", "--against", "saved.json", cwd=tmp_path)
    assert found.returncode == 2
    assert found.stderr.startswith("saved.json: is not readable JSON (")


def test_a_hostile_title_never_reaches_the_terminal(tmp_path, api):
    api.results = [result(RAW_TITLE, "2014-05-13T09:30:00+01:00")]
    table = clashes(tmp_path, api)
    assert f"on the day of {SHOWN_TITLE} (09:30, GOV.UK: " in table.stdout
    assert not set("\x1b\x07\x9b\u202e\u2066") & set(table.stdout + table.stderr)
    printed = clashes(tmp_path, api, "--format", "json").stdout
    data = json.loads(printed)
    assert data[0]["events"][0].startswith(RAW_TITLE + " (09:30, GOV.UK: ")  # the data exact
    # ... and written with escapes, so a terminal shown the JSON runs none of it.
    assert not set("\x1b\x07\x9b\u202e\u2066") & set(printed)
    assert "\\u009b31m \\u202eevil\\u2066 end" in printed


@pytest.mark.parametrize(
    ("display", "precision", "first", "after"),
    [
        ("20 May 2027 9:30am", Precision.EXACT, "2027-05-20", "2027-05-21"),
        ("May 2027", Precision.MONTH, "2027-05-01", "2027-06-01"),
        ("May to June 2027", Precision.TWO_MONTHS, "2027-05-01", "2027-07-01"),
        # Whitehall's form across a year's end names the second year only.
        ("December to January 2028", Precision.TWO_MONTHS, "2027-12-01", "2028-02-01"),
    ],
)
def test_display_dates_give_the_days_announced(display, precision, first, after):
    stamp = {"2027-05-20": "2027-05-20T08:30:00Z", "2027-05-01": "2027-05-01T08:30:00Z",
             "2027-12-01": "2027-12-01T09:30:00Z"}[first]  # fmt: skip
    [notice] = govuk.read_saved(json.dumps(answer([result("X", stamp, display=display)])).encode(),
                                "x.json")  # fmt: skip
    assert notice.precision is precision
    assert [d.isoformat() for d in notice.span] == [first, after]
    # And whitehall's own words for it again, from the time (config/initializers/formats.rb).
    assert govuk.said(notice.start, precision) == display


def test_the_address_is_checked_in_programme_toml(tmp_path):
    write_schedules(tmp_path / "schedules", {"t": ONE}, PROGRAMME + 'govuk_api = "gov.uk"\n')
    found = run_cli("clashes", "--as-of", "2014-04-01", cwd=tmp_path)
    assert found.returncode == 2
    assert 'govuk_api "gov.uk" is not a web address; write it like govuk_api = ' \
        '"https://www.gov.uk/api/search.json"' in found.stderr  # fmt: skip


@pytest.mark.parametrize(
    ("title", "series"),
    [
        ("Immigration statistics, April to June 2014", "Immigration statistics"),
        (
            "Police workforce, England and Wales: 31 March 2014",
            "Police workforce, England and Wales",
        ),
        ("Crime in England and Wales, year ending March 2014", "Crime in England and Wales"),
        ("Knife crime figures", "Knife crime figures"),
    ],
)
def test_a_release_title_names_its_series_without_its_period(title, series):
    assert govuk.series_title(title) == series


def test_pages_are_followed_only_so_far(tmp_path, api, monkeypatch):
    # Seven announcements at three a page take three pages: more than the two allowed.
    monkeypatch.setattr(govuk, "PAGE", 3)
    monkeypatch.setattr(govuk, "MAX_PAGES", 2)
    found = clashes(tmp_path, api)
    assert found.returncode == 2
    assert found.stderr == (
        f"{api.url}/api/search.json: more than 2 pages of 3 announcements, more than a whole "
        "government announces: is it the Search API's address?\n"
    )
    assert len(api.asked) == 2


def test_a_page_with_nothing_ends_the_paging(tmp_path, api):
    # A total the pages never reach (announcements withdrawn while paging): no loop.
    api.results, api.total = YEAR[:2], 500
    found = clashes(tmp_path, api)
    assert found.returncode == 1, found.stderr
    assert len(api.asked) == 2  # the second page was empty
    # And a server answering the same page whatever is asked stops at the most pages.
    api.bodies["/same/search.json"] = json.dumps(answer(YEAR[:2], 0, 500)).encode()
    # The Search API says where each page starts: the second, from 2, says 0, and is
    # refused at once.
    found = clashes(tmp_path, api, path="/same/search.json")
    assert found.returncode == 2
    assert found.stderr.endswith(": asked for the page from 2, it answered the page from "
                                 "0, so it does not page by start; it reads /api/search.json?"
                                 "filter_format=statistics_announcement with the fields title, "
                                 "link, description, release_timestamp, display_date, "
                                 "statistics_announcement_state, organisations, "
                                 "content_store_document_type\n")  # fmt: skip
    assert len(api.asked) == 2 + 2  # two for the first, two for this


def test_the_organisation_on_gov_uk_is_checked_in_programme_toml(tmp_path):
    settings = PROGRAMME + 'govuk_organisation = "Home Office"\n'
    write_schedules(tmp_path / "schedules", {"t": ONE}, settings)
    found = run_cli("clashes", "--as-of", "2014-04-01", cwd=tmp_path)
    assert found.returncode == 2
    assert 'govuk_organisation "Home Office" is not the organisation\'s slug on GOV.UK' \
        in found.stderr  # fmt: skip
    assert 'write it like govuk_organisation = "home-office"' in found.stderr


def test_the_type_comes_from_the_document_type_the_search_api_has():
    # whitehall sends national_statistics_announcement or official_statistics_announcement as
    # the document type; the Search API keeps it as content_store_document_type.
    items = [result("A", "2027-05-20T08:30:00Z"), result("B", "2027-05-20T08:30:00Z"),
             result("C", "2027-05-20T08:30:00Z")]  # fmt: skip
    items[0]["content_store_document_type"] = "national_statistics_announcement"
    del items[2]["content_store_document_type"]
    notices = govuk.read_saved(json.dumps(answer(items)).encode(), "x.json")
    assert [n.sub_type for n in notices] == ["national", "official", ""]


def test_a_page_that_redirects_elsewhere_is_not_followed(tmp_path, api, monkeypatch):
    # The first page comes; the second redirects to another host (localhost, not 127.0.0.1):
    # a link the server made, not us, so it is refused, never asked.
    monkeypatch.setattr(govuk, "PAGE", 3)
    found = clashes(tmp_path, api, path="/moved/search.json")
    assert found.returncode == 2 and "Traceback" not in found.stderr
    assert found.stderr.startswith(f"{api.url}/moved/search.json?filter_format=")
    assert found.stderr.endswith(
        f": redirects to http://localhost:{api.server_address[1]}/api/search.json?"
        f"{found.stderr.split('?', 1)[1].split(':', 1)[0]}, which is not followed: a page of "
        "answers is read only at the address asked for; write the address the answers are at\n"
    )
    assert len(api.asked) == 2 and found.stdout == ""


def test_a_line_break_in_an_announcement_starts_no_line_in_clashes(tmp_path, api):
    forged = "Tue 13 May 2014  external  forged\n0 clashes in 2014/15"
    api.results = [result("Labour market\n" + forged, "2014-05-13T08:30:00Z",
                          orgs=("office-for-national-statistics\r\nx",))]  # fmt: skip
    found = clashes(tmp_path, api)
    assert found.returncode == 1
    [clash, total] = found.stdout.splitlines()
    assert "on the day of Labour market Tue 13 May 2014 external forged 0 clashes in " \
        "2014/15 (09:30, GOV.UK: Office For National Statistics X, confirmed)" in clash  # fmt: skip
    assert total == "1 clash in 2014/15"


@pytest.mark.parametrize(
    ("stamp", "uk"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 28 March 2027 (the last Sunday of March):
        # 23:30 UTC the Saturday before is 23:30 GMT, still Saturday 27 March.
        ("2027-03-27T23:30:00Z", "27 March 2027 11:30pm"),
        ("2027-03-28T00:30:00Z", "28 March 2027 12:30am"),  # GMT still: half past midnight
        ("2027-03-28T01:30:00Z", "28 March 2027 2:30am"),  # BST (UTC+1) from 01:00 UTC
        # Clocks go back at 01:00 UTC on Sunday 31 October 2027: at 23:30 UTC on Saturday 30
        # October it is 00:30 BST on Sunday 31 October.
        ("2027-10-30T23:30:00Z", "31 October 2027 12:30am"),
        ("2027-10-31T00:30:00Z", "31 October 2027 1:30am"),  # BST: the first 01:30
        ("2027-10-31T01:30:00Z", "31 October 2027 1:30am"),  # GMT: the second
        # The same instants as whitehall writes them, with their UK offset.
        ("2027-10-31T00:30:00.000+01:00", "31 October 2027 12:30am"),
        ("2027-05-20T09:30:00.000+01:00", "20 May 2027 9:30am"),
        ("2027-05-20T12:00:00.000+01:00", "20 May 2027 12:00pm"),  # %l:%M%P: noon is 12pm
    ],
)
def test_a_release_timestamp_is_read_on_its_uk_day_across_the_clock_changes(stamp, uk):
    [notice] = govuk.read_saved(json.dumps(answer([result("X", stamp)])).encode(), "x.json")
    assert govuk.said(notice.start, Precision.EXACT) == uk
    assert notice.day.isoformat() == {"27": "2027-03-27", "28": "2027-03-28", "31": "2027-10-31",
                                      "20": "2027-05-20"}[uk.split()[0]]  # fmt: skip


def test_a_cancelled_announcement_without_its_day_is_passed_over():
    gone = result("Dropped", "2027-05-20T08:30:00Z", state="cancelled")
    del gone["release_timestamp"]
    kept = result("Kept", "2027-05-20T08:30:00Z")
    notices = govuk.read_saved(json.dumps(answer([gone, kept])).encode(), "x.json")
    assert [n.title for n in notices] == ["Kept"]
    # One that is not cancelled still needs its day.
    del kept["release_timestamp"]
    with pytest.raises(govuk.CalendarFileError, match="result 1 has release_timestamp None"):
        govuk.read_saved(json.dumps(answer([kept])).encode(), "x.json")


def test_an_organisation_by_its_name_is_refused_not_answered_with_nothing(tmp_path, api):
    # GOV.UK filters by slug: "Home Office" would match nothing, and so clash with nothing.
    found = clashes(tmp_path, api, "--against", "govuk:Home Office")
    assert found.returncode == 2 and found.stdout == ""
    assert found.stderr == (
        '"govuk:Home Office": "Home Office" is no organisation\'s slug on GOV.UK, and GOV.UK '
        "would answer it with nothing: write it as the last part of its address there, like "
        "govuk:home-office\n"
    )


def test_a_search_the_api_refuses_says_why(tmp_path, api, monkeypatch):
    # As the Search API refuses a field it does not define: 422, and its reason as JSON.
    monkeypatch.setattr(govuk, "FIELDS", (*govuk.FIELDS, "format_sub_type"))
    found = clashes(tmp_path, api)
    assert found.returncode == 2
    assert found.stderr.endswith(
        ": cannot be fetched: the server answered 422 Unprocessable Entity (Some requested "
        "fields are not valid return fields: ['format_sub_type'])\n"
    )
