"""Checking tasks and making their rows in chunks, in worker processes too when asked, always in file order.

The main process reads each export (the reader hands over every task's JSON text) and
cuts it into chunks of consecutive tasks. A chunk is checked on its own: structure,
meaning and gold annotation of every task, then its split, the views' rows (encoded as
Arrow tables), statistics and agreement. Only the checks across tasks (CorpusChecks)
need every task before, so they run in the main process as the chunks come back, in the
order they were read. With num_proc=N, N - 1 worker processes check chunks, and the main
process too while they are busy; with num_proc=1 it checks all of them. A chunk's outcome
does not depend on where it was checked, so the report and the dataset are the same, byte
for byte, whatever the number of processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
import traceback
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import numpy as np

from .agreement import Agreement
from .model import Batch, Document
from .problems import Problem, Report, Severity, problem
from .reader import ExportReader, decode_task
from .scheme import Scheme
from .splits import FrozenSplits
from .stats import Statistics
from .validate import display_path, read_task
from .validate.corpus import CorpusChecks, Identity
from .validate.structural import StructuralChecker

if TYPE_CHECKING:
    import pyarrow as pa

CHUNK_TASKS = 400  # tasks checked together: about 1.3 MB of JSON, and a few thousand rows
AHEAD = 4  # chunks in flight per worker process: enough to keep it busy while the main process checks one, and memory bounded
COLLECTOR_THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold's: while millions of short-lived objects come and go


@dataclass
class Job:
    """What checking a chunk needs; sent once to each worker process."""

    scheme: Scheme
    export_schema: dict
    views: list = field(default_factory=list)  # the views whose rows are made; none to validate only
    splits: FrozenSplits | None = None  # needed with views


@dataclass
class TaskOutcome:
    problems: list[Problem]  # structure and meaning of the task itself
    identity: Identity | None  # for the checks across tasks; None if broken
    gold_problems: list[Problem]
    build_problems: list[Problem]  # its split and its rows, reported while the input has no error


@dataclass
class Chunk:
    """The outcome of consecutive tasks of one file."""

    file: str
    outcomes: list[TaskOutcome]
    tables: dict[tuple[str, str], pa.Table]  # (view, split) -> rows of the tasks that have gold (a file's
    # path between a worker and the main process)
    stats: Statistics
    agreement: Agreement
    valid: bool = True  # no error in the input up to the end of this chunk: its rows may be kept

    def __getstate__(self) -> dict:
        """The outcomes as plain tuples on their way from a worker: pickle takes those about ten times
        faster than as many dataclasses and named tuples."""
        state = dict(vars(self))
        state["outcomes"] = [(o.problems, tuple(o.identity) if o.identity is not None else None, o.gold_problems,
                              o.build_problems) for o in self.outcomes]
        return state

    def __setstate__(self, state: dict) -> None:
        state["outcomes"] = [TaskOutcome(problems, Identity(*identity) if identity is not None else None, gold, built)
                             for problems, identity, gold, built in state["outcomes"]]
        vars(self).update(state)


class _Checker:
    def __init__(self, job: Job):
        self.job = job
        self.structural = StructuralChecker(job.export_schema)

    def check(self, file: str, items: list[tuple[int, bytes | str]]) -> Chunk:
        job = self.job
        outcomes = []
        kept: list[tuple[Document, list[Problem]]] = []  # tasks with gold (when rows are made), and their build problems
        stats = Statistics()
        agreement = Agreement()
        for index, item in items:
            task = decode_task(item)
            doc, problems, gold_problems = read_task(task, index, file, job.scheme, self.structural)
            if doc is None:
                outcomes.append(TaskOutcome(problems, None, [], []))
                continue
            build_problems: list[Problem] = []
            if doc.gold is not None and job.views:
                agreement.add(doc)
                kept.append((doc, build_problems))
            outcomes.append(TaskOutcome(problems, Identity.of(doc), gold_problems, build_problems))
        placed = []  # tasks with gold, their split and build problems
        splits = job.splits.splits_of([doc.key for doc, _ in kept]) if kept else []
        for (doc, build_problems), (split, frozen) in zip(kept, splits):
            if not frozen:
                build_problems.append(problem(
                    "W502", f"{doc.key} has no frozen split; assigned {split} by hash", file=doc.file, task=doc.task_id))
            placed.append((doc, split, build_problems))
        return Chunk(file, outcomes, self._tables(placed, stats), stats, agreement)

    def _tables(self, built: list[tuple[Document, str, list[Problem]]], stats: Statistics) -> dict:
        """(view, split) -> the rows of the tasks in `built`, each view's rows in task order.

        Each view makes the rows of all the tasks at once (what a call costs beside its rows is worth
        more than a split's rows), split by split, and its table is cut at the splits' edges."""
        ordered = sorted(built, key=itemgetter(1))  # split by split, in task order within each (a stable sort)
        batch = Batch([doc for doc, _, _ in ordered], [found for _, _, found in ordered])
        sizes = Counter(split for _, split, _ in built)
        splits = sorted(sizes)
        doc_edges = np.cumsum([0] + [sizes[split] for split in splits]).tolist()
        for split, start, end in zip(splits, doc_edges, doc_edges[1:]):
            stats.add_documents(split, batch.part(start, end))
        tables = {}
        if not len(batch):
            return tables
        for view in self.job.views:
            table, counts = view.table(batch)
            row_edges = np.concatenate([[0], np.cumsum(counts)])[doc_edges].tolist()
            for split, start, end in zip(splits, row_edges, row_edges[1:]):
                part = table.slice(start, end - start)
                tables[(view.name, split)] = part
                stats.add_table(split, view, part)
        return tables


def _tune_collector() -> tuple:
    """Collect garbage less often while millions of short-lived objects come and go, and never walk what
    is there now (modules, the tokenizer's tables), which lives as long as the process; returns the old
    thresholds."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    return old


@contextmanager
def _tuned_collector():
    old = _tune_collector()
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def check_chunks(files: Iterable[Path], job: Job, report: Report, num_proc: int = 1,
                 progress=None, chunk_tasks: int = CHUNK_TASKS, when_read: Callable[[], object] | None = None
                 ) -> Iterator[Chunk]:
    """Check every task of every file with `num_proc` processes in all (the main one and num_proc - 1
    workers), adding each problem to `report` in file order; yield each chunk once its problems are in
    the report (`report.valid` then says whether its rows may be kept). `when_read` is called once the
    last task is read, while the last chunks are still being checked."""
    corpus = CorpusChecks()
    checker = _Checker(job)  # each process makes its tokenizer when it first needs it: in parallel
    chunks = _chunks(files, report, chunk_tasks)
    if when_read is not None:
        chunks = _then(chunks, when_read)
    if num_proc <= 1:
        pending = ((checker.check(file, items) if items else None, reader) for file, items, reader in chunks)
        with _tuned_collector():
            yield from _in_order(pending, corpus, report, progress)
        return
    with _tuned_collector(), _Workers(num_proc - 1, job) as workers:  # frozen first: the workers share its pages
        yield from _in_order(workers.checked(chunks, checker), corpus, report, progress)


def _then(items: Iterable, callback: Callable[[], object]) -> Iterator:
    yield from items
    callback()


class _Workers:
    """Worker processes that check chunks beside the main process. A chunk goes to the worker with the
    fewest in flight, unless each has `ahead` already: then the main process checks it itself, so that
    it works while they do rather than waiting for them. Each worker's outcomes come back in the order
    its chunks were sent, and the main process yields every chunk in file order.

    Chunks go out through a Queue (its feeder thread sends them, so the main process never waits for a
    busy worker to read) and outcomes come back through a pipe per worker, read by the main thread:
    no thread per direction and per worker as multiprocessing.Pool has, which costs as much CPU as
    the reader here. A chunk's rows (more bytes than its JSON) do not go through the pipe: the worker
    writes them as Arrow files in a folder in shared memory and the main process maps them.
    """

    def __init__(self, count: int, job: Job):
        context = multiprocessing.get_context()
        self._folder = tempfile.mkdtemp(prefix="tradetalks-rows-", dir=_shared_memory())
        self._inboxes, self._outboxes, self._processes = [], [], []
        for _ in range(count):
            inbox = context.Queue()
            outbox, sending = context.Pipe(duplex=False)
            process = context.Process(target=_serve, args=(job, inbox, sending, self._folder), daemon=True)
            process.start()
            sending.close()
            self._inboxes.append(inbox)
            self._outboxes.append(outbox)
            self._processes.append(process)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc) -> None:
        for inbox in self._inboxes:
            inbox.put(None)
            inbox.close()
        for process in self._processes:
            process.join(timeout=None if exc[0] is None else 0)
            if process.is_alive():
                process.terminate()
                process.join()
        for inbox in self._inboxes:
            inbox.cancel_join_thread()  # a worker that was stopped reads no more
        shutil.rmtree(self._folder, ignore_errors=True)

    def checked(self, chunks, checker: _Checker, ahead: int = AHEAD):
        """(Chunk or None, reader) for each of `chunks`, in order; at most `ahead` chunks in flight per
        worker, and as many again checked here while the oldest is awaited."""
        waiting: deque = deque()  # (worker or None, chunk or None, reader) in file order
        limit = ahead * (len(self._processes) + 1)
        for file, items, reader in chunks:
            if not items:
                waiting.append((None, None, reader))
            else:
                in_flight = Counter(worker for worker, _, _ in waiting if worker is not None)
                worker = min(range(len(self._processes)), key=in_flight.__getitem__)
                if in_flight[worker] < ahead:
                    self._inboxes[worker].put((file, items))
                    waiting.append((worker, None, reader))
                else:
                    waiting.append((None, checker.check(file, items), reader))
            while waiting and (waiting[0][0] is None or len(waiting) > limit or self._outboxes[waiting[0][0]].poll()):
                yield self._next(waiting)
        while waiting:
            yield self._next(waiting)

    def _next(self, waiting: deque):
        worker, chunk, reader = waiting.popleft()
        return (chunk if worker is None else self._outcome(worker)), reader

    def _outcome(self, worker: int) -> Chunk:
        outbox, process = self._outboxes[worker], self._processes[worker]
        wait([outbox, process.sentinel])  # the pipe may stay open in workers forked later
        try:
            result = outbox.recv() if outbox.poll() else None
        except EOFError:
            result = None
        if result is None:
            process.join()
            raise RuntimeError(f"worker process {process.pid} stopped (exit code {process.exitcode})")
        if isinstance(result, BaseException):
            raise result
        result.tables = {key: _mapped(path) for key, path in result.tables.items()}
        return result


def _serve(job: Job, inbox, outbox, folder: str) -> None:
    """A worker process: check each chunk from `inbox` and send its outcome, or the error it raised."""
    checker = _Checker(job)
    _tune_collector()
    for serial, (file, items) in enumerate(iter(inbox.get, None)):
        try:
            outcome = checker.check(file, items)
            outcome.tables = {key: _written(table, os.path.join(folder, f"{os.getpid()}-{serial}-{n}.arrow"))
                              for n, (key, table) in enumerate(outcome.tables.items())}
        except BaseException as error:
            error.add_note(f"in a worker process, checking tasks of {file}:\n{traceback.format_exc()}")
            outbox.send(error)
            return
        outbox.send(outcome)


def _shared_memory() -> str | None:
    """A folder in memory for the rows on their way between processes, where the system has one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK) else None


def _written(table: pa.Table, path: str) -> str:
    import pyarrow as pa

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def _mapped(path: str) -> pa.Table:
    """The table written at `path`, its buffers mapped from the file, which is then removed (the
    mapping stays until the table is let go)."""
    import pyarrow as pa

    table = pa.ipc.open_file(pa.memory_map(path)).read_all()
    os.unlink(path)
    return table


def _chunks(files: Iterable[Path], report: Report, size: int):
    """(file name, [(index, task JSON text)], reader) per chunk; a last entry with no items ends each file."""
    for path in files:
        report.files += 1
        reader = ExportReader(path, display_name=display_path(path))
        items = []
        for index, text in reader.texts():
            items.append((index, text))
            if len(items) == size:
                yield reader.name, items, None
                items = []
        if items:
            yield reader.name, items, None
        yield reader.name, None, reader


def _in_order(pending, corpus: CorpusChecks, report: Report, progress) -> Iterator[Chunk]:
    errors = bool(report.errors)
    for chunk, reader in pending:
        if chunk is None:
            if reader is not None:
                report.extend(reader.problems)  # the file's own problems come after its tasks
                errors = errors or _has_error(reader.problems)
            continue
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
        chunk.valid = not errors
        if progress is not None:
            progress.update(len(chunk.outcomes))
        yield chunk


def _has_error(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
