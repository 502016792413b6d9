"""Synthetic Label Studio exports of any size, for tests and benchmarks only.

The text is assembled at run time from short word lists and sentence templates; it is
not news and is never committed as corpus. Each task is a paragraph of a few sentences
with about ten entity spans and up to four relations, all valid against the scheme.
With --fault-rate, that share of the tasks carries one injected fault of a known kind,
and the problem code it must raise is returned (or printed) with the task id.

    python scripts/make_synthetic_export.py /tmp/synthetic.json --tasks 100000
    python scripts/make_synthetic_export.py /tmp/bad.json --tasks 1000 --fault-rate 0.05 --faults

Importable: synthetic_tasks() yields (task, expected code or None); write_synthetic_export()
writes a file and returns the injected faults as (task id, code).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Iterator

FIRST = ["Ada", "Tomas", "Mei", "Olu", "Ines", "Rafael", "Yuki", "Anya", "Kofi", "Lena", "Omar", "Priya",
         "Jonas", "Sara", "Viktor", "Amara", "Chen", "Elif", "Mateo", "Noor"]
LAST = ["Lovelace", "Berg", "Okafor", "Haddad", "Moreau", "Tanaka", "Silva", "Novak", "Mensah", "Kowalski",
        "Ibrahim", "Lindqvist", "Costa", "Petrov", "Nakamura", "Walsh", "Duarte", "Rahman", "Keller", "Aydin"]
TITLES = ["President", "Prime Minister", "Trade Minister", "Foreign Minister", "Treasury Secretary",
          "Commerce Secretary", "U.S. Trade Representative", "ambassador", "chief negotiator", "spokeswoman"]
GPES = ["China", "Japan", "Brazil", "Canada", "Mexico", "Germany", "India", "Kenya", "Chile", "Norway",
        "Vietnam", "the U.S.", "Australia", "Turkey", "Indonesia", "Geneva", "Brussels", "Beijing", "Ottawa"]
NORPS = ["Chinese", "Japanese", "Brazilian", "Canadian", "Mexican", "German", "Indian", "Kenyan", "European",
         "American", "Norwegian", "Turkish"]
ORGS = ["the World Trade Organization", "the European Commission", "the Commerce Ministry", "Reuters",
        "the central bank", "the port authority", "Parliament", "the customs agency", "the Senate"]
EVENTS = ["the G20 summit", "the Davos forum", "the trade fair", "the ministerial conference"]
DATES = ["Monday", "Tuesday", "last week", "on March 3", "this year", "in 2025", "next month", "Friday"]
PERCENTS = ["10 percent", "25%", "7.5 percent", "a third of a percent"]
MONEYS = ["$2 billion", "$300 million", "40 billion euros", "$1.2 trillion"]
CARDINALS = ["two", "three", "five", "dozens of", "12", "40"]
PRODUCTS = ["steel", "soybeans", "semiconductors", "electric vehicles", "aluminium", "solar panels", "wheat"]
FILLER = ["talks", "officials", "markets", "exports", "imports", "duties", "supply", "chains", "prices",
          "farmers", "investors", "quotas", "ports", "shipments", "rules", "delegates", "industry", "access",
          "growth", "demand", "review", "agreement", "framework", "measures", "partners", "sectors"]

# A template is a sentence with slots {0}, {1}, ...; `slots` gives each slot's label and word list
# and `relations` the (label, head slot, tail slot) it supports.
TEMPLATES = [
    ("{0}, the {1} of {2}, said {3} that talks with {4} would resume.",
     [("PERSON", None), ("TITLE", TITLES), ("GPE", GPES), ("DATE", DATES), ("GPE", GPES)],
     [("has_title", 0, 1), ("represents", 0, 2), ("negotiates_with", 2, 4)]),
    ("{0} announced {1} in new duties on {2} from {3}.",
     [("GPE", GPES), ("MONEY", MONEYS), ("PRODUCT", PRODUCTS), ("GPE", GPES)],
     [("measure_against", 0, 3)]),
    ("{0} officials met the {1} delegation at {2} in {3}.",
     [("NORP", NORPS), ("NORP", NORPS), ("EVENT", EVENTS), ("GPE", GPES)],
     [("communicates_with", 0, 1), ("located_in", 2, 3)]),
    ("{0} quoted {1} as saying that {2} proposals on {3} were still under review.",
     [("ORG", ORGS), ("PERSON", None), ("CARDINAL", CARDINALS), ("PRODUCT", PRODUCTS)],
     [("quotes", 0, 1)]),
    ("A tariff of {0} on {1} would take effect {2}, {3} said.",
     [("PERCENT", PERCENTS), ("PRODUCT", PRODUCTS), ("DATE", DATES), ("ORG", ORGS)],
     []),
    ("{0} spoke by phone with the {1} {2}, {3}.",
     [("PERSON", None), ("NORP", NORPS), ("TITLE", TITLES), ("PERSON", None)],
     [("communicates_with", 0, 3), ("has_title", 3, 2), ("nationality", 3, 1)]),
]

FAULTS = {
    "offset-out-of-range": "E201",
    "span-text-mismatch": "E202",
    "span-edge-whitespace": "E203",
    "overlapping-spans": "E204",
    "unknown-entity-label": "E206",
    "wrong-tag-names": "E209",
    "relation-missing-endpoint": "E301",
    "relation-type-not-allowed": "E303",
    "duplicate-task-id": "E401",
}

STAMP = "2026-01-01T00:00:00.000000Z"


def synthetic_tasks(n: int, fault_rate: float = 0.0, seed: int = 0,
                    paragraphs_per_document: int = 10) -> Iterator[tuple[dict, str | None]]:
    """n tasks in file order, each with the problem code its injected fault must raise (None when valid)."""
    rng = random.Random(seed)
    code = "first"
    for index in range(n):
        task = _task(rng, index, paragraphs_per_document)
        previous, code = code, None
        if fault_rate and rng.random() < fault_rate:
            kind = rng.choice(sorted(FAULTS))
            if kind == "duplicate-task-id" and previous is not None:
                kind = "offset-out-of-range"  # the id to repeat must belong to a task that was accepted
            _inject(rng, task, kind)
            code = FAULTS[kind]
        yield task, code


def task_keys(n: int, paragraphs_per_document: int = 10) -> list[str]:
    """The key (document id / paragraph) of each of the n tasks, as Document.key gives it."""
    return [f"{_document_id(index, paragraphs_per_document)}/{index % paragraphs_per_document + 1}"
            for index in range(n)]


def write_synthetic_export(path: Path, n: int, fault_rate: float = 0.0, seed: int = 0) -> list[tuple[int, str]]:
    """Write an export of n tasks (one task per line); return the injected faults as (task id, code)."""
    faults = []
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for index, (task, code) in enumerate(synthetic_tasks(n, fault_rate, seed)):
            out.write(",\n" if index else "\n")
            out.write(json.dumps(task, ensure_ascii=False))
            if code is not None:
                faults.append((task["id"], code))
        out.write("\n]\n")
    return faults


def _task(rng: random.Random, index: int, per_document: int) -> dict:
    text, results = _paragraph(rng, index)
    task_id = index + 1
    return {
        "id": task_id,
        "data": {"text": text, "document_id": _document_id(index, per_document),
                 "paragraph": index % per_document + 1, "source": "synthetic"},
        "annotations": [{
            "id": task_id, "completed_by": 1 + index % 7, "result": results,
            "was_cancelled": False, "ground_truth": False, "created_at": STAMP, "updated_at": STAMP,
            "lead_time": round(rng.uniform(5, 300), 3), "task": task_id,
        }],
        "drafts": [], "predictions": [], "meta": {}, "created_at": STAMP, "updated_at": STAMP,
        "inner_id": task_id, "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 0,
        "project": 1, "updated_by": None, "comment_authors": [],
    }


def _document_id(index: int, per_document: int) -> str:
    return f"synthetic-{index // per_document:06d}"


def _paragraph(rng: random.Random, index: int) -> tuple[str, list[dict]]:
    """A paragraph of templated sentences with filler clauses between them; spans and relations in order."""
    text = ""
    spans: list[dict] = []
    relations: list[dict] = []
    for _ in range(rng.randint(2, 3)):
        sentence, slots, supported = rng.choice(TEMPLATES)
        if text:
            text += " "
        text += _filler(rng) + " "
        first = len(spans)
        for piece_index, piece in enumerate(sentence.split("{")):
            if piece_index:
                slot, piece = int(piece[0]), piece[2:]
                label, words = slots[slot]
                value = rng.choice(words) if words else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                if value.startswith("the "):
                    text += "The " if not text or text.endswith(". ") else "the "
                    value = value[4:]
                spans.append(_span(f"r{index}-{len(spans)}", len(text), value, label))
                text += value
            text += piece
        for label, head, tail in supported:
            if len(relations) < 4 and rng.random() < 0.7:
                relations.append(_relation(spans[first + head]["id"], spans[first + tail]["id"], label))
    text += f" {_filler(rng)} (ref {index})."
    return text, spans + relations


def _filler(rng: random.Random) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(6, 14))]
    return "Meanwhile " + " ".join(words) + "."


def _span(region: str, start: int, value: str, label: str) -> dict:
    return {"id": region, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": start + len(value), "text": value, "labels": [label]}}


def _relation(source: str, target: str, label: str) -> dict:
    return {"from_id": source, "to_id": target, "type": "relation", "direction": "right", "labels": [label]}


def _inject(rng: random.Random, task: dict, kind: str) -> None:
    text = task["data"]["text"]
    results = task["annotations"][0]["result"]
    spans = [r for r in results if r["type"] == "labels"]
    victim = rng.choice(spans)
    value = victim["value"]
    if kind == "offset-out-of-range":
        value["end"] = len(text) + 5
    elif kind == "span-text-mismatch":
        value["text"] = value["text"][:-1] + "#"
    elif kind == "span-edge-whitespace":
        value["start"] -= 1
        value["text"] = text[value["start"]:value["end"]]
    elif kind == "overlapping-spans":
        results.insert(0, _span("overlap", value["start"], text[value["start"]:value["end"]], "ORG"))
        results[0]["value"]["end"] = results[0]["value"]["start"] + 1
        results[0]["value"]["text"] = text[value["start"]]
    elif kind == "unknown-entity-label":
        value["labels"] = ["COUNTRY"]
    elif kind == "wrong-tag-names":
        victim["from_name"] = "ner"
    elif kind == "relation-missing-endpoint":
        results.append(_relation(victim["id"], "missing", "has_title"))
    elif kind == "relation-type-not-allowed":
        head = rng.choice([s for s in spans if s["value"]["labels"] != ["PERSON"]])
        tail = rng.choice([s for s in spans if s is not head])
        results.append(_relation(head["id"], tail["id"], "has_title"))
    elif kind == "duplicate-task-id":
        task["id"] -= 1
        task["annotations"][0]["task"] = task["id"]
    else:
        raise ValueError(kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of tasks with one injected fault")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--faults", action="store_true", help="print each injected fault as 'task id<TAB>code'")
    args = parser.parse_args(argv)
    faults = write_synthetic_export(args.output, args.tasks, args.fault_rate, args.seed)
    if args.faults:
        for task_id, code in faults:
            print(f"{task_id}\t{code}")
    print(f"wrote {args.output}: {args.tasks} tasks, {len(faults)} with an injected fault", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
