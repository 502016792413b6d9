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
