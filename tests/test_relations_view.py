"""The `relations` config: ordered mention pairs with their relation label or no_relation."""

from __future__ import annotations

from pathlib import Path

import pytest
from datasets import load_dataset

from conftest import annotation, encoded_rows, relation, simple_task, span, task, write_export
from tradetalks.build import build
from tradetalks.model import Batch
from tradetalks.parquet import plain
from tradetalks.splits import SplitAssignment
from tradetalks.validate import validate
from tradetalks.views import all_views
from tradetalks.views.relations import NO_RELATION, RelationsView

CARD = (Path(__file__).resolve().parents[1] / "dataset_card.md").read_text(encoding="utf-8")
FILLER = " and then, after a long while," * 8  # 240 characters


def rows_of(view: RelationsView, doc) -> list[dict]:
    """The view's rows of one task, made one by one from its pairs: what its bulk table must hold."""
    def mention(entity) -> dict:
        return {"id": entity.id, "start": entity.start, "end": entity.end, "text": entity.text, "label": entity.label}

    return [{"id": pair_id, "document_id": doc.document_id, "paragraph": doc.paragraph, "task_id": doc.task_id,
             "text": doc.text, "head": mention(head), "tail": mention(tail), "label": label}
            for pair_id, head, tail, label in view.pairs(doc)]


def far_task(task_id: int) -> dict:
    """Mentions far apart: one gold relation across the gap, one pair with none."""
    text = f"Ada Lovelace spoke in Geneva.{FILLER} she met the French delegation in Paris."
    paris = text.rindex("Paris")
    french = text.index("French")
    result = [
        span("p", 0, 12, "PERSON", text),
        span("g", 22, 28, "GPE", text),
        span("f", french, french + 6, "NORP", text),
        span("x", paris, paris + 5, "GPE", text),
        relation("p", "x", "nationality"),
        relation("p", "x", "represents"),
        relation("p", "f", "communicates_with", direction="left"),
    ]
    return task(task_id, text, [annotation(task_id, result)], paragraph=task_id)


@pytest.fixture(scope="module")
def built(tmp_path_factory, scheme, export_schema):
    folder = tmp_path_factory.mktemp("relations")
    export = write_export(folder, [simple_task(1), far_task(2)])
    out = folder / "dataset"
    build([export], out, scheme, export_schema, SplitAssignment({"doc0/1": "train", "doc0/2": "test"}), CARD)
    return out


def test_every_ordered_pair_is_a_row_with_its_label(built, scheme):
    rows = load_dataset(str(built), "relations", cache_dir=str(built.parent / "hf-cache"))
    labels = rows["train"].features["label"].names
    assert labels[0] == NO_RELATION and labels[1:] == scheme.relation_labels
    got = {(r["head"]["id"], r["tail"]["id"]): labels[r["label"]] for r in rows["train"]}
    expected = {(h, t): NO_RELATION for h in "tpng" for t in "tpng" if h != t}
    expected[("p", "t")] = "has_title"  # asymmetric: the reverse order stays no_relation
    expected[("p", "n")] = expected[("n", "p")] = "communicates_with"  # symmetric: both orders
    assert got == expected


def test_rows_carry_the_text_and_both_spans_with_offsets_and_types(built, scheme):
    rows = load_dataset(str(built), "relations", cache_dir=str(built.parent / "hf-cache"))["train"]
    names = scheme.entity_labels
    for row in rows:
        for end in (row["head"], row["tail"]):
            assert row["text"][end["start"]:end["end"]] == end["text"]
        assert row["document_id"] == "doc0" and row["task_id"] == 1 and row["paragraph"] == 1
    row = next(r for r in rows if (r["head"]["id"], r["tail"]["id"]) == ("p", "t"))
    assert (row["head"]["text"], names[row["head"]["label"]]) == ("Ada Lovelace", "PERSON")
    assert (row["tail"]["start"], row["tail"]["end"], names[row["tail"]["label"]]) == (0, 9, "TITLE")
    assert len({r["id"] for r in rows}) == len(rows)


def test_distance_limits_candidates_but_never_drops_a_gold_relation(built):
    rows = load_dataset(str(built), "relations", cache_dir=str(built.parent / "hf-cache"))["test"]
    labels = rows.features["label"].names
    got = sorted((r["head"]["id"], r["tail"]["id"], labels[r["label"]]) for r in rows)
    assert got == sorted([
        ("p", "g", NO_RELATION), ("g", "p", NO_RELATION),  # near each other
        ("f", "x", NO_RELATION), ("x", "f", NO_RELATION),
        ("p", "x", "nationality"), ("p", "x", "represents"),  # one pair, two relations: two rows
        ("p", "f", "communicates_with"), ("f", "p", "communicates_with"),  # drawn right to left, symmetric
    ])  # g..f and g..x are over 200 characters apart and unrelated: no rows
    assert len({r["id"] for r in rows}) == len(rows)


def test_max_distance_is_a_parameter(scheme, export_schema, tmp_path):
    _, docs = validate([write_export(tmp_path, [simple_task(1)])], scheme, export_schema)
    near = rows_of(RelationsView(scheme, max_distance=4), docs[0])
    # gaps: t..p 1, p..n 4, n..g 14, and wider between the others
    assert {(r["head"]["id"], r["tail"]["id"]) for r in near} == {
        ("t", "p"), ("p", "t"), ("p", "n"), ("n", "p")}
    assert "4 characters" in RelationsView(scheme, max_distance=4).description


def test_relations_is_registered_after_ner(scheme):
    assert [v.name for v in all_views(scheme)][:3] == ["spans", "ner", "relations"]


def test_card_shows_the_size_and_class_balance(built):
    card = (built / "README.md").read_text(encoding="utf-8")
    assert "config_name: relations" in card
    section = card[card.index("### Relation pairs"):]
    lines = {line.split(" | ")[0].strip("| "): line for line in section.splitlines() if line.startswith("| ")}
    # columns: train, validation, test, total
    assert lines[NO_RELATION] == "| no_relation | 9 | 0 | 4 | 13 |"
    assert lines["communicates_with"] == "| communicates_with | 2 | 0 | 2 | 4 |"
    assert lines["has_title"] == "| has_title | 1 | 0 | 0 | 1 |"
    assert lines["nationality"] == "| nationality | 0 | 0 | 1 | 1 |"


def test_the_table_of_many_tasks_is_their_rows_encoded_one_by_one(scheme, export_schema, tmp_path):
    export = write_export(tmp_path, [far_task(1), far_task(2), simple_task(3, paragraph=3)])
    report, docs = validate([export], scheme, export_schema)
    assert report.valid
    view = RelationsView(scheme)
    rows = [row for doc in docs for row in rows_of(view, doc)]
    table, counts, _ = view.table(Batch(docs))
    assert table.num_rows == len(rows) > 10
    assert counts.tolist() == [len(rows_of(view, doc)) for doc in docs]
    assert table.column("text").num_chunks == 1 and len(table.column("text").chunk(0).dictionary) == len(docs)
    encoded = encoded_rows(view.features(), rows)
    assert plain(table, encoded.schema).equals(encoded)
    assert plain(table, encoded.schema).nbytes == encoded.nbytes
