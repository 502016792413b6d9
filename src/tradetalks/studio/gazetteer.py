"""Pre-annotations from the corpus: every exact, word-bounded match of an entity string already annotated.

The gazetteer holds each entity text of the corpus' gold annotations with its label (when
one string carries several labels, the most frequent wins; ties go to the label that comes
first in the scheme). Matching is case-sensitive and takes, from left to right, the longest
entry that starts at a position and is not glued to a letter or digit on either side, so the
predicted spans never overlap.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

from ..model import Document
from ..scheme import Scheme

MODEL_PREFIX = "tradetalks-gazetteer"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    label: str
    text: str


class Gazetteer:
    def __init__(self, entries: dict[str, str]):
        self.entries = dict(sorted(entries.items()))
        digest = hashlib.sha256("\n".join(f"{t}\t{label}" for t, label in self.entries.items()).encode("utf-8"))
        self.model_version = f"{MODEL_PREFIX}-{digest.hexdigest()[:12]}"
        # Longest first, so that at one position the regex prefers the longest entry.
        ordered = sorted(self.entries, key=lambda t: (-len(t), t))
        alternatives = "|".join(re.escape(t) for t in ordered)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if ordered else None

    @classmethod
    def from_documents(cls, documents: Iterable[Document], scheme: Scheme) -> "Gazetteer":
        counts: dict[str, Counter] = defaultdict(Counter)
        for doc in documents:
            if doc.gold is None:
                continue
            for entity in doc.gold.entities:
                if entity.text.strip() and any(c.isalnum() for c in entity.text):
                    counts[entity.text][entity.label] += 1
        order = {label: index for index, label in enumerate(scheme.entity_labels)}
        return cls({text: min(labels, key=lambda lb: (-labels[lb], order.get(lb, len(order))))
                    for text, labels in counts.items()})

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, text: str) -> list[Match]:
        if self._pattern is None:
            return []
        return [Match(m.start(), m.end(), self.entries[m.group()], m.group()) for m in self._pattern.finditer(text)]

    def prediction(self, text: str, labels_tag: str, text_tag: str) -> dict | None:
        """A Label Studio prediction with one span result per match, or None when nothing matches."""
        found = self.matches(text)
        if not found:
            return None
        result = [
            {"id": f"g{index}", "from_name": labels_tag, "to_name": text_tag, "type": "labels",
             "value": {"start": m.start, "end": m.end, "text": m.text, "labels": [m.label]}}
            for index, m in enumerate(found, start=1)
        ]
        return {"model_version": self.model_version, "score": None, "result": result}
