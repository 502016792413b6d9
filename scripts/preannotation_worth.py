"""What pre-annotations are worth to a contributor: the gazetteer, the model and the two combined, scored on the
validation and test documents (never trained on) of a built dataset.

    python scripts/preannotation_worth.py [--dataset dist/tradetalks] [--model dist/baseline-ner/model-best]
                                          [--output results/preannotation.json]

For each system: precision, recall and F1 of exact spans (start, end and label), per label and
micro-averaged, and the edits a contributor makes per 100 gold spans to turn the pre-annotations
into the gold annotation: spans to add (a gold span no prediction has with the same edges),
spans to delete (a prediction with edges no gold span has) and spans to relabel (the same edges,
another label). Without pre-annotations every gold span is to be added: 100 edits per 100 spans.
The gazetteer is made from the train split's gold annotations only, as the model is trained on
them. Prints a Markdown table and writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from datasets import load_dataset

from tradetalks import paths
from tradetalks.model import Annotation, Document, Entity
from tradetalks.scheme import load_scheme
from tradetalks.studio import Gazetteer, ModelPredictor

HELD_OUT = ("validation", "test")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=paths.default_output())
    parser.add_argument("--model", type=Path, default=paths.repo_root() / "dist" / "baseline-ner" / "model-best")
    parser.add_argument("--output", type=Path, default=paths.repo_root() / "results" / "preannotation.json")
    args = parser.parse_args(argv)
    scheme = load_scheme(None)
    spans = load_dataset(str(args.dataset), "spans")
    names = spans["train"].features["entities"].feature["label"].names
    gazetteer = Gazetteer.from_documents(_documents(spans["train"], names), scheme)
    systems = {
        "gazetteer": lambda text: [(m.start, m.end, m.label) for m in gazetteer.matches(text)],
        "model": _spans_of(ModelPredictor(args.model, scheme)),
        "model + gazetteer": _spans_of(ModelPredictor(args.model, scheme, gazetteer)),
    }
    rows = [row for split in HELD_OUT for row in spans[split]]
    gold = [{(e["start"], e["end"], names[e["label"]]) for e in row["entities"]} for row in rows]
    results = {"dataset": str(args.dataset), "model": str(args.model), "tasks": len(rows),
               "gold_spans": sum(map(len, gold)), "systems": {}}
    for name, predict in systems.items():
        predicted = [set(predict(row["text"])) for row in rows]
        results["systems"][name] = score(gold, predicted)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    return 0


def _documents(rows, names) -> list[Document]:
    docs = []
    for row in rows:
        entities = [Entity(e["id"], e["start"], e["end"], names[e["label"]], e["text"]) for e in row["entities"]]
        gold = Annotation(0, None, False, True, "", entities, [])
        docs.append(Document(row["task_id"], row["document_id"], row["paragraph"], row["text"], None, "", [gold], gold))
    return docs


def _spans_of(predictor: ModelPredictor):
    return lambda text: [(s.start, s.end, s.label) for s in predictor.spans(text)]


def score(gold: list[set], predicted: list[set]) -> dict:
    correct, in_gold, in_predicted = Counter(), Counter(), Counter()
    add = delete = relabel = 0
    for want, got in zip(gold, predicted):
        for span in want:
            in_gold[span[2]] += 1
        for span in got:
            in_predicted[span[2]] += 1
        for span in want & got:
            correct[span[2]] += 1
        edges_want = {(s, e): label for s, e, label in want}
        edges_got = {(s, e): label for s, e, label in got}
        relabel += sum(1 for edge, label in edges_got.items() if edge in edges_want and edges_want[edge] != label)
        delete += sum(1 for edge in edges_got if edge not in edges_want)
        add += sum(1 for edge in edges_want if edge not in edges_got)
    total = sum(in_gold.values())
    per_label = {label: _prf(correct[label], in_predicted[label], in_gold[label])
                 for label in sorted(in_gold | in_predicted)}
    edits = add + delete + relabel
    return {"micro": _prf(sum(correct.values()), sum(in_predicted.values()), total), "per_label": per_label,
            "edits_per_100_gold_spans": {"add": _per100(add, total), "delete": _per100(delete, total),
                                         "relabel": _per100(relabel, total), "total": _per100(edits, total),
                                         "saved": _per100(total - edits, total)}}


def _prf(correct: int, predicted: int, gold: int) -> dict:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "correct": correct, "predicted": predicted, "gold": gold}


def _per100(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def markdown(results: dict) -> str:
    systems = results["systems"]
    lines = [f"{results['tasks']} validation and test paragraphs, {results['gold_spans']} gold spans.", "",
             "| pre-annotation | precision | recall | F1 | to add | to delete | to relabel | edits | saved |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, found in systems.items():
        micro, edits = found["micro"], found["edits_per_100_gold_spans"]
        lines.append(f"| {name} | {100 * micro['precision']:.1f} | {100 * micro['recall']:.1f} | "
                     f"{100 * micro['f1']:.1f} | {edits['add']} | {edits['delete']} | {edits['relabel']} | "
                     f"{edits['total']} | {edits['saved']} |")
    lines += ["", "Per label (F1 %, with the gold count):", "",
              "| label | gold | " + " | ".join(systems) + " |", "|---|---|" + "---|" * len(systems)]
    labels = sorted({label for found in systems.values() for label in found["per_label"]},
                    key=lambda lb: -max(f["per_label"].get(lb, {"gold": 0})["gold"] for f in systems.values()))
    for label in labels:
        gold = max(f["per_label"].get(label, {"gold": 0})["gold"] for f in systems.values())
        cells = [f"{100 * f['per_label'][label]['f1']:.1f}" if label in f["per_label"] else "–"
                 for f in systems.values()]
        lines.append(f"| {label} | {gold} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
