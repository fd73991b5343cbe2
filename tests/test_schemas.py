"""The JSON Schemas calendar-gen publishes: valid, in step with the code, and kept."""

import copy
import json

import jsonschema
import pytest
from helpers import GOLDEN, SCHEMAS, SHIPPED, run_cli, valid, write_schedules

from calendar_gen.checks.clash import ClashKind
from calendar_gen.checks.drift import DRIFTS
from calendar_gen.checks.drift import Action as ExportAction
from calendar_gen.domain.history import Action, Status
from calendar_gen.domain.language import Language
from calendar_gen.domain.model import Designation, Frequency, Precision
from calendar_gen.findings import SCHEMA, Command, FindingKind, Severity
from calendar_gen.publishing.feeds import Variant
from calendar_gen.web.govuk import State

NAMES = ["releases", "findings", "clashes", "report", "feeds", "reconcile"]


def _schema(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


@pytest.mark.parametrize("name", NAMES)
def test_each_schema_is_a_2020_12_schema_with_a_versioned_id(name):
    schema = _schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"tag:calendar-gen,2026:schemas/{name}/1"


@pytest.mark.parametrize(
    ("name", "where", "kinds"),
    [
        ("releases", ("$defs", "release", "properties", "status"), Status),
        ("releases", ("$defs", "release", "properties", "frequency"), Frequency),
        ("releases", ("$defs", "release", "properties", "designation"), Designation),
        ("releases", ("$defs", "release", "properties", "precision"), Precision),
        ("releases", ("$defs", "change", "properties", "action"), Action),
        ("report", ("$defs", "change", "properties", "action"), Action),
        ("findings", ("$defs", "finding", "properties", "kind"), FindingKind),
        ("findings", ("$defs", "finding", "properties", "severity"), Severity),
        ("clashes", ("items", "properties", "kind"), ClashKind),
        ("reconcile", ("$defs", "drift", "properties", "kind"), DRIFTS),
        ("reconcile", ("$defs", "announcement", "properties", "state"), State),
        ("reconcile", ("$defs", "announcement", "properties", "precision"), Precision),
        (
            "reconcile",
            ("$defs", "drift", "properties", "here", "anyOf", 1, "properties", "status"),
            Status,
        ),
        ("reconcile", ("$defs", "entry", "properties", "action"), ExportAction),
        ("feeds", ("items", "properties", "variant"), Variant),
        ("feeds", ("items", "properties", "language"), Language),
    ],
)
def test_every_value_the_code_writes_is_in_its_schema(name, where, kinds):
    node = _schema(name)
    for key in where:
        node = node[key]
    assert node["enum"] == [k.value for k in kinds]


def test_a_remedy_names_only_commands_there_are():
    remedy = _schema("findings")["$defs"]["finding"]["properties"]["remedy"]["anyOf"][1]
    assert remedy["properties"]["command"]["enum"] == [c.value for c in Command]
    assert _schema("findings")["$id"] == SCHEMA


def test_the_shipped_data_is_valid_and_carries_its_schema_beside_it():
    valid(json.loads((GOLDEN / "releases.json").read_text()), "releases")
    assert (GOLDEN / "releases.schema.json").read_text() == (
        SCHEMAS / "releases.schema.json"
    ).read_text()


def test_the_shipped_feed_list_is_valid_and_names_every_feed_written():
    listed = json.loads((GOLDEN / "feeds.json").read_text())
    valid(listed, "feeds")
    assert {f["name"] for f in listed} == {p.name for p in GOLDEN.glob("*.ics")}
    # Each filter's kinds, as feeds.json names them, and every variant of each.
    kinds = {f["holds"].split(":")[0] for f in listed}
    assert kinds == {"all", "topic", "designation", "nation", "publication"}
    assert {f["variant"] for f in listed} == {"timed", "all-day", "reminder"}
    bad = [{**listed[0], "holds": "region:wales"}, {**listed[0], "variant": "hourly"}]
    for row in bad:
        with pytest.raises(jsonschema.ValidationError):
            valid([row], "feeds")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda row: row.update(status="maybe"), "status"),
        (lambda row: row.update(sequence=-1), "sequence"),
        (lambda row: row.pop("uid"), "uid"),
        (lambda row: row.update(date="16 October 2014"), "date"),
        (lambda row: row.update(date="2014-13-45"), "date"),  # the shape of a date, no date
    ],
)
def test_data_that_breaks_the_schema_is_refused_naming_the_field(change, field):
    rows = copy.deepcopy(json.loads((GOLDEN / "releases.json").read_text()))
    change(rows[3])
    with pytest.raises(jsonschema.ValidationError) as error:
        valid(rows, "releases")
    # Named in the path to the member, or, for one missing, in the message.
    assert field in error.value.path or f"'{field}'" in error.value.message


def test_every_json_output_is_valid(tmp_path, shipped_rules):
    # run_cli validates every JSON a command prints; here each command's is asked for.
    write_schedules(tmp_path / "schedules")
    assert (
        run_cli("build", "--as-of", "2014-04-15", "--format", "json", cwd=tmp_path).returncode == 0
    )
    for args in (("check", "--as-of", "2014-05-01"), ("list", "--as-seen-on", "2014-04-20"),
                 ("clashes", "--include-past")):  # fmt: skip
        result = run_cli(*args, "--as-of", "2014-06-01", "--format", "json", cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
    clashed = run_cli("clashes", "--schedules", str(SHIPPED), "--as-of", "2014-04-01",
                      "--format", "json", cwd=tmp_path)  # fmt: skip
    rows = json.loads(clashed.stdout)
    assert rows and valid(rows, "clashes") is None


def test_the_test_runner_holds_printed_json_to_the_schema():
    from helpers import _held_to_the_schemas

    with pytest.raises(jsonschema.ValidationError):
        _held_to_the_schemas(("check", "--format", "json"), '{"schema": "x"}', SHIPPED)


def test_an_unchanged_rebuild_is_skipped_only_while_the_shipped_schema_is_the_same():
    # The schema is an output: a new one must make the next build write it.
    from calendar_gen.publishing.site import program_files

    names = [name for name, _ in program_files()]
    assert "schemas/releases.schema.json" in names and "usecases/building.py" in names
