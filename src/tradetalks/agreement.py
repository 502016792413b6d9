"""Inter-annotator agreement on tasks with two or more independent annotations that are not cancelled.

A task whose annotation marked ground truth sits beside two or more others holds an
adjudication: the ground truth was made from the others, after them, so it is left out
and agreement is measured between the independent passes alone. With only two
annotations, one of them ground truth, both are passes and are compared.

For every pair of annotations of a task, spans agree when start, end and label are the
same; relations agree when both endpoints' offsets and the label are the same (region ids
differ between annotators). Pairwise F1 = 2 * agreed / (count in A + count in B), summed
over all pairs before dividing, per label and overall (micro).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from .model import Annotation, Document


@dataclass
class Tally:
    agreed: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)  # count in A + count in B

    def f1(self, label: str | None = None) -> float | None:
        agreed = sum(self.agreed.values()) if label is None else self.agreed[label]
        total = sum(self.total.values()) if label is None else self.total[label]
        return 2 * agreed / total if total else None


@dataclass
class Agreement:
    tasks: int = 0
    pairs: int = 0
    documents: set = field(default_factory=set)
    entities: Tally = field(default_factory=Tally)
    relations: Tally = field(default_factory=Tally)

    def merge(self, other: "Agreement") -> None:
        """Add an agreement measured apart (on a later chunk of tasks)."""
        self.tasks += other.tasks
        self.pairs += other.pairs
        self.documents |= other.documents
        for ours, theirs in ((self.entities, other.entities), (self.relations, other.relations)):
            ours.agreed.update(theirs.agreed)
            ours.total.update(theirs.total)

    def add(self, doc: Document) -> None:
        live = independent_passes(doc.annotations)
        if len(live) < 2:
            return
        self.tasks += 1
        self.documents.add(doc.document_id)
        for a, b in combinations(live, 2):
            self.pairs += 1
            _tally(self.entities, entity_keys(a), entity_keys(b))
            _tally(self.relations, relation_keys(a), relation_keys(b))


def independent_passes(annotations: list[Annotation]) -> list[Annotation]:
    """The annotations to compare: those not cancelled, less an adjudicated ground truth."""
    live = [a for a in annotations if not a.cancelled]
    passes = [a for a in live if not a.ground_truth]
    return passes if len(passes) >= 2 else live


def entity_keys(annotation: Annotation) -> Counter:
    return Counter((e.start, e.end, e.label) for e in annotation.entities)


def relation_keys(annotation: Annotation) -> Counter:
    spans = {e.id: (e.start, e.end) for e in annotation.entities}
    return Counter((spans[r.head], spans[r.tail], r.label) for r in annotation.relations)


def _tally(tally: Tally, a: Counter, b: Counter) -> None:
    for key, count in (a & b).items():
        tally.agreed[key[-1]] += count
    for key, count in (a + b).items():
        tally.total[key[-1]] += count
