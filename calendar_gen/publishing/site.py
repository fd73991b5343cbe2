"""The feeds folder: one build's files, and the note that lets an unchanged rebuild skip it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property, lru_cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from stat import S_ISREG
from typing import Any, assert_never

from calendar_gen.domain.history import ReleaseKey
from calendar_gen.domain.model import (
    RECORD_FILE,
    Announcement,
    Builds,
    Key,
    Period,
    Programme,
    ShownRow,
)
from calendar_gen.domain.releases import Release
from calendar_gen.programme.files import Refused, read_regular
from calendar_gen.programme.schedule import FILE_LIMIT
from calendar_gen.publishing.feeds import feed_chunks, feed_list, languages
from calendar_gen.publishing.news import ATOM, render_atom
from calendar_gen.publishing.pages import csv_lines, index_pieces, json_lines, json_rows
from calendar_gen.record.seals import events_digest, row_seals, sealed
from calendar_gen.workspace.edits import published_masked_pieces, record_pieces
from calendar_gen.workspace.output import Content
from calendar_gen.workspace.readback import (
    DATA_LIMIT,
    NOTE_LIMIT,
    ReadBackError,
    loads,
    opened,
    read_back,
)

MANIFEST = ".calendar-gen-build.json"  # hidden: the preview server does not serve it


@dataclass(frozen=True)
class Edition:
    """What one build publishes, that every output is rendered from."""

    programme: Programme
    period: Period
    releases: list[Release]
    # The releases' rows of releases.json (pages.json_rows), when the build made them to
    # compare with the last; None: each is made as it is written.
    rows: list[str] | None
    as_of: dt.date
    events: str = ""  # the digest of the record's seals once this build has written it

    @cached_property
    def digest(self) -> str:
        """The digest of the releases.json it writes, which the record and the page keep."""
        digest = hashlib.sha256()
        for piece in json_lines(self.releases, self.rows):
            digest.update(piece.encode())
        return f"sha256:{digest.hexdigest()}"


class Output(Enum):
    """A kind of file a build writes, named by its file name (the feeds: by their ending),
    in the order they are written."""

    # Before the feeds: a build stopped among them leaves releases.json holding at least
    # the releases all.ics does, which the next build is held to.
    RELEASES_JSON = "releases.json"
    SCHEMA = "releases.schema.json"  # releases.json's JSON Schema, for whoever reads it
    FEEDS = ".ics"
    INDEX = "index.html"
    CSV = "releases.csv"
    CHANGES = ATOM
    FEED_LIST = "feeds.json"  # every feed, what it holds and its address: for tools
    FEEDS_SCHEMA = "feeds.schema.json"  # feeds.json's JSON Schema

    @property
    def suffix(self) -> str:
        """The ending of its files' names."""
        return "." + self.value.rsplit(".", 1)[-1]

    @property
    def media_type(self) -> str:
        """Its Content-Type when served."""
        match self:
            case Output.RELEASES_JSON | Output.SCHEMA | Output.FEED_LIST | Output.FEEDS_SCHEMA:
                return "application/json"
            case Output.FEEDS:
                return "text/calendar; charset=utf-8"
            case Output.INDEX:
                return "text/html; charset=utf-8"
            case Output.CSV:
                return "text/csv; charset=utf-8"
            case Output.CHANGES:
                return "application/atom+xml"
            case _:
                assert_never(self)

    def render(self, edition: Edition) -> Iterable[tuple[str, Content]]:
        """Its files, as (name, content): data files as lines, written one after another."""
        e = edition
        match self:
            case Output.RELEASES_JSON:
                return [(self.value, json_lines(e.releases, e.rows))]
            case Output.SCHEMA | Output.FEEDS_SCHEMA:
                return [
                    (self.value, files("calendar_gen").joinpath("schemas", self.value).read_text())
                ]
            case Output.FEEDS:
                return feed_chunks(e.programme, e.releases, e.period)
            case Output.INDEX:  # and index.cy.html, for a programme with Welsh
                # Made as it is written, after the feeds have let their events go.
                return [(lang.file(self.value), index_pieces(e.programme, e.releases, e.period,
                                                             e.as_of, e.digest, e.events, lang))
                        for lang in languages(e.programme)]  # fmt: skip
            case Output.CSV:
                return [(self.value, csv_lines(e.releases, byte_order_mark=True))]
            case Output.CHANGES:  # and changes.cy.atom
                return [(lang.file(self.value), render_atom(e.programme, e.releases, lang))
                        for lang in languages(e.programme)]  # fmt: skip
            case Output.FEED_LIST:
                return [(self.value, _feed_list(e.programme))]  # made as it is written
            case _:
                assert_never(self)


def _feed_list(programme: Programme) -> Iterator[str]:
    """feeds.json: each feed's file, title, what it holds, its variant, its language and its
    address; the Welsh feeds too, which a tool offering Welsh subscribers would otherwise
    have to guess the names of."""
    base = f"{programme.feed_url}/" if programme.feed_url else ""
    feeds = [{"name": f.name, "title": f.title, "holds": f.key, "variant": f.variant.value,
              "language": f.language.value, "address": base + f.name}
             for lang in languages(programme) for f in feed_list(programme, lang)]  # fmt: skip
    yield json.dumps(feeds, indent=1, ensure_ascii=False) + "\n"


def outputs(
    edition: Edition, folder: Path, announce: list[Announcement], shown: Sequence[ShownRow] = ()
) -> list[tuple[Path, Content]]:
    """Every file a build writes; the page, feeds.json and the feeds are made as each is
    staged, and none is renamed into place until all are, so an error in one writes nothing.
    The record comes first: a build stopped half-way never loses an announcement."""
    programme = edition.programme
    before = programme.builds
    # Every event the record holds is sealed as this build publishes it.
    new = {a.key for a in announce}
    announce = [*announce, *(programme.announcements[k] for k in programme.seals.unsealed
                             if k not in new)]  # fmt: skip
    seals = {**programme.seals.by_key, **{a.key: sealed(a) for a in announce}}
    # Sealing nothing new, the record's digest of its seals is the one it was read with
    # (reading it checked that): a whole government's is not worked out twice a build.
    same = not announce and not shown and before and before.events
    events = before.events if same and before else _events(programme, seals, shown)
    edition = replace(_resealed(edition, seals, {a.key for a in announce}), events=events)
    del seals, new  # a whole government's: not held while the record is written
    builds = Builds(before.first if before else edition.as_of, edition.as_of, edition.digest,
                    edition.events)  # fmt: skip
    files: list[tuple[Path, Content]] = []
    if announce or builds != before or shown:
        record = record_pieces(programme.record_path, announce, builds, shown, programme.seals)
        files.append((programme.record_path, record))
    files += [(folder / name, content) for kind in Output for name, content in kind.render(edition)]
    return files


def _resealed(edition: Edition, seals: Mapping[Key, tuple[str, ...]], keys: Set[Key]) -> Edition:
    """The edition with the latest seal of each release in `keys`, as this build writes
    the record, in its row of the data files."""
    if not keys:  # most daily builds: a whole government's releases not gone through
        return edition
    resealed = [replace(r, seal=seals[key][-1]) for r in edition.releases
                if (key := ReleaseKey(r.publication.id, r.scheduled)) in keys and key in seals
                and r.seal != seals[key][-1]]  # fmt: skip
    if not resealed:
        return edition
    releases, rows = list(edition.releases), None if edition.rows is None else list(edition.rows)
    put_in_place(releases, rows, resealed)
    return replace(edition, releases=releases, rows=rows)


def put_in_place(releases: list[Release], rows: list[str] | None, remade: list[Release]) -> None:
    """Put each of `remade` in its place in `releases` (and its row in `rows`), by key: a
    showing changes a release's revision, never its day, so the order stays."""
    fresh = {ReleaseKey(r.publication.id, r.scheduled): r for r in remade}
    for i, r in enumerate(releases):
        if (new := fresh.get(ReleaseKey(r.publication.id, r.scheduled))) is not None:
            releases[i] = new
            if rows is not None:
                rows[i] = json_rows([new])[0]


def as_sealed(programme: Programme, releases: list[Release]) -> list[Release]:
    """The releases with the seal a build writes for those it confirms and those of the
    record no build has sealed: made so before their rows, which `outputs` then need not
    make again (it seals any other release it records, as `_resealed`)."""
    from calendar_gen.domain.releases import to_announce

    unsealed, recorded = programme.seals.unsealed, programme.announcements
    fresh = {a.key: a for a in to_announce(releases, programme)}
    if not fresh and not unsealed:
        return releases
    found = list(releases)
    for i, r in enumerate(releases):
        if not unsealed and not r.confirmed:  # most of a daily build's: none to look up
            continue
        key = ReleaseKey(r.publication.id, r.scheduled)
        a = fresh.get(key) or (recorded.get(key) if key in unsealed else None)
        if a is not None and (seal := sealed(a)[-1]) != r.seal:
            found[i] = replace(r, seal=seal)
    return found


def _events(
    programme: Programme, seals: Mapping[Key, tuple[str, ...]], shown: Sequence[ShownRow]
) -> str:
    """The digest of the record's seals once this build has written it: [published] events."""
    chain = [programme.seals.last_row, *row_seals(shown, programme.seals.last_row)]
    return events_digest(seals, [s for s in chain if s])


def file_digest(path: Path) -> str | None:
    """The digest of a releases.json, to compare with the record's; None if it cannot be
    read as one (the promise check then says why)."""
    digest = hashlib.sha256()
    try:
        with opened(path, DATA_LIMIT, "") as file:
            while block := file.read(2**20):
                digest.update(block)
    except (OSError, ValueError, ReadBackError):
        return None
    return f"sha256:{digest.hexdigest()}"


def program_files() -> list[tuple[str, Path]]:
    """Every file of calendar-gen's own that a build's output depends on: its code, and the
    schema it writes beside releases.json."""
    package = Path(__file__).parent.parent
    paths = sorted(package.rglob("*.py")) + sorted(package.glob("schemas/*.json"))
    return [(path.relative_to(package).as_posix(), path) for path in paths]


def fingerprint(schedules: str | Path, period: Period | None) -> str:
    """A digest of everything a build's output depends on but the day: the schedules folder,
    the options, this program and the holiday tables it reads."""
    holidays, program = _program()
    digest = hashlib.sha256(f"{period}|{holidays}".encode())
    files = [(path.name, path) for path in sorted(Path(schedules).glob("*.toml"))]
    for name, path in files:
        digest.update(name.encode() + b"\0")
        for piece in _contents(path):  # a whole government's record is not copied
            digest.update(piece)
        digest.update(b"\0")
    for named in program:
        digest.update(named)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _program() -> tuple[str, tuple[bytes, ...]]:
    """The holiday tables' version, and each program file's name and bytes as the
    fingerprint takes them: read once a run, though a build asks twice (about 20 ms)."""
    return version("holidays"), tuple(
        b"".join([name.encode(), b"\0", *_contents(path), b"\0"]) for name, path in program_files()
    )


def _contents(path: Path) -> list[bytes | memoryview]:
    """A file's bytes, or a mark when it is not read (a FIFO, a folder, too large): NUL is in
    no TOML file, so the digest matches no earlier build, and loading says what is wrong."""
    try:  # the record grows with every announcement: it has no limit
        data = read_regular(path, None if path.name == RECORD_FILE else FILE_LIMIT)
    except (Refused, OSError) as error:
        return [b"\0\1" + str(error).encode()]
    if path.name != RECORD_FILE:
        return [data]
    # The day of the last build is not an input: a quiet day's build moves it on.
    return published_masked_pieces(data)


def _state(
    folder: Path, names: list[str], before: Mapping[str, object]
) -> dict[str, list[int | str | None]] | None:
    """Each file's size, modification time and digest; the digest carried over from the
    last manifest's `before` while the size and time are as it noted them."""
    found: dict[str, list[int | str | None]] = {}
    for name in names:
        try:
            stat = (folder / name).stat()
        except OSError:
            return None
        was = before.get(name)
        if isinstance(was, list) and len(was) == 3 and was[:2] == [stat.st_size, stat.st_mtime_ns]:
            found[name] = was
        else:
            found[name] = [stat.st_size, stat.st_mtime_ns, file_digest(folder / name)]
    return found


def _as_left(path: Path, state: object) -> bool:
    """Whether `path` is as the manifest's `state` of it says the last build left it: its
    size and time, or (after a checkout or a copy, which set the time anew) its bytes."""
    try:
        stat = path.lstat()
    except (OSError, ValueError):  # ValueError: a NUL in a name no build wrote
        return False
    if not isinstance(state, list) or not S_ISREG(stat.st_mode):  # a link or a folder: not ours
        return False
    if state[:2] == [stat.st_size, stat.st_mtime_ns]:
        return True
    return (len(state) == 3 and isinstance(state[2], str) and state[0] == stat.st_size
            and file_digest(path) == state[2])  # fmt: skip


def previous_build(out: str | Path, digest: str, as_of: dt.date) -> dict[str, Any] | None:
    """What the last build into `out` said, if it built these very inputs, `as_of` is a day
    on which a build publishes just what it did, and its files are still as it left them;
    None when a build is needed."""
    folder = Path(out)
    if (note := _read_note(folder)) is None:
        return None
    if not isinstance(note, dict) or note.get("fingerprint") != digest:
        return None
    try:
        built, quiet = (dt.date.fromisoformat(note[key]) for key in ("as_of", "quiet_until"))
    except (KeyError, TypeError, ValueError):
        return None
    if not built <= as_of <= quiet:
        return None
    files = note.get("files")
    if not isinstance(files, dict) or not all(map(_plain, files)):  # not a build's: build
        return None
    if not all(_as_left(folder / name, state) for name, state in files.items()):
        return None
    return note


def _plain(name: object) -> bool:
    """Whether `name` names a file in the folder itself, as a build's manifest does: no
    path, no link out of it, and so no file read twice or outside it."""
    return isinstance(name, str) and name == Path(name).name and name not in ("", ".", "..") \
        and "\0" not in name  # fmt: skip


def last_as_of(out: str | Path) -> dt.date | None:
    """The day the last build into `out` took as today, if it says."""
    try:
        return dt.date.fromisoformat(_read_note(Path(out))["as_of"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_note(folder: Path) -> Any:
    """What the manifest says, or None when there is none or it cannot be made out."""
    fix = "remove it and build again"
    try:
        return loads(read_back(folder / MANIFEST, NOTE_LIMIT, fix))
    except (OSError, ValueError):
        return None


# What a build writes that a later one may not: a feed of a filter, variant or language it
# no longer has, or the Welsh page and news. Nothing else is ever taken away.
DROPPABLE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.all-day|\.reminder)?(?:\.cy)?\.ics"
                       r"|index\.cy\.html|changes\.cy\.atom")  # fmt: skip


def stale_files(out: str | Path, names: Set[str], noted: Mapping[str, object]) -> list[Path]:
    """The files the last build into `out` wrote that this one, writing `names`, does not:
    each a feed or Welsh page, a regular file exactly as that build left it (its size and
    time as the manifest keeps them, or its bytes), so a file anyone else wrote or touched
    stays. `noted`: the files its manifest notes (noted_files)."""
    folder = Path(out)
    droppable = [name for name in sorted(noted) if name not in names and DROPPABLE.fullmatch(name)]
    return [folder / name for name in droppable if _as_left(folder / name, noted[name])]


def noted_files(folder: Path) -> dict[str, object]:
    """The files the manifest in `folder` notes, with their states; none if it cannot say."""
    note = _read_note(folder)
    files = note.get("files") if isinstance(note, dict) else None
    return files if isinstance(files, dict) else {}


def note_build(
    out: str | Path,
    digest: str,
    names: list[str],
    said: Mapping[str, object],
    noted: Mapping[str, object] | None = None,
) -> str:
    """The manifest's text for a build that wrote `names` and said `said`; `noted`: the
    files the last manifest noted, whose digests it carries over (default: read them)."""
    folder = Path(out)
    # None when a file cannot be looked at: no later build can then take its outputs as
    # left as they were, and none is skipped.
    state = _state(folder, sorted(names), noted_files(folder) if noted is None else noted)
    return json.dumps({"fingerprint": digest, "files": state, **said}, indent=1) + "\n"
