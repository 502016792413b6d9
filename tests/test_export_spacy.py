"""`tradetalks export spacy`: DocBin files whose spans are the dataset's, and that spaCy's own CLI trains on."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import spacy
from datasets import load_dataset
from spacy.tokens import DocBin

from conftest import ROOT
from test_cli import tradetalks
from tradetalks.build import build
from tradetalks.reader import find_exports
from tradetalks.splits import SplitAssignment
from training_corpus import CARD, build_synthetic

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def exported(tmp_path_factory, scheme, export_schema):
    folder = tmp_path_factory.mktemp("spacy-export")
    dataset = build_synthetic(folder, scheme, export_schema)
    run = tradetalks("export", "spacy", "--dataset", dataset, "-o", folder / "spacy")
    assert run.returncode == 0, run.stderr
    return dataset, folder / "spacy", run.stdout


def load(dataset, config):
    return load_dataset(str(dataset), config, cache_dir=str(dataset.parent / "hf-cache"))


def read_docs(path):
    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_one_file_per_split_named_as_spacy_expects(exported):
    _, out, stdout = exported
    assert sorted(p.name for p in out.iterdir()) == [".tradetalks-export", "dev.spacy", "test.spacy", "train.spacy"]
    assert "dev.spacy: validation" in stdout


def test_docbin_spans_equal_dataset_spans(exported, scheme):
    dataset, out, _ = exported
    assert_docbin_matches_dataset(dataset, out, scheme)


@pytest.mark.slow
def test_docbin_of_the_shipped_corpus_equals_its_dataset(tmp_path, scheme, export_schema):
    dataset = tmp_path / "tradetalks"
    build(find_exports(ROOT / "annotations" / "exports"), dataset, scheme, export_schema,
          SplitAssignment.load(ROOT / "annotations" / "splits.json"), CARD)
    assert tradetalks("export", "spacy", "--dataset", dataset, "-o", tmp_path / "spacy").returncode == 0
    assert_docbin_matches_dataset(dataset, tmp_path / "spacy", scheme)
    docs = [doc for stem in ("train", "dev", "test") for doc in read_docs(tmp_path / "spacy" / f"{stem}.spacy")]
    ents = {(e.text, e.label_) for doc in docs for e in doc.ents}
    assert {("U.S.", "GPE"), ("China", "GPE")} <= ents  # the seed's "U.S.-China"


def assert_docbin_matches_dataset(dataset, out, scheme):
    spans = load(dataset, "spans")
    names, relation_names = scheme.entity_labels, scheme.relation_labels
    for split, stem in (("train", "train"), ("validation", "dev"), ("test", "test")):
        docs = read_docs(out / f"{stem}.spacy")
        rows = list(spans[split])
        assert len(docs) == len(rows)
        for doc, row in zip(docs, rows):
            assert doc.text == row["text"]
            assert [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents] == \
                [(e["start"], e["end"], names[e["label"]], e["text"]) for e in row["entities"]]
            offsets = {e["id"]: {"start": e["start"], "end": e["end"]} for e in row["entities"]}
            assert doc.user_data["id"] == row["id"] and doc.user_data["task_id"] == row["task_id"]
            assert list(doc.user_data["relations"]) == [  # msgpack reads lists back as tuples
                {"head": offsets[r["head"]], "tail": offsets[r["tail"]], "label": relation_names[r["label"]]}
                for r in row["relations"]]


def test_docbin_tokens_and_sentences_are_the_ner_configs(exported):
    dataset, out, _ = exported
    ner = load(dataset, "ner")
    sentences = []
    for doc in read_docs(out / "train.spacy"):
        for sent in doc.sents:
            kept = [t for t in sent if not (t.is_space and t.ent_iob_ == "O")]
            sentences.append(([t.text for t in kept], [t.idx for t in kept]))
    assert sentences == [(row["tokens"], row["token_starts"]) for row in ner["train"]]


def test_tokens_are_split_at_span_edges_never_spans_stretched(exported):
    _, out, _ = exported
    docs = read_docs(out / "train.spacy")
    hyphenated = [doc for doc in docs if "U.S.-China" in doc.text]
    assert hyphenated, "the synthetic corpus has 'U.S.-China'"
    ents = {(e.text, e.label_) for doc in docs for e in doc.ents}
    assert {("U.S.", "GPE"), ("China", "GPE")} <= ents
    fiscal = [e for doc in docs for e in doc.ents
              if e.label_ == "DATE" and doc.text[e.start_char - 2:e.start_char] == "FY"]
    assert fiscal and all(e.text in {"2026", "2027"} for e in fiscal)  # 'FY2026' is cut, the span stays '2026'


def spacy_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "spacy", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def config(exported):
    _, out, _ = exported
    path = out.parent / "ner.cfg"
    run = spacy_cli("init", "config", path, "--lang", "en", "--pipeline", "ner", cwd=out.parent)
    assert run.returncode == 0, run.stderr
    return path


GOLD_TOKENS = ["--corpora.train.gold_preproc", "true", "--corpora.dev.gold_preproc", "true"]


def test_spacy_debug_data_finds_nothing_wrong_but_the_corpus_size(exported, config):
    _, out, _ = exported
    run = spacy_cli("debug", "data", config, "--paths.train", out / "train.spacy", "--paths.dev", out / "dev.spacy",
                    *GOLD_TOKENS, cwd=out.parent)
    report = ANSI.sub("", run.stdout)
    failures = [line for line in report.splitlines() if line.startswith("✘") and not re.match(r"✘ \d+ error", line)]
    assert [line.split(" (")[0] for line in failures] == ["✘ Low number of examples to train a new pipeline"], report
    assert "0 missing value(s) (tokens with '-' label)" in report
    assert "misaligned" not in report  # without gold_preproc, spaCy's re-tokenized "U.S.-China" would be
    assert "✔ No entities consisting of or starting/ending with whitespace" in report
    assert "✔ No entities crossing sentence boundaries" in report
    assert "✔ No overlap between training and evaluation data" in report


@pytest.mark.slow
def test_spacy_train_runs_on_the_export(exported, config):
    _, out, _ = exported
    model = out.parent / "model"
    run = spacy_cli("train", config, "--output", model, "--paths.train", out / "train.spacy",
                    "--paths.dev", out / "dev.spacy", "--training.max_epochs", "2", "--training.max_steps", "0",
                    *GOLD_TOKENS, cwd=out.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    nlp = spacy.load(model / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {e.label_ for doc in read_docs(out / "train.spacy") for e in doc.ents}


def test_a_folder_that_is_not_a_dataset_is_a_clean_error(tmp_path):
    run = tradetalks("export", "spacy", "--dataset", tmp_path / "nope", "-o", tmp_path / "out")
    assert run.returncode == 2
    assert "not a built dataset" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()
