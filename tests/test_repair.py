"""`tradetalks repair`: offsets recounted, whitespace trimmed, each change listed, nothing else touched."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bad_inputs import BOM, CASES, crlf_offsets, dump, set_value, utf16_offsets, valid_tasks
from conftest import ROOT, annotation, relation, span, task
from tradetalks.problems import FatalInputError
from tradetalks.repair import RepairRefused, repair_file
from tradetalks.validate import validate

UTF16 = "offsets counted in UTF-16 code units"
CRLF = "offsets counted in characters with each CRLF as one"
TRIM = "whitespace trimmed from the span's edges"


def tradetalks(*args):
    return subprocess.run([sys.executable, "-m", "tradetalks.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def fixed(data: bytes, edits: dict) -> str:
    """The export in `data` with {region: (start, end, text)} applied, as the repair should write it."""
    tasks = json.loads(data.decode("utf-8-sig"))
    for result in tasks[0]["annotations"][0]["result"]:
        if result.get("id") in edits:
            start, end, text = edits[result["id"]]
            result["value"].update(start=start, end=end, text=text)
    return json.dumps(tasks, sort_keys=False)


REPAIRS = {
    # name: (bytes, expected changes as (region, what, before, after), the values after repair)
    "UTF-16 offsets": (utf16_offsets, [
        ("t", UTF16, "16..25", "15..24"), ("p", UTF16, "26..38", "25..37"), ("g", UTF16, "64..70", "63..69")],
        {"t": (15, 24, "President"), "p": (25, 37, "Ada Lovelace"), "g": (63, 69, "Geneva")}),
    "CRLF offsets": (crlf_offsets, [
        ("t", CRLF, "13..22", "14..23"), ("p", CRLF, "23..35", "24..36"), ("g", CRLF, "61..67", "62..68")],
        {"t": (14, 23, "President"), "p": (24, 36, "Ada Lovelace"), "g": (62, 68, "Geneva")}),
    "leading whitespace": (set_value("g", start=47, text=" Geneva"), [
        ("g", TRIM, "47..54 ' Geneva'", "48..54 'Geneva'")], {"g": (48, 54, "Geneva")}),
    "trailing whitespace": (set_value("p", end=23, text="Ada Lovelace "), [
        ("p", TRIM, "10..23 'Ada Lovelace '", "10..22 'Ada Lovelace'")], {"p": (10, 22, "Ada Lovelace")}),
}


@pytest.mark.parametrize("name", list(REPAIRS))
def test_repair_lists_each_change_and_the_result_validates(name, tmp_path, scheme, export_schema):
    make, expected, values = REPAIRS[name]
    source = tmp_path / "export.json"
    data = make()
    source.write_bytes(data)
    before, _ = validate([source], scheme, export_schema)
    assert not before.valid
    changes = repair_file(source, tmp_path / "fixed.json")
    assert [(c.file, c.task, c.annotation, c.region, c.what, c.before, c.after) for c in changes] == [
        (str(source), 1, 1, region, what, old, new) for region, what, old, new in expected]
    assert source.read_bytes() == data
    after, _ = validate([tmp_path / "fixed.json"], scheme, export_schema)
    assert after.problems == []
    written = json.loads((tmp_path / "fixed.json").read_text(encoding="utf-8"))
    assert json.dumps(written) == fixed(data, values)  # same keys, order and values apart from the repairs


def test_both_repairs_on_one_span_and_the_byte_order_mark(tmp_path, scheme, export_schema):
    text = "Talks 🚢 in Geneva today."
    result = [span("g", 11, 18, "GPE", text)]
    assert result[0]["value"]["text"] == "Geneva "
    result[0]["value"].update(start=12, end=19)  # UTF-16 units, and a trailing space
    source = tmp_path / "export.json"
    source.write_bytes(BOM + dump([task(1, text, [annotation(1, result)])]))
    changes = repair_file(source, tmp_path / "fixed.json")
    assert [(c.region, c.what, c.before, c.after) for c in changes] == [
        (None, "byte-order mark", "present", "removed"),
        ("g", UTF16, "12..19", "11..18"),
        ("g", TRIM, "11..18 'Geneva '", "11..17 'Geneva'"),
    ]
    report, docs = validate([tmp_path / "fixed.json"], scheme, export_schema)
    assert report.problems == []
    assert [(e.start, e.end, e.text) for e in docs[0].gold.entities] == [(11, 17, "Geneva")]


def test_a_valid_export_has_nothing_to_repair_and_nothing_is_written(tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(dump(valid_tasks()))
    assert repair_file(source, tmp_path / "fixed.json") == []
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]
    run = tradetalks("repair", source, "-o", tmp_path / "fixed.json")
    assert run.returncode == 0 and "nothing to repair; nothing written" in run.stdout, run.stdout + run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_a_repair_changes_the_repaired_values_and_no_other_byte(tmp_path):
    """Label Studio's layout (two-space indentation, non-ASCII as it is) survives; a diff shows the repair."""
    tasks = json.loads(utf16_offsets()) + [task(2, "Zürich and Genève met Ada Lovelace.", [annotation(
        2, [span("z", 0, 6, "GPE", "Zürich and Genève met Ada Lovelace.")])])]
    body = "[\n" + ",\n".join("  " + json.dumps(t, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                               for t in tasks) + "\n]"
    source = tmp_path / "export.json"
    source.write_text(body, encoding="utf-8")
    changes = repair_file(source, tmp_path / "fixed.json")
    assert changes
    before = body.splitlines()
    after = (tmp_path / "fixed.json").read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed and all('"start"' in a or '"end"' in a or '"text"' in a for a, _ in changed)
    assert any("Zürich" in line for line in after) and "\\u00fc" not in "\n".join(after)  # not escaped


def test_spans_that_cannot_be_repaired_are_left_for_the_validator(tmp_path, scheme, export_schema):
    text = "President Ada Lovelace met Chinese officials in Geneva."
    result = [span("g", 48, 54, "GPE", text), span("w", 26, 27, "NORP", text), span("m", 0, 9, "TITLE", text)]
    result[2]["value"]["text"] = "Presidnt"  # no recount selects it: left as it is (E202)
    result.append(relation("g", "m", "has_title"))
    source = tmp_path / "export.json"
    source.write_bytes(dump([task(1, text, [annotation(1, result)])]))
    assert repair_file(source, tmp_path / "fixed.json") == []  # a whitespace-only span cannot be trimmed
    assert not (tmp_path / "fixed.json").exists()
    report, _ = validate([source], scheme, export_schema)
    assert {(p.code, p.region) for p in report.errors} >= {("E203", "w"), ("E202", "m")}


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "export"], ids=lambda c: c.name)
def test_repair_never_fails_on_a_bad_input_other_than_by_refusing_it(case, tmp_path, scheme, export_schema):
    source = tmp_path / "export.json"
    source.write_bytes(case.make())
    try:
        repair_file(source, tmp_path / "fixed.json")
    except FatalInputError as err:
        assert {p.code for p in err.problems} <= {"E002", "E003", "E004", "E007", "E010"}
        assert not (tmp_path / "fixed.json").exists()
    else:
        before, _ = validate([source], scheme, export_schema)
        fixed = tmp_path / "fixed.json"
        after, _ = validate([fixed if fixed.exists() else source], scheme, export_schema)
        assert {p.code for p in after.errors} <= {p.code for p in before.errors}
    assert [p.name for p in tmp_path.iterdir()] in (["export.json"], ["export.json", "fixed.json"],
                                                    ["fixed.json", "export.json"])


def test_refuses_to_overwrite_the_input_or_an_existing_file(tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(utf16_offsets())
    with pytest.raises(RepairRefused, match="never modified"):
        repair_file(source, source, force=True)
    other = tmp_path / "other.json"
    other.write_text("keep me")
    with pytest.raises(RepairRefused, match="--force"):
        repair_file(source, other)
    assert other.read_text() == "keep me"
    repair_file(source, other, force=True)
    assert json.loads(other.read_text())[0]["id"] == 1
    assert source.read_bytes() == utf16_offsets()


def test_command_lists_changes_then_validates_the_output(tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(utf16_offsets())
    out = tmp_path / "fixed.json"
    run = tradetalks("repair", source, "-o", out)
    assert run.returncode == 0, run.stderr
    assert f"{source}, task 1, annotation 1, region g: {UTF16}: 64..70 -> 63..69" in run.stdout
    assert "3 change(s)" in run.stdout and "valid: 0 error(s)" in run.stdout
    assert tradetalks("validate", out).returncode == 0
    again = tradetalks("repair", source, "-o", out)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    same = tradetalks("repair", source, "-o", source, "--force")
    assert same.returncode == 2 and "never modified" in same.stderr
    assert source.read_bytes() == utf16_offsets()


def test_command_exits_one_when_errors_remain_or_the_input_is_broken(tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(set_value("g", labels=["CITY"], start=47, text=" Geneva")())
    run = tradetalks("repair", source, "-o", tmp_path / "fixed.json")
    assert run.returncode == 1 and "E206" in run.stderr and TRIM in run.stdout
    broken = tmp_path / "broken.json"
    broken.write_bytes(dump(valid_tasks())[:300])
    run = tradetalks("repair", broken, "-o", tmp_path / "never.json")
    assert run.returncode == 1 and "E002" in run.stderr and "nothing written" in run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "export.json", "fixed.json"]
