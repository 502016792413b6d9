"""What the review page shows: every task with its annotations, split, problems and disagreements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# The same matching as the agreement measure: spans by start/end/label, relations by endpoint offsets/label.
from ..agreement import entity_keys, relation_keys
from ..model import Annotation, Document, Entity, Relation
from ..problems import Problem, Report, problem
from ..scheme import Scheme
from ..splits import SplitAssignment
from ..pipeline import documents


@dataclass
class ShownEntity:
    entity: Entity
    dom_id: str
    agreed: bool  # False: another annotator of the task does not have this span with this label
    inline: bool = True  # False: it overlaps an earlier span and is listed instead of marked


@dataclass
class ShownRelation:
    head: ShownEntity
    tail: ShownEntity
    label: str
    symmetric: bool
    agreed: bool


@dataclass
class ShownAnnotation:
    annotation: Annotation
    dom_id: str
    is_gold: bool
    entities: list[ShownEntity]
    relations: list[ShownRelation]

    @property
    def disagreements(self) -> int:
        return sum(not e.agreed for e in self.entities) + sum(not r.agreed for r in self.relations)

    @property
    def annotator(self) -> str:
        """Label Studio's completed_by: a user id, or a user object of which only the id is shown."""
        who = self.annotation.annotator
        return str(who.get("id", "?")) if isinstance(who, dict) else str(who)


@dataclass
class TaskEntry:
    """One task of an export; `document` is None when its structure did not parse."""

    file: str | None
    ref: int | str | None
    document: Document | None = None
    split: str | None = None
    frozen: bool = False
    annotations: list[ShownAnnotation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    index: int = 0  # position on the page

    @property
    def dom_id(self) -> str:
        return f"task-{self.index}"

    @property
    def cancelled(self) -> int:
        return sum(a.cancelled for a in self.document.annotations) if self.document else 0

    @property
    def entity_labels(self) -> set[str]:
        return {e.entity.label for a in self.annotations for e in a.entities}

    @property
    def relation_labels(self) -> set[str]:
        return {r.label for a in self.annotations for r in a.relations}

    @property
    def disagreements(self) -> int:
        return sum(a.disagreements for a in self.annotations)


@dataclass
class Review:
    inputs: list[str]
    report: Report
    tasks: list[TaskEntry]
    general_problems: list[Problem]  # problems that belong to no task (files, splits)

    @property
    def entity_counts(self) -> Counter:
        return Counter(e.entity.label for t in self.tasks for a in t.annotations if a.is_gold for e in a.entities)

    @property
    def relation_counts(self) -> Counter:
        return Counter(r.label for t in self.tasks for a in t.annotations if a.is_gold for r in a.relations)


def collect_review(files: list[Path], scheme: Scheme, export_schema: dict, splits: SplitAssignment) -> Review:
    """Validate the exports and gather, in export order, what the page shows for each task."""
    report = Report()
    entries: dict[tuple, TaskEntry] = {}
    seen = 0

    def take_problems() -> None:
        nonlocal seen
        for p in report.problems[seen:]:
            if p.task is not None:
                entry = entries.setdefault((p.file, p.task), TaskEntry(p.file, p.task))
                entry.problems.append(p)
        seen = len(report.problems)

    for doc in documents(files, scheme, export_schema, report):
        take_problems()
        entry = entries.setdefault((doc.file, doc.task_id), TaskEntry(doc.file, doc.task_id))
        entry.document = doc
        entry.split, entry.frozen = splits.split_of(doc.key)
    take_problems()
    if not files:
        report.problems.append(problem("W006", "no export files (*.json) were found"))
    tasks = list(entries.values())
    for index, entry in enumerate(tasks):
        entry.index = index
        if entry.document is not None:
            entry.annotations = _shown_annotations(entry, scheme)
    general = [p for p in report.problems if p.task is None]
    return Review([str(f) for f in files], report, tasks, general)


def _shown_annotations(entry: TaskEntry, scheme: Scheme) -> list[ShownAnnotation]:
    doc = entry.document
    live = [a for a in doc.annotations if not a.cancelled]
    keys = [(entity_keys(a), relation_keys(a)) for a in live]
    shown = []
    for position, annotation in enumerate(live):
        others = [k for i, k in enumerate(keys) if i != position]
        prefix = f"{entry.dom_id}-a{position}"
        entities: dict[str, ShownEntity] = {}
        previous_end = -1
        for number, entity in enumerate(annotation.entities):
            key = (entity.start, entity.end, entity.label)
            entities[entity.id] = ShownEntity(
                entity, f"{prefix}-e{number}", agreed=all(key in spans for spans, _ in others),
                inline=entity.start >= previous_end)
            previous_end = max(previous_end, entity.end)
        relations = [_shown_relation(r, entities, others, scheme) for r in annotation.relations]
        shown.append(ShownAnnotation(annotation, prefix, annotation is doc.gold,
                                     list(entities.values()), relations))
    return shown


def _shown_relation(relation: Relation, entities: dict[str, ShownEntity], others, scheme: Scheme) -> ShownRelation:
    head, tail = entities[relation.head], entities[relation.tail]
    key = ((head.entity.start, head.entity.end), (tail.entity.start, tail.entity.end), relation.label)
    rtype = scheme.relations.get(relation.label)
    return ShownRelation(head, tail, relation.label, bool(rtype and rtype.symmetric),
                         agreed=all(key in rels for _, rels in others))
