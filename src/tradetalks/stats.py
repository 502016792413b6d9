"""Statistics accumulated while the dataset is written: counts per split, label and config."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .model import Document


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

    def add_document(self, split: str, doc: Document) -> None:
        s = self.splits[split]
        s.documents.add(doc.document_id)
        s.tasks += 1
        s.characters += len(doc.text)
        s.entities.update(e.label for e in doc.gold.entities)
        s.relations.update(r.label for r in doc.gold.relations)
        s.span_lengths.update(e.end - e.start for e in doc.gold.entities)

    def add_rows(self, split: str, config: str, rows: list[dict]) -> None:
        s = self.splits[split]
        s.rows[config] += len(rows)
        if config == "ner":
            s.tokens += sum(len(r["tokens"]) for r in rows)
        elif config == "relations":
            s.relation_pairs.update(r["label"] for r in rows)

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
