"""The `relations` config: one row per ordered pair of entity mentions in a task, for relation classification.

Candidate pairs are every ordered pair of two different mentions whose gap (the
characters between the end of the earlier span and the start of the later one) is at
most `max_distance`. A pair that carries a gold relation is always a row, however far
apart its mentions are, so no annotated relation is ever left out.

Labels: an asymmetric relation labels its (head, tail) order only; the reverse order
is `no_relation` unless it carries a relation of its own. A symmetric relation labels
both orders, since the fact holds either way. An ordered pair with two relations
(nationality and represents, say) gives one row per relation.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Iterator

import numpy as np
import pyarrow as pa
from datasets import ClassLabel, Features, Value

from ..markdown import table as markdown_table
from ..model import Batch, Document, Entity
from ..parquet import without_validity
from ..scheme import Scheme
from .base import View, ViewRows
from .spans import mention_structs, row_id

NO_RELATION = "no_relation"
DEFAULT_MAX_DISTANCE = 200


class RelationsView(View):
    name = "relations"
    distinct = ("id",)  # columns whose values seldom repeat (see ShardedWriter)

    def __init__(self, scheme: Scheme, max_distance: int = DEFAULT_MAX_DISTANCE):
        self.scheme = scheme
        self.max_distance = max_distance
        self.description = (
            "One row per ordered pair of entity mentions in a task (at most "
            f"{max_distance} characters apart, or linked by a gold relation): the task text, head and tail "
            "spans, and the relation label or no_relation. Symmetric relations label both orders.")

    @property
    def labels(self) -> list[str]:
        return [NO_RELATION, *self.scheme.relation_labels]

    def features(self) -> Features:
        mention = {
            "id": Value("string"),
            "start": Value("int32"),
            "end": Value("int32"),
            "text": Value("string"),
            "label": ClassLabel(names=self.scheme.entity_labels),
        }
        return Features({
            "id": Value("string"),
            "document_id": Value("string"),
            "paragraph": Value("int32"),
            "task_id": Value("int64"),
            "text": Value("string"),
            "head": mention,
            "tail": mention,
            "label": ClassLabel(names=self.labels),
        })

    def table(self, batch: Batch) -> ViewRows:
        """The rows of the batch's documents, in order, and how many each has: the columns of a task and of a
        mention are taken once per pair."""
        schema = self._schema
        docs = batch.docs
        label_ids = {label: i for i, label in enumerate(self.labels)}
        ids, owners, heads, tails, labels = [], [], [], [], []
        first = 0
        for index, doc in enumerate(docs):
            position = {id(entity): first + n for n, entity in enumerate(doc.gold.entities)}
            first += len(doc.gold.entities)
            for pair_id, head, tail, label in self.pairs(doc):
                ids.append(pair_id)
                owners.append(index)
                heads.append(position[id(head)])
                tails.append(position[id(tail)])
                labels.append(label_ids[label])
        counts = np.bincount(np.array(owners, np.int64), minlength=len(docs))
        owners = pa.array(owners, pa.int32())
        structs = mention_structs(batch.entities, self.scheme.entity_labels, schema.field("head").type)
        columns = [
            pa.array(ids, pa.string()),
            pa.array([doc.document_id for doc in docs], pa.string()).take(owners),
            pa.array([doc.paragraph for doc in docs], pa.int32()).take(owners),
            pa.array([doc.task_id for doc in docs], pa.int64()).take(owners),
            pa.DictionaryArray.from_arrays(owners, pa.array([doc.text for doc in docs], pa.string())),
            structs.take(pa.array(heads, pa.int64())),
            structs.take(pa.array(tails, pa.int64())),
            pa.array(labels, pa.int64()),
        ]
        columns = [without_validity(column) for column in columns]
        return ViewRows(pa.Table.from_arrays(columns, schema=self.table_schema), counts)

    def count(self, table: pa.Table) -> Counter:
        """Rows per label."""
        return Counter({self.labels[count["values"].as_py()]: count["counts"].as_py()
                        for count in table["label"].value_counts()})

    def card_sections(self, splits) -> list[str]:
        return ["### Relation pairs", "Rows of the `relations` config per label: candidate mention pairs and their "
                "class balance (a symmetric relation gives a row for each order).",
                markdown_table(["relations config label", *(name for name, _ in splits)],
                               [[label, *(s.by_config[self.name][label] for _, s in splits)] for label in self.labels])]

    @functools.cached_property
    def table_schema(self) -> pa.Schema:
        """The schema of the tables `table` makes: its features', but the paragraph text dictionary-encoded
        (a task's text is in each of its pairs' rows; ShardedWriter writes it as plain strings)."""
        schema = self._schema
        at = schema.get_field_index("text")
        return schema.set(at, schema.field(at).with_type(pa.dictionary(pa.int32(), pa.string())))

    def pairs(self, doc: Document) -> Iterator[tuple[str, Entity, Entity, str]]:
        """(row id, head, tail, label) of each row of the task, in order."""
        entities = sorted(doc.gold.entities, key=lambda e: (e.start, e.end))
        gold = self.pair_labels(doc)
        prefix = row_id(doc)
        for head in entities:
            for tail in entities:
                if head is tail:
                    continue
                labels = gold.get((head.id, tail.id))
                if labels is None and gap(head, tail) > self.max_distance:
                    continue
                for label in labels or [NO_RELATION]:
                    suffix = "" if labels is None or len(labels) == 1 else f"-{label}"
                    yield f"{prefix}-{head.id}-{tail.id}{suffix}", head, tail, label

    def pair_labels(self, doc: Document) -> dict[tuple[str, str], list[str]]:
        """Gold relation labels of each ordered (head id, tail id) pair, in scheme order."""
        pairs: dict[tuple[str, str], set[str]] = {}
        for relation in doc.gold.relations:
            pairs.setdefault((relation.head, relation.tail), set()).add(relation.label)
            if self.scheme.relations[relation.label].symmetric:
                pairs.setdefault((relation.tail, relation.head), set()).add(relation.label)
        order = self.scheme.relation_labels
        return {pair: sorted(labels, key=order.index) for pair, labels in pairs.items()}


def gap(a: Entity, b: Entity) -> int:
    """Characters between two spans (0 when they touch); flat annotation means they never overlap."""
    return max(b.start - a.end, a.start - b.end, 0)

