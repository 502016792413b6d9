"""The shipped corpus: it validates cleanly, builds, and loads with `datasets` exactly as built."""

from __future__ import annotations


import pytest
from datasets import ClassLabel, load_dataset

from conftest import ROOT
from tradetalks.build import build
from tradetalks.card import split_front_matter
from tradetalks.documents import load_manifest, paragraphs_of
from tradetalks.reader import find_exports
from tradetalks.splits import SPLITS, SplitAssignment
from tradetalks.validate import validate

EXPORTS = ROOT / "annotations" / "exports"
SEED = ROOT / "annotations" / "texts" / "000_63fbcf5007623389.txt"
MANIFEST = load_manifest(ROOT / "annotations" / "documents.tsv")


@pytest.fixture(scope="module")
def corpus(scheme, export_schema):
    return validate(find_exports(EXPORTS), scheme, export_schema)


@pytest.fixture(scope="module")
def built(tmp_path_factory, scheme, export_schema):
    out = tmp_path_factory.mktemp("dist") / "tradetalks"
    result = build(find_exports(EXPORTS), out, scheme, export_schema,
                   SplitAssignment.load(ROOT / "annotations" / "splits.json"),
                   (ROOT / "dataset_card.md").read_text(encoding="utf-8"), documents=MANIFEST)
    return result


def load(path, config=None, **kwargs):
    return load_dataset(str(path), config, cache_dir=str(path.parent / "hf-cache"), **kwargs)


def test_corpus_validates_without_errors_and_warns_only_of_repeated_source_paragraphs(corpus):
    report, docs = corpus
    assert report.errors == []
    assert report.tasks == len(docs) > 0
    # Some releases repeat a paragraph of another ("Thank you.", a fact sheet's closing bullets): W403 says so,
    # once for every repetition, and the repeated paragraphs are annotated alike.
    repeated: dict[str, list] = {}
    for doc in docs:
        repeated.setdefault(doc.text, []).append(doc)
    repeats = {text: found for text, found in repeated.items() if len(found) > 1}
    assert [p.code for p in report.problems] == ["W403"] * sum(len(found) - 1 for found in repeats.values())
    for found in repeats.values():
        assert len({tuple((e.start, e.end, e.label) for e in d.gold.entities) for d in found}) == 1


def test_seed_document_is_every_paragraph_verbatim(corpus):
    _, docs = corpus
    paragraphs = [line for line in SEED.read_text(encoding="utf-8").split("\n") if line.strip()]
    seed = sorted((d for d in docs if d.document_id == "63fbcf5007623389"), key=lambda d: d.paragraph)
    assert [d.text for d in seed] == paragraphs
    assert [d.paragraph for d in seed] == list(range(1, len(paragraphs) + 1))


def test_every_document_in_the_corpus_is_every_paragraph_of_its_text_verbatim(corpus):
    _, docs = corpus
    by_document: dict[str, list] = {}
    for doc in docs:
        by_document.setdefault(doc.document_id, []).append(doc)
    assert set(by_document) <= set(MANIFEST)
    for document_id, tasks in by_document.items():
        record = MANIFEST[document_id]
        paragraphs = paragraphs_of((ROOT / "annotations" / "texts" / record.file).read_text(encoding="utf-8"))
        tasks.sort(key=lambda d: d.paragraph)
        assert [d.text for d in tasks] == paragraphs, record.file
        assert {d.source for d in tasks} == {record.file}


def test_every_task_has_a_frozen_split(corpus):
    _, docs = corpus
    frozen = SplitAssignment.load(ROOT / "annotations" / "splits.json").frozen
    assert {d.key for d in docs} <= set(frozen)


def test_spans_config_loads_with_class_labels_and_exact_offsets(built, scheme):
    ds = load(built.output)
    assert set(ds) == set(SPLITS)
    assert all(ds[split].num_rows > 0 for split in SPLITS)
    entity_label = ds["train"].features["entities"].feature["label"]
    assert isinstance(entity_label, ClassLabel) and entity_label.names == scheme.entity_labels
    relation_label = ds["train"].features["relations"].feature["label"]
    assert relation_label.names == scheme.relation_labels
    checked = 0
    for split in SPLITS:
        for row in ds[split]:
            ids = {e["id"] for e in row["entities"]}
            for entity in row["entities"]:
                assert row["text"][entity["start"]:entity["end"]] == entity["text"]
                checked += 1
            for rel in row["relations"]:
                assert rel["head"] in ids and rel["tail"] in ids
    assert checked == sum(sum(s.entities.values()) for s in built.stats.splits.values())


def test_ner_config_tags_reproduce_the_spans(built, scheme):
    spans = load(built.output)
    ner = load(built.output, "ner")
    names = ner["train"].features["ner_tags"].feature.names
    assert names == scheme.bio_labels
    for split in SPLITS:
        by_task: dict[str, list] = {}
        for row in ner[split]:
            tags = [names[i] for i in row["ner_tags"]]
            assert len(tags) == len(row["tokens"]) == len(row["token_starts"]) == len(row["token_ends"])
            key = f"{row['document_id']}-p{row['paragraph']:03d}"
            by_task.setdefault(key, []).extend(
                zip(row["tokens"], tags, row["token_starts"], row["token_ends"]))
        for row in spans[split]:
            tokens = by_task[row["id"]]
            for token, _, start, end in tokens:
                assert row["text"][start:end] == token
            assert decode_bio(tokens) == sorted(
                (e["start"], e["end"], scheme.entity_labels[e["label"]]) for e in row["entities"])


def decode_bio(tokens) -> list[tuple[int, int, str]]:
    spans, current = [], None
    for _, tag, start, end in tokens:
        if tag.startswith("B-") or tag == "O":
            if current:
                spans.append(tuple(current))
            current = [start, end, tag[2:]] if tag != "O" else None
        else:
            assert current is not None and current[2] == tag[2:], "I- tag must continue a span"
            current[1] = end
    if current:
        spans.append(tuple(current))
    return sorted(spans)


def test_streaming_gives_the_same_rows(built):
    streamed = list(load(built.output, "ner", streaming=True)["test"])
    assert streamed == list(load(built.output, "ner")["test"])


def test_card_metadata_and_statistics_match_the_data(built, scheme):
    card = (built.output / "README.md").read_text(encoding="utf-8")
    meta, body = split_front_matter(card)
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) >= {"spans", "ner"} and configs["spans"].get("default") is True
    for info in meta["dataset_info"]:
        loaded = load(built.output, info["config_name"])
        for split in info["splits"]:
            shards = list((built.output / "data" / info["config_name"]).glob(f"{split['name']}-*.parquet"))
            assert shards
            assert split["num_examples"] == loaded[split["name"]].num_rows
            # datasets counts num_bytes itself when it loads; the card says the same
            assert split["num_bytes"] == loaded[split["name"]].info.splits[split["name"]].num_bytes
        assert info["dataset_size"] == loaded["train"].info.dataset_size
    spans = load(built.output)
    for label in scheme.entity_labels:
        counts = [sum(scheme.entity_labels[e["label"]] == label for row in spans[s] for e in row["entities"])
                  for s in SPLITS]
        assert f"| {label} | {' | '.join(map(str, counts))} | {sum(counts)} |" in body
    assert meta["license"] and meta["task_categories"] and meta["size_categories"] == ["n<1K"]


def test_every_row_leads_to_its_document_s_source_and_licence(built):
    spans = load(built.output)
    documents = load(built.output, "documents")
    for split in SPLITS:
        listed = {row["document_id"]: row for row in documents[split]}
        assert set(listed) == {row["document_id"] for row in spans[split]}
        for document_id, row in listed.items():
            record = MANIFEST[document_id]
            assert (row["title"], row["date"], row["publisher"], row["url"], row["licence"], row["sha256"]) == (
                record.title, record.date, record.publisher, record.url, record.licence, record.sha256)


def test_build_is_byte_identical_when_repeated(tmp_path, built, scheme, export_schema):
    again = build(find_exports(EXPORTS), tmp_path / "tradetalks", scheme, export_schema,
                  SplitAssignment.load(ROOT / "annotations" / "splits.json"),
                  (ROOT / "dataset_card.md").read_text(encoding="utf-8"), documents=MANIFEST)
    first = {p.relative_to(built.output): p.read_bytes() for p in built.output.rglob("*") if p.is_file()}
    second = {p.relative_to(again.output): p.read_bytes() for p in again.output.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_a_document_missing_from_the_manifest_is_w504_and_left_out(tmp_path, scheme, export_schema):
    some = dict(list(MANIFEST.items())[1:]) if "63fbcf5007623389" in MANIFEST else {}
    result = build(find_exports(EXPORTS), tmp_path / "tradetalks", scheme, export_schema,
                   SplitAssignment.load(ROOT / "annotations" / "splits.json"),
                   (ROOT / "dataset_card.md").read_text(encoding="utf-8"), documents=some,
                   configs=["spans", "documents"])
    assert [p.message for p in result.report.problems if p.code == "W504"] == [
        "document 63fbcf5007623389 has no row in the manifest; the documents config leaves it out"]
    meta, _ = split_front_matter((result.output / "README.md").read_text(encoding="utf-8"))
    names = [c["config_name"] for c in meta["configs"]]
    others = set().union(*(s.documents for s in result.stats.splits.values())) - {"63fbcf5007623389"}
    if others:
        assert names == ["spans", "documents"]
        documents = load(result.output, "documents")
        assert {r["document_id"] for split in documents for r in documents[split]} == others
    else:  # no document is left: no documents config at all (load_dataset refuses a config without rows)
        assert names == ["spans"]


SEED_ID = "63fbcf5007623389"


def test_every_document_of_the_manifest_is_annotated(corpus):
    _, docs = corpus
    assert {d.document_id for d in docs} == set(MANIFEST)
    assert len(docs) == sum(record.paragraphs for record in MANIFEST.values())


def test_the_corpus_has_the_size_of_release_1(corpus):
    _, docs = corpus
    assert sum(len(d.gold.entities) for d in docs) >= 4500
    assert sum(len(d.gold.relations) for d in docs) >= 900


def test_splits_go_by_document_and_hold_out_documents_of_every_publisher(corpus):
    _, docs = corpus
    frozen = SplitAssignment.load(ROOT / "annotations" / "splits.json").frozen
    by_document: dict[str, set] = {}
    for doc in docs:
        by_document.setdefault(doc.document_id, set()).add(frozen[doc.key])
    assert all(len(splits) == 1 for document, splits in by_document.items() if document != SEED_ID)
    for split in ("validation", "test"):
        held_out = [MANIFEST[d] for d, splits in by_document.items() if d != SEED_ID and splits == {split}]
        assert len(held_out) >= 8
        assert {r.publisher for r in held_out} == {r.publisher for r in MANIFEST.values() if r.government_work}
        years = sorted(int(r.date[:4]) for r in held_out)
        assert years[0] < 2005 and years[-1] > 2020


def test_at_least_twenty_documents_were_annotated_twice_and_adjudicated(corpus):
    _, docs = corpus
    double = {d.document_id for d in docs if sum(not a.cancelled and not a.ground_truth for a in d.annotations) >= 2}
    assert len(double) >= 20
    for doc in docs:
        if doc.document_id in double:
            assert doc.gold.ground_truth and len(doc.annotations) == 3
            assert len({a.annotator for a in doc.annotations}) == 3
