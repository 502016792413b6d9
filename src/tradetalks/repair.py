"""Repairs of a Label Studio export, written to a new file; the original is never modified.

Two kinds of fix, each one listed with its location and before -> after:
offsets an editor counted another way (UTF-16 code units, CRLF line breaks as one
character; E210, E211) are converted to code points, and whitespace at a span's
edges (E203) is trimmed. Everything else in the export is written back as it was read:
the same tasks, keys, order and values.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .problems import FatalInputError, Severity
from .outputs import OutputRefused, check_file_output, new_file_mode
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
    """Write the repaired export to `target` (atomically) and return the changes.

    Raises RepairRefused before reading anything when `target` is the input or exists
    (without `force`), and FatalInputError (nothing written) when the input cannot be read whole.
    """
    try:
        check_file_output(target, [source], force=force, what="repaired export")
    except OutputRefused as err:
        raise RepairRefused(str(err)) from None
    reader = ExportReader(source, display_name=display_name)
    changes: list[Change] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".partial", delete=False)
    try:
        with handle:
            handle.write("[")
            for index, task in reader:
                changes += repair_task(task, reader.name)
                handle.write(",\n" if index else "\n")
                handle.write(json.dumps(task, indent=2))
            handle.write("\n]\n")
        errors = [p for p in reader.problems if p.severity is Severity.ERROR]
        if errors:
            raise FatalInputError(errors)
        if any(p.code == "W005" for p in reader.problems):
            changes.insert(0, Change(reader.name, None, None, None, "byte-order mark", "present", "removed"))
        os.chmod(handle.name, new_file_mode())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return changes


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
