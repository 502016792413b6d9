"""Map a function over a stream of inputs in N processes and hand back the results in input order.

This module knows nothing of tasks or checks. `Executor(num_proc).map(make_function, inputs)`
calls `make_function()` once in each process (this one and num_proc - 1 forked workers) and
applies the function it returns to every input. Arrow tables in a worker's results travel
through files in shared memory, which the main process maps instead of copying them through
a pipe; everything else is pickled.
"""

from __future__ import annotations

import copyreg
import gc
import io
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import traceback
from collections import Counter, deque
from dataclasses import dataclass
from itertools import count
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

if TYPE_CHECKING:
    import pyarrow as pa

In = TypeVar("In")
Out = TypeVar("Out")

AHEAD = 4  # inputs in flight per worker: enough to keep it busy while the main process works, memory bounded


@dataclass(frozen=True)
class Executor:
    """Maps a function over inputs in `num_proc` processes in all (this one and num_proc - 1 forked workers).

    An input goes to the worker with the fewest in flight, unless each has `ahead` already: then
    the main process applies the function itself, so that it works while they do rather than wait.
    A worker's tables wait in `table_folder` (default: shared memory, else the system's temporary
    folder) until the main process maps them."""

    num_proc: int = 1
    ahead: int = AHEAD
    table_folder: str | None = None

    def map(self, make_function: Callable[[], Callable[[In], Out]], inputs: Iterable[In]) -> Iterator[Out]:
        """function(input) for each of `inputs`, in order, where `make_function()` (called once in each
        process; it must pickle) gives the function."""
        function = make_function()
        if self.num_proc <= 1:
            yield from map(function, inputs)
            return
        folder = tempfile.mkdtemp(prefix="tradetalks-tables-", dir=self.table_folder or _shared_memory())
        try:
            with _Workers(self.num_proc - 1, make_function, folder) as workers:
                yield from workers.map(function, inputs, self.ahead)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class _Workers:
    """Worker processes, each with an inbox (a Queue: its feeder thread sends, so the main process never
    waits for a busy worker to read) and a pipe back, read by the main thread. multiprocessing.Pool
    would add a thread per direction and per worker, which competes with the main process' own work."""

    def __init__(self, count: int, make_function: Callable, folder: str):
        context = multiprocessing.get_context()
        self._inboxes, self._outboxes, self._processes = [], [], []
        # Objects alive now (modules, the tokenizer's tables) live as long as the workers: frozen, the
        # collector in a forked worker never writes to them, so their pages stay shared with this process.
        gc.freeze()
        try:
            for _ in range(count):
                inbox = context.Queue()
                outbox, sending = context.Pipe(duplex=False)
                process = context.Process(target=_serve, args=(make_function, inbox, sending, folder), daemon=True)
                self._inboxes.append(inbox)
                process.start()
                sending.close()
                self._outboxes.append(outbox)
                self._processes.append(process)
        except BaseException:
            self.__exit__(*sys.exc_info())  # stop the workers already started, and unfreeze
            raise

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
        gc.unfreeze()

    def map(self, function: Callable, inputs: Iterable, ahead: int) -> Iterator:
        waiting: deque = deque()  # (worker, None) or (None, result made here), in input order
        limit = ahead * (len(self._processes) + 1)
        for item in inputs:
            in_flight = Counter(worker for worker, _ in waiting if worker is not None)
            worker = min(range(len(self._processes)), key=in_flight.__getitem__)
            if in_flight[worker] < ahead:
                self._inboxes[worker].put(item)
                waiting.append((worker, None))
            else:
                waiting.append((None, function(item)))
            while waiting and (waiting[0][0] is None or len(waiting) > limit or self._outboxes[waiting[0][0]].poll()):
                yield self._next(waiting)
        while waiting:
            yield self._next(waiting)

    def _next(self, waiting: deque):
        worker, result = waiting.popleft()
        return result if worker is None else self._result(worker)

    def _result(self, worker: int):
        outbox, process = self._outboxes[worker], self._processes[worker]
        wait([outbox, process.sentinel])  # the pipe may stay open in workers forked later
        try:
            message = outbox.recv_bytes() if outbox.poll() else None
        except EOFError:
            message = None
        if message is None:
            process.join()
            raise RuntimeError(f"worker process {process.pid} stopped (exit code {process.exitcode})")
        result = pickle.loads(message)  # maps the tables the worker wrote
        if isinstance(result, _Failure):
            raise result.error
        return result


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


def _serve(make_function: Callable, inbox, outbox, folder: str) -> None:
    """A worker process: apply the function to each input from `inbox` and send its result back, or the
    error it raised (and stop)."""
    function = make_function()
    names = (os.path.join(folder, f"{os.getpid()}-{n}.arrow") for n in count())
    for item in iter(inbox.get, None):
        try:
            message = _dumps(function(item), names)
        except BaseException as error:
            error.add_note(f"in a worker process, {item}:\n{traceback.format_exc()}")
            outbox.send_bytes(_dumps(_Failure(error), names))
            return
        outbox.send_bytes(message)


def _dumps(result, names: Iterator[str]) -> bytes:
    """`result` pickled, each Arrow table in it written to a file of its own and pickled as that file's name."""
    import pyarrow as pa

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[pa.Table] = lambda table: (_mapped, (_written(table, next(names)),))
    pickler.dump(result)
    return buffer.getvalue()


def _written(table: pa.Table, path: str) -> str:
    import pyarrow as pa

    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return path


def _mapped(path: str) -> pa.Table:
    """The table written at `path`, its buffers mapped from the file, which is then removed (the mapping
    stays until the table is let go)."""
    import pyarrow as pa

    table = pa.ipc.open_file(pa.memory_map(path)).read_all()
    os.unlink(path)
    return table


def _shared_memory() -> str | None:
    """A folder in memory for the tables on their way between processes, where the system has one."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK) else None
