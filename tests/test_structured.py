"""The page's schema.org structured data, read with a real extractor as crawlers read it."""

import json

import extruct
from helpers import GOLDEN, MONTHLY, run_cli, write_schedules

ORG = "https://schema.org/"


def events(page: str) -> dict[str, dict]:
    """The page's PublicationEvents by identifier (the release's UID)."""
    (graph,) = extruct.extract(page, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert graph["@context"] == ORG
    return {e["identifier"]: e for e in graph["@graph"] if e["@type"] == "PublicationEvent"}


def test_every_release_on_the_shipped_page_is_an_event_as_releases_json_has_it():
    found = events((GOLDEN / "index.html").read_text())
    rows = json.loads((GOLDEN / "releases.json").read_text())
    assert len(found) == len(rows) and len(rows) > 40
    for row in rows:
        event = found[row["uid"]]
        assert (event["name"], event["startDate"]) == (row["title"], row["start"])
        assert event["organizer"] == {"@type": "Organization", "name": "Home Office"}
        anchor = f"index.html#{row['id']}-{row['scheduled_month']}"
        assert event["url"] == anchor == event["@id"]
        # The 2014/15 record holds one move: the Terrorism Act statistics, 4 to 28 August.
        if row["history"]:
            assert event["eventStatus"] == ORG + "EventRescheduled"
            assert event["previousStartDate"] == [h["from"] for h in row["history"]]
        else:
            assert event["eventStatus"] == ORG + "EventScheduled"
            assert "previousStartDate" not in event


def test_each_state_is_the_schema_org_status_with_every_earlier_day(tmp_path):
    write_schedules(tmp_path / "schedules", {"test": MONTHLY})  # second Tuesdays
    steps = [
        ("build", "--as-of", "2014-04-15"),
        ("move", "monthly-bulletin", "2014-05-13", "2014-05-20", "--reason", "late data"),
        ("postpone", "monthly-bulletin", "2014-06-10", "--reason", "awaiting data"),
        ("cancel", "monthly-bulletin", "2014-07-08", "--reason", "merged"),
        ("reinstate", "monthly-bulletin", "2014-07-08", "--to", "2014-07-15", "--reason", "back"),
        ("build", "--as-of", "2014-04-20"),
        ("released", "monthly-bulletin", "2014-05-20", "--url", "https://www.gov.uk/x?a=1&b=2"),
        ("build", "--as-of", "2014-05-21"),
    ]
    for step in steps:
        args = (
            step
            if step[0] == "build"
            else (*step, "--as-of", "2014-05-21" if step[0] == "released" else "2014-04-20")
        )
        assert run_cli(*args, cwd=tmp_path).returncode == 0, args
    found = events((tmp_path / "feeds" / "index.html").read_text())
    uid = "monthly-bulletin-2014-{}@test-office".format
    may, june, july, august = (found[uid(m)] for m in ("05", "06", "07", "08"))
    assert (may["eventStatus"], may["previousStartDate"]) == (ORG + "EventRescheduled",
                                                              ["2014-05-13"])  # fmt: skip
    assert may["workFeatured"] == {"@type": "CreativeWork", "url": "https://www.gov.uk/x?a=1&b=2"}
    assert may["description"].startswith("Moved on Sunday 20 April 2014 from Tuesday 13 May")
    assert june["eventStatus"] == ORG + "EventPostponed" and "previousStartDate" not in june
    # Cancelled, then reinstated a week later: rescheduled from 8 July, now on the 15th.
    assert (july["eventStatus"], july["previousStartDate"]) == (ORG + "EventRescheduled",
                                                                ["2014-07-08"])  # fmt: skip
    assert july["startDate"] == "2014-07-15T09:30:00+01:00"
    assert august["eventStatus"] == ORG + "EventScheduled"


def test_hostile_text_comes_out_of_the_data_exactly_and_ends_nothing(tmp_path):
    nasty = 'Bulletin</script><script>alert(1)</script><!-- "&amp;'
    topic = MONTHLY.replace('"Monthly bulletin"', json.dumps(nasty))
    write_schedules(tmp_path / "schedules", {"test": topic})
    assert run_cli("build", "--as-of", "2014-04-15", cwd=tmp_path).returncode == 0
    page = (tmp_path / "feeds" / "index.html").read_text()
    assert {e["name"] for e in events(page).values()} == {nasty}
    head = page.split("</head>", 1)[0]
    block = head.split('<script type="application/ld+json">', 1)[1]
    # The element ends where calendar-gen ends it: no "<" of the text is left in it.
    assert head.count("</script>") == 1 and "<" not in block.removesuffix("</script>\n")
