"""What every view of the tasks has: its features, its rows of a Batch, what it counts in them, and what the card
shows of those counts. (The documents config is made from the manifest, not from tasks, and is no View.)"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Callable, NamedTuple

import numpy as np
import pyarrow as pa
from datasets import Features

from ..model import Batch
from ..problems import Problem
from ..stats import SplitStats


class ViewRows(NamedTuple):
    """What a view makes of a model.Batch: its rows, in task order, how many each task has, and the problems
    met making them, each with the index of its task in the batch."""

    table: pa.Table
    rows_per_task: np.ndarray
    problems: list[tuple[int, Problem]] | tuple = ()


class View:
    name: str
    description: str  # for the card's dataset_info
    distinct: tuple[str, ...] = ()  # columns whose values seldom repeat (see ShardedWriter)

    def features(self) -> Features:
        """The config's features: the one truth of its Arrow schema, in the Parquet files and the card."""
        raise NotImplementedError

    def table(self, batch: Batch) -> ViewRows:
        """The rows of the batch's documents, in order, made a column at a time."""
        raise NotImplementedError

    @functools.cached_property
    def _schema(self) -> pa.Schema:
        """The features' Arrow schema, made once."""
        return self.features().arrow_schema

    def count(self, table: pa.Table) -> Counter:
        """What the card counts in these rows (a table as `table` makes them) besides their number."""
        return Counter()

    def card_columns(self) -> list[tuple[str, Callable[[SplitStats], int]]]:
        """Columns of the card's table of splits: a header and the value for a split's statistics."""
        return []

    def card_sections(self, splits: list[tuple[str, SplitStats]]) -> list[str]:
        """Markdown paragraphs for the card's statistics, from each split's statistics (the total last)."""
        return []
