"""Streaming reader for Label Studio JSON exports: one task at a time, never the whole file in memory.

The reader hands over each task's JSON text, to be decoded where it is checked (in a
worker process, say). task_texts reads the file in blocks (BLOCK bytes unless told), each cut after
the last task that starts in it: the cut is guessed from how the first task begins, then
the block is checked by msgspec in one pass as a JSON array of whole tasks, in UTF-8, none
of them nested too deeply. A block that does not check out (a syntax error, a guess that
fell inside a task) sends the rest of the file to the careful path, parsed_tasks: each task
decoded in turn by the standard library's decoder, which finds the error and says where.
Either way the same tasks come out, with the same problems.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import msgspec

from .problems import Problem, problem

BOM = b"\xef\xbb\xbf"
# Above this size a broken file is not re-read whole just to name the line of the error.
LINE_LOOKUP_LIMIT = 64 * 1024 * 1024
# Label Studio tasks nest about ten levels; far deeper input is refused before it costs
# memory or exhausts the recursion of later checks.
MAX_DEPTH = 100
BLOCK = 1 << 20  # bytes read at a time; a task larger than a block is read in doubling blocks
LARGEST_TASK = 1 << 26  # beyond this the fast path gives way to the careful one
_WHITESPACE = " \t\n\r"


class NestingTooDeep(ValueError):
    pass


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


_FAST_DECODER = msgspec.json.Decoder()


def decode_task(text: bytes | str) -> object:
    """A task from the JSON text that ExportReader.texts gave for it.

    msgspec decodes it; what msgspec refuses but the standard library takes (a lone
    surrogate escape, a number beyond a double) is decoded as the standard library does.
    """
    try:
        return _FAST_DECODER.decode(text)
    except msgspec.MsgspecError:
        return _DECODER.decode(text.decode("utf-8") if isinstance(text, bytes) else text)


@dataclass
class ExportReader:
    """Iterate over (index, task) of one export; problems with the file itself land in `problems`."""

    path: Path
    display_name: str | None = None
    problems: list[Problem] = field(default_factory=list)
    block: int = BLOCK  # bytes read at a time

    @property
    def name(self) -> str:
        return self.display_name or str(self.path)

    def __iter__(self) -> Iterator[tuple[int, object]]:
        for index, text in self.texts():
            yield index, decode_task(text)

    def texts(self) -> Iterator[tuple[int, bytes | str]]:
        """(index, the task's JSON text) for each task in file order; decode_task decodes it."""
        try:
            handle = open(self.path, "rb")
        except OSError as err:
            self.problems.append(problem("E001", f"cannot open: {err.strerror or err}", file=self.name))
            return
        with handle:
            yield from self._read(handle)

    def _read(self, handle) -> Iterator[tuple[int, bytes | str]]:
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
            self.problems.append(problem("E004", "the file is empty; an export is a JSON array", file=self.name))
            return
        other = other_format(head[offset:])
        if other is not None:
            self.problems.append(problem("E010", f"this is {other}, not Label Studio's JSON export; {HOW_TO_EXPORT}",
                                         file=self.name))
            return
        if first == b"{":
            self.problems.append(problem(
                "E003", "the top level is a JSON object; Label Studio's JSON export is an array of tasks",
                file=self.name))
            return
        handle.seek(offset)
        index = -1
        try:
            for index, text in enumerate(task_texts(handle, self.block)):
                if index == 0 and is_json_min_task(decode_task(text)):
                    self.problems.append(problem(
                        "E010", f"this is Label Studio's JSON-MIN export (no task data, no relations), not its JSON "
                                f"export; {HOW_TO_EXPORT}", file=self.name))
                    return
                yield index, text
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


HOW_TO_EXPORT = ("in Label Studio choose Export, then JSON (not JSON-MIN, CSV, TSV or CoNLL), or run "
                 "`tradetalks studio pull`")
# Columns of Label Studio's CSV and TSV exports besides the task's own data fields.
_EXPORT_COLUMNS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
_CONLL_LINE = re.compile(r"\S+(?: \S+)* (?:O|[BIES]-\S+)")


def other_format(head: bytes) -> str | None:
    """Which other export format the start of a file is in, by its content (None: none of them)."""
    text = head.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    if lines[0].lstrip().startswith("{") and len(lines) > 1 and lines[1].lstrip().startswith("{"):
        try:
            json.loads(lines[0])
        except ValueError:
            return None
        return "JSON Lines (one JSON object a line)"
    if lines[0].lstrip().startswith(("[", "{")):
        return None
    complete = lines[:-1] or lines  # the last line of the head may be cut
    if any(line.startswith("-DOCSTART-") for line in complete) or all(_CONLL_LINE.fullmatch(line) for line in complete):
        return "Label Studio's CoNLL export (tokens and tags, no relations)"
    for separator, name in (("\t", "TSV"), (",", "CSV")):
        columns = {column.strip().strip('"') for column in lines[0].split(separator)}
        if len(columns) > 1 and columns & _EXPORT_COLUMNS:
            return f"Label Studio's {name} export"
    return None


def is_json_min_task(task: object) -> bool:
    """Whether a task looks like a JSON-MIN one: the data's fields and one annotation's results, flattened."""
    return (isinstance(task, dict) and "data" not in task and "annotations" not in task
            and bool({"annotator", "annotation_id"} & set(task)))


_ARRAY_OF_OBJECTS = re.compile(rb"\s*\[\s*(?=\{)")
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_INNERMOST = re.compile(rb"[\[{][^\[\]{}]*[\]}]")


def task_texts(handle, block: int = BLOCK) -> Iterator[bytes | str]:
    """The JSON text of each task of the export's top-level array, read from a binary handle `block`
    bytes at a time: the fast path.

    From where a block does not check out, parsed_tasks reads on; so this raises as parsed_tasks
    does, after the same tasks.
    """
    array_start = handle.tell()  # where the careful path starts when no boundary can be guessed
    pending = handle.read(block)
    opening = _ARRAY_OF_OBJECTS.match(pending)  # the array's "[" up to its first task's "{"
    between_tasks = None  # the pattern of the text between two tasks, guessed from the first task
    while opening:
        try:
            between_tasks = _task_boundary(pending[opening.end():])
            break
        except _CutOff:  # the guess needs the whole first task: read as much again, up to LARGEST_TASK
            more = handle.read(len(pending)) if len(pending) < LARGEST_TASK else b""
            if not more:
                break
            pending += more
    if between_tasks is None:  # not an array of objects, or a first task that is not one: the careful path
        handle.seek(array_start)
        yield from (text for _, text in parsed_tasks(handle, block=block))
        return
    # `pending` holds the file from byte `pending_at` on, which starts with the first task not yet
    # given out: where the careful path takes over when a block does not check out.
    pending_at, pending = array_start + opening.end(), pending[opening.end():]
    # `at_end`: the file is read to its end, so `pending` is the rest of the array, to be checked
    # whole with its closing bracket rather than cut at a boundary.
    # `wanted`: how many bytes to hold before looking for a boundary: a block, doubled while none is
    # found (a task larger than what is held), so that a large task costs few scans for one.
    at_end, wanted = False, block
    while True:
        while len(pending) < wanted and not at_end:
            more = handle.read(block)
            at_end = not more
            pending += more
        # `next_task`: where in `pending` the task after the checked ones starts; None when they end the array.
        if at_end:
            tasks, next_task = _checked(b"[" + pending), None
        else:
            boundaries = _last_boundaries(between_tasks, pending, block)
            if not boundaries and wanted < LARGEST_TASK:
                wanted *= 2
                continue
            tasks, next_task = _before_boundary(pending, boundaries)
        if tasks is None:
            handle.seek(pending_at)
            yield from (text for _, text in parsed_tasks(handle, continued=True, block=block))
            return
        yield from tasks
        if next_task is None:
            return
        pending_at, pending, wanted = pending_at + next_task, pending[next_task:], block


class _CutOff(Exception):
    """The first task goes on past the end of the buffer."""


def _task_boundary(buffer: bytes) -> re.Pattern | None:
    """What the text between two tasks looks like, guessed from the first task: a comma, then the
    opening of an object with the first task's first key (and its second, after a plain value).
    None when the first task is not an object; raises _CutOff when the buffer ends inside it."""
    text = buffer.decode("utf-8", errors="ignore")
    try:
        first, _ = _DECODER.raw_decode(text)
    except json.JSONDecodeError as err:
        if _maybe_cut_off(err, len(text)):
            raise _CutOff() from None
        return None
    except (ValueError, RecursionError):
        return None
    if not isinstance(first, dict) or not first:
        return None
    keys = [re.escape(json.dumps(key).encode()) for key in list(first)[:2]]
    pattern = rb",\s*(\{\s*" + keys[0] + rb"\s*:"
    if len(keys) == 2 and not isinstance(next(iter(first.values())), (dict, list)):
        pattern += rb'\s*(?:"[^"\\]*(?:\\.[^"\\]*)*"|[-+.\w]+)\s*,\s*' + keys[1] + rb"\s*:"
    return re.compile(pattern + rb")")


def _last_boundaries(between_tasks: re.Pattern, buffer: bytes, block: int) -> list[re.Match]:
    """The last two places in `buffer` where a task seems to start (fewer if there are not two), looked
    for in a growing part at the end of the buffer: tasks are far shorter than a block."""
    for tail in (block // 32, block // 4):
        found = list(between_tasks.finditer(buffer, max(0, len(buffer) - tail)))
        if len(found) >= 2:
            return found[-2:]
    return list(between_tasks.finditer(buffer))[-2:]


def _before_boundary(buffer: bytes, boundaries: list[re.Match]) -> tuple[list[bytes] | None, int | None]:
    """The tasks of `buffer` (which starts with one) before the last of `boundaries` that checks out,
    and where the next task starts; (None, None) if none does."""
    for boundary in reversed(boundaries):
        tasks = _checked(b"[" + buffer[:boundary.start()] + b"]")
        if tasks is not None:
            return tasks, boundary.start(1)
    return None, None


def _checked(array: bytes) -> list[bytes] | None:
    """The JSON text of each item of `array`, if it is a JSON array in UTF-8 whose items nest at most
    MAX_DEPTH levels (counting the array); else None."""
    try:
        items = msgspec.json.decode(array, type=list[msgspec.Raw])
        if not array.isascii():
            array.decode("utf-8")
    except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
        return None
    texts = [bytes(item) for item in items]
    if any(map(_too_deep, texts)):
        return None
    return texts


def _too_deep(text: bytes) -> bool:
    """Whether lists and objects nest MAX_DEPTH levels deep or more (more than MAX_DEPTH counting the
    export's array around them) in a task's JSON text, which a decoder has taken as valid JSON.
    Both paths ask this of the text, which is all the fast path has, so they refuse the same tasks."""
    if text.count(b"{") + text.count(b"[") < MAX_DEPTH:
        return False  # too few brackets to nest that deep: most tasks are answered here
    text = _STRING.sub(b"", text)  # brackets in strings do not nest
    for _ in range(MAX_DEPTH):
        text, found = _INNERMOST.subn(b"", text)  # one level: every list and object with none inside
        if not found:
            return False
    return True


def parsed_tasks(handle, continued: bool = False, block: int = BLOCK) -> Iterator[tuple[object, str]]:
    """(task, its JSON text) for each item of a top-level JSON array read from a binary handle `block`
    bytes at a time (`continued`: from an item of the array on, not from its start), each decoded in
    turn by the standard library: the careful path.

    Raises NotAnArray when the top level is another JSON value, NestingTooDeep beyond
    MAX_DEPTH, and ValueError (json.JSONDecodeError among them) or UnicodeDecodeError when
    the file is not JSON in UTF-8.
    """
    window = _FileWindow(handle, block)
    pos = window.skip_whitespace(0)
    if not continued:
        if window.char(pos) != "[":
            window.decode(pos)  # the error of a file that is not JSON, or else a value that is not an array
            raise NotAnArray()
        pos = window.skip_whitespace(pos + 1)
        if window.char(pos) == "]":
            window.expect_end(pos + 1)
            return
    while True:
        task, end = window.decode(pos)
        text = window.buffer[pos:end]
        if _too_deep(text.encode()):
            raise NestingTooDeep()
        yield task, text
        pos = window.skip_whitespace(end)
        separator = window.char(pos)
        if separator == "]":
            window.expect_end(pos + 1)
            return
        if separator != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", window.buffer, pos)
        pos = window.release(window.skip_whitespace(pos + 1))


class _FileWindow:
    """A window on the file, decoded: `buffer` holds its text from the current task on (and at most a
    block before it), so that the careful path never holds a whole file."""

    def __init__(self, handle, block: int):
        self.handle = handle
        self.block = block
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.eof = False

    def more(self, size: int | None = None) -> bool:
        if self.eof:
            return False
        data = self.handle.read(size or self.block)
        self.eof = not data
        self.buffer += self.decoder.decode(data, final=self.eof)
        return not self.eof or bool(data)

    def release(self, pos: int) -> int:
        """Drop the text before `pos`; returns pos in the shortened buffer."""
        if pos > self.block:
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
        size = self.block
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


def find_exports(root: Path) -> list[Path]:
    """Export files under a folder (every *.json, sorted, hidden folders and installed packages left out), or the
    file itself.

    A corpus folder such as annotations/, whose exports lie in exports/ beside other JSON
    (the frozen splits), gives the files in its exports/ folder.
    """
    if root.is_dir():
        if (root / "exports").is_dir():
            root = root / "exports"
        return sorted(p for p in root.rglob("*.json") if p.is_file() and not _skipped(p.relative_to(root)))
    return [root]


def _skipped(relative: Path) -> bool:
    """Folders that never hold exports: hidden ones (.venv, .git) and installed packages (node_modules)."""
    return any(part.startswith(".") or part in ("node_modules", "site-packages") for part in relative.parts[:-1])
