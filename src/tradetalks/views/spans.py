"""The `spans` config: one row per task, with its entities and relations as in the export."""

from __future__ import annotations

from itertools import accumulate

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from ..model import Document
from ..problems import Problem
from ..scheme import Scheme
from .rows import RowsView


class SpansView(RowsView):
    name = "spans"
    description = "One row per task (a paragraph): text, entity spans with character offsets, relations."

    def __init__(self, scheme: Scheme):
        self.scheme = scheme

    def features(self) -> Features:
        return Features({
            "id": Value("string"),
            "document_id": Value("string"),
            "paragraph": Value("int32"),
            "task_id": Value("int64"),
            "text": Value("string"),
            "entities": List({
                "id": Value("string"),
                "start": Value("int32"),
                "end": Value("int32"),
                "text": Value("string"),
                "label": ClassLabel(names=self.scheme.entity_labels),
            }),
            "relations": List({
                "head": Value("string"),
                "tail": Value("string"),
                "label": ClassLabel(names=self.scheme.relation_labels),
            }),
        })

    def rows(self, doc: Document, problems: list[Problem]) -> list[dict]:
        gold = doc.gold
        return [{
            "id": row_id(doc),
            "document_id": doc.document_id,
            "paragraph": doc.paragraph,
            "task_id": doc.task_id,
            "text": doc.text,
            "entities": [
                {"id": e.id, "start": e.start, "end": e.end, "text": e.text, "label": e.label}
                for e in gold.entities
            ],
            "relations": [{"head": r.head, "tail": r.tail, "label": r.label} for r in gold.relations],
        }]


    def table(self, docs: list[Document], problems: list[list[Problem]]) -> pa.Table:
        """The rows of `docs`, in order: what RowsView.table makes of `rows`, built column by column."""
        entities = [doc.gold.entities for doc in docs]
        relations = [doc.gold.relations for doc in docs]
        mentions = [entity for group in entities for entity in group]
        links = [relation for group in relations for relation in group]
        entity_ids = {label: i for i, label in enumerate(self.scheme.entity_labels)}
        relation_ids = {label: i for i, label in enumerate(self.scheme.relation_labels)}
        columns = {
            "id": pa.array([row_id(doc) for doc in docs], pa.string()),
            "document_id": pa.array([doc.document_id for doc in docs], pa.string()),
            "paragraph": pa.array([doc.paragraph for doc in docs], pa.int32()),
            "task_id": pa.array([doc.task_id for doc in docs], pa.int64()),
            "text": pa.array([doc.text for doc in docs], pa.string()),
            "entities": pa.ListArray.from_arrays(_offsets(entities), pa.StructArray.from_arrays([
                pa.array([e.id for e in mentions], pa.string()),
                pa.array([e.start for e in mentions], pa.int32()),
                pa.array([e.end for e in mentions], pa.int32()),
                pa.array([e.text for e in mentions], pa.string()),
                pa.array([entity_ids[e.label] for e in mentions], pa.int64()),
            ], names=["id", "start", "end", "text", "label"])),
            "relations": pa.ListArray.from_arrays(_offsets(relations), pa.StructArray.from_arrays([
                pa.array([r.head for r in links], pa.string()),
                pa.array([r.tail for r in links], pa.string()),
                pa.array([relation_ids[r.label] for r in links], pa.int64()),
            ], names=["head", "tail", "label"])),
        }
        schema = self.features().arrow_schema
        return pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)


def _offsets(groups: list[list]) -> pa.Array:
    return pa.array(list(accumulate((len(group) for group in groups), initial=0)), pa.int32())


def row_id(doc: Document) -> str:
    """A task's id in the dataset: stable across Label Studio projects, unlike the task id."""
    return f"{doc.document_id}-p{doc.paragraph:03d}"
