"""Frozen split assignment: annotations/splits.json maps every task key to its split, once and for all.

A task (keyed by document id and paragraph, see Document.key) keeps the split it was
first given. A task not yet in the file gets the split that a hash of its key picks,
so that the assignment is the same on every machine; `tradetalks splits --freeze`
records it. Adding tasks never moves an existing one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from . import paths

SPLITS = ("train", "validation", "test")
# Percent of hash buckets per split, for tasks not yet frozen.
RATIOS = {"train": 80, "validation": 10, "test": 10}
SPLITS_FILE = "splits.json"


def hashed_split(key: str) -> str:
    bucket = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % 100
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
        split = self.added.setdefault(key, hashed_split(key))
        return split, False

    def index(self) -> FrozenSplits:
        return FrozenSplits(self.frozen)

    def save(self) -> None:
        merged = {**self.added, **self.frozen}
        body = {
            "description": "Frozen split of every task, keyed by document id / paragraph. Never edit an "
                           "existing entry; new tasks are added by `tradetalks splits --freeze`.",
            "assignments": dict(sorted(merged.items(), key=lambda kv: _natural(kv[0]))),
        }
        self.path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _natural(key: str) -> tuple:
    document, _, paragraph = key.rpartition("/")
    return (document, int(paragraph) if paragraph.isdigit() else 0, paragraph)


class FrozenSplits:
    """The frozen splits, read-only, in 17 bytes a task (its key's 16-byte digest and its split) instead of
    two Python strings and a dict entry: what a build keeps for its worker processes to look tasks up in."""

    def __init__(self, frozen: dict[str, str]):
        digests = np.array([_digest(key) for key in frozen], "S16")
        order = np.argsort(digests, kind="stable")
        self._digests = digests[order]
        self._splits = np.array([SPLITS.index(split) for split in frozen.values()], np.uint8)[order]

    def splits_of(self, keys: list[str]) -> list[tuple[str, bool]]:
        """The split of each task and whether it was frozen (else the split its key's hash picks)."""
        if not len(self._digests):
            return [(hashed_split(key), False) for key in keys]
        digests = np.array([_digest(key) for key in keys], "S16")
        at = np.minimum(np.searchsorted(self._digests, digests), len(self._digests) - 1)
        found = (self._digests[at] == digests).tolist()
        return [(SPLITS[code], True) if frozen else (hashed_split(key), False)
                for key, code, frozen in zip(keys, self._splits[at].tolist(), found)]


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
