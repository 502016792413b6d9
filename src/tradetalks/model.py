"""The document model that every view is built from: one task, its text, and its parsed annotations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Entity(NamedTuple):
    id: str  # the Label Studio region id, unique within its annotation
    start: int  # code-point offsets into the task text, end exclusive
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class EntityColumns:
    """The entities of consecutive documents as columns: one entry per entity, document after document."""

    counts: list[int]  # entities of each document
    ids: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    labels: tuple[str, ...]
    texts: tuple[str, ...]

    @classmethod
    def of(cls, entities: list[list[Entity]]) -> EntityColumns:
        flat = [entity for found in entities for entity in found]
        return cls([len(found) for found in entities], *(zip(*flat) if flat else ((), (), (), (), ())))

    def part(self, start: int, end: int) -> EntityColumns:
        """The columns of documents start to end (exclusive)."""
        first = sum(self.counts[:start])
        last = first + sum(self.counts[start:end])
        return EntityColumns(self.counts[start:end], *(column[first:last] for column in (
            self.ids, self.starts, self.ends, self.labels, self.texts)))

    def as_entities(self) -> list[Entity]:
        """The entities as Entity tuples, in order."""
        return list(map(Entity, self.ids, self.starts, self.ends, self.labels, self.texts))


class Relation(NamedTuple):
    head: str  # entity ids; symmetric relations are stored with the earlier span as head
    tail: str
    label: str


@dataclass
class Annotation:
    id: int | str
    annotator: object
    cancelled: bool
    ground_truth: bool
    updated_at: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass
class Document:
    """One Label Studio task (a paragraph of a source document) with its annotations."""

    task_id: int
    document_id: str
    paragraph: int
    text: str
    source: str | None
    file: str
    annotations: list[Annotation] = field(default_factory=list)
    gold: Annotation | None = None

    @property
    def key(self) -> str:
        """The task's stable identity across Label Studio projects: document id and paragraph."""
        return f"{self.document_id}/{self.paragraph}"

    @property
    def sort_key(self) -> tuple:
        return (self.document_id, self.paragraph, self.task_id)


class Batch:
    """Documents with gold whose rows are made together, and their gold entities as columns (transposed
    once, for every view and the statistics)."""

    def __init__(self, docs: list[Document], entities: EntityColumns | None = None):
        self.docs = docs
        self._entities = entities

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def entities(self) -> EntityColumns:
        if self._entities is None:
            self._entities = EntityColumns.of([doc.gold.entities for doc in self.docs])
        return self._entities

    def part(self, start: int, end: int) -> Batch:
        """Documents start to end (exclusive) and their entity columns."""
        return Batch(self.docs[start:end], self.entities.part(start, end))
