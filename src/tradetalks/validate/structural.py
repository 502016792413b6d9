"""Structural check: each task against schema/export.schema.json, with the failing location and code."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import jsonschema_rs

from ..problems import Problem, problem
from ..schema_files import CODE_KEYWORD

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

MAX_MESSAGE = 200


class StructuralChecker:
    """Validates one task at a time against the export schema's task definition.

    The export schema describes the whole file (an array of tasks); tasks are streamed,
    so each is checked against `#/$defs/task` of that same schema document. The same
    document drives two validators: jsonschema-rs answers valid or not, in compiled code,
    and only a task it rejects goes through the Python validator, whose
    errors carry the location and the x-tradetalks-code of the failing keyword. The Python
    validator is made when a task first needs it: most runs meet no invalid task, and jsonschema-rs
    checks the schema itself against the 2020-12 meta-schema.
    """

    def __init__(self, export_schema: dict):
        task_schema = {k: v for k, v in export_schema.items() if k not in ("type", "items")}
        task_schema["$ref"] = "#/$defs/task"
        self._task_schema = task_schema
        self._fast = jsonschema_rs.Draft202012Validator(task_schema)

    @functools.cached_property
    def _validator(self) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self._task_schema)

    def is_valid(self, task: object) -> bool:
        try:
            return self._fast.is_valid(task)
        except (ValueError, OverflowError, RecursionError):  # a value jsonschema-rs cannot take in
            return not any(True for _ in self._validator.iter_errors(task))

    def check(self, task: object, file: str, task_ref: int | str) -> list[Problem]:
        if self.is_valid(task):
            return []
        problems = []
        for error in sorted(self._validator.iter_errors(task), key=lambda e: list(e.absolute_path)):
            found = self._to_problem(error, task, file, task_ref)
            if found not in problems:  # an if/then/else schema can report the same failure twice
                problems.append(found)
        return problems

    def _to_problem(self, error: ValidationError, task: object, file: str, task_ref) -> Problem:
        code = error.schema.get(CODE_KEYWORD, "E100") if isinstance(error.schema, dict) else "E100"
        path = list(error.absolute_path)
        annotation, region = _annotation_and_region(task, path)
        pointer = "/" + "/".join(str(p) for p in path) if path else "/"
        message = error.message
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        return problem(code, message, file=file, task=task_ref, annotation=annotation, region=region, path=pointer)


def _annotation_and_region(task: object, path: list) -> tuple[object, str | None]:
    """The annotation id and region id that a JSON path inside a task points into, where they exist."""
    if len(path) < 2 or path[0] not in ("annotations", "predictions") or not isinstance(task, dict):
        return None, None
    try:
        container = task[path[0]][path[1]]
    except (KeyError, IndexError, TypeError):
        return None, None
    annotation = container.get("id") if isinstance(container, dict) else None
    if path[0] == "predictions":
        annotation = f"prediction {annotation if annotation is not None else '#' + str(path[1])}"
    elif not isinstance(annotation, (int, str)):
        annotation = f"#{path[1]}"
    region = None
    if len(path) >= 4 and path[2] == "result" and isinstance(container, dict):
        try:
            result = container["result"][path[3]]
        except (KeyError, IndexError, TypeError):
            result = None
        if isinstance(result, dict):
            region = result.get("id")
            if result.get("type") == "relation":
                region = f"{result.get('from_id')}->{result.get('to_id')}"
            elif not isinstance(region, str):
                region = f"result #{path[3]}"
        else:
            region = f"result #{path[3]}"
    return annotation, region
