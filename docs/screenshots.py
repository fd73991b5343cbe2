"""Screenshots of the shipped page and compliance report for the README: `make screenshots`
runs this after `make feeds`. Each page is served as the preview server serves it, and
Chromium's clock is set to a day in the shipped period, so the pictures show upcoming
releases as a visitor saw them.
"""

import datetime as dt
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from calendar_gen import usecases
from calendar_gen.web.server import FeedServer

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2014-06-01"
PAGE = [("", "index.png", "1280"), ("", "index-phone.png", "390")]
REPORT = [("report-2014-15.html", "report.png", "1280")]
PORT = 8000  # calendar-gen serve's: the addresses in the pictures are the README's


def shoot(folder: Path, shots: list[tuple[str, str, str]]) -> None:
    server = FeedServer(folder, "127.0.0.1", PORT, log=lambda line: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for page, name, width in shots:
            url = f"http://127.0.0.1:{PORT}/{page}"
            command = ["node", str(ROOT / "tests" / "js" / "page.mjs"), "screenshot", url,
                       str(ROOT / "docs" / name), width, TODAY]  # fmt: skip
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=180)
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    shoot(ROOT / "feeds", PAGE)
    with tempfile.TemporaryDirectory() as out:  # the report as of the year's end
        usecases.report(ROOT / "schedules", out, as_of=dt.date(2015, 4, 1))
        shoot(Path(out), REPORT)


if __name__ == "__main__":
    sys.exit(main())
