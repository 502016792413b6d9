"""Properties over generated exports.

Random valid exports always validate and build, and their spans come back exactly from
`load_dataset` (the spans config, and the ner config's BIO tags read back to characters).
Random mutations of valid exports never make the validator or the repair raise, and a
mutated export that still validates never yields a span that is not what it says.
"""

from __future__ import annotations

import copy
import json
import string
import tempfile
from pathlib import Path

import pytest
from datasets import load_dataset
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ROOT, annotation, relation, span, task
from tradetalks.build import build
from tradetalks.model import Batch
from tradetalks.problems import FatalInputError
from tradetalks.repair import repair_file
from tradetalks.scheme import load_scheme
from tradetalks.schema_files import load_export_schema
from tradetalks.splits import SplitAssignment
from tradetalks.validate import validate
from tradetalks.views import all_views

SCHEME = load_scheme(ROOT / "schema")
EXPORT_SCHEMA = load_export_schema(ROOT / "schema")
CARD = (ROOT / "dataset_card.md").read_text(encoding="utf-8")

# Words: letters and numbers from any script, emoji and other characters outside the BMP,
# punctuation; never whitespace, never lone surrogates.
word = st.one_of(
    st.sampled_from(["Geneva", "Zürich", "北京", "Ωmega", "U.S.", "EU-China", "$", "5%", "🚢", "𝔘𝔫𝔦𝔬𝔫", "’s", "-"]),
    st.text(st.characters(categories=["L", "M", "N", "P", "S"]), min_size=1, max_size=8),
)
separator = st.sampled_from([" ", " ", " ", ", ", "\n", "\r\n", "  ", " \u00a0"])
region_prefix = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=8)


@st.composite
def labelled_text(draw):
    """A text, and its spans as (start, end, label): runs of words, never touching whitespace, never overlapping."""
    words = draw(st.lists(word, min_size=1, max_size=30))
    seps = draw(st.lists(separator, min_size=len(words), max_size=len(words)))
    text, positions = "", []
    for w, sep in zip(words, seps):
        positions.append((len(text), len(text) + len(w)))
        text += w + sep
    text = text.rstrip() + "."
    spans, index = [], 0
    while index < len(words):
        if draw(st.booleans()):
            length = draw(st.integers(1, min(3, len(words) - index)))
            spans.append((positions[index][0], positions[index + length - 1][1], draw(st.sampled_from(SCHEME.entity_labels))))
            index += length + 1
        else:
            index += 1
    return text, spans


@st.composite
def valid_task(draw, task_id: int):
    text, spans = draw(labelled_text())
    ids = [f"{draw(region_prefix)}-{index}" for index in range(len(spans))]
    result = [span(rid, start, end, label, text) for rid, (start, end, label) in zip(ids, spans)]
    labels = dict(zip(ids, (label for *_, label in spans)))
    allowed = [(h, t, r) for h in ids for t in ids if h != t
               for r in SCHEME.relation_types if r.head and labels[h] in r.head and labels[t] in r.tail]
    chosen = draw(st.lists(st.sampled_from(allowed), max_size=4, unique_by=lambda x: (x[0], x[1], x[2].name))
                  if allowed else st.just([]))
    seen = set()
    for head, tail, rtype in chosen:
        key = (rtype.name, *sorted((head, tail))) if rtype.symmetric else (rtype.name, head, tail)
        if key in seen:
            continue
        seen.add(key)
        direction = draw(st.sampled_from(["right", "left", "bi"] if rtype.symmetric else ["right", "left"]))
        source, target = (tail, head) if direction == "left" else (head, tail)
        result.append(relation(source, target, rtype.name, direction))
    draw(st.randoms()).shuffle(result)
    return task(task_id, text, [annotation(task_id, result)], document_id=f"doc{task_id // 7}",
                paragraph=task_id % 7 + 1)


@st.composite
def valid_export(draw, max_tasks: int = 12):
    count = draw(st.integers(1, max_tasks))
    return [draw(valid_task(i)) for i in range(1, count + 1)]


def expected_rows(tasks) -> dict[int, dict]:
    """What the spans config must hold for each task, straight from the export."""
    rows = {}
    for t in tasks:
        results = t["annotations"][0]["result"]
        spans = {r["id"]: r["value"] for r in results if r["type"] == "labels"}
        entities = sorted((v["start"], v["end"], v["text"], v["labels"][0], rid) for rid, v in spans.items())
        relations = set()
        for r in results:
            if r["type"] != "relation":
                continue
            head, tail = (r["to_id"], r["from_id"]) if r["direction"] == "left" else (r["from_id"], r["to_id"])
            if SCHEME.relations[r["labels"][0]].symmetric:
                head, tail = sorted((head, tail), key=lambda rid: (spans[rid]["start"], spans[rid]["end"]))
            relations.add((head, tail, r["labels"][0]))
        rows[t["id"]] = {"text": t["data"]["text"], "entities": entities, "relations": relations}
    return rows


def write(folder: Path, tasks) -> Path:
    path = folder / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tasks=valid_export())
def test_valid_exports_build_and_load_with_every_span_exact(tasks):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        export = write(folder, tasks)
        texts = "".join(t["data"]["text"] for t in tasks)
        event("text outside the BMP" if any(ord(c) > 0xFFFF for c in texts) else "text inside the BMP")
        event("CRLF" if "\r\n" in texts else "no CRLF")
        report, _ = validate([export], SCHEME, EXPORT_SCHEMA)
        assert report.valid, [p.to_dict() for p in report.errors]
        out = folder / "dataset"
        build([export], out, SCHEME, EXPORT_SCHEMA, SplitAssignment.load(folder / "splits.json"), CARD)
        expected = expected_rows(tasks)
        cache = str(folder / "hf-cache")

        spans = load_dataset(str(out), "spans", cache_dir=cache)
        names = SCHEME.entity_labels
        relation_names = SCHEME.relation_labels
        seen = set()
        for split in spans.values():
            for row in split:
                want = expected[row["task_id"]]
                seen.add(row["task_id"])
                assert row["text"] == want["text"]
                got = sorted((e["start"], e["end"], e["text"], names[e["label"]], e["id"]) for e in row["entities"])
                assert got == want["entities"]
                assert {(r["head"], r["tail"], relation_names[r["label"]]) for r in row["relations"]} == \
                    want["relations"]
        assert seen == set(expected)

        ner = load_dataset(str(out), "ner", cache_dir=cache)
        tags = SCHEME.bio_labels
        found: dict[int, list] = {task_id: [] for task_id in expected}
        for split in ner.values():
            for row in split:
                found[row["task_id"]] += bio_spans(row, tags)
        for task_id, want in expected.items():
            assert sorted(found[task_id]) == [(s, e, label) for s, e, _, label, _ in want["entities"]], task_id


def bio_spans(row, tags) -> list[tuple[int, int, str]]:
    """Character spans read back from a ner row's BIO tags and token offsets."""
    spans, current = [], None
    for tag, start, end in zip((tags[t] for t in row["ner_tags"]), row["token_starts"], row["token_ends"]):
        if tag.startswith("I-") and current is not None and current[2] == tag[2:]:
            current[1] = end
            continue
        if current is not None:
            spans.append(tuple(current))
            current = None
        if tag.startswith("B-"):
            current = [start, end, tag[2:]]
    if current is not None:
        spans.append(tuple(current))
    return spans


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**12) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["", " ", "PERSON", "has_title", "relation", "labels", "🚢"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def nodes(value, path=()):
    """Every (path, value) inside a JSON value."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, path + (index,))


def mutate(data, tasks):
    """One random change somewhere in the tasks (in place)."""
    inside = list(nodes(tasks))[1:]
    if not inside:
        return
    path, value = data.draw(st.sampled_from(inside))
    parent = tasks
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    action = data.draw(st.sampled_from(["delete", "replace", "shift", "duplicate", "pad"]))
    if action == "delete":
        del parent[key]
    elif action == "replace":
        parent[key] = data.draw(json_value)
    elif action == "shift" and isinstance(value, int) and not isinstance(value, bool):
        parent[key] = value + data.draw(st.sampled_from([-2, -1, 1, 2, 1000]))
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(value))
    elif action == "pad" and isinstance(value, str):
        parent[key] = data.draw(st.sampled_from([" ", "\r\n", "🚢", "\u00a0"])) + value


def mutated_bytes(data, tasks) -> bytes:
    raw = json.dumps(tasks, ensure_ascii=data.draw(st.booleans())).encode("utf-8")
    action = data.draw(st.sampled_from(["none", "none", "truncate", "insert", "delete"]))
    at = data.draw(st.integers(0, len(raw)))
    if action == "truncate":
        return raw[:at]
    if action == "insert":
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=3)) + raw[at:]
    if action == "delete":
        return raw[:at] + raw[at + data.draw(st.integers(1, 5)):]
    return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tasks=valid_export(max_tasks=3), data=st.data())
def test_mutated_exports_give_problems_never_exceptions_nor_wrong_spans(tasks, data):
    for _ in range(data.draw(st.integers(1, 3))):
        mutate(data, tasks)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        export = folder / "export.json"
        export.write_bytes(mutated_bytes(data, tasks))
        report, docs = validate([export], SCHEME, EXPORT_SCHEMA)
        for found in report.problems:
            assert found.message and found.file
        event("still valid" if report.valid else "invalid")
        if report.valid:
            for doc in docs:
                if doc.gold is not None:
                    assert_spans_are_what_they_say(doc)
        try:
            repair_file(export, folder / "repaired.json")
        except FatalInputError as err:
            assert not report.valid and {p.code for p in err.problems} <= {p.code for p in report.errors}
        else:
            validate([folder / "repaired.json"], SCHEME, EXPORT_SCHEMA)


def assert_spans_are_what_they_say(doc) -> None:
    """The rows the build would write for a document that passed: every span is exactly its text."""
    rows = [row for view in all_views(SCHEME) if view.name == "spans" for row in view.table(Batch([doc]))[0].to_pylist()]
    assert len(rows) == 1
    for row in rows:
        previous_end = 0
        for entity in sorted(row["entities"], key=lambda e: e["start"]):
            assert row["text"][entity["start"]:entity["end"]] == entity["text"]
            assert entity["text"] == entity["text"].strip() and entity["text"]
            assert entity["start"] >= previous_end
            assert 0 <= entity["label"] < len(SCHEME.entity_labels)
            previous_end = entity["end"]
        ids = {e["id"] for e in row["entities"]}
        assert all(r["head"] in ids and r["tail"] in ids and r["head"] != r["tail"] for r in row["relations"])


def test_a_split_without_tasks_is_left_out_so_the_dataset_loads(tmp_path):
    export = write(tmp_path, [task(1, "Geneva.", [annotation(1, [span("g", 0, 6, "GPE", "Geneva.")])])])
    result = build([export], tmp_path / "out", SCHEME, EXPORT_SCHEMA, SplitAssignment({"doc0/1": "train"}), CARD)
    assert sorted(p.message for p in result.report.problems if p.code == "W503") == [
        "the test split has no task; it is left out of the dataset",
        "the validation split has no task; it is left out of the dataset"]
    for config in ("spans", "ner"):
        loaded = load_dataset(str(tmp_path / "out"), config, cache_dir=str(tmp_path / "hf-cache"))
        assert list(loaded) == ["train"] and loaded["train"].num_rows == 1
