"""The `spans` config: one row per task, with its entities and relations as in the export."""

from __future__ import annotations

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


def row_id(doc: Document) -> str:
    """A task's id in the dataset: stable across Label Studio projects, unlike the task id."""
    return f"{doc.document_id}-p{doc.paragraph:03d}"
