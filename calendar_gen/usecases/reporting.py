"""The use case that reports how a period's calendar was kept: `report`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from calendar_gen.checks.compliance import compliance, report_json
from calendar_gen.domain.model import Period
from calendar_gen.programme.schedule import load_programme
from calendar_gen.publishing.reportpage import render_report
from calendar_gen.reports import ComplianceReport
from calendar_gen.usecases.shared import Waiting, not_half_written, writing
from calendar_gen.workspace.output import ensure_folder, publish


def report(
    schedules: str | Path = "schedules",
    out: str | Path = "feeds",
    *,
    as_of: dt.date,
    period: Period | None = None,
    wait: float = 60.0,
    on_wait: Waiting | None = None,
) -> ComplianceReport:
    """Write report-PERIOD.html and .json into `out`: the notice each release of the period
    got, the share released as first confirmed, every change with its reason, and more."""
    not_half_written(schedules)
    programme = load_programme(schedules)
    period = period or programme.period
    figures = compliance(programme, period, as_of)
    name = f"report-{period.name.replace('/', '-')}"
    with writing(schedules, wait, on_wait):
        folder = ensure_folder(out)
        files = [(folder / f"{name}.html", render_report(figures)),
                 (folder / f"{name}.json", report_json(figures))]  # fmt: skip
        publish(files)
    return ComplianceReport(
        tuple(path for path, _ in files), period, figures.releases, len(figures.confirmations),
        len(figures.due), figures.kept, figures.plans_changed, len(figures.late),
        len(figures.passed),
    )  # fmt: skip
