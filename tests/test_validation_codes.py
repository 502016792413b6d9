"""One failing example per validation code, each checked for its code and location."""

from __future__ import annotations

import copy

import pytest

from conftest import annotation, relation, simple_task, span, task, write_export
from tradetalks.validate import validate


def run(tmp_path, scheme, export_schema, tasks):
    path = write_export(tmp_path, tasks)
    report, docs = validate([path], scheme, export_schema)
    return report, docs


def result_of(t, region):
    return next(r for r in t["annotations"][0]["result"] if r.get("id") == region)


def test_valid_task_has_no_problem(tmp_path, scheme, export_schema):
    report, docs = run(tmp_path, scheme, export_schema, [simple_task(1), simple_task(2)])
    assert report.problems == []
    assert [len(d.gold.entities) for d in docs] == [4, 4]
    assert [len(d.gold.relations) for d in docs] == [2, 2]


def mutate(edit):
    t = simple_task(1)
    edit(t)
    return [t]


def set_value(region, **value):
    return lambda t: result_of(t, region)["value"].update(value)


CASES = {
    # name: (tasks, expected (code, task, annotation, region))
    "schema: missing data.text": (
        mutate(lambda t: t["data"].pop("text")), ("E100", 1, None, None)),
    "schema: offset is a string": (
        mutate(set_value("p", start="10")), ("E100", 1, 1, "p")),
    "unknown entity label": (
        mutate(set_value("p", labels=["PERSONA"])), ("E206", 1, 1, "p")),
    "unknown relation label": (
        mutate(lambda t: t["annotations"][0]["result"][4].update(labels=["is_boss_of"])),
        ("E304", 1, 1, "p->t")),
    "wrong from_name": (
        mutate(lambda t: result_of(t, "p").update(from_name="ner")), ("E209", 1, 1, "p")),
    "offsets out of range": (
        mutate(set_value("g", start=48, end=500)), ("E201", 1, 1, "g")),
    "reversed offsets": (
        mutate(set_value("g", start=54, end=48)), ("E201", 1, 1, "g")),
    "stored text differs": (
        mutate(set_value("g", text="Genev")), ("E202", 1, 1, "g")),
    "span ends in whitespace": (
        mutate(set_value("g", start=47, text=" Geneva")), ("E203", 1, 1, "g")),
    "two labels on one span": (
        mutate(set_value("g", labels=["GPE", "LOC"])), ("E207", 1, 1, "g")),
    "overlapping spans": (
        mutate(lambda t: t["annotations"][0]["result"].append(span("x", 14, 26, "PERSON", t["data"]["text"]))),
        ("E204", 1, 1, "x")),
    "duplicate span": (
        mutate(lambda t: t["annotations"][0]["result"].append(span("x", 48, 54, "GPE", t["data"]["text"]))),
        ("E208", 1, 1, "x")),
    "duplicate region id": (
        mutate(lambda t: t["annotations"][0]["result"].append(span("g", 0, 9, "TITLE", t["data"]["text"]))),
        ("E205", 1, 1, "g")),
    "relation to a missing region": (
        mutate(lambda t: t["annotations"][0]["result"].append(relation("p", "zz", "represents"))),
        ("E301", 1, 1, "p->zz")),
    "relation to itself": (
        mutate(lambda t: t["annotations"][0]["result"].append(relation("p", "p", "communicates_with"))),
        ("E306", 1, 1, "p->p")),
    "relation type not allowed": (
        mutate(lambda t: t["annotations"][0]["result"].append(relation("g", "p", "has_title"))),
        ("E303", 1, 1, "g->p")),
    "relation without label": (
        mutate(lambda t: t["annotations"][0]["result"].append(
            {"from_id": "p", "to_id": "g", "type": "relation", "direction": "right", "labels": []})),
        ("E307", 1, 1, "p->g")),
    "asymmetric relation both ways": (
        mutate(lambda t: t["annotations"][0]["result"].append(relation("p", "g", "represents", "bi"))),
        ("E308", 1, 1, "p->g")),
    "symmetric relation twice": (
        mutate(lambda t: t["annotations"][0]["result"].append(relation("n", "p", "communicates_with"))),
        ("E305", 1, 1, "p->n")),
    "duplicate task id": (
        [simple_task(1), simple_task(1, paragraph=2)], ("E401", 1, None, None)),
    "same paragraph twice": (
        [simple_task(1), task(2, "Other text.", [annotation(2, [])], paragraph=1)], ("E402", 2, None, None)),
    "same text twice": (
        [simple_task(1), dict(copy.deepcopy(simple_task(1)), id=2, data=dict(simple_task(1)["data"], paragraph=2))],
        ("W403", 2, None, None)),
    "all annotations cancelled": (
        mutate(lambda t: t["annotations"][0].update(was_cancelled=True)), ("W404", 1, None, None)),
    "several annotations, no ground truth": (
        mutate(lambda t: t["annotations"].append(dict(copy.deepcopy(t["annotations"][0]), id=9))),
        ("W405", 1, None, None)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_code_is_reported_where_it_happens(name, tmp_path, scheme, export_schema):
    tasks, expected = CASES[name]
    report, _ = run(tmp_path, scheme, export_schema, tasks)
    assert expected in report.flatten(("code", "task", "annotation", "region")), report.problems
    problem = next(p for p in report.problems if p.code == expected[0])
    assert problem.file.endswith("export.json")
    assert problem.message


def test_relation_to_another_annotations_region_names_its_owner(tmp_path, scheme, export_schema):
    t = simple_task(1)
    other = annotation(2, [span("q", 10, 22, "PERSON", t["data"]["text"])], ground_truth=True)
    t["annotations"].append(other)
    t["annotations"][0]["result"].append(relation("q", "g", "represents"))
    report, _ = run(tmp_path, scheme, export_schema, [t])
    problem = next(p for p in report.problems if p.code == "E301")
    assert (problem.annotation, problem.region) == (1, "q->g")
    assert "annotation 2" in problem.message


def test_utf16_offsets_are_recognised(tmp_path, scheme, export_schema):
    text = "Trade 🚢 talks in Geneva."
    geneva = text.index("Geneva")
    result = [span("g", geneva, geneva + 6, "GPE", text)]
    result[0]["value"].update(start=geneva + 1, end=geneva + 7)  # a browser counts the emoji as two units
    report, _ = run(tmp_path, scheme, export_schema, [task(1, text, [annotation(1, result)])])
    assert report.flatten(("code", "region")) == [("E210", "g")]


def test_ground_truth_wins_over_later_annotation(tmp_path, scheme, export_schema):
    t = simple_task(1)
    later = dict(copy.deepcopy(t["annotations"][0]), id=2, updated_at="2027-01-01T00:00:00Z")
    later["result"] = later["result"][:1]
    t["annotations"][0]["ground_truth"] = True
    t["annotations"].append(later)
    report, docs = run(tmp_path, scheme, export_schema, [t])
    assert report.problems == []
    assert docs[0].gold.id == 1


def test_latest_annotation_is_gold_without_ground_truth(tmp_path, scheme, export_schema):
    t = simple_task(1)
    later = dict(copy.deepcopy(t["annotations"][0]), id=2, updated_at="2027-01-01T00:00:00Z")
    cancelled = dict(copy.deepcopy(t["annotations"][0]), id=3, updated_at="2028-01-01T00:00:00Z", was_cancelled=True)
    t["annotations"] += [later, cancelled]
    _, docs = run(tmp_path, scheme, export_schema, [t])
    assert docs[0].gold.id == 2


def test_left_direction_swaps_head_and_tail(tmp_path, scheme, export_schema):
    t = simple_task(1)
    t["annotations"][0]["result"][4] = relation("t", "p", "has_title", "left")
    report, docs = run(tmp_path, scheme, export_schema, [t])
    assert report.problems == []
    assert ("p", "t", "has_title") in {(r.head, r.tail, r.label) for r in docs[0].gold.relations}


def test_predictions_exported_as_bare_ids_are_accepted(tmp_path, scheme, export_schema):
    t = simple_task(1)
    t["predictions"] = [2, 3]
    report, _ = run(tmp_path, scheme, export_schema, [t])
    assert report.problems == []
    t["predictions"] = [2, {"result": [{"type": "labels"}]}]
    report, _ = run(tmp_path, scheme, export_schema, [t])
    assert {p.code for p in report.problems} == {"E100"}
    assert all(p.path.startswith("/predictions/1") for p in report.problems)
