"""`policy`: a draft release practice policy, written beside the feeds or printed."""

from __future__ import annotations

from pathlib import Path

from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import PolicyReport
from calendar_gen.usecases.shared import Waiting, not_half_written, writing
from calendar_gen.workspace.output import JOURNAL, ensure_folder, publish

TO_STDOUT = "-"  # --out -: the Markdown is printed, nothing is written


def policy(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> PolicyReport:
    """Write release-practice-policy.md and .html into `out` from programme.toml and the
    record; with `out` "-", return the Markdown to print and write nothing."""
    from calendar_gen.publishing.releasepolicy import (
        HTML_FILE,
        MARKDOWN_FILE,
        draft,
        html,
        markdown,
    )

    with writing(schedules, wait, on_wait):  # a build writing the record finishes first
        not_half_written(schedules)
        drafted = draft(load_programme(schedules))
        if str(out) == TO_STDOUT:
            return PolicyReport((), markdown(drafted))
        folder = ensure_folder(out)
        files = [(folder / MARKDOWN_FILE, markdown(drafted)), (folder / HTML_FILE, html(drafted))]
        # Both or neither: a run killed between the renames is finished by the next writer.
        changed = publish(files, Path(schedules) / JOURNAL)
    return PolicyReport(tuple(path for path, _ in files), changed=tuple(changed))
