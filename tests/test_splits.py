"""Splits are frozen: adding tasks never moves an existing one."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tradetalks.splits import SPLITS, SplitAssignment, hashed_split


def test_hash_assignment_is_stable_and_covers_all_splits():
    keys = [f"doc{i}/{p}" for i in range(200) for p in (1, 2)]
    first = [hashed_split(k) for k in keys]
    assert first == [hashed_split(k) for k in keys]
    assert set(first) == set(SPLITS)


def test_frozen_entries_win_and_freezing_adds_without_moving(tmp_path):
    path = tmp_path / "splits.json"
    path.write_text(json.dumps({"assignments": {"a/1": "test", "a/2": "validation"}}))
    assignment = SplitAssignment.load(path)
    assert assignment.split_of("a/1") == ("test", True)
    new_split, frozen = assignment.split_of("b/1")
    assert not frozen and new_split == hashed_split("b/1")
    assignment.save()
    saved = json.loads(path.read_text())["assignments"]
    assert saved == {"a/1": "test", "a/2": "validation", "b/1": new_split}
    again = SplitAssignment.load(path)
    assert again.split_of("b/1") == (new_split, True)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), st.sampled_from(SPLITS), max_size=30),
       st.lists(st.text(min_size=1, max_size=12), max_size=30))
def test_the_compact_index_answers_as_the_assignment_does(frozen, others):
    assignment = SplitAssignment(frozen)
    keys = list(frozen) + others
    assert assignment.index().splits_of(keys) == [assignment.split_of(key) for key in keys]


def test_a_new_document_s_paragraphs_share_one_split_and_follow_its_frozen_ones():
    assignment = SplitAssignment({"a/1": "test", "a/2": "train"})
    assert assignment.split_of("a/3") == ("test", False)  # the split of the document's first frozen paragraph
    splits = {assignment.split_of(f"doc{d}/{p}")[0] for d in range(40) for p in range(1, 6)
              if d == 7}
    assert len(splits) == 1
    assert assignment.index().splits_of(["a/3", "doc7/2"]) == [("test", False), (splits.pop(), False)]


def test_new_documents_are_sampled_systematically_in_the_order_given():
    assignment = SplitAssignment({"seed/1": "train", "seed/2": "test"})
    documents = [f"d{i:02d}" for i in range(97)]
    for document in documents:
        for paragraph in (1, 2, 3):
            assignment.split_of(f"{document}/{paragraph}")
    # publisher, then date: odd documents are one publisher's, even ones another's
    order = {d: (int(d[1:]) % 2, int(d[1:])) for d in documents}
    assignment.assign_documents(order)
    by_document = {}
    for key, split in assignment.added.items():
        by_document.setdefault(key.partition("/")[0], set()).add(split)
    assert all(len(splits) == 1 for splits in by_document.values())
    counts = {split: sum(1 for s in by_document.values() if s == {split}) for split in SPLITS}
    assert counts == {"train": 78, "validation": 10, "test": 9}
    ordered = sorted(documents, key=order.get)
    # counted on from the one frozen document: the 4th, 14th, ... new document (k = 4, 14, ...) is validation
    assert by_document[ordered[3]] == {"validation"} and by_document[ordered[8]] == {"test"}
    for publisher in (0, 1):
        mine = [d for d in documents if order[d][0] == publisher]
        assert {next(iter(by_document[d])) for d in mine} == set(SPLITS)
    assert assignment.split_of("seed/2") == ("test", True)
