"""Statistics accumulated while the dataset is written: counts per split, label and config."""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from .model import Batch


@dataclass
class SplitStats:
    documents: set = field(default_factory=set)
    tasks: int = 0
    characters: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    span_lengths: Counter = field(default_factory=Counter)  # in characters
    rows: Counter = field(default_factory=Counter)  # per config
    relation_pairs: Counter = field(default_factory=Counter)  # rows of the relations config per label
    tokens: int = 0


class Statistics:
    def __init__(self) -> None:
        self.splits: dict[str, SplitStats] = defaultdict(SplitStats)

    def add_documents(self, split: str, batch: Batch) -> None:
        s = self.splits[split]
        docs, entities = batch.docs, batch.entities
        s.documents.update(doc.document_id for doc in docs)
        s.tasks += len(docs)
        s.characters += sum(len(doc.text) for doc in docs)
        s.entities.update(entities.labels)
        s.span_lengths.update(map(operator.sub, entities.ends, entities.starts))
        s.relations.update([relation.label for doc in docs for relation in doc.gold.relations])

    def add_table(self, split: str, view, table: pa.Table) -> None:
        """Count a view's rows (an Arrow table of its features' schema)."""
        s = self.splits[split]
        s.rows[view.name] += table.num_rows
        if view.name == "ner":
            s.tokens += pc.sum(pc.list_value_length(table["tokens"])).as_py() or 0
        elif view.name == "relations":
            for count in table["label"].value_counts():
                s.relation_pairs[view.labels[count["values"].as_py()]] += count["counts"].as_py()

    def merge(self, other: "Statistics") -> None:
        """Add statistics gathered apart (a later chunk of tasks), as if its tasks had been added here."""
        for split, theirs in other.splits.items():
            ours = self.splits[split]
            for name, value in vars(theirs).items():
                mine = getattr(ours, name)
                if isinstance(mine, Counter):
                    mine.update(value)
                elif isinstance(mine, set):
                    mine |= value
                else:
                    setattr(ours, name, mine + value)

    def total(self) -> SplitStats:
        out = SplitStats()
        for s in self.splits.values():
            out.documents |= s.documents
            out.tasks += s.tasks
            out.characters += s.characters
            out.entities += s.entities
            out.relations += s.relations
            out.span_lengths += s.span_lengths
            out.rows += s.rows
            out.relation_pairs += s.relation_pairs
            out.tokens += s.tokens
        return out
