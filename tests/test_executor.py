"""The executor on its own: a function mapped over inputs in N processes, results in input order."""

from __future__ import annotations

import os
import re

import pyarrow as pa
import pytest

from tradetalks.pipeline.executor import Executor


def squares_with_pid():
    return lambda n: (n * n, os.getpid())


def tables():
    return lambda n: {"n": n, "rows": pa.table({"x": pa.array(range(n), pa.int64())})}


@pytest.mark.parametrize("num_proc", [1, 2, 3])
def test_results_come_back_in_input_order_whatever_the_processes(num_proc):
    results = list(Executor(num_proc, ahead=2).map(squares_with_pid, iter(range(200))))
    assert [square for square, _ in results] == [n * n for n in range(200)]
    processes = {pid for _, pid in results}
    assert (processes == {os.getpid()}) if num_proc == 1 else (len(processes) > 1)


def test_tables_come_back_whole_through_the_table_folder_which_is_left_empty(tmp_path):
    results = list(Executor(2, table_folder=str(tmp_path)).map(tables, range(1, 60)))
    assert [result["n"] for result in results] == list(range(1, 60))
    assert all(result["rows"].column("x").to_pylist() == list(range(result["n"])) for result in results)
    assert list(tmp_path.iterdir()) == []


MAIN_PROCESS = os.getpid()  # the test's process; a forked worker inherits this value


def failing_in_a_worker_from_7():
    def function(n):
        if n >= 7 and os.getpid() != MAIN_PROCESS:
            raise KeyError(n)
        return n

    return function


def test_a_workers_error_is_raised_here_with_the_input_it_failed_on():
    seen = []
    with pytest.raises(KeyError) as raised:
        for n in Executor(2, ahead=1).map(failing_in_a_worker_from_7, range(20)):
            seen.append(n)
    failed_on = raised.value.args[0]
    assert failed_on >= 7
    assert any(re.match(rf"in a worker process, {failed_on}:\n", note) for note in raised.value.__notes__)
    assert seen == list(range(failed_on))  # every result before it, in order
