"""Agreement between annotators, measured on tasks with two or more annotations."""

from __future__ import annotations

import copy

from conftest import relation, simple_task, span
from tradetalks.agreement import Agreement
from tradetalks.validate.semantic import parse_task


def doc_with_second_annotation(scheme, edit):
    t = simple_task(1)
    second = copy.deepcopy(t["annotations"][0])
    second["id"] = 2
    second["completed_by"] = 2
    edit(second, t["data"]["text"])
    t["annotations"].append(second)
    doc, problems = parse_task(t, scheme, "x.json", set())
    assert problems == []
    return doc


def test_identical_annotations_agree_fully(scheme):
    agreement = Agreement()
    agreement.add(doc_with_second_annotation(scheme, lambda a, text: None))
    assert (agreement.tasks, agreement.pairs) == (1, 1)
    assert agreement.entities.f1() == 1.0 and agreement.relations.f1() == 1.0


def test_region_ids_do_not_matter_but_offsets_and_labels_do(scheme):
    def edit(a, text):
        for r in a["result"]:  # the second annotator's editor made other region ids
            if "id" in r:
                r["id"] += "2"
            else:
                r["from_id"] += "2"
                r["to_id"] += "2"
        a["result"][3] = span("g2", 48, 54, "LOC", text)  # GPE -> LOC
        a["result"][5] = relation("p2", "n2", "negotiates_with")

    agreement = Agreement()
    agreement.add(doc_with_second_annotation(scheme, edit))
    # entities: 3 of 4 agree on each side -> 2*3/8
    assert agreement.entities.f1() == 2 * 3 / 8
    assert agreement.entities.f1("GPE") == 0.0 and agreement.entities.f1("PERSON") == 1.0
    # relations: has_title agrees, communicates_with vs negotiates_with do not -> 2*1/4
    assert agreement.relations.f1() == 0.5
    assert agreement.relations.f1("communicates_with") == 0.0


def test_single_and_cancelled_annotations_are_not_measured(scheme):
    agreement = Agreement()
    agreement.add(doc_with_second_annotation(scheme, lambda a, text: a.update(was_cancelled=True)))
    t = simple_task(2)
    doc, _ = parse_task(t, scheme, "x.json", set())
    agreement.add(doc)
    assert agreement.tasks == 0 and agreement.entities.f1() is None


def test_an_adjudicated_ground_truth_is_left_out_of_agreement(scheme):
    def disagree(a, text):
        a["result"][3] = span("g2", 48, 54, "LOC", text)
        a["result"] = [r for r in a["result"] if r.get("from_id") != "g2" and r.get("to_id") != "g2"]

    two_passes = Agreement()
    two_passes.add(doc_with_second_annotation(scheme, disagree))
    task = simple_task(1)
    first = copy.deepcopy(task["annotations"][0])
    first["ground_truth"] = False
    second = copy.deepcopy(first)
    second.update(id=2, completed_by=2)
    disagree(second, task["data"]["text"])
    adjudicated = copy.deepcopy(first)  # the adjudicator kept the first pass's reading
    adjudicated.update(id=3, completed_by=3, ground_truth=True)
    task["annotations"] = [first, second, adjudicated]
    doc, problems = parse_task(task, scheme, "x.json", set())
    assert problems == []
    measured = Agreement()
    measured.add(doc)
    # counted with the passes, the adjudication would have raised agreement: it is not a pass
    assert (measured.tasks, measured.pairs) == (1, 1)
    assert measured.entities.f1() == two_passes.entities.f1() < 1.0
    assert measured.documents == {doc.document_id}
