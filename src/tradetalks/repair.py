"""Repairs of a Label Studio export, written to a new file; the original is never modified.

Two kinds of fix, each one listed with its location and before -> after:
offsets an editor counted another way (UTF-16 code units, CRLF line breaks as one
character; E210, E211) are converted to code points, and whitespace at a span's
edges (E203) is trimmed. Everything else in the export is written back as it was read:
the same tasks, keys, order and values, and the same bytes for every task without a change.
The input is read whole once more to copy it, so a repair holds the file in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .problems import FatalInputError, Severity
from .outputs import OutputRefused, check_file_output, write_atomically
from .reader import ExportReader
from .validate.semantic import recount


@dataclass(frozen=True)
class Change:
    file: str
    task: object
    annotation: object
    region: object
    what: str
    before: str
    after: str

    def location(self) -> str:
        parts = [self.file]
        parts += [f"{key} {value}" for key in ("task", "annotation", "region")
                  if (value := getattr(self, key)) is not None]
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.what}: {self.before} -> {self.after}"


class RepairRefused(Exception):
    """The output would overwrite the input, or an existing file without `force`."""


def repair_file(source: Path, target: Path, force: bool = False, display_name: str | None = None) -> list[Change]:
    """Write the repaired export to `target` (atomically) and return the changes; with nothing to repair,
    write nothing and return [].

    The repaired file keeps the input's layout: a task without a change is copied as it is, byte for
    byte, and a changed task is written again in the indentation and escaping of the original, so
    that a diff shows the repairs and nothing else. Raises RepairRefused before reading anything when
    `target` is the input or exists (without `force`), and FatalInputError (nothing written) when the
    input cannot be read whole.
    """
    try:
        check_file_output(target, [source], force=force, what="repaired export")
    except OutputRefused as err:
        raise RepairRefused(str(err)) from None
    reader = ExportReader(source, display_name=display_name)
    changes: list[Change] = []
    repaired: dict[int, object] = {}
    for index, task in reader:
        found = repair_task(task, reader.name)
        if found:
            changes += found
            repaired[index] = task
    errors = [p for p in reader.problems if p.severity is Severity.ERROR]
    if errors:
        raise FatalInputError(errors)
    if any(p.code == "W005" for p in reader.problems):
        changes.insert(0, Change(reader.name, None, None, None, "byte-order mark", "present", "removed"))
    if changes:
        write_atomically(target, _with_tasks_replaced(source.read_bytes().decode("utf-8-sig"), repaired))
    return changes


def _with_tasks_replaced(text: str, repaired: dict[int, object]) -> str:
    """`text` (a JSON array of tasks) with the tasks at the given indices written anew in its own style."""
    decoder = json.JSONDecoder()
    pieces = []
    position = text.index("[") + 1
    copied = 0
    index = 0
    while True:
        position = _skip(text, position)
        if text[position] == "]":
            break
        _, end = decoder.raw_decode(text, position)
        if index in repaired:
            pieces.append(text[copied:position])
            pieces.append(_styled(repaired[index], text, position, end))
            copied = end
        index += 1
        position = _skip(text, end)
        if text[position] == ",":
            position += 1
    pieces.append(text[copied:])
    return "".join(pieces)


def _skip(text: str, position: int) -> int:
    while text[position] in " \t\r\n":
        position += 1
    return position


def _styled(task: object, text: str, start: int, end: int) -> str:
    """`task` as JSON in the style of the original text[start:end]: its indentation, its escaping."""
    original = text[start:end]
    ascii_only = original.isascii() and "\\u" in original
    lines = original.split("\n")
    if len(lines) == 1:
        separators = (", ", ": ") if '": ' in original else (",", ":")
        return json.dumps(task, ensure_ascii=ascii_only, separators=separators)
    column = start - (text.rfind("\n", 0, start) + 1)
    unit = len(lines[1]) - len(lines[1].lstrip(" ")) - column
    dumped = json.dumps(task, indent=max(unit, 1), ensure_ascii=ascii_only)
    return dumped.replace("\n", "\n" + " " * column)


def repair_task(task: object, file: str) -> list[Change]:
    """Repair one task in place; anything not shaped like a Label Studio task is left for the validator."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        return []
    text = task["data"].get("text")
    annotations = task.get("annotations")
    if not isinstance(text, str) or not isinstance(annotations, list):
        return []
    changes = []
    for annotation in annotations:
        if not isinstance(annotation, dict) or not isinstance(annotation.get("result"), list):
            continue
        for result in annotation["result"]:
            if isinstance(result, dict) and result.get("type") == "labels" and isinstance(result.get("value"), dict):
                where = (file, task.get("id"), annotation.get("id"), result.get("id"))
                changes += _repair_span(result["value"], text, where)
    return changes


def _repair_span(value: dict, text: str, where: tuple) -> list[Change]:
    start, end, stored = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int:
        return []
    changes = []
    if isinstance(stored, str) and stored and text[start:end] != stored and 0 <= start < end:
        found = recount(text, start, end, stored)
        if found is not None:
            _, unit, new_start, new_end = found
            changes.append(Change(*where, f"offsets counted in {unit}", f"{start}..{end}", f"{new_start}..{new_end}"))
            value["start"], value["end"] = start, end = new_start, new_end
    if not 0 <= start < end <= len(text):
        return changes
    span_text = text[start:end]
    trimmed = span_text.strip()
    if trimmed and trimmed != span_text and (stored is None or stored == span_text):
        new_start = start + len(span_text) - len(span_text.lstrip())
        new_end = end - (len(span_text) - len(span_text.rstrip()))
        changes.append(Change(*where, "whitespace trimmed from the span's edges",
                              f"{start}..{end} {span_text!r}", f"{new_start}..{new_end} {trimmed!r}"))
        value["start"], value["end"] = new_start, new_end
        if stored is not None:
            value["text"] = trimmed
    return changes
