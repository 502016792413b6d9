"""Process settings: the library's scoped form leaves the collector as it found it."""

from __future__ import annotations

import gc

from tradetalks.tuning import COLLECTOR_THRESHOLDS, tuned


def test_tuned_sets_the_collector_within_the_block_and_restores_it_after():
    before = gc.get_threshold()
    with tuned():
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert gc.get_freeze_count() > 0  # what was alive before the block is never walked within it
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
