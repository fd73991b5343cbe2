"""The shipped outputs: the repository's feeds/ is the golden set of what the shipped
schedules build, every file byte for byte. After a change that means to alter them, `make
golden` rebuilds feeds/ and `git diff feeds/` shows what changed, for review."""

import pytest
from helpers import GOLDEN, SHIPPED, assert_same_files, published

GOLDEN_FILES = sorted(["all.ics", "changes.atom", "crime.ics", "index.html", "migration.ics",
                       "other.ics", "policing.ics", "releases.csv", "releases.json",
                       "releases.schema.json", "feeds.json", "feeds.schema.json",
                       "designation-national-statistics.ics",
                       "designation-official-statistics.ics"])  # fmt: skip


def test_the_golden_set_is_every_shipped_output():
    # A feed per topic file, all.ics, the page and the data files: nothing left out of it.
    topics = sorted(f"{p.stem}.ics" for p in SHIPPED.glob("*.toml"))
    topics.remove("announcements.ics")
    topics.remove("programme.ics")
    assert sorted(p.name for p in published(GOLDEN)) == GOLDEN_FILES
    assert set(topics) < set(GOLDEN_FILES)


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
