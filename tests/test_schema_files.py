"""The generated schema files follow the scheme, and the scheme is consistent."""

from __future__ import annotations

import json
import shutil

import yaml
from jsonschema import Draft202012Validator

from conftest import ROOT
from tradetalks.cli import main
from tradetalks.scheme import load_scheme
from tradetalks.schema_files import render_all, stale_files


def test_committed_files_match_the_scheme(scheme):
    assert stale_files(scheme, ROOT / "schema") == []


def test_a_scheme_edit_makes_the_files_stale_until_rewritten(tmp_path, capsys):
    folder = tmp_path / "schema"
    shutil.copytree(ROOT / "schema", folder)
    raw = yaml.safe_load((folder / "scheme.yaml").read_text())
    raw["entity_types"].append({"name": "VESSEL", "color": "#123456", "description": "Ships."})
    (folder / "scheme.yaml").write_text(yaml.safe_dump(raw))
    assert main(["--schema-dir", str(folder), "schema"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["--schema-dir", str(folder), "schema", "--write"]) == 0
    assert main(["--schema-dir", str(folder), "schema"]) == 0
    schema = json.loads((folder / "export.schema.json").read_text())
    assert "VESSEL" in schema["$defs"]["entity_label"]["enum"]
    assert 'value="VESSEL"' in (folder / "labeling_config.xml").read_text()
    assert "VESSEL" in load_scheme(folder).entity_labels


def test_export_schema_is_valid_draft_2020_12(scheme):
    schema = json.loads(render_all(scheme)["export.schema.json"])
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_relation_signatures_name_known_entity_types(scheme):
    labels = set(scheme.entity_labels)
    for rel in scheme.relation_types:
        assert set(rel.head) <= labels and set(rel.tail) <= labels
    assert len(scheme.entity_labels) == 19 and "TITLE" in labels
