"""`tradetalks export conll`: column files that read back to the `ner` config's tokens, tags and documents."""

from __future__ import annotations

import pytest
from datasets import load_dataset

from conftest import ROOT
from test_cli import tradetalks
from tradetalks.build import build
from tradetalks.export.dataset import FILE_STEMS
from tradetalks.reader import find_exports
from tradetalks.splits import SplitAssignment
from training_corpus import CARD, build_synthetic


@pytest.fixture(scope="module")
def exported(tmp_path_factory, scheme, export_schema):
    folder = tmp_path_factory.mktemp("conll-export")
    dataset = build_synthetic(folder, scheme, export_schema)
    run = tradetalks("export", "conll", "--dataset", dataset, "-o", folder / "conll")
    assert run.returncode == 0, run.stderr
    return dataset, folder / "conll", run.stdout


def read_conll(path) -> list[tuple[str, list[tuple[list[str], list[str]]]]]:
    """Documents of (tokens, tags) sentences, read as column readers do: whitespace-split lines,
    a blank line ends a sentence, a -DOCSTART- line starts a document."""
    documents, sentence = [], []

    def end_sentence():
        if sentence:
            documents[-1][1].append(([w for w, _ in sentence], [t for _, t in sentence]))
            sentence.clear()

    for line in path.read_text(encoding="utf-8").split("\n"):
        fields = line.split()
        if not fields:
            end_sentence()
        elif fields[0] == "-DOCSTART-":
            assert fields == ["-DOCSTART-", "O"] and not sentence
            documents.append((f"document {len(documents)}", []))
        else:
            assert len(fields) == 2, line
            sentence.append(tuple(fields))
    end_sentence()
    return documents


def expected_documents(rows, names) -> list[list[tuple[list[str], list[str]]]]:
    ordered = sorted(rows, key=lambda r: (r["document_id"], r["paragraph"], r["sentence_index"]))
    documents: dict[str, list] = {}
    for row in ordered:
        kept = [(w, names[t]) for w, t in zip(row["tokens"], row["ner_tags"]) if w.strip()]
        if kept:
            documents.setdefault(row["document_id"], []).append(([w for w, _ in kept], [t for _, t in kept]))
    return list(documents.values())


def test_conll_round_trips_tokens_tags_sentences_and_documents(exported):
    dataset, out, _ = exported
    ner = load_dataset(str(dataset), "ner", cache_dir=str(dataset.parent / "hf-cache"))
    names = ner["train"].features["ner_tags"].feature.names
    assert sorted(p.name for p in out.iterdir()) == [".tradetalks-export", "dev.txt", "test.txt", "train.txt"]
    for split, stem in (("train", "train"), ("validation", "dev"), ("test", "test")):
        got = [sentences for _, sentences in read_conll(out / f"{stem}.txt")]
        assert got == expected_documents(ner[split], names)
    assert len(read_conll(out / "train.txt")) == len({r["document_id"] for r in ner["train"]}) == 3


@pytest.mark.slow
def test_conll_of_the_shipped_corpus_round_trips(tmp_path, scheme, export_schema):
    dataset = tmp_path / "tradetalks"
    build(find_exports(ROOT / "annotations" / "exports"), dataset, scheme, export_schema,
          SplitAssignment.load(ROOT / "annotations" / "splits.json"), CARD)
    assert tradetalks("export", "conll", "--dataset", dataset, "-o", tmp_path / "conll").returncode == 0
    ner = load_dataset(str(dataset), "ner", cache_dir=str(tmp_path / "hf-cache"))
    names = ner["train"].features["ner_tags"].feature.names
    for split, rows in ner.items():
        got = [sentences for _, sentences in read_conll(tmp_path / "conll" / f"{FILE_STEMS[split]}.txt")]
        assert got == expected_documents(rows, names)


def test_whitespace_tokens_inside_entities_are_left_out_and_counted(exported):
    dataset, out, stdout = exported
    ner = load_dataset(str(dataset), "ner", cache_dir=str(dataset.parent / "hf-cache"))
    names = ner["train"].features["ner_tags"].feature.names
    spaces = [(names[t]) for row in ner["train"] for w, t in zip(row["tokens"], row["ner_tags"]) if not w.strip()]
    assert spaces and all(tag == "I-GPE" for tag in spaces)  # 'New  Arden'
    assert "train.txt: train, 3 document(s)" in stdout
    assert f"{len(spaces)} whitespace token(s) inside entities left out" in stdout.splitlines()[0]
    tags = [t for _, sentences in read_conll(out / "train.txt") for _, ts in sentences for t in ts]
    for previous, tag in zip(tags, tags[1:]):  # the BIO sequence stays valid without them
        assert not tag.startswith("I-") or previous[2:] == tag[2:]


def test_a_dataset_without_the_config_is_a_clean_error(tmp_path):
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "README.md").write_text("# not a dataset\n", encoding="utf-8")
    run = tradetalks("export", "conll", "--dataset", tmp_path / "dataset", "-o", tmp_path / "out")
    assert run.returncode == 2
    assert "cannot read the 'ner' config" in run.stderr and "Traceback" not in run.stderr
