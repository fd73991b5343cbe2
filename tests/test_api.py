"""The public Python API, used as the README shows, through public names only."""

import datetime as dt
from pathlib import Path

import pytest
from helpers import ROOT, write_schedules

import calendar_gen as cg

D = dt.date
PACKAGE = ROOT / "calendar_gen"
MODULES = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")]


def test_every_public_name_is_there_and_typed():
    assert all(hasattr(cg, name) for name in cg.__all__)
    assert (ROOT / "calendar_gen" / "py.typed").exists()


def test_build_move_and_rebuild_as_the_readme_does(tmp_path, shipped_rules):
    schedules = shipped_rules
    report = cg.build(schedules, tmp_path / "feeds", as_of=D(2014, 4, 20))
    assert not report.found
    # 47 in 2014/15 but April's four, already out and never announced (3, 8, 9, 16 April).
    assert len(report.releases) == 43
    # Confirmed up to 18 May 2014: the second Tuesday and Wednesday of May.
    assert [r.date for r in report.releases if r.status is cg.Status.CONFIRMED] == [
        D(2014, 5, 13),
        D(2014, 5, 14),
    ]
    changed = cg.move("immigration-statistics", D(2014, 5, 22), D(2014, 5, 29), "supplier delay",
                      schedules=schedules, as_of=D(2014, 5, 1))  # fmt: skip
    assert changed.announcement.changes[-1].action is cg.Action.MOVED
    rebuilt = cg.build(schedules, tmp_path / "feeds", as_of=D(2014, 5, 1))
    (moved,) = [r for r in rebuilt.releases if r.publication.id == "immigration-statistics"
                and r.scheduled == cg.YearMonth(2014, 5)]  # fmt: skip
    # Moved while provisional, then confirmed by the rebuild (29 May less four weeks is 1 May).
    assert (moved.date, moved.sequence) == (D(2014, 5, 29), 2)


def test_bad_input_raises_schedule_error_with_every_problem(tmp_path):
    schedules = write_schedules(tmp_path / "s", {"t": 'topic = "T"\n[[publication]]\nid = "x"\n'})
    with pytest.raises(cg.ScheduleError) as error:
        cg.check(schedules)
    problems = error.value.problems
    assert {p.publication for p in problems} == {"x"}
    assert {p.file for p in problems} == {f"{schedules}/t.toml"}
    assert any(p.message.startswith("title is missing") for p in problems)


def test_a_promise_kept_by_the_api_too(tmp_path):
    schedules = write_schedules(tmp_path / "s")
    cg.build(schedules, tmp_path / "feeds", as_of=D(2014, 4, 20))
    # Without its record, the rule's new day would move the confirmed 13 May release.
    (schedules / "announcements.toml").unlink()
    topic = schedules / "test.toml"
    topic.write_text(topic.read_text().replace("second tuesday", "third tuesday"))
    with pytest.raises(cg.CalendarGenError, match="would change without a recorded reason"):
        cg.build(schedules, tmp_path / "feeds", as_of=D(2014, 4, 20))


def test_today_is_passed_in_and_defaults_to_the_uk_date():
    # British Summer Time began at 01:00 UTC on Sunday 30 March 2014.
    assert cg.today_in_london(dt.datetime(2014, 3, 30, 0, 30, tzinfo=dt.UTC)) == D(2014, 3, 30)
    assert cg.today_in_london(dt.datetime(2014, 3, 30, 23, 30, tzinfo=dt.UTC)) == D(2014, 3, 31)


def test_the_readme_module_table_is_the_package():
    import re

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Development", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_/]+\.py)` \|", table, re.MULTILINE))
    packages = set(re.findall(r"^\| `([a-z_]+)/` \|", table, re.MULTILINE))
    assert packages == {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    # A package's row says what it is for; usecases/__init__.py holds the API, so has its own.
    inits = {f"{name}/__init__.py" for name in packages} - {"usecases/__init__.py"}
    modules = set(MODULES) - {"__init__.py", "__main__.py"} - inits
    assert documented == modules


def test_architecture_names_every_module_in_its_layer_and_no_other():
    import re

    layers = (ROOT / "ARCHITECTURE.md").read_text().split("## Layers", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_/]+)(?:\.py)?`", layers)) - {"__main__"}
    packages = {f"{path.parent.name}/" for path in PACKAGE.glob("*/__init__.py")}
    # A package is named by its folder; usecases/__init__ holds the API, so is named too.
    inits = {f"{name}__init__" for name in packages} - {"usecases/__init__"}
    modules = {name.removesuffix(".py") for name in MODULES} - {"__main__"} - inits
    assert named == modules | packages - {"usecases/"}


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda s: cg.list_releases(s, as_of=D(2014, 4, 1), format="xml"),
         "--format 'xml' is not one of table, json, csv"),
        (lambda s: cg.check(s, format="csv"), "--format 'csv' is not one of table, json"),
        (lambda s: cg.clashes(s, as_of=D(2014, 4, 1), only="extrnal"),
         "--only 'extrnal' is not one of same-day, external, blackout"),
    ],
)  # fmt: skip
def test_a_choice_misspelt_through_the_api_is_refused_not_ignored(tmp_path, call, said):
    # A misspelt kind of clash once reported no clashes, and an unknown format a table.
    with pytest.raises(cg.CalendarGenError, match=said):
        call(write_schedules(tmp_path / "s"))


def test_a_build_asked_for_an_unknown_format_writes_nothing(tmp_path):
    with pytest.raises(cg.CalendarGenError, match="--format 'csv'"):
        cg.build(write_schedules(tmp_path / "s"), tmp_path / "feeds", as_of=D(2014, 4, 1),
                 format="csv")  # fmt: skip
    assert not (tmp_path / "feeds").exists()


def test_every_package_folder_is_in_the_distribution():
    # setuptools ships only the packages named: a subpackage left out installs a broken
    # command for everyone who installs with pip rather than from a clone.
    import tomllib

    named = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in PACKAGE.rglob("__init__.py")
    }
    assert set(named) == folders


def test_every_use_case_is_found_where_the_package_says_it_lives():
    from calendar_gen import usecases

    assert set(usecases.__all__) == set(usecases._HOMES)
    assert all(callable(getattr(usecases, name)) for name in usecases.__all__)
    with pytest.raises(AttributeError):
        usecases.no_such_command  # noqa: B018


def test_no_function_of_the_package_is_over_fifty_lines():
    """A function a newcomer reads in one screen: the house's rule, held by the suite."""
    import ast

    package = Path(cg.__file__).parent
    long = [
        f"{path.relative_to(package)}:{node.lineno} {node.name} ({lines} lines)"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (lines := node.end_lineno - node.lineno + 1) > 50
    ]
    assert long == []
