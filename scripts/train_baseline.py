"""Train the baseline NER model on a built TradeTalks dataset and write its scores.

    python scripts/train_baseline.py [--dataset dist/tradetalks] [--output dist/baseline-ner]
                                     [--scores results/baseline_ner.json] [--seed 0] [--max-epochs 40]

spaCy NER (a hash-embedding CNN tok2vec and a transition-based entity recognizer) from a
blank English pipeline: no pretrained weights, no vectors, CPU only. Steps:

1. export the dataset's `spans` config as DocBin files (`tradetalks export spacy`) into
   OUTPUT/corpus/;
2. write OUTPUT/config.cfg (spaCy's own `init config` for `ner`, efficiency, with the
   settings below) and train with it on train, keeping the model that scores best on
   validation (OUTPUT/model-best, with the dataset's tokenizer rule added);
3. score model-best on validation and test with spaCy's scorer: exact entity spans,
   precision, recall and F1 per label and micro-averaged, on the dataset's own tokens and
   sentences (gold_preproc), as CoNLL-style evaluations do;
4. write the scores to SCORES (JSON), from which `tradetalks build` makes the card's
   "Baseline results" section.

The same seed gives the same scores on the same machine: spaCy seeds Python, NumPy and
thinc from it, and nothing in the run depends on time or thread scheduling.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from collections import Counter
from pathlib import Path

import spacy
from spacy.cli.init_config import init_config
from spacy.cli.train import train
from spacy.training import Corpus, Example

from tradetalks import paths
from tradetalks.baseline import SCORES_FILE
from tradetalks.export import DatasetFolderError
from tradetalks.export.spacy_docbin import export_spacy
from tradetalks.outputs import OutputRefused
from tradetalks.tokens import english

SETTINGS = {
    "training.max_epochs": 40,
    "training.max_steps": 0,  # stop by epochs only
    "training.patience": 0,  # no early stop: every run takes the same steps
    "training.eval_frequency": 10,
    "corpora.train.gold_preproc": True,  # train and score on the dataset's tokens and sentences
    "corpora.dev.gold_preproc": True,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=paths.default_output(), help="built dataset folder")
    parser.add_argument("--output", type=Path, default=paths.repo_root() / "dist" / "baseline-ner",
                        help="folder for the corpus files, config and models")
    parser.add_argument("--scores", type=Path, default=paths.repo_root() / SCORES_FILE, help="scores JSON file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=int, default=SETTINGS["training.max_epochs"])
    args = parser.parse_args(argv)
    try:
        exported = {item.split: item for item in export_spacy(args.dataset, args.output / "corpus")}
    except (DatasetFolderError, OutputRefused, OSError) as err:
        print(f"train_baseline: {err}", file=sys.stderr)
        return 2
    missing = [split for split in ("train", "validation", "test") if split not in exported]
    if missing:
        print(f"train_baseline: {args.dataset} has no {' or '.join(missing)} split; the baseline needs all three",
              file=sys.stderr)
        return 2
    settings = {**SETTINGS, "training.max_epochs": args.max_epochs, "system.seed": args.seed}
    config_path = write_config(args.output / "config.cfg", exported, settings)
    train(config_path, args.output, overrides={})
    model = args.output / "model-best"
    add_dataset_tokenizer_rule(model)
    nlp = spacy.load(model)
    scores = {
        "model": "spaCy NER (tok2vec + transition-based ner) trained from a blank English pipeline; "
                 "no pretrained weights or vectors",
        "command": "python scripts/train_baseline.py",
        "spacy": spacy.__version__,
        # The scores depend on the numeric libraries too: a rerun gives the same scores with these versions.
        "libraries": {name: version(name) for name in ("spacy", "thinc", "numpy")},
        "seed": args.seed,
        "settings": {key: value for key, value in settings.items() if key != "system.seed"},
        "selected_on": "validation",
        "data": {split: {"tasks": item.examples, "entities": item.entities} for split, item in exported.items()},
        "scores": {split: evaluate(nlp, exported[split].path) for split in ("validation", "test")},
    }
    args.scores.parent.mkdir(parents=True, exist_ok=True)
    args.scores.write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for split, result in scores["scores"].items():
        micro = result["micro"]
        print(f"{split}: precision {micro['precision']:.3f}, recall {micro['recall']:.3f}, F1 {micro['f1']:.3f} "
              f"({micro['correct']} of {micro['gold']} entities found, {micro['predicted']} predicted)")
    print(f"wrote {args.scores}; model in {model}")
    return 0


def write_config(path: Path, exported: dict, settings: dict) -> Path:
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config = config.merge({"paths": {"train": str(exported["train"].path), "dev": str(exported["validation"].path)}})
    for dotted, value in settings.items():
        section, key = dotted.rsplit(".", 1)
        node = config
        for part in section.split("."):
            node = node[part]
        node[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    config.to_disk(path)
    return path


def add_dataset_tokenizer_rule(model: Path) -> None:
    """Give the saved model the dataset's tokenizer rule ("U.S.-China" -> "U.S.", "-", "China") for raw text."""
    nlp = spacy.load(model)
    nlp.tokenizer.infix_finditer = english().tokenizer.infix_finditer
    nlp.to_disk(model)


def evaluate(nlp, path: Path) -> dict:
    """Entity-level scores on the gold tokens and sentences of one DocBin file."""
    examples = list(Corpus(str(path), gold_preproc=True)(nlp))
    official = nlp.evaluate(examples)  # spaCy's scorer, for precision, recall and F1
    predicted = [Example(doc, eg.reference) for doc, eg in zip(nlp.pipe(eg.predicted for eg in examples), examples)]
    gold, found, correct = Counter(), Counter(), Counter()
    for eg in predicted:
        want = {(e.start_char, e.end_char, e.label_) for e in eg.reference.ents}
        got = {(e.start_char, e.end_char, e.label_) for e in eg.predicted.ents}
        gold.update(label for *_, label in want)
        found.update(label for *_, label in got)
        correct.update(label for *_, label in want & got)
    per_type = official["ents_per_type"] or {}
    return {
        "sentences": len(examples),
        "micro": score(official["ents_p"], official["ents_r"], official["ents_f"],
                       sum(gold.values()), sum(found.values()), sum(correct.values())),
        "per_label": {
            label: score(per_type.get(label, {}).get("p", 0.0), per_type.get(label, {}).get("r", 0.0),
                         per_type.get(label, {}).get("f", 0.0), gold[label], found[label], correct[label])
            for label in sorted(gold.keys() | found.keys())
        },
    }


def score(precision, recall, f1, gold: int, predicted: int, correct: int) -> dict:
    return {"precision": round(precision or 0.0, 4), "recall": round(recall or 0.0, 4), "f1": round(f1 or 0.0, 4),
            "gold": gold, "predicted": predicted, "correct": correct}


if __name__ == "__main__":
    sys.exit(main())
