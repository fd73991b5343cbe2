"""Screenshots of the shipped page for the README: `make screenshots` runs this after
`make feeds`. The page is served as the preview server serves it, and Chromium's clock is set
to a day in the shipped period, so the pictures show upcoming releases as a visitor saw them.
"""

import subprocess
import sys
import threading
from pathlib import Path

from calendar_gen.server import FeedServer

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2014-06-01"
SHOTS = [("index.png", "1280"), ("index-phone.png", "390")]
PORT = 8000  # calendar-gen serve's: the addresses in the pictures are the README's


def main() -> None:
    server = FeedServer(ROOT / "feeds", "127.0.0.1", PORT, log=lambda line: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{PORT}/"
    try:
        for name, width in SHOTS:
            command = ["node", str(ROOT / "tests" / "js" / "page.mjs"), "screenshot", url,
                       str(ROOT / "docs" / name), width, TODAY]  # fmt: skip
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=180)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
