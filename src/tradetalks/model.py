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


def entity_fields(entities: list[Entity]) -> tuple[tuple, tuple, tuple, tuple, tuple]:
    """The ids, starts, ends, labels and texts of `entities`, each a tuple in their order."""
    return tuple(zip(*entities)) if entities else ((), (), (), (), ())


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
