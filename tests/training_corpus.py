"""A synthetic corpus for the export, training and relation tests, made at test time from templates.

Sentences are filled from short lists of invented names and kept deliberately awkward in
places: "U.S.-China" (a token split at span edges), a double space inside an entity,
text outside the Basic Multilingual Plane, accents. It is test data only, never corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

from conftest import annotation, relation, span, task, write_export
from tradetalks.build import build
from tradetalks.splits import SplitAssignment

ROOT = Path(__file__).resolve().parents[1]
CARD = (ROOT / "dataset_card.md").read_text(encoding="utf-8")

FILL = {
    "PERSON": ["Ada Lovelace", "Ngozi Okafor", "José Núñez", "Li Wei", "Mara Holt", "Tomas Berg"],
    "TITLE": ["President", "Trade Minister", "Commerce Secretary", "Ambassador"],
    "GPE": ["Geneva", "Ruritania", "Veloria", "Kesh", "New  Arden"],
    "NORP": ["Ruritanian", "Velorian", "Keshi"],
    "ORG": ["the Tariff Board", "Northwind Steel", "the Harbour Council"],
    "PERCENT": ["25%", "10 percent", "3.5%"],
    "DATE": ["Monday", "last week", "March 3"],
    "PRODUCT": ["soybeans", "steel coil", "solar panels"],
    "MONEY": ["$4 billion", "€30 million"],
}

# Pieces are text or (slot, label[, values]); relations are (head slot, tail slot, label, direction).
TEMPLATES = [
    (["", ("t", "TITLE"), " ", ("p", "PERSON"), " met ", ("n", "NORP"), " officials in ", ("g", "GPE"),
      " on ", ("d", "DATE"), "."],
     [("p", "t", "has_title", "right"), ("p", "n", "communicates_with", "right"),
      ("p", "g", "communicates_with", "left")]),
    (["", ("o", "ORG"), " said a tariff of ", ("r", "PERCENT"), " on ", ("x", "PRODUCT"), " from ", ("g", "GPE"),
      " would start ", ("d", "DATE"), "."],
     [("o", "g", "measure_against", "right")]),
    (["Talks between ", ("a", "GPE"), " and ", ("b", "GPE"), " resumed 🤝 after ", ("p", "PERSON"),
      " offered ", ("m", "MONEY"), "."],
     [("a", "b", "negotiates_with", "right"), ("p", "a", "represents", "right")]),
    (["The ", ("u", "GPE", ["U.S."]), "-", ("c", "GPE", ["China"]), " truce worried ", ("p", "PERSON"), ", the ",
      ("n", "NORP"), " ", ("t", "TITLE"), ", in FY", ("y", "DATE", ["2026", "2027"]), "."],
     [("p", "t", "has_title", "right"), ("p", "n", "nationality", "right")]),
    (["", ("u", "GPE"), "-", ("c", "GPE"), " trade fell, ", ("p", "PERSON"), " told reporters in ",
      ("g", "GPE"), "."],
     [("p", "g", "represents", "right")]),
]


def paragraph(rng: random.Random, sentences: int) -> tuple[str, list[dict]]:
    text, result = "", []
    for s in range(sentences):
        pieces, relations = rng.choice(TEMPLATES)
        regions = {}
        if text:
            text += " "
        for piece in pieces:
            if isinstance(piece, str):
                text += piece
                continue
            slot, label, *values = piece
            value = rng.choice(values[0] if values else FILL[label])
            if value.startswith("the "):  # spans exclude leading articles
                text += "the "
                value = value[4:]
            start = len(text)
            text += value
            regions[slot] = f"s{s}{slot}"
            result.append((regions[slot], start, len(text), label))
        for head, tail, label, direction in relations:
            result.append((regions[head], regions[tail], label, direction))
    spans = [span(r, a, b, label, text) for r, a, b, label in (x for x in result if isinstance(x[1], int))]
    rels = [relation(h, t, label, direction) for h, t, label, direction in (x for x in result if isinstance(x[1], str))]
    return text, spans + rels


def synthetic_tasks(documents: int = 5, paragraphs: int = 3, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    tasks = []
    for d in range(documents):
        for p in range(1, paragraphs + 1):
            task_id = len(tasks) + 1
            text, result = paragraph(rng, rng.randint(1, 3))
            tasks.append(task(task_id, text, [annotation(task_id, result)], document_id=f"doc{d}", paragraph=p))
    return tasks


def split_of_document(index: int) -> str:
    return {3: "validation", 4: "test"}.get(index % 5, "train")


def build_synthetic(folder: Path, scheme, export_schema, documents: int = 5, paragraphs: int = 3,
                    seed: int = 0, baseline_scores: Path | None = None) -> Path:
    """Write a synthetic export and build it; returns the dataset folder."""
    tasks = synthetic_tasks(documents, paragraphs, seed)
    export = write_export(folder / "exports", tasks)
    splits = SplitAssignment({f"{t['data']['document_id']}/{t['data']['paragraph']}":
                              split_of_document(int(t["data"]["document_id"][3:])) for t in tasks})
    out = folder / "dataset"
    result = build([export], out, scheme, export_schema, splits, CARD, baseline_scores=baseline_scores)
    assert result.report.valid, [p.to_dict() for p in result.report.errors]
    return out
