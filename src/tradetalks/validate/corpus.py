"""Checks across tasks and files: ids, paragraphs and texts that must not repeat."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from ..model import Document
from ..problems import Problem, problem


class CorpusChecks:
    """Remembers what earlier tasks used, in about 250 bytes a task: the task id, the file it came from,
    and 128-bit digests of its key and text, never the text itself."""

    def __init__(self) -> None:
        self._files: list[str] = []
        self._task_files: dict[int, int] = {}  # task id -> the file (index in _files) that used it first
        self._keys: dict[int, int] = {}  # digest of "document/paragraph" -> the task id that used it first
        self._texts: dict[int, int] = {}  # digest of the text -> the task id that used it first

    def check(self, doc: Document) -> list[Problem]:
        return self.check_identity(Identity.of(doc), doc.file)

    def check_identity(self, doc: "Identity", file: str) -> list[Problem]:
        """The problems of a task, known by its Identity, read from `file`."""
        where = {"file": file, "task": doc.task_id}
        if not self._files or self._files[-1] != file:
            self._files.append(file)
        problems = []
        if doc.task_id in self._task_files:
            problems.append(problem("E401", f"task id {doc.task_id} is also used in {self._file_of(doc.task_id)}",
                                    **where))
        else:
            self._task_files[doc.task_id] = len(self._files) - 1
        first = _first(self._keys, doc.key_digest, doc.task_id)
        if first is not None:
            problems.append(problem(
                "E402", f"document {doc.document_id!r} paragraph {doc.paragraph} is also task {first} in "
                f"{self._file_of(first)}", **where))
        first = _first(self._texts, doc.text_digest, doc.task_id)
        if first is not None:
            problems.append(problem("W403", f"the same text is task {first} in {self._file_of(first)}", **where))
        return problems

    def _file_of(self, task_id: int) -> str:
        return self._files[self._task_files[task_id]]


class Identity(NamedTuple):
    """What the checks across tasks need of a task; small enough to send from a worker process."""

    task_id: int
    document_id: str
    paragraph: int
    key_digest: int  # of Document.key
    text_digest: int

    @classmethod
    def of(cls, doc: Document) -> "Identity":
        return cls(doc.task_id, doc.document_id, doc.paragraph, digest(doc.key), digest(doc.text))


def digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "big")


def _first(seen: dict[int, int], value: int, task_id: int) -> int | None:
    """The task that used `value` first, or None (and `task_id` is remembered as that task) when it is new."""
    first = seen.get(value)
    if first is None:
        seen[value] = task_id
    return first
