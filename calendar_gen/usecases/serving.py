"""`serve`: the feeds folder served for preview, rebuilt when the schedules change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from calendar_gen.errors import CalendarGenError, error_lines
from calendar_gen.reports import spell
from calendar_gen.usecases.building import build
from calendar_gen.usecases.shared import today_in_london


def serve(
    out: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log: Callable[[str], None],
    watch: str | Path | None = None,
    today: Callable[[], dt.date] = today_in_london,
    wait: float = 60.0,
) -> None:
    """Serve the feeds folder until interrupted; with `watch`, rebuild when its files change."""
    import gc
    import signal
    import threading

    from calendar_gen.web.server import FeedServer
    from calendar_gen.web.server import watch as watch_folder

    root = Path(out)
    if not root.is_dir():
        raise CalendarGenError(f"{out}: is not a folder; run calendar-gen build first")
    gc.enable()  # it runs on, rebuilding: what it leaves behind must be collected
    try:
        server = FeedServer(root, host, port, log=log)
    except OSError as error:
        raise CalendarGenError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    stop = threading.Event()
    if watch is not None:
        watch_folder(Path(watch), _rebuilder(watch, out, log, today, wait), stop)
    # Ctrl-C, or a service manager's TERM, stops it cleanly even in the background; set
    # before the address is told, so a stop sent as soon as it is known is heard.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    bound_host, bound_port = server.server_address[:2]
    log(f"serving {out}/ at http://{bound_host!s}:{bound_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    log("stopped")


def _rebuilder(
    schedules: str | Path,
    out: str | Path,
    log: Callable[[str], None],
    today: Callable[[], dt.date],
    wait: float,
) -> Callable[[], None]:
    """What the watcher calls on a change: a build whose report, or error, goes to the log."""

    def rebuild() -> None:
        log(f"{schedules} changed: rebuilding")
        try:
            report = build(schedules, out, as_of=today(), wait=wait)
            lines = [f"warning: {spell(w)}" for w in report.warnings] + report.lines()
        except CalendarGenError as error:  # shown, and the last good build stays served
            lines = error_lines(error)
        for line in lines:
            log(line)

    return rebuild
