"""The reader's fast path (blocks cut at a guessed task boundary, checked by msgspec) gives the same tasks
and the same problems as the careful path (each task decoded in turn by the standard library).

Blocks are made tiny here, so that every file is read in many blocks and every way a block
can fail (a guess inside a string, an error, deep nesting, bad UTF-8, a task larger than a
block) happens far from the start of the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tradetalks.reader as reader
from conftest import simple_task
from tradetalks.reader import ExportReader, parsed_tasks

BLOCK = 256


def careful(handle, block):
    return (text for _, text in parsed_tasks(handle, block=block))


def read(path: Path, fast: bool, monkeypatch, block: int = BLOCK) -> tuple[list, list[tuple]]:
    """The tasks and the problems (code, line, column, task, message) of reading `path`."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(reader, "task_texts", careful)
        export = ExportReader(path, block=block)
        tasks = [(index, task) for index, task in export]
    return tasks, [(p.code, p.line, p.column, p.task, p.message) for p in export.problems]


def tasks_with(texts: list[str]) -> list[dict]:
    tasks = []
    for i, text in enumerate(texts):
        task = simple_task(i + 1, paragraph=i)
        task["data"]["text"] = text
        tasks.append(task)
    return tasks


def layouts(tasks: list[dict]) -> dict[str, bytes]:
    """The same tasks as Label Studio writes them (one line), as pull writes them (indented), and others."""
    return {
        "label studio": json.dumps(tasks, ensure_ascii=False).encode(),
        "pull": ("[" + ",".join("\n" + json.dumps(t, indent=2) for t in tasks) + "\n]\n").encode(),
        "compact ascii": json.dumps(tasks, separators=(",", ":")).encode(),
        "indented": json.dumps(tasks, indent=1, ensure_ascii=False).encode(),
    }


# Text that looks like the boundary between two tasks, or breaks a guess made from it.
tricky = st.sampled_from([
    '}, {"id": 7, "annotations": [', '},{"id":7,"annotations":[', '"}, {"id": 1, "data": {', "\\", '\\"', "{", "]",
    "Geneva", "🚢", "Zürich", " ", "\n", "北京",
])
texts = st.lists(st.lists(tricky, min_size=1, max_size=12).map("".join), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_valid_files_read_the_same_on_both_paths(tmp_path, monkeypatch, texts):
    tasks = tasks_with(texts)
    for name, data in layouts(tasks).items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(data)
        fast, problems = read(path, True, monkeypatch)
        assert problems == []
        assert [task for _, task in fast] == tasks, name
        assert fast == read(path, False, monkeypatch)[0]


def breakages() -> dict[str, bytes]:
    """Files whose first dozen tasks are sound and whose thirteenth is broken in one way."""
    tasks = tasks_with([f"Task {i} in Geneva." for i in range(20)])
    sound = json.dumps(tasks[:12], ensure_ascii=False)[:-1] + ", "
    rest = ", " + json.dumps(tasks[13:], ensure_ascii=False)[1:]
    task = json.dumps(tasks[12], ensure_ascii=False)
    deep = dict(tasks[12], meta={"deep": json.loads("[" * 120 + "]" * 120)})
    just_deep_enough = dict(tasks[12], meta={"deep": json.loads("[" * 97 + "]" * 97)})
    return {
        "syntax error": (sound + task[:-1] + rest).encode(),
        "trailing comma": (sound + task + ",]").encode(),
        "NaN": (sound + task.replace('"paragraph": 12', '"paragraph": NaN') + rest).encode(),
        "lone surrogate escape": (sound + task.replace("Geneva", "\\ud800") + rest).encode(),
        "huge number": (sound + task.replace('"paragraph": 12', '"paragraph": 1e400') + rest).encode(),
        "invalid UTF-8": (sound.encode() + task.replace("Geneva", "\udcff", 1).encode("utf-8", "surrogateescape")
                          + rest.encode()),
        "nesting too deep": (sound + json.dumps(deep) + rest).encode(),
        "nesting just allowed": (sound + json.dumps(just_deep_enough) + rest).encode(),
        "a task larger than many blocks": (sound + task.replace("Geneva", "Geneva " * 500) + rest).encode(),
        "extra data": (sound + task + rest + " []").encode(),
        "cut short": (sound + task + rest)[:-40].encode(),
    }


@pytest.mark.parametrize("name", list(breakages()))
def test_broken_files_give_the_same_tasks_and_problems_on_both_paths(tmp_path, monkeypatch, name):
    path = tmp_path / "export.json"
    path.write_bytes(breakages()[name])
    fast, fast_problems = read(path, True, monkeypatch)
    slow, slow_problems = read(path, False, monkeypatch)
    assert len(fast) >= 12  # the sound tasks before the broken one are all read
    if name == "invalid UTF-8":  # the careful path decodes a block at a time, and fails at the block's start
        whole_file, _ = read(path, False, monkeypatch, block=reader.BLOCK)  # one block: before any task
        assert (whole_file, [p[0] for p in fast_problems]) == ([], ["E002"])
        assert slow == fast[:len(slow)] and [p[0] for p in slow_problems] == ["E002"]
        return
    assert fast == slow
    assert fast_problems == slow_problems


def test_the_fast_path_reads_a_sound_file_without_the_careful_one(tmp_path, monkeypatch):
    path = tmp_path / "export.json"
    path.write_bytes(layouts(tasks_with([f"Talks {i} in Geneva." for i in range(200)]))["label studio"])
    monkeypatch.setattr(reader, "parsed_tasks", None)  # any use of the careful path fails
    assert len(list(ExportReader(path, block=BLOCK).texts())) == 200
