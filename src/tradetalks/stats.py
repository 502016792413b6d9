"""Statistics accumulated while the dataset is written: counts per split, label and config.

The counts of the tasks themselves (documents, entities, relations...) are kept here; what a
config counts in its own rows (the ner config's tokens, the relations config's pairs per label)
comes from its view's `count`, kept by config name.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyarrow as pa

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
    by_config: defaultdict = field(default_factory=lambda: defaultdict(Counter))  # config -> its view's count


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
        """Count a view's rows (an Arrow table as its `table` makes them), and what the view counts in them."""
        s = self.splits[split]
        s.rows[view.name] += table.num_rows
        s.by_config[view.name].update(view.count(table))

    def merge(self, other: "Statistics") -> None:
        """Add statistics gathered apart (a later chunk of tasks), as if its tasks had been added here."""
        for split, theirs in other.splits.items():
            _add(self.splits[split], theirs)

    def total(self) -> SplitStats:
        out = SplitStats()
        for s in self.splits.values():
            _add(out, s)
        return out


def _add(ours: SplitStats, theirs: SplitStats) -> None:
    """Add `theirs` to `ours`, field by field."""
    for name, value in vars(theirs).items():
        mine = getattr(ours, name)
        if isinstance(mine, Counter):
            mine.update(value)
        elif isinstance(mine, defaultdict):
            for config, counts in value.items():
                mine[config].update(counts)
        elif isinstance(mine, set):
            mine |= value
        else:
            setattr(ours, name, mine + value)
