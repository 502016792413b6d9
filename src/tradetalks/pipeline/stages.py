"""What is done to one chunk of tasks, on its own: decode, check, choose gold, place in a split, make rows, count.

Nothing here depends on other chunks, so a chunk gives the same CheckedChunk in any process.
The checks across tasks (validate.across_tasks) need the chunks before; the driver runs them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from ..agreement import Agreement
from ..model import Batch, Document
from ..problems import Problem, problem
from ..reader import decode_task
from ..scheme import Scheme
from ..splits import FrozenSplits
from ..stats import Statistics
from ..validate import read_task
from ..validate.across_tasks import Identity
from ..validate.structural import StructuralChecker
from .reading import TaskChunk

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class Plan:
    """What checking a chunk needs; each worker process receives it once."""

    scheme: Scheme
    export_schema: dict
    views: list = field(default_factory=list)  # the views whose rows are made; none to check only
    splits: FrozenSplits | None = None  # needed with views
    keep_documents: bool = False  # hand back each parsed Document (for callers that use them in this process)


@dataclass
class TaskOutcome:
    problems: list[Problem]  # structure and meaning of the task itself
    identity: Identity | None  # for the checks across tasks; None when its structure is broken
    gold_problems: list[Problem]  # the choice of its gold annotation
    build_problems: list[Problem]  # its split and its rows; reported while the input has no error
    document: Document | None = None  # with Plan.keep_documents


@dataclass
class CheckedChunk:
    """The outcome of one TaskChunk."""

    file: str
    outcomes: list[TaskOutcome]
    tables: dict[tuple[str, str], pa.Table]  # (view name, split) -> rows of the chunk's tasks with gold
    stats: Statistics
    agreement: Agreement
    keep_rows: bool = True  # set by the driver: no error in the input up to the end of this chunk

    def __getstate__(self) -> dict:
        """The outcomes as plain tuples on their way from a worker: pickle handles tuples far faster than
        as many dataclasses and named tuples, and a chunk has hundreds of outcomes."""
        state = dict(vars(self))
        state["outcomes"] = [(o.problems, tuple(o.identity) if o.identity is not None else None, o.gold_problems,
                              o.build_problems, o.document) for o in self.outcomes]
        return state

    def __setstate__(self, state: dict) -> None:
        state["outcomes"] = [TaskOutcome(problems, Identity(*identity) if identity is not None else None, gold, built,
                                         document)
                             for problems, identity, gold, built, document in state["outcomes"]]
        vars(self).update(state)


class ChunkChecker:
    """Checks chunks and makes their rows for one Plan; one per process (it holds the compiled JSON Schema)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.structural = StructuralChecker(plan.export_schema)

    def __call__(self, chunk: TaskChunk) -> CheckedChunk:
        plan = self.plan
        outcomes = []
        with_gold: list[tuple[Document, list[Problem]]] = []  # when rows are made: tasks with gold, build problems
        agreement = Agreement()
        for index, text in chunk.tasks:
            doc, problems, gold_problems = read_task(decode_task(text), index, chunk.file, plan.scheme,
                                                     self.structural)
            if doc is None:
                outcomes.append(TaskOutcome(problems, None, [], []))
                continue
            build_problems: list[Problem] = []
            if doc.gold is not None and plan.views:
                agreement.add(doc)
                with_gold.append((doc, build_problems))
            outcomes.append(TaskOutcome(problems, Identity.of(doc), gold_problems, build_problems,
                                        doc if plan.keep_documents else None))
        placed = self._placed(with_gold, chunk.file)
        stats = Statistics()
        return CheckedChunk(chunk.file, outcomes, self._tables(placed, stats), stats, agreement)

    def _placed(self, with_gold: list[tuple[Document, list[Problem]]], file: str
                ) -> list[tuple[Document, str, list[Problem]]]:
        """Each task with its split; W502 for a task the frozen splits do not list."""
        splits = self.plan.splits.splits_of([doc.key for doc, _ in with_gold]) if with_gold else []
        placed = []
        for (doc, build_problems), (split, frozen) in zip(with_gold, splits):
            if not frozen:
                build_problems.append(problem(
                    "W502", f"{doc.key} has no frozen split; assigned {split} by hash", file=file, task=doc.task_id))
            placed.append((doc, split, build_problems))
        return placed

    def _tables(self, placed: list[tuple[Document, str, list[Problem]]], stats: Statistics) -> dict:
        """(view, split) -> the rows of the `placed` tasks, in task order, counted in `stats`; the problems
        met making them go to their task's build problems.

        Each view makes the rows of the whole chunk in one call, its tasks ordered split by split,
        and the table is cut at the splits' edges: a call costs more than a split's rows."""
        by_split = sorted(placed, key=itemgetter(1))  # a stable sort: task order within each split
        batch = Batch([doc for doc, _, _ in by_split])
        tasks_per_split = Counter(split for _, split, _ in placed)
        splits = sorted(tasks_per_split)
        split_task_edges = np.cumsum([0] + [tasks_per_split[split] for split in splits]).tolist()
        for split, start, end in zip(splits, split_task_edges, split_task_edges[1:]):
            stats.add_documents(split, batch.part(start, end))
        tables = {}
        if not len(batch):
            return tables
        for view in self.plan.views:
            table, rows_per_task, problems = view.table(batch)
            for index, found in problems:
                by_split[index][2].append(found)
            split_row_edges = np.concatenate([[0], np.cumsum(rows_per_task)])[split_task_edges].tolist()
            for split, start, end in zip(splits, split_row_edges, split_row_edges[1:]):
                part = table.slice(start, end - start)
                tables[(view.name, split)] = part
                stats.add_table(split, view, part)
        return tables
