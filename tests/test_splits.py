"""Splits are frozen: adding tasks never moves an existing one."""

from __future__ import annotations

import json

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
