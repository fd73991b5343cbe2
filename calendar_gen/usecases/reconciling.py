"""`reconcile`: the record against the producer's announcements on GOV.UK, and what to type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from calendar_gen.domain.model import Programme
from calendar_gen.findings import Finding
from calendar_gen.programme.schedule import load_programme
from calendar_gen.reports import Format, ReconcileReport
from calendar_gen.usecases.shared import chosen, not_half_written

if TYPE_CHECKING:
    from calendar_gen.web.govuk import Notice

LOOK_BACK = 92  # days before today asked for: a quarter's releases out, still announced
EXPORTED = ("govuk-announcements.csv", "govuk-announcements.json")


def reconcile(
    schedules: str | Path = "schedules",
    *,
    as_of: dt.date,
    govuk: str | Path = "",
    titles: str | Path | None = None,
    export: str | Path | None = None,
    format: str = "table",
) -> ReconcileReport:
    """Each drift between the record and the organisation's announcements on GOV.UK.

    `govuk` is a saved Search API answer or an address; "" asks programme.toml's govuk_api.
    `titles` maps publication ids to their GOV.UK titles (default: govuk-titles.toml in the
    schedules, when there). `export`: a folder to write what to type into GOV.UK, as CSV and
    JSON, with GOV.UK's editorial rules checked as warnings.
    """
    from calendar_gen.checks import drift as lining
    from calendar_gen.domain.releases import calendar

    shown = chosen("--format", format, (Format.TABLE, Format.JSON))
    not_half_written(schedules)
    programme = load_programme(schedules)
    titles_file = Path(titles) if titles else Path(schedules) / lining.TITLES_FILE
    names = lining.read_titles(titles_file, programme) if titles or titles_file.exists() else {}
    source, notices = _announcements(programme, str(govuk), as_of)
    releases = calendar(programme, as_of)
    drifts, paired = lining.drifts(programme, releases, notices, names, as_of)
    exported: tuple[Path, ...] = ()
    warnings: list[Finding] = []
    if export is not None:
        entries, warnings = lining.entries(drifts, programme, names)
        exported = _write(Path(export), lining.entries_csv(entries),
                          lining.entries_json(entries, warnings))  # fmt: skip
    return ReconcileReport(tuple(drifts), source, programme.govuk_organisation, as_of,
                           len(notices), paired, exported, shown, tuple(warnings))  # fmt: skip


def _announcements(programme: Programme, spec: str, as_of: dt.date) -> tuple[str, list[Notice]]:
    """Where they were read from, and the organisation's announcements there."""
    from calendar_gen.web import govuk
    from calendar_gen.web.calendars import read_file, web_address

    since = as_of - dt.timedelta(days=LOOK_BACK)
    slug = programme.govuk_organisation
    if not spec:
        where, notices = programme.govuk_api, govuk.fetch_all(programme.govuk_api, since, slug)
    elif (url := web_address(spec)) is not None:
        where, notices = url, govuk.fetch_all(url, since, slug)
    else:
        where, notices = spec, govuk.read_saved(read_file(spec), spec)
    # An answer saved for all of government holds others' too; one without organisations
    # is taken as the organisation's own.
    return where, [n for n in notices if not n.slugs or govuk.ours(n, slug)]


def _write(folder: Path, csv_text: str, json_text: str) -> tuple[Path, ...]:
    from calendar_gen.workspace.output import ensure_folder, publish

    ensure_folder(folder)
    files = {folder / EXPORTED[0]: csv_text, folder / EXPORTED[1]: json_text}
    publish(files.items())
    return tuple(files)
