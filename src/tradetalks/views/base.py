"""What every view has besides its rows: what it counts in them, and what the card shows of those counts."""

from __future__ import annotations

from collections import Counter
from typing import Callable, NamedTuple

import numpy as np
import pyarrow as pa

from ..problems import Problem
from ..stats import SplitStats


class ViewRows(NamedTuple):
    """What a view makes of a model.Batch: its rows, in task order, how many each task has, and the problems
    met making them, each with the index of its task in the batch."""

    table: pa.Table
    rows_per_task: np.ndarray
    problems: list[tuple[int, Problem]] = []


class View:
    name: str
    distinct: tuple[str, ...] = ()  # columns whose values seldom repeat (see ShardedWriter)

    def count(self, table: pa.Table) -> Counter:
        """What the card counts in these rows (a table as `table` makes them) besides their number."""
        return Counter()

    def card_columns(self) -> list[tuple[str, Callable[[SplitStats], int]]]:
        """Columns of the card's table of splits: a header and the value for a split's statistics."""
        return []

    def card_sections(self, splits: list[tuple[str, SplitStats]]) -> list[str]:
        """Markdown paragraphs for the card's statistics, from each split's statistics (the total last)."""
        return []
