"""Checks across tasks and files: ids, paragraphs and texts that must not repeat."""

from __future__ import annotations

import hashlib

from ..model import Document
from ..problems import Problem, problem


class CorpusChecks:
    """Remembers what earlier tasks used; memory grows by a few bytes a task, not by its text."""

    def __init__(self) -> None:
        self._task_ids: dict[int, str] = {}
        self._keys: dict[str, tuple[str, int]] = {}
        self._texts: dict[bytes, tuple[str, int]] = {}

    def check(self, doc: Document) -> list[Problem]:
        where = {"file": doc.file, "task": doc.task_id}
        problems = []
        if doc.task_id in self._task_ids:
            problems.append(problem(
                "E401", f"task id {doc.task_id} is also used in {self._task_ids[doc.task_id]}", **where))
        else:
            self._task_ids[doc.task_id] = doc.file
        if doc.key in self._keys:
            file, task = self._keys[doc.key]
            problems.append(problem(
                "E402", f"document {doc.document_id!r} paragraph {doc.paragraph} is also task {task} in {file}",
                **where))
        else:
            self._keys[doc.key] = (doc.file, doc.task_id)
        digest = hashlib.blake2b(doc.text.encode("utf-8"), digest_size=16).digest()
        if digest in self._texts:
            file, task = self._texts[digest]
            problems.append(problem("W403", f"the same text is task {task} in {file}", **where))
        else:
            self._texts[digest] = (doc.file, doc.task_id)
        return problems
