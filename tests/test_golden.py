"""The shipped outputs: the repository's feeds/ is the golden set of what the shipped
schedules build, every file byte for byte. After a change that means to alter them, `make
golden` rebuilds feeds/ and `git diff feeds/` shows what changed, for review."""

import pytest
from helpers import GOLDEN, SHIPPED, assert_same_files, published

from calendar_gen.programme.schedule import load_programme

# Each feed of one filter: all, the four topics, the two designations the programme uses, the
# three nations its regions' holidays reach, and its fifteen publications.
PUBLICATIONS = ["alcohol-licensing", "asylum-statistics", "children-entering-detention",
                "crime-outcomes", "crimes-against-businesses", "drug-misuse", "drug-seizures",
                "firearm-certificates", "hate-crimes", "immigration-statistics",
                "police-powers-and-procedures", "police-workforce", "recorded-crime-open-data",
                "scientific-procedures-on-animals", "terrorism-act-quarterly"]  # fmt: skip
FILTERS = ["all", "crime", "migration", "other", "policing", "designation-national-statistics",
           "designation-official-statistics", "nation-england-and-wales", "nation-scotland",
           "nation-northern-ireland", *(f"publication-{p}" for p in PUBLICATIONS)]  # fmt: skip
# Each in its three variants (the shipped programme sets a reminder time), then the rest.
GOLDEN_FILES = sorted([*(f + ending for f in FILTERS
                         for ending in (".ics", ".all-day.ics", ".reminder.ics")),
                       "changes.atom", "index.html", "releases.csv", "releases.json",
                       "releases.schema.json", "feeds.json", "feeds.schema.json"])  # fmt: skip


def test_the_golden_set_is_every_shipped_output():
    # A feed per topic file, all.ics, the page and the data files: nothing left out of it.
    topics = sorted(f"{p.stem}.ics" for p in SHIPPED.glob("*.toml"))
    topics.remove("announcements.ics")
    topics.remove("programme.ics")
    assert sorted(p.name for p in published(GOLDEN)) == GOLDEN_FILES
    assert set(topics) < set(GOLDEN_FILES)
    assert len(PUBLICATIONS) == len({p.id for p in load_programme(SHIPPED).publications}) == 15


def test_the_shipped_schedules_build_exactly_the_golden_files(shipped_site):
    build = shipped_site.build
    assert build.stderr == ""  # no announced date disagrees with its rule
    assert "newly confirmed" not in build.stdout  # the record holds every release
    assert_same_files(
        shipped_site.feeds,
        GOLDEN,
        "If the change is meant: make golden, and review git diff feeds/",
    )


def test_a_changed_output_fails_with_a_diff_naming_it(shipped_site_copy):
    # The comparison itself: a golden test that cannot fail checks nothing.
    page = shipped_site_copy.feeds / "releases.csv"
    page.write_bytes(page.read_bytes().replace(b"Hate Crimes", b"Hate Crime", 1))
    (shipped_site_copy.feeds / "extra.ics").write_text("")
    with pytest.raises(AssertionError) as failure:
        assert_same_files(shipped_site_copy.feeds, GOLDEN)
    message = str(failure.value)
    assert "built but not expected: extra.ics" in message
    assert f"+++ {shipped_site_copy.feeds / 'releases.csv'}" in message
    assert '-hate-crimes,"Hate Crimes and' in message
    assert '+hate-crimes,"Hate Crime and' in message
