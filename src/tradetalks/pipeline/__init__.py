"""The one path every export takes: read in chunks, check each chunk (in worker processes too), report in order.

    reading.read_chunks   the files' tasks as JSON text, in chunks of consecutive tasks
    stages.ChunkChecker   one chunk on its own: decode, check, gold, split, each view's rows, statistics
    executor.Executor     maps that over the chunks in N processes, results in file order
    check (here)          the checks across tasks, and every problem into the report in file order

`check` serves build and validate (chunk by chunk); `documents` serves the commands that need
the parsed tasks themselves (render, splits, studio). A chunk's outcome does not depend on the
process that checked it, so the report and the dataset are the same, byte for byte, for any
number of processes.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Document
from ..problems import Problem, Report, Severity
from ..scheme import Scheme
from ..validate.across_tasks import CorpusChecks
from .executor import Executor
from .reading import CHUNK_TASKS, FileEnd, TaskChunk, read_chunks
from .stages import CheckedChunk, ChunkChecker, Plan, TaskOutcome

__all__ = ["CHUNK_TASKS", "CheckedChunk", "Executor", "Plan", "TaskOutcome", "check", "documents"]


def check(files: Iterable[Path], plan: Plan, report: Report, executor: Executor = Executor(), progress=None,
          chunk_tasks: int = CHUNK_TASKS) -> Iterator[CheckedChunk]:
    """Check every task of every file with the `executor`'s processes, adding each problem to `report` in
    file order; yield each chunk once its problems are in the report (`chunk.keep_rows` then says whether
    the input had no error up to its end, so that its rows may be kept)."""
    for chunk, outcome in _reported(files, plan, report, executor, progress, chunk_tasks):
        if outcome is None:
            yield chunk


def documents(files: Iterable[Path], scheme: Scheme, export_schema: dict, report: Report) -> Iterator[Document]:
    """Every task that parsed, as a Document, once its problems are in `report` (with those of the tasks
    before it)."""
    plan = Plan(scheme, export_schema, keep_documents=True)
    for _, outcome in _reported(files, plan, report, Executor(), progress=None, chunk_tasks=CHUNK_TASKS):
        if outcome is not None and outcome.document is not None:
            yield outcome.document


def _reported(files: Iterable[Path], plan: Plan, report: Report, executor: Executor, progress, chunk_tasks: int
              ) -> Iterator[tuple[CheckedChunk, TaskOutcome | None]]:
    """(chunk, outcome) once each task's problems are in `report`, then (chunk, None) once the chunk's are.

    A file's own problems (FileEnd) come after its tasks' in the report. The chunks come back from
    the executor in order, so a file's end is reported before the first chunk read after it."""
    file_ends: deque[tuple[int, list[Problem]]] = deque()  # (chunks read before it, the file's problems)

    def chunks() -> Iterator[TaskChunk]:
        read = 0
        for piece in read_chunks(files, report, chunk_tasks):
            if isinstance(piece, FileEnd):
                file_ends.append((read, piece.problems))
            else:
                read += 1
                yield piece

    def report_file_ends(before: int) -> None:
        nonlocal errors
        while file_ends and file_ends[0][0] <= before:
            problems = file_ends.popleft()[1]
            report.extend(problems)
            errors = errors or _has_error(problems)

    corpus = CorpusChecks()
    errors = bool(report.errors)
    checked = executor.map(partial(ChunkChecker, plan), chunks())
    for index, chunk in enumerate(checked):
        report_file_ends(before=index)
        across = iter(corpus.check_identities(
            [outcome.identity for outcome in chunk.outcomes if outcome.identity is not None], chunk.file))
        for outcome in chunk.outcomes:
            report.tasks += 1
            found = list(outcome.problems)
            if outcome.identity is not None:
                found += next(across)
                found += outcome.gold_problems
            report.extend(found)
            errors = errors or _has_error(found)
            if not errors:
                report.extend(outcome.build_problems)
            yield chunk, outcome
        chunk.keep_rows = not errors
        if progress is not None:
            progress.update(len(chunk.outcomes))
        yield chunk, None
    report_file_ends(before=float("inf"))


def _has_error(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
