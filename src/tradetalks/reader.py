"""Streaming reader for Label Studio JSON exports: one task at a time, never the whole file in memory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import ijson

from .problems import Problem, problem

BOM = b"\xef\xbb\xbf"
# Above this size a broken file is not re-read whole just to name the line of the error.
LINE_LOOKUP_LIMIT = 64 * 1024 * 1024
# Label Studio tasks nest about ten levels; far deeper input is refused before it costs
# quadratic memory (ijson's path prefixes) or exhausts the recursion of later checks.
MAX_DEPTH = 100
_OPEN = frozenset(("start_map", "start_array"))
_CLOSE = frozenset(("end_map", "end_array"))


class NestingTooDeep(ValueError):
    pass


@dataclass
class ExportReader:
    """Iterate over (index, task) of one export; problems with the file itself land in `problems`."""

    path: Path
    display_name: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.display_name or str(self.path)

    def __iter__(self) -> Iterator[tuple[int, object]]:
        try:
            handle = open(self.path, "rb")
        except OSError as err:
            self.problems.append(problem("E001", f"cannot open: {err.strerror or err}", file=self.name))
            return
        with handle:
            yield from self._read(handle)

    def _read(self, handle) -> Iterator[tuple[int, object]]:
        try:
            head = handle.read(4096)
        except OSError as err:
            self.problems.append(problem("E001", f"cannot read: {err.strerror or err}", file=self.name))
            return
        offset = 0
        if head.startswith(BOM):
            self.problems.append(problem("W005", "UTF-8 byte-order mark skipped", file=self.name))
            offset = len(BOM)
        first = head[offset:].lstrip()[:1]
        if not first:
            if not head[offset:].strip():
                self.problems.append(problem("E004", "the file is empty; an export is a JSON array", file=self.name))
                return
        if first == b"{":
            self.problems.append(problem(
                "E003", "the top level is a JSON object; Label Studio's JSON export is an array of tasks",
                file=self.name))
            return
        handle.seek(offset)
        index = -1
        try:
            for index, task in enumerate(array_items(handle)):
                yield index, task
        except NestingTooDeep:
            self.problems.append(problem(
                "E007", f"task #{index + 1} nests more than {MAX_DEPTH} levels deep; the file is not read further",
                file=self.name, task=f"#{index + 1}"))
        except (ijson.JSONError, UnicodeDecodeError, ValueError) as err:
            self.problems.append(self._json_problem(err, index + 1))
        except OSError as err:
            self.problems.append(problem("E001", f"cannot read: {err.strerror or err}", file=self.name))
        else:
            if index == -1 and first != b"[":
                self.problems.append(problem("E003", "the top level is not an array of tasks", file=self.name))

    def _json_problem(self, err: Exception, tasks_read: int) -> Problem:
        line = column = None
        if self.path.stat().st_size <= LINE_LOOKUP_LIMIT:
            try:
                json.loads(self.path.read_bytes().removeprefix(BOM).decode("utf-8"))
            except json.JSONDecodeError as decoded:
                line, column = decoded.lineno, decoded.colno
                err = decoded.msg
            except UnicodeDecodeError as decoded:
                err = f"not UTF-8: {decoded.reason} at byte {decoded.start}"
            except RecursionError:
                pass
        return problem(
            "E002",
            f"invalid JSON after {tasks_read} complete task(s): {err}",
            file=self.name, line=line, column=column,
        )


def array_items(handle) -> Iterator[object]:
    """The items of a top-level JSON array, like ijson.items(handle, "item"), refusing nesting beyond MAX_DEPTH."""
    depth = 0
    builder = None
    for event, value in ijson.basic_parse(handle, use_float=True):
        if event in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise NestingTooDeep(depth)
            if depth == 1:
                if event != "start_array":
                    return
                continue
            if depth == 2:
                builder = ijson.ObjectBuilder()
        elif event in _CLOSE:
            depth -= 1
            if depth <= 1:
                if depth == 1:
                    builder.event(event, value)
                    yield builder.value
                continue
        elif depth <= 1:
            if depth == 0:
                return
            yield value
            continue
        builder.event(event, value)


def find_exports(root: Path) -> list[Path]:
    """Export files under a folder (every *.json, sorted), or the file itself."""
    if root.is_dir():
        return sorted(p for p in root.rglob("*.json") if p.is_file())
    return [root]
