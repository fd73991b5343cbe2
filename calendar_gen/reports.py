"""What each use case returns: plain data, with the lines a person reads.

The command line prints `lines()` to standard output and `warnings` to standard error, and
exits 1 when a report has `found` something to put right.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, assert_never

from calendar_gen.domain.model import Announcement, Period, Precision, Programme
from calendar_gen.domain.releases import Release
from calendar_gen.domain.texts import long_date, plural, short_date
from calendar_gen.domain.workdays import Roll
from calendar_gen.findings import SCHEMA as FINDINGS_SCHEMA
from calendar_gen.findings import Command, Finding, Severity
from calendar_gen.programme.schedule import REGIONS_DEFAULT

# Types of other commands' reports only: a check or build loads none of their modules
# (drift, the web client; digest, the email modules; learning and clash, ~40 ms between them).
if TYPE_CHECKING:
    from calendar_gen.checks.clash import Clash, Move
    from calendar_gen.checks.drift import Drift
    from calendar_gen.programme.learning import Proposal
    from calendar_gen.publishing.digest import Last


class Format(StrEnum):
    """How a report is printed: for people, or as data."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"  # the releases of `list` only


class Report(Protocol):
    """What every use case returns."""

    @property
    def warnings(self) -> tuple[Finding, ...]: ...

    @property
    def found(self) -> bool: ...

    def lines(self) -> list[str]: ...


def spell(finding: Finding) -> str:
    """A finding as a person reads it: its sentence, and the command that puts it right."""
    r = finding.remedy
    if r is None:
        return finding.text
    match r.command:
        case Command.MOVE:
            command = f"move {r.publication} {r.date} {r.new_date or 'NEW_DATE'} --reason ..."
        case Command.CANCEL:
            command = f"cancel {r.publication} {r.date} --reason ..."
        case Command.RELEASED:
            command = f"released {r.publication} {r.date} --url URL"
        case _:
            assert_never(r.command)
    return f"{finding.text}: calendar-gen {command}"


NARROW = 80  # a terminal's width: the table fits it unless asked to be wide


def release_table(releases: list[Release], *, wide: bool = True) -> str:
    """The releases as an aligned text table; narrow: date, time, status and title in 80
    columns, the title shortened with an ellipsis where it must be."""
    heads = ("Date", "Time", "Status", "Topic", "Id", "Title")
    rows = [
        (short_date(r.date), f"{r.start:%H:%M}", _status(r), r.topic.slug,
         r.publication.id, r.publication.title)
        for r in releases
    ]  # fmt: skip
    keep = range(6) if wide else (0, 1, 2, 5)
    table = [tuple(row[i] for i in keep) for row in [heads, *rows]]
    widths = [max(len(cell) for cell in column) for column in zip(*table, strict=True)]
    if not wide:
        room = NARROW - sum(widths[:-1]) - 2 * (len(widths) - 1)
        table = [(*row[:-1], _shortened(row[-1], room)) for row in table]
        widths[-1] = min(widths[-1], room)
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in table)
    return "\n".join(line.rstrip() for line in lines)


def _status(release: Release) -> str:
    """Its status, and its precision where the feeds show only its month: "provisional
    (month)" says the date beside it is the rules', not yet announced."""
    if release.precision is Precision.EXACT:
        return release.status.value
    return f"{release.status.value} ({release.precision.value})"


def _shortened(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


@dataclass(frozen=True)
class BuildReport:
    """What a build published, or that nothing needed publishing."""

    summary: str
    out: Path
    changed: tuple[Path, ...] = ()
    announced: tuple[Announcement, ...] = ()
    record: Path | None = None
    warnings: tuple[Finding, ...] = ()
    unchanged: bool = False  # the inputs were those of the last build: nothing was touched
    releases: tuple[Release, ...] = ()  # what was published (none when unchanged)
    dry_run: bool = False  # what would be published; nothing was written
    found: bool = False
    format: Format = Format.TABLE

    def lines(self) -> list[str]:
        if self.format is Format.JSON:
            return [json.dumps(self.as_dict(), indent=2, ensure_ascii=False)]
        if self.unchanged:
            return [f"{self.summary} ({self.out}/ unchanged)"]
        if self.dry_run:
            confirmed = plural(len(self.announced), "release")
            return [f"would publish {self.summary}; {confirmed} would be newly confirmed",
                    "nothing was written (--dry-run)"]  # fmt: skip
        lines = []
        if self.announced:
            lines.append(f"{plural(len(self.announced), 'newly confirmed release')} added to "
                         f"{self.record}")  # fmt: skip
        lines.append(f"{self.summary} ({plural(len(self.changed), 'file')} changed)")
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The build as build --format json prints it."""
        return {
            "schema": FINDINGS_SCHEMA,
            "summary": self.summary,
            "out": str(self.out),
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "changed": [str(path) for path in self.changed],
            "record": str(self.record) if self.record else None,
            "announced": [
                {"publication": a.id, "scheduled": str(a.month), "date": a.date.isoformat()}
                for a in self.announced
            ],
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class ListReport:
    releases: tuple[Release, ...]
    format: Format = Format.TABLE
    warnings: tuple[Finding, ...] = ()
    found: bool = False
    wide: bool = False  # every column, however long the lines

    def pieces(self) -> Iterator[str]:
        """What the command prints, piece by piece: a whole government's calendar is 70 MB
        of JSON, too much to hold more than once."""
        from calendar_gen.publishing.pages import csv_lines, json_lines

        if self.format is Format.JSON:
            yield from json_lines(list(self.releases))
        elif self.format is Format.CSV:
            yield from csv_lines(list(self.releases))
        elif not self.releases:
            yield "no releases\n"
        else:
            yield release_table(list(self.releases), wide=self.wide) + "\n"

    def lines(self) -> list[str]:
        return ["".join(self.pieces()).rstrip("\n")]


@dataclass(frozen=True)
class CheckReport:
    """A summary of the schedules, and what checking them found: the rolls and suspensions,
    rules that now differ from what was announced, and Code of Practice problems."""

    programme: Programme
    period: Period
    releases: tuple[Release, ...]
    findings: tuple[Finding, ...]
    as_of: dt.date | None
    format: Format = Format.TABLE
    warnings: tuple[Finding, ...] = ()

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.PROBLEM]

    @property
    def found(self) -> bool:
        return bool(self.problems)

    def lines(self) -> list[str]:
        if self.format is Format.JSON:
            return [json.dumps(self._data(), indent=2, ensure_ascii=False)]
        p, releases = self.programme, self.releases
        lines = [
            f"{p.folder}: {p.organisation}, {plural(len(p.topics), 'topic')}, "
            f"{plural(len(p.publications), 'publication')}, "
            f"{plural(len(releases), 'release')} in {self.period}"
        ]
        if releases:
            lines.append(f"first release {releases[0].date}, last {releases[-1].date}")
        said = {Severity.NOTE: "", Severity.WARNING: "warning: ",
                Severity.PROBLEM: "code of practice: "}  # fmt: skip
        for severity in (Severity.NOTE, Severity.WARNING, Severity.PROBLEM):
            lines += [said[severity] + spell(f) for f in self.findings if f.severity is severity]
        if self.problems:
            count = plural(len(self.problems), "Code of Practice problem")
            lines.append(f"{count} as of {self.as_of}")
        else:
            lines.append("OK")
        return lines

    def _data(self) -> dict[str, Any]:
        p, releases = self.programme, self.releases
        return {
            "schema": FINDINGS_SCHEMA,
            "schedules": str(p.folder),
            "organisation": p.organisation,
            "period": str(self.period),
            "topics": len(p.topics),
            "publications": len(p.publications),
            "releases": len(releases),
            "first": releases[0].date.isoformat() if releases else None,
            "last": releases[-1].date.isoformat() if releases else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "problems": len(self.problems),
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class ChangeReport:
    """One recorded change to an announced release."""

    announcement: Announcement
    record: Path
    warnings: tuple[Finding, ...] = ()
    found: bool = False
    was_at: dt.time | None = None  # its release time before the change

    def lines(self) -> list[str]:
        a = self.announcement
        change = a.changes[-1]
        # The time, when the release no longer has its publication's: what was, beside what is.
        at = f" at {self.was_at:%H:%M}" if self.was_at and a.state.time else ""
        return [
            f"{a.id}: {change.text()}",
            f"{a.id} {a.month} was on {long_date(change.old)}{at}; it is now {a.state.said()}",
            f"recorded in {self.record}; run calendar-gen build to publish the change",
        ]


def _named(release: Release) -> str:
    """'Asylum Statistics (09:30, Migration statistics)': a release as a clash names it."""
    return f"{release.publication.title} ({release.start:%H:%M}, {release.topic.name})"


def clash_lines(clashes: list[Clash]) -> list[str]:
    """One line per clash, our releases and other calendars' events by name, with the
    suggested way out."""
    from calendar_gen.checks.clash import ClashKind

    lines = []
    for c in clashes:
        ours = "; ".join(_named(r) for r in c.releases)
        what = {
            ClashKind.SAME_DAY: f"{len(c.releases)} releases on one day: {ours}",
            ClashKind.EXTERNAL: f"{ours} on the day of {'; '.join(c.events)}",
            ClashKind.BLACKOUT: f"{ours} in a blackout: {c.reason}",
        }[c.kind]
        line = f"{short_date(c.date)}  {c.kind.value:<8}  {what}"
        if c.mover and c.suggestion:
            line += f"; suggest moving {c.mover.publication.title} to {short_date(c.suggestion)}"
        elif c.mover:
            line += f"; no clear working day in {c.date:%B} for {c.mover.publication.title}"
        lines.append(line)
    return lines


@dataclass(frozen=True)
class ClashReport:
    """Clashes to put right, and those accepted in programme.toml, which are not counted."""

    clashes: tuple[Clash, ...]
    accepted: tuple[Clash, ...]
    scope: str  # a period's name, or "from <day>"
    format: Format = Format.TABLE
    warnings: tuple[Finding, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.clashes)

    def lines(self) -> list[str]:
        if self.format is Format.JSON:
            rows = [{**c.as_dict(), "accepted": False} for c in self.clashes]
            rows += [{**c.as_dict(), "accepted": True} for c in self.accepted]
            return [json.dumps(rows, indent=2, ensure_ascii=False)]
        lines = clash_lines(list(self.clashes))
        lines += [f"{line} (accepted)" for line in clash_lines(list(self.accepted))]
        if self.clashes:
            lines.append(f"{plural(len(self.clashes), 'clash', 'clashes')} {self.scope}")
        else:
            lines.append(f"no clashes {self.scope}")
        if self.accepted:
            lines.append(f"{plural(len(self.accepted), 'accepted clash', 'accepted clashes')}, "
                         "not counted")  # fmt: skip
        return lines


@dataclass(frozen=True)
class NextYearReport:
    """The programme rolled to its next period, the moves made, and what still clashes."""

    programme: Programme
    period: Period
    moves: tuple[Move, ...]
    releases: tuple[Release, ...]
    build: BuildReport
    remaining: tuple[Clash, ...]
    kept: int = 0  # releases left of the period before, pinned in the record
    warnings: tuple[Finding, ...] = field(default=())
    strict: bool = False  # clashes left after the roll make it exit 1

    @property
    def found(self) -> bool:
        return self.strict and bool(self.remaining)

    def lines(self) -> list[str]:
        would = self.build.dry_run
        path = self.programme.programme_path
        moved = "would move" if would else "moved"
        lines = [f"{path}: period would become {self.period}" if would
                 else f"{path}: period is now {self.period}"]  # fmt: skip
        lines += [
            f"{moved} {m.release.publication.id} from {long_date(m.release.date)} to "
            f"{long_date(m.new_date)}: {m.reason}"
            for m in self.moves
        ]
        if self.kept:
            before = self.period.preceding()
            lines.append(f"{plural(self.kept, 'release')} of {before} not yet announced "
                         f"{'would be' if would else 'are'} kept in the record, on the days "
                         "their rules give, so the feeds keep them")  # fmt: skip
        lines += [release_table(list(self.releases)), *self.build.lines()]
        if self.remaining:  # each is a warning; `--strict` makes them fail the roll
            count = plural(len(self.remaining), "clash", "clashes")
            lines.append(f"{count} {'would be ' if would else ''}left in {self.period}")
        return lines


@dataclass(frozen=True)
class InitReport:
    """The starter files written, and what to do next."""

    files: tuple[Path, ...]
    folder: Path
    warnings: tuple[Finding, ...] = ()
    found: bool = False

    def lines(self) -> list[str]:
        return [
            *(f"wrote {path}" for path in self.files),
            f"next: edit them, then calendar-gen check --schedules {self.folder} and "
            f"calendar-gen build --schedules {self.folder}",
        ]


@dataclass(frozen=True)
class LearnReport:
    """The programme written from past dates: each series' rule and how well it fits."""

    files: tuple[Path, ...]
    folder: Path
    proposals: tuple[Proposal, ...]
    warnings: tuple[Finding, ...] = ()
    found: bool = False

    def lines(self) -> list[str]:
        lines = []
        for p in self.proposals:
            n = len(p.series.dates)
            if p.day is None:
                lines.append(f"{p.series.id}: ad hoc: no rule fits its {plural(n, 'past date')}")
                continue
            months = ", ".join(f"{dt.date(2000, m, 1):%b}" for m in p.months)
            rolled = "" if p.roll is Roll.FOLLOWING else f", rolled {p.roll.value}"
            nation = "" if p.region == REGIONS_DEFAULT else f", {p.region} holidays"
            gives = f"gives {p.kept} of its {plural(n, 'past date')}"
            lines.append(f'{p.series.id}: {p.frequency.value}, "{p.day}" in {months}'
                         f"{rolled}{nation}: {gives}")  # fmt: skip
        return [
            *lines,
            *(f"wrote {path}" for path in self.files),
            f"next: check each rule in {self.folder}, then calendar-gen check --schedules "
            f"{self.folder}",
        ]


@dataclass(frozen=True)
class ComplianceReport:
    """The compliance report's files, and its figures in a few lines."""

    files: tuple[Path, ...]
    period: Period
    releases: int
    confirmed: int
    due: int  # of those confirmed, the ones whose day has come
    kept: int
    changes: int
    late: int
    passed: int
    warnings: tuple[Finding, ...] = ()
    found: bool = False

    def lines(self) -> list[str]:
        share = f"{100 * self.kept / self.due:.0f}%" if self.due else "none"
        return [
            f"{self.period}: {plural(self.releases, 'release')}, {self.confirmed} confirmed; "
            f"of the {self.due} due, {share} released on the day and time first confirmed; "
            f"{plural(self.changes, 'change')} of plan recorded; {self.late} confirmed late; "
            f"{self.passed} passed without confirmation",
            *(f"wrote {path}" for path in self.files),
        ]


@dataclass(frozen=True)
class PolicyReport:
    """The draft release practice policy: the files written, or its Markdown to print."""

    files: tuple[Path, ...] = ()
    text: str | None = None  # the Markdown, when it was asked for instead of files
    changed: tuple[Path, ...] = ()  # those of `files` whose content changed
    warnings: tuple[Finding, ...] = ()
    found: bool = False

    def lines(self) -> list[str]:
        if self.text is not None:
            return [self.text.rstrip("\n")]
        return [
            f"wrote {path}" if path in self.changed else f"{path} unchanged" for path in self.files
        ]


class Outcome(StrEnum):
    """What a notify run did."""

    STARTED = "started"  # a list's first run: the present taken as told, nothing sent
    NOTHING = "nothing"  # nothing new since the last digest: nothing sent
    PREPARED = "prepared"  # noted, to be sent by notify --send-prepared
    NONE_PREPARED = "none prepared"  # --send-prepared with nothing prepared: nothing sent
    SENT = "sent"
    RESENT = "resent"  # the last digest again, as asked
    MARKED = "marked"  # the last digest noted as sent, as asked


@dataclass(frozen=True)
class NotifyReport:
    """What notify sent, or why it sent nothing."""

    outcome: Outcome
    to: str
    through: dt.date  # the day of the last build the list has now been told of
    last: Last | None = None  # the digest sent, resent or marked
    counts: dict[str, int] = field(default_factory=dict)  # events sent, by section
    server: str = ""
    more: int = 0  # events left to the next digest, too many for this one
    warnings: tuple[Finding, ...] = ()
    found: bool = False

    @property
    def _told(self) -> str:
        told = "; ".join(f"{section.lower()}: {n}" for section, n in self.counts.items())
        return f"{told}; {self.more:,} more left to the next digest" if self.more else told

    @property
    def _id(self) -> str:
        return self.last.message_id if self.last else ""

    def lines(self) -> list[str]:
        built = long_date(self.through)
        match self.outcome:
            case Outcome.STARTED:
                return [
                    f"first digest to {self.to}: what the builds published up to {built} "
                    "is taken as told; nothing was sent. From now on each run sends what "
                    "is new (--since DATE on a first run sends what is new since DATE)"
                ]
            case Outcome.NOTHING:
                return [f"nothing new since the last digest to {self.to} (published up to "
                        f"{built}); nothing was sent"]  # fmt: skip
            case Outcome.PREPARED:
                return [f"prepared the digest to {self.to} ({self._told}), Message-ID "
                        f"{self._id}: nothing was sent. Commit and push the note, then send "
                        "it with calendar-gen notify --send-prepared"]  # fmt: skip
            case Outcome.NONE_PREPARED:
                return [f"no digest to {self.to} was prepared; nothing was sent"]
            case Outcome.SENT:
                told = f" ({self._told})" if self.counts else ""
                return [f"sent the digest to {self.to} through {self.server}{told}, "
                        f"Message-ID {self._id}"]  # fmt: skip
            case Outcome.RESENT:
                return [f"sent the last digest to {self.to} again through {self.server}, "
                        f"Message-ID {self._id}"]  # fmt: skip
            case Outcome.MARKED:
                return [f"the last digest to {self.to} ({self._id}) is noted as "
                        "sent; the next run sends what is new"]  # fmt: skip
            case _:
                assert_never(self.outcome)


@dataclass(frozen=True)
class ReconcileReport:
    """How the record and GOV.UK's announcements stand: each drift, and what was exported."""

    drifts: tuple[Drift, ...]
    source: str  # the file or address the announcements were read from
    organisation: str  # its slug on GOV.UK
    as_of: dt.date
    read: int  # announcements read
    paired: int  # of them, lined up with a release
    exported: tuple[Path, ...] = ()
    format: Format = Format.TABLE
    warnings: tuple[Finding, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.drifts)

    def lines(self) -> list[str]:
        if self.format is Format.JSON:
            return [json.dumps(self._data(), indent=2, ensure_ascii=False)]
        lines = [f"{d.finding.kind.value}: {d.finding.text}" for d in self.drifts]
        lines += [f"wrote {path}" for path in self.exported]
        read = (f"{plural(self.read, 'announcement')} of {self.organisation} read from "
                f"{self.source}, {self.paired:,} lined up with the record")  # fmt: skip
        if self.drifts:
            lines.append(f"{plural(len(self.drifts), 'drift')} from GOV.UK as of "
                         f"{short_date(self.as_of)}: {read}")  # fmt: skip
        else:
            lines.append(f"in step with GOV.UK as of {short_date(self.as_of)}: {read}")
        if not self.read:  # most often a slug GOV.UK does not know: it answers with nothing
            lines.append(f"none of {self.organisation} was read: is it the organisation's slug "
                         "on GOV.UK, the last part of its address there (govuk_organisation in "
                         "programme.toml)?")  # fmt: skip
        return lines

    def _data(self) -> dict[str, Any]:
        from calendar_gen.checks.drift import SCHEMA

        return {
            "schema": SCHEMA,
            "source": self.source,
            "organisation": self.organisation,
            "as_of": self.as_of.isoformat(),
            "announcements": self.read,
            "lined_up": self.paired,
            "drifts": [d.as_dict() for d in self.drifts],
            "exported": [str(path) for path in self.exported],
        }
