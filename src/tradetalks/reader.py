"""Streaming reader for Label Studio JSON exports: one task at a time, never the whole file in memory.

The file is read in blocks and each task of the top-level array is decoded on its own by
the standard library's JSON decoder (JSONDecoder.raw_decode, in C), which also gives the
task's exact JSON text, so that worker processes can be handed the text of each task.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .problems import Problem, problem

BOM = b"\xef\xbb\xbf"
# Above this size a broken file is not re-read whole just to name the line of the error.
LINE_LOOKUP_LIMIT = 64 * 1024 * 1024
# Label Studio tasks nest about ten levels; far deeper input is refused before it costs
# memory or exhausts the recursion of later checks.
MAX_DEPTH = 100
BLOCK = 1 << 20  # characters read at a time; a task larger than that is read in doubling blocks
_WHITESPACE = " \t\n\r"


class NestingTooDeep(ValueError):
    pass


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def decode_task(text: str) -> object:
    """A task from the JSON text that ExportReader.items gave for it."""
    return _DECODER.decode(text)


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
        for index, task, _ in self.items():
            yield index, task

    def items(self) -> Iterator[tuple[int, object, str]]:
        """(index, task, the task's JSON text) for each task in file order."""
        try:
            handle = open(self.path, "rb")
        except OSError as err:
            self.problems.append(problem("E001", f"cannot open: {err.strerror or err}", file=self.name))
            return
        with handle:
            yield from self._read(handle)

    def _read(self, handle) -> Iterator[tuple[int, object, str]]:
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
            for index, (task, text) in enumerate(array_items(handle)):
                yield index, task, text
        except NestingTooDeep:
            self.problems.append(problem(
                "E007", f"task #{index + 1} nests more than {MAX_DEPTH} levels deep; the file is not read further",
                file=self.name, task=f"#{index + 1}"))
        except NotAnArray:
            self.problems.append(problem("E003", "the top level is not an array of tasks", file=self.name))
        except (UnicodeDecodeError, ValueError) as err:
            self.problems.append(self._json_problem(err, index + 1))
        except OSError as err:
            self.problems.append(problem("E001", f"cannot read: {err.strerror or err}", file=self.name))

    def _json_problem(self, err: Exception, tasks_read: int) -> Problem:
        line = column = None
        if isinstance(err, json.JSONDecodeError):
            err = err.msg  # its position counts from the block in memory, not from the start of the file
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


class NotAnArray(ValueError):
    pass


def array_items(handle) -> Iterator[tuple[object, str]]:
    """(item, its JSON text) for each item of a top-level JSON array read from a binary handle.

    Raises NotAnArray when the top level is another JSON value, NestingTooDeep beyond
    MAX_DEPTH, and ValueError (json.JSONDecodeError among them) or UnicodeDecodeError when
    the file is not JSON in UTF-8.
    """
    stream = _Chunks(handle)
    pos = stream.skip_whitespace(0)
    if stream.char(pos) != "[":
        _, end = stream.decode(pos)  # the error of a file that is not JSON, or else a value that is not an array
        raise NotAnArray()
    pos = stream.skip_whitespace(pos + 1)
    if stream.char(pos) == "]":
        stream.expect_end(pos + 1)
        return
    while True:
        item, end = stream.decode(pos)
        text = stream.buffer[pos:end]
        if text[0] in "[{" and text.count("[") + text.count("{") >= MAX_DEPTH and _depth(item) > MAX_DEPTH:
            raise NestingTooDeep()
        yield item, text
        pos = stream.skip_whitespace(end)
        separator = stream.char(pos)
        if separator == "]":
            stream.expect_end(pos + 1)
            return
        if separator != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", stream.buffer, pos)
        pos = stream.release(stream.skip_whitespace(pos + 1))


class _Chunks:
    """A window of the decoded file: `buffer` holds the text from the current task on."""

    def __init__(self, handle):
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.eof = False

    def more(self, size: int = BLOCK) -> bool:
        if self.eof:
            return False
        data = self.handle.read(size)
        self.eof = not data
        self.buffer += self.decoder.decode(data, final=self.eof)
        return not self.eof or bool(data)

    def release(self, pos: int) -> int:
        """Drop the text before `pos`; returns pos in the shortened buffer."""
        if pos > BLOCK:
            self.buffer = self.buffer[pos:]
            return 0
        return pos

    def char(self, pos: int) -> str:
        while pos >= len(self.buffer):
            if not self.more():
                return ""
        return self.buffer[pos]

    def skip_whitespace(self, pos: int) -> int:
        while True:
            while pos < len(self.buffer) and self.buffer[pos] in _WHITESPACE:
                pos += 1
            if pos < len(self.buffer) or not self.more():
                return pos

    def expect_end(self, pos: int) -> None:
        pos = self.skip_whitespace(pos)
        if pos < len(self.buffer):
            raise json.JSONDecodeError("Extra data", self.buffer, pos)

    def decode(self, pos: int) -> tuple[object, int]:
        """The JSON value at `pos` and where it ends, reading more of the file while the value is cut off."""
        size = BLOCK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, pos)
            except RecursionError:
                raise NestingTooDeep() from None
            except json.JSONDecodeError as err:
                if self.eof or not _maybe_cut_off(err, len(self.buffer)) or not self.more(size):
                    raise
            else:
                if end < len(self.buffer) or not self.more(size):
                    return value, end
            size *= 2


def _maybe_cut_off(err: json.JSONDecodeError, length: int) -> bool:
    """Whether the error may only be the end of the buffer cutting a value short."""
    return err.pos >= length - 16 or err.msg.startswith("Unterminated string")


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a value, counting the enclosing array; stops past MAX_DEPTH."""
    deepest = 0
    stack = [(value, 2)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def find_exports(root: Path) -> list[Path]:
    """Export files under a folder (every *.json, sorted), or the file itself.

    A corpus folder such as annotations/, whose exports lie in exports/ beside other JSON
    (the frozen splits), gives the files in its exports/ folder.
    """
    if root.is_dir():
        if (root / "exports").is_dir():
            root = root / "exports"
        return sorted(p for p in root.rglob("*.json") if p.is_file())
    return [root]
