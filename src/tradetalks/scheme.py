"""The label scheme, read from schema/scheme.yaml: the one source of entity and relation labels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from . import paths

SCHEME_FILE = "scheme.yaml"


@dataclass(frozen=True)
class EntityType:
    name: str
    color: str
    description: str


@dataclass(frozen=True)
class RelationType:
    name: str
    head: tuple[str, ...]
    tail: tuple[str, ...]
    symmetric: bool
    description: str

    def allows(self, head_label: str, tail_label: str) -> bool:
        if head_label in self.head and tail_label in self.tail:
            return True
        return self.symmetric and tail_label in self.head and head_label in self.tail


@dataclass(frozen=True)
class DataField:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class Scheme:
    version: int
    name: str
    labels_tag: str
    text_tag: str
    data_fields: tuple[DataField, ...]
    entity_types: tuple[EntityType, ...]
    relation_types: tuple[RelationType, ...]

    @cached_property
    def entity_labels(self) -> list[str]:
        return [e.name for e in self.entity_types]

    @cached_property
    def relation_labels(self) -> list[str]:
        return [r.name for r in self.relation_types]

    @cached_property
    def relations(self) -> dict[str, RelationType]:
        return {r.name: r for r in self.relation_types}

    @cached_property
    def bio_labels(self) -> list[str]:
        """O, then B-X and I-X for every entity type in scheme order (the ner_tags ClassLabel names)."""
        tags = ["O"]
        for label in self.entity_labels:
            tags += [f"B-{label}", f"I-{label}"]
        return tags


class SchemeError(ValueError):
    pass


def load_scheme(schema_dir: Path | None = None) -> Scheme:
    path = (schema_dir or paths.schema_dir()) / SCHEME_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise SchemeError(f"{path}: cannot read the label scheme: {err}") from None
    try:
        scheme = Scheme(
            version=int(raw["version"]),
            name=str(raw["name"]),
            labels_tag=str(raw["labels_tag"]),
            text_tag=str(raw["text_tag"]),
            data_fields=tuple(
                DataField(name, spec["type"], bool(spec.get("required", False)))
                for name, spec in raw["data_fields"].items()
            ),
            entity_types=tuple(
                EntityType(e["name"], e["color"], e["description"]) for e in raw["entity_types"]
            ),
            relation_types=tuple(
                RelationType(
                    r["name"], tuple(r["head"]), tuple(r["tail"]),
                    bool(r.get("symmetric", False)), r["description"],
                )
                for r in raw["relation_types"]
            ),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise SchemeError(f"{path}: malformed label scheme: {err!r}") from None
    _check(scheme, path)
    return scheme


def _check(scheme: Scheme, path: Path) -> None:
    labels = scheme.entity_labels
    if len(set(labels)) != len(labels):
        raise SchemeError(f"{path}: duplicate entity type")
    if len(set(scheme.relation_labels)) != len(scheme.relation_labels):
        raise SchemeError(f"{path}: duplicate relation type")
    for rel in scheme.relation_types:
        unknown = (set(rel.head) | set(rel.tail)) - set(labels)
        if unknown:
            raise SchemeError(f"{path}: relation {rel.name} names unknown entity types {sorted(unknown)}")
    if "text" not in {f.name for f in scheme.data_fields}:
        raise SchemeError(f"{path}: data_fields must include text")
