"""The `spans` config: one row per task, with its entities and relations as in the export.

Its rows are made for many tasks at once, a column at a time: the entities of all of them are
one Arrow array of structs, cut into rows by their counts.
"""

from __future__ import annotations


import numpy as np
import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from ..model import Batch, Document, EntityColumns
from ..scheme import Scheme
from .base import View, ViewRows


class SpansView(View):
    name = "spans"
    distinct = ("id", "text")  # columns whose values seldom repeat (see ShardedWriter)
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

    def table(self, batch: Batch) -> ViewRows:
        """The rows of the batch's documents, in order, and how many each has (one)."""
        schema = self._schema
        docs = batch.docs
        golds = [doc.gold for doc in docs]
        relation_ids = {label: i for i, label in enumerate(self.scheme.relation_labels)}
        relations = [r for gold in golds for r in gold.relations]
        heads, tails, relation_labels = zip(*relations) if relations else ((), (), ())
        columns = [
            pa.array([row_id(doc) for doc in docs], pa.string()),
            pa.array([doc.document_id for doc in docs], pa.string()),
            pa.array([doc.paragraph for doc in docs], pa.int32()),
            pa.array([doc.task_id for doc in docs], pa.int64()),
            pa.array([doc.text for doc in docs], pa.string()),
            _lists(batch.entities.counts, mention_structs(
                batch.entities, self.scheme.entity_labels, schema.field("entities").type.value_type)),
            _lists([len(gold.relations) for gold in golds], pa.StructArray.from_arrays([
                pa.array(heads, pa.string()),
                pa.array(tails, pa.string()),
                pa.array(list(map(relation_ids.__getitem__, relation_labels)), pa.int64()),
            ], fields=list(schema.field("relations").type.value_type))),
        ]
        return ViewRows(pa.Table.from_arrays(columns, schema=schema), np.ones(len(docs), np.int64))


def mention_structs(entities: EntityColumns, labels: list[str], type: pa.StructType) -> pa.StructArray:
    """The entities as one struct array of `type` (id, start, end, text, label id), in order."""
    label_ids = {label: i for i, label in enumerate(labels)}
    return pa.StructArray.from_arrays([
        pa.array(entities.ids, pa.string()),
        pa.array(entities.starts, pa.int32()),
        pa.array(entities.ends, pa.int32()),
        pa.array(entities.texts, pa.string()),
        pa.array(list(map(label_ids.__getitem__, entities.labels)), pa.int64()),
    ], fields=list(type))


def _lists(counts: list[int], structs: pa.StructArray) -> pa.Array:
    """A list of structs per row, `counts[i]` of them in row i, from the structs one after the other."""
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, structs)


def row_id(doc: Document) -> str:
    """A task's id in the dataset: stable across Label Studio projects, unlike the task id."""
    return f"{doc.document_id}-p{doc.paragraph:03d}"
