"""A real browser loads the page from `calendar-gen serve`: links, table and a screenshot."""

import shutil
import subprocess

import pytest
from helpers import PROGRAMME, run_cli, serving, write_schedules
from test_pages import HOSTILE, Page

# `make test-tools` installs Debian's chromium; without it these tests fail rather than skip.
BROWSER = shutil.which("chromium")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium(tmp_path, *args: str) -> str:
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
    text = "".join(page.text)
    # The hostile title is text in the table, and its script never ran (no alert element).
    assert "<script>alert('x')</script>" in text
    assert "Tue 11 Nov 2014" in text and "Upcoming releases" in text
    assert "img" not in page.tags
    assert shot.stat().st_size > 10_000
    assert '"GET / HTTP' not in served.stdout and '"GET /" 200' in served.stdout
