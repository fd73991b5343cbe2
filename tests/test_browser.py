"""A real browser loads the page from `calendar-gen serve`: links, filters, copying, the
keyboard, the phone layout, and an accessibility audit with axe-core."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import PROGRAMME, SHIPPED, outside_tool, run_cli, serving, write_schedules
from interop import LineProcess
from test_pages import HOSTILE, Page, write_hostile

pytestmark = [pytest.mark.slow, pytest.mark.interop]

# `make test-tools` installs Debian's chromium; without it these tests fail rather than skip.
BROWSER = shutil.which("chromium")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium(tmp_path, *args: str) -> str:
    outside_tool("Chromium")
    assert BROWSER, "chromium is not installed: run make test-tools"
    result = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("feed_url", [None, "https://stats.example.gov.uk/feeds"])
def test_page_in_a_browser(tmp_path, feed_url):
    settings = f'feed_url = "{feed_url}"\n' if feed_url else ""
    write_schedules(tmp_path / "schedules", {"t": HOSTILE}, PROGRAMME + settings)
    assert run_cli("build", "--as-of", "2014-06-01", cwd=tmp_path).returncode == 0
    with serving(tmp_path / "feeds") as served:
        # --dump-dom prints the document after its scripts ran, as a visitor would get it.
        dom = chromium(tmp_path, "--dump-dom", f"{served.url}/")
        shot = tmp_path / "index.png"
        chromium(tmp_path, f"--screenshot={shot}", "--window-size=420,900", f"{served.url}/")
    page = Page(dom)
    base = feed_url or f"http://127.0.0.1:{served.port}"
    webcal = "webcal:" + base.split(":", 1)[1]
    assert ("subscribe", f"{webcal}/all.ics") in page.links
    assert ("subscribe", f"{webcal}/t.ics") in page.links
    assert ("download", f"{feed_url}/t.ics" if feed_url else "t.ics") in page.links
    # Google Calendar and Outlook take the whole address: made by the script without feed_url.
    google = "https://calendar.google.com/calendar/render?cid=" + quote(f"{webcal}/t.ics", safe="")
    assert ("google", google) in page.links
    outlook = "https://outlook.live.com/calendar/0/addfromweb?url="
    assert ("outlook", f"{outlook}{quote(f'{base}/t.all-day.ics', safe='')}&name=Test%20Office"
            "%3A%20%3Cb%3EBold%3C%2Fb%3E%20%26%20co%20%28all%20day%29") in page.links  # fmt: skip
    text = "".join(page.text)
    # The hostile title is text in the table, and its script never ran (no alert element).
    assert "<script>alert('x')</script>" in text
    assert "Tue 11 Nov 2014" in text and "Upcoming releases" in text
    assert "img" not in page.tags
    assert shot.stat().st_size > 10_000
    assert '"GET / HTTP' not in served.stdout and '"GET /" 200' in served.stdout


# playwright-core drives Debian's chromium for tests/js/page.mjs; `make test-tools` installs
# both, and without them these tests fail rather than skip.
JS = Path(__file__).parent / "js"


# One node and Chromium for the module's pages (per worker): starting a browser for each
# page took most of these tests' time. Each page is still opened in a fresh context.
PAGES = LineProcess(
    "page.mjs",
    [str(shutil.which("node")), str(JS / "page.mjs"), "--each-line"],
    timeout=180,
    env={"PATH": "/usr/bin:/bin", "CHROMIUM": str(BROWSER)},
)


def page_script(*args: str) -> dict:
    outside_tool("node and Chromium")
    assert shutil.which("node"), "node is not installed"
    for package in ("playwright-core", "axe-core"):
        assert (JS / "node_modules" / package).is_dir(), f"{package} missing: run make test-tools"
    assert BROWSER, "chromium is not installed: run make test-tools"
    return PAGES.ask(list(args))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The shipped programme and a hostile one, built and served for the module's tests."""
    root = tmp_path_factory.mktemp("sites")
    shutil.copytree(SHIPPED, root / "shipped" / "schedules")
    write_hostile(root / "hostile" / "schedules")
    for name in ("shipped", "hostile"):
        for command in ("build", "report"):
            assert run_cli(command, "--as-of", "2014-06-01", cwd=root / name).returncode == 0
        assert run_cli("policy", cwd=root / name).returncode == 0
    with serving(root / "shipped" / "feeds") as shipped, serving(root / "hostile" / "feeds") as bad:
        yield {"shipped": shipped.url, "hostile": bad.url}


WIDTHS = ("1280", "390")  # a desktop's and a phone's


def audited(url: str, rules: int) -> None:
    """axe-core finds nothing at WCAG 2.2 AA on the page at each width."""
    found = page_script("audit", url, *WIDTHS)
    assert sorted(found) == sorted(WIDTHS)  # each width was audited
    for width, result in found.items():
        assert result["violations"] == [], width
        assert result["passes"] >= rules, width  # the audit really ran its rules on the page
        assert result["problems"] == [], width  # no script error, nothing loaded from elsewhere


@pytest.mark.parametrize("site", ["shipped", "hostile"])
@pytest.mark.parametrize(("page", "rules"), [
    ("", 15), ("report-2014-15.html", 15),
    ("release-practice-policy.html", 10),  # text, lists and links: fewer rules apply
])  # fmt: skip
def test_no_accessibility_violations_at_wcag_2_2_aa(sites, site, page, rules):
    audited(f"{sites[site]}/{page}", rules)


@pytest.fixture(scope="module")
def used(sites):
    """What a visitor's browser made of the shipped page: one run for the tests below."""
    return page_script("use", f"{sites['shipped']}/")


def test_upcoming_filters_and_copy(sites, used):
    base = sites["shipped"]
    assert used["problems"] == []
    # The browser's clock says Sunday 1 June 2014: 5 June on is upcoming, soonest first
    # (Thursday 5, Tuesday 10 and Wednesday 11 June).
    assert used["upcoming"][:3] == ["terrorism-act-quarterly-2014-06",
        "asylum-statistics-2014-06", "children-entering-detention-2014-06"]  # fmt: skip
    # Before it, newest first: 22, 14 and 13 May; 16, 9, 8 and 3 April.
    assert used["past"] == ["immigration-statistics-2014-05",
        "children-entering-detention-2014-05", "asylum-statistics-2014-05",
        "recorded-crime-open-data-2014-04", "children-entering-detention-2014-04",
        "asylum-statistics-2014-04", "police-powers-and-procedures-2014-04"]  # fmt: skip
    assert len(used["upcoming"]) == 40
    assert used["headings"] == ["Upcoming releases, soonest first", "Past releases, newest first"]
    assert used["counts"][:2] == ["40 upcoming releases", "7 upcoming releases"]
    assert used["addresses"][0] == f"{base}/all.ics"
    assert used["subscribe"][0] == "webcal:" + base.split(":", 1)[1] + "/all.ics"
    filters = used["filters"]
    assert len(filters["all"]) == len(filters["reset"]) == 47
    assert all(i.startswith(("asylum", "children", "immigration")) for i in filters["migration"])
    assert len(filters["migration"]) == 28
    assert filters["migrationMay"] == ["immigration-statistics-2014-05",
        "children-entering-detention-2014-05", "asylum-statistics-2014-05"]  # fmt: skip
    assert filters["shown"] == "Showing 3 of 47 releases"
    assert filters["national"] == ["immigration-statistics-2014-05"]
    assert filters["empty"] == ["No upcoming releases."]
    # The first Copy button puts the feed's full address on the clipboard, and says so.
    assert used["copied"] == f"{base}/all.ics"
    assert used["said"] == f"Copied {base}/all.ics"


def test_keyboard_alone_reaches_the_filters_with_focus_visible(used):
    steps = used["keyboard"]
    # Tab: the skip link, shown; Enter: the releases; then Tab through the filters.
    assert steps[0]["text"] == "Skip to the releases" and steps[0]["onScreen"]
    assert steps[1]["id"] == "releases"
    assert [s["name"] for s in steps[2:5]] == ["topic", "designation", "month"]
    assert steps[5]["text"] == "Show all"
    assert all(s["outline"] == "solid" and s["outlineWidth"] >= 2 for s in steps)


def test_phone_layout_print_and_page_without_scripts(used):
    # At 390 px: a line for the day, time and status, the title, a line for topic and
    # designation; nothing wider than the screen, no empty labels. A title too long for
    # one line wraps (the shipped page's longest take two or three).
    assert not used["scrolls"] and not used["phoneLabels"]
    rows = used["phone"]
    # Only the releases with something to explain carry a note: the animals statistics'
    # 10:00 release time and the Terrorism Act figures' move.
    noted = {"scientific-procedures-on-animals-2014-07", "terrorism-act-quarterly-2014-09"}
    assert len(rows) == 47 and {r["id"] for r in rows if r["notes"]} == noted
    assert all(r["when"] == r["meta"] == 1 for r in rows)
    assert all(r["lines"] == r["title"] + 2 for r in rows if r["id"] not in noted)
    assert any(r["title"] == 1 for r in rows)  # so some releases take exactly three lines
    # On paper: no controls and no webcal links, which paper cannot follow.
    assert used["printed"] == ["none"] * 4
    bare = used["noScript"]
    assert bare["rows"] == sorted(bare["rows"], reverse=True) and len(bare["rows"]) == 47
    assert bare["hidden"] == [True, True, True] and bare["buttons"] == 0
    assert bare["addresses"][:4] == ["all.ics", "all.all-day.ics", "all.reminder.ics", "crime.ics"]


@pytest.fixture(scope="module")
def welsh_sites(tmp_path_factory):
    """The shipped programme and the hostile one, each with every text in Welsh too."""
    from test_welsh import hostile_in_welsh, in_welsh

    root = tmp_path_factory.mktemp("welsh-sites")
    in_welsh(root / "shipped" / "schedules")
    hostile_in_welsh(root / "hostile" / "schedules")
    for name in ("shipped", "hostile"):
        assert run_cli("build", "--as-of", "2014-06-01", cwd=root / name).returncode == 0
    with serving(root / "shipped" / "feeds") as shipped, serving(root / "hostile" / "feeds") as bad:
        yield {"shipped": shipped.url, "hostile": bad.url}


@pytest.mark.parametrize("site", ["shipped", "hostile"])
@pytest.mark.parametrize("page", ["index.cy.html", "index.html"])  # each links the other
def test_the_welsh_page_has_no_accessibility_violations(welsh_sites, site, page):
    audited(f"{welsh_sites[site]}/{page}", 15)


def test_the_welsh_page_in_use(welsh_sites):
    base = welsh_sites["shipped"]
    used = page_script("use", f"{base}/index.cy.html")
    assert used["problems"] == []
    # As on the English page (test_upcoming_filters_and_copy), 40 releases from 5 June 2014.
    assert len(used["upcoming"]) == 40
    assert used["headings"] == ["Datganiadau ar ddod, y cynharaf yn gyntaf",
                                "Datganiadau blaenorol, y diweddaraf yn gyntaf"]  # fmt: skip
    assert used["counts"][:2] == ["Datganiadau ar ddod: 40", "Datganiadau ar ddod: 7"]
    assert used["addresses"][0] == f"{base}/all.cy.ics"
    assert used["filters"]["shown"] == "Yn dangos 3 o 47 datganiad"
    assert used["said"] == f"Wedi copïo {base}/all.cy.ics"
    assert not used["scrolls"]
    assert used["keyboard"][0]["text"] == "Neidio i'r datganiadau"
