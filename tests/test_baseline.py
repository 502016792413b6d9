"""scripts/train_baseline.py on a small synthetic dataset, and the card section built from its scores."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import spacy

from conftest import ROOT, simple_task, write_export
from tradetalks.baseline import BASELINE_MARKER
from tradetalks.build import build
from tradetalks.splits import SplitAssignment
from training_corpus import CARD, build_synthetic

SCRIPT = ROOT / "scripts" / "train_baseline.py"


def train(dataset, output, scores, seed=0, epochs=20):
    return subprocess.run([sys.executable, str(SCRIPT), "--dataset", str(dataset), "--output", str(output),
                           "--scores", str(scores), "--seed", str(seed), "--max-epochs", str(epochs)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, scheme, export_schema):
    folder = tmp_path_factory.mktemp("baseline")
    dataset = build_synthetic(folder, scheme, export_schema)
    run = train(dataset, folder / "model", folder / "scores.json")
    assert run.returncode == 0, run.stdout + run.stderr
    return folder, dataset, json.loads((folder / "scores.json").read_text(encoding="utf-8")), run.stdout


@pytest.mark.slow
def test_scores_are_entity_level_per_label_and_micro_on_validation_and_test(trained):
    _, _, scores, stdout = trained
    assert set(scores["scores"]) == {"validation", "test"}
    assert scores["data"] == {"train": {"tasks": 9, "entities": 83}, "validation": {"tasks": 3, "entities": 37},
                              "test": {"tasks": 3, "entities": 30}}
    for split, result in scores["scores"].items():
        micro = result["micro"]
        assert micro["gold"] == scores["data"][split]["entities"]
        assert sum(s["gold"] for s in result["per_label"].values()) == micro["gold"]
        assert sum(s["correct"] for s in result["per_label"].values()) == micro["correct"]
        # spaCy's scorer and the counts agree
        assert micro["recall"] == round(micro["correct"] / micro["gold"], 4)
        if micro["predicted"]:
            assert micro["precision"] == round(micro["correct"] / micro["predicted"], 4)
        for label, s in result["per_label"].items():
            assert s["recall"] == round(s["correct"] / s["gold"], 4) if s["gold"] else s["recall"] == 0
        assert f"{split}: precision" in stdout
    assert scores["scores"]["test"]["micro"]["f1"] > 0.5  # twenty epochs on templated text learn something


def test_model_is_saved_with_the_dataset_tokenizer_rule(trained):
    folder, _, _, _ = trained
    nlp = spacy.load(folder / "model" / "model-best")
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert [t.text for t in nlp.make_doc("The U.S.-China truce")] == ["The", "U.S.", "-", "China", "truce"]
    assert (folder / "model" / "config.cfg").is_file()


@pytest.mark.slow
def test_same_seed_same_scores(trained, tmp_path):
    folder, dataset, scores, _ = trained
    again = train(dataset, tmp_path / "model", tmp_path / "scores.json")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "scores.json").read_text(encoding="utf-8") == \
        (folder / "scores.json").read_text(encoding="utf-8")


def test_card_reports_the_scores_of_the_data_it_describes(trained, scheme, export_schema, tmp_path):
    folder, dataset, scores, _ = trained
    assert BASELINE_MARKER not in (dataset / "README.md").read_text(encoding="utf-8")
    rebuilt = build_synthetic(tmp_path, scheme, export_schema, baseline_scores=folder / "scores.json")
    card = (rebuilt / "README.md").read_text(encoding="utf-8")
    section = card[card.index("## Baseline results"):card.index("## Limitations")]
    test = scores["scores"]["test"]["micro"]
    assert f"| test | {100 * test['precision']:.1f} | {100 * test['recall']:.1f} | {100 * test['f1']:.1f} | " \
           f"{test['correct']} of {test['gold']} |" in section
    assert "Per entity type, on test:" in section and "| GPE |" in section
    assert f"The test split has {test['gold']} entity mentions" in section
    assert "different version of the data" not in section


def test_card_says_when_scores_come_from_other_data_or_are_missing(trained, scheme, export_schema, tmp_path):
    folder, _, _, _ = trained
    export = write_export(tmp_path, [simple_task(1), simple_task(2, paragraph=2)])
    splits = SplitAssignment({"doc0/1": "train", "doc0/2": "test"})
    build([export], tmp_path / "stale", scheme, export_schema, splits, CARD, baseline_scores=folder / "scores.json")
    card = (tmp_path / "stale" / "README.md").read_text(encoding="utf-8")
    assert "**These scores were measured on a different version of the data** (train: 9 tasks and 83 entities " \
           "then, 1 and 4 now;" in card
    build([export], tmp_path / "none", scheme, export_schema, splits, CARD, baseline_scores=tmp_path / "nope.json")
    card = (tmp_path / "none" / "README.md").read_text(encoding="utf-8")
    assert "No baseline has been measured on this data yet" in card


def test_a_missing_dataset_is_a_clean_error(tmp_path):
    run = train(tmp_path / "nope", tmp_path / "model", tmp_path / "scores.json")
    assert run.returncode == 2
    assert "not a built dataset" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "scores.json").exists()
