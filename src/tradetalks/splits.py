"""Frozen split assignment: annotations/splits.json maps every task key to its split, once and for all.

A task (keyed by document id and paragraph, see Document.key) keeps the split it was
first given. Splits go by document, so that no document is seen in training and scored
in test: a task not yet in the file gets the split of its document's frozen tasks, or,
for a new document, the split that a hash of the document id picks (the same on every
machine). `tradetalks splits --freeze` records new documents by `assign_documents`
instead, which spreads them over publishers and years. Adding tasks never moves an
existing one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from . import paths
from .outputs import write_atomically

SPLITS = ("train", "validation", "test")
# Percent of hash buckets per split, for tasks not yet frozen.
RATIOS = {"train": 80, "validation": 10, "test": 10}
SPLITS_FILE = "splits.json"


def document_of(key: str) -> str:
    """The document id of a task key (document id / paragraph)."""
    return key.rpartition("/")[0]


def hashed_split(key: str) -> str:
    """The split a hash of the task's document id picks: every paragraph of a document gets the same."""
    bucket = int.from_bytes(hashlib.sha256(document_of(key).encode("utf-8")).digest()[:8], "big") % 100
    for split in SPLITS:
        if bucket < RATIOS[split]:
            return split
        bucket -= RATIOS[split]
    raise AssertionError("ratios must add up to 100")


class SplitAssignment:
    """The frozen splits as the splits file has them, and the splits given to new tasks, to be recorded."""

    def __init__(self, frozen: dict[str, str], path: Path | None = None):
        self.frozen = dict(frozen)
        self.path = path
        self.added: dict[str, str] = {}
        self._documents = document_splits(self.frozen)

    @classmethod
    def load(cls, path: Path | None = None) -> "SplitAssignment":
        path = path or paths.annotations_dir() / SPLITS_FILE
        if not path.is_file():
            return cls({}, path)
        raw = json.loads(path.read_text(encoding="utf-8"))
        unknown = sorted({s for s in raw["assignments"].values()} - set(SPLITS))
        if unknown:
            raise ValueError(f"{path}: unknown split names {unknown}")
        return cls(raw["assignments"], path)

    def split_of(self, key: str) -> tuple[str, bool]:
        """The split of a task and whether it was already frozen."""
        if key in self.frozen:
            return self.frozen[key], True
        if key not in self.added:
            document = document_of(key)
            self.added[key] = self._documents.setdefault(document, hashed_split(key))
        return self.added[key], False

    def assign_documents(self, order: dict[str, tuple]) -> None:
        """Give the new documents among the added tasks their splits by systematic sampling: taken in the
        order of `order` (for example publisher, then date), the document counted k-th since the first frozen
        one goes to validation when k ends in 4, to test when k ends in 9, else to train. Ordering by publisher
        and date spreads the held-out documents over both; counting on from the frozen documents keeps the
        80/10/10 share when documents come a few at a time. Documents without an `order` entry come last,
        by id."""
        frozen_documents = {document_of(key) for key in self.frozen}
        new = sorted({document_of(key) for key in self.added} - frozen_documents,
                     key=lambda d: (d not in order, order.get(d, ()), d))
        chosen = {}
        for k, document in enumerate(new, start=len(frozen_documents)):
            chosen[document] = "validation" if k % 10 == 4 else "test" if k % 10 == 9 else "train"
        for key in self.added:
            document = document_of(key)
            if document in chosen:
                self.added[key] = self._documents[document] = chosen[document]

    def index(self) -> FrozenSplits:
        return FrozenSplits(self.frozen)

    def save(self) -> None:
        merged = {**self.added, **self.frozen}
        body = {
            "description": "Frozen split of every task, keyed by document id / paragraph. Never edit an "
                           "existing entry; new tasks are added by `tradetalks splits --freeze`.",
            "assignments": dict(sorted(merged.items(), key=lambda kv: _natural(kv[0]))),
        }
        write_atomically(self.path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def document_splits(frozen: dict[str, str]) -> dict[str, str]:
    """Each document's split for its new tasks: that of its first frozen paragraph."""
    splits: dict[str, str] = {}
    for key in sorted(frozen, key=_natural):
        splits.setdefault(document_of(key), frozen[key])
    return splits


def _natural(key: str) -> tuple:
    document, _, paragraph = key.rpartition("/")
    return (document, int(paragraph) if paragraph.isdecimal() else 0, paragraph)


class FrozenSplits:
    """The frozen splits, read-only, in 17 bytes a task (its key's 16-byte digest and its split) instead of
    two Python strings and a dict entry: what a build keeps for its worker processes to look tasks up in."""

    def __init__(self, frozen: dict[str, str]):
        self._tasks = _DigestTable(frozen)
        self._documents = _DigestTable(document_splits(frozen))

    def splits_of(self, keys: list[str]) -> list[tuple[str, bool]]:
        """The split of each task and whether it was frozen (else its document's, as SplitAssignment gives it)."""
        frozen = self._tasks.look_up(keys)
        missing = [key for key, split in zip(keys, frozen) if split is None]
        documents = iter(self._documents.look_up([document_of(key) for key in missing]))
        out = []
        for key, split in zip(keys, frozen):
            if split is not None:
                out.append((split, True))
            else:
                out.append((next(documents) or hashed_split(key), False))
        return out


class _DigestTable:
    """Strings to splits in 17 bytes an entry: a sorted array of 16-byte digests and one of split codes."""

    def __init__(self, entries: dict[str, str]):
        digests = np.array([_digest(key) for key in entries], "S16")
        order = np.argsort(digests, kind="stable")
        self._digests = digests[order]
        self._splits = np.array([SPLITS.index(split) for split in entries.values()], np.uint8)[order]

    def look_up(self, keys: list[str]) -> list[str | None]:
        if not len(self._digests) or not keys:
            return [None] * len(keys)
        digests = np.array([_digest(key) for key in keys], "S16")
        at = np.minimum(np.searchsorted(self._digests, digests), len(self._digests) - 1)
        found = (self._digests[at] == digests).tolist()
        return [SPLITS[code] if hit else None for code, hit in zip(self._splits[at].tolist(), found)]


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
