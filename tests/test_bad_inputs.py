"""The catalogue of bad inputs (tests/bad_inputs.py) through the library and the command line.

Each case must give exactly its expected problems, located, and never an exception; the
command must exit 1 when there is an error (0 for warnings only), print no traceback, and
its JSON report must parse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from bad_inputs import CASES
from conftest import ROOT
from tradetalks.build import build
from tradetalks.label_config import check_label_config
from tradetalks.problems import FatalInputError
from tradetalks.splits import SplitAssignment
from tradetalks.validate import validate

KEYS = ("code", "task", "annotation", "region")


def test_catalogue_is_large_and_names_are_unique():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


def library_report(case, folder, scheme, export_schema):
    path = folder / f"input{case.suffix}"
    path.write_bytes(case.make())
    if case.kind == "config":
        return check_label_config(path, scheme)
    report, _ = validate([path], scheme, export_schema)
    return report


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_library_reports_each_problem_where_it_is(case, tmp_path, scheme, export_schema):
    report = library_report(case, tmp_path, scheme, export_schema)
    assert set(report.flatten(KEYS)) == case.expected, [p.to_dict() for p in report.problems]
    assert report.valid is not case.has_errors
    for found in report.problems:
        assert found.file and found.file.endswith(case.suffix) and found.message


BUILD_CODES = ("W501", "W502", "W503")  # what only a build finds: tokens, splits


@pytest.mark.parametrize("case", [c for c in CASES if c.kind != "config"], ids=lambda c: c.name)
def test_build_finds_what_validate_finds(case, tmp_path, scheme, export_schema):
    """A build runs every check validate runs: running validate before it checks nothing more."""
    path = tmp_path / f"input{case.suffix}"
    path.write_bytes(case.make())
    out = tmp_path / "out"
    try:
        report = build([path], out, scheme, export_schema, SplitAssignment({}), "# card\n", configs=["spans"]).report
    except FatalInputError as err:
        report = err.report
    assert report.valid is not case.has_errors
    assert out.exists() is not case.has_errors
    assert {found for found in report.flatten(KEYS) if found[0] not in BUILD_CODES} == case.expected


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every case through the command line once, two at a time (the runs take a second each)."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    commands = {}
    for index, case in enumerate(CASES):
        path = folder / f"case{index:02d}{case.suffix}"
        path.write_bytes(case.make())
        command = ["schema", "--check-config", path] if case.kind == "config" else ["validate", path]
        commands[case.name] = [sys.executable, "-m", "tradetalks.cli", *map(str, command), "--format", "json"]

    def run(command):
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(commands, pool.map(run, commands.values())))


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_command_exits_cleanly_with_a_json_report(case, cli_runs):
    run = cli_runs[case.name]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == (1 if case.has_errors else 0), run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert report["valid"] is not case.has_errors
    found = {tuple(p.get(key) for key in KEYS) for p in report["problems"]}
    assert found == case.expected


def test_config_entities_are_never_expanded_nor_fetched(tmp_path, scheme):
    secret = tmp_path / "secret.txt"
    secret.write_text("MARKER-7f3a")
    config = tmp_path / "config.xml"
    text = (ROOT / "schema" / "labeling_config.xml").read_text(encoding="utf-8").split("\n", 1)[1]
    config.write_text(f'<!DOCTYPE View [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
                      + text.replace('value="PERSON"', 'value="&s;"', 1), encoding="utf-8")
    report = check_label_config(config, scheme)
    assert report.flatten(("code", "line")) == [("E702", 1)]
    assert "MARKER" not in json.dumps([p.to_dict() for p in report.problems])
