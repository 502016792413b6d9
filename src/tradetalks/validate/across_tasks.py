"""Checks across tasks and files: ids, paragraphs and texts that must not repeat."""

from __future__ import annotations

import hashlib
import itertools
from typing import Callable, Iterable, NamedTuple

import numpy as np

from ..model import Document
from ..problems import Problem, problem

RECENT = 16_384  # values a FirstUse keeps in a dict before it settles them in its sorted array


class CorpusChecks:
    """Remembers what earlier tasks used, in 64 bytes a task once settled (see FirstUse): the task
    id and the file it came from, and 128-bit digests of the task's key and text, never the text itself."""

    def __init__(self, recent: int = RECENT) -> None:
        """`recent`: how many values each FirstUse keeps in a dict before it settles them (the report is the
        same for any number)."""
        self._files: list[str] = []
        # task id -> the file (index in _files) that used it first
        self._task_files = FirstUse(_task_id_array, recent)
        # digest of "document/paragraph" -> the task id that used it first
        self._keys = FirstUse(_digest_array, recent)
        self._texts = FirstUse(_digest_array, recent)  # digest of the text -> the task id that used it first

    def check_identities(self, docs: list["Identity"], file: str) -> list[list[Problem]]:
        """The problems of each of `docs`, tasks read from `file` one after the other, in order."""
        if not self._files or self._files[-1] != file:
            self._files.append(file)
        task_ids = [doc.task_id for doc in docs]
        task_files = self._task_files.first_uses(task_ids, itertools.repeat(len(self._files) - 1))
        key_tasks = self._keys.first_uses([doc.key_digest for doc in docs], task_ids)
        text_tasks = self._texts.first_uses([doc.text_digest for doc in docs], task_ids)
        found = []
        for doc, task_file, key_task, text_task in zip(docs, task_files, key_tasks, text_tasks):
            problems = []
            if task_file is not None or key_task is not None or text_task is not None:
                where = {"file": file, "task": doc.task_id}
                if task_file is not None:
                    problems.append(problem("E401", f"task id {doc.task_id} is also used in {self._files[task_file]}",
                                            **where))
                if key_task is not None:
                    problems.append(problem(
                        "E402", f"document {doc.document_id!r} paragraph {doc.paragraph} is also task {key_task} in "
                        f"{self._file_of(key_task)}", **where))
                if text_task is not None:
                    problems.append(problem("W403", f"the same text is task {text_task} in {self._file_of(text_task)}",
                                            **where))
            found.append(problems)
        return found

    def _file_of(self, task_id: int) -> str:
        return self._files[self._task_files.first_uses([task_id], [None])[0]]


class FirstUse:
    """For each value, the int64 it was first seen with.

    The latest values are in a dict; once it holds `recent` of them they are settled: merged into a
    sorted array (`as_array` makes one of values: int64 or 16-byte strings, against some 120 bytes a
    value in a dict), which a chunk of tasks looks its values up in at once."""

    def __init__(self, as_array: Callable[[list], np.ndarray], recent: int = RECENT):
        self.recent = recent
        self._as_array = as_array
        self._recent: dict = {}
        self._values: np.ndarray | None = None  # sorted, each once
        self._first = np.empty(0, np.int64)

    def first_uses(self, values: list, seen_with: Iterable[int | None]) -> list[int | None]:
        """What each of `values` (in order) was first seen with, None for a value not seen before: that
        one is remembered with its `seen_with` (unless that is None)."""
        recent = self._recent
        found = []
        for value, settled, now in zip(values, self._settled(values), seen_with):
            first = recent.get(value) if settled is None else settled
            if first is None and now is not None:
                recent[value] = now
            found.append(first)
        if len(recent) >= self.recent:
            self._settle()
        return found

    def _settled(self, values: list) -> list[int | None]:
        """What each of `values` was first seen with, for those in the sorted array (None for the others)."""
        if self._values is None or not values:
            return [None] * len(values)
        wanted = self._as_array(values)
        at = np.minimum(np.searchsorted(self._values, wanted), len(self._values) - 1)
        found = self._values[at] == wanted
        if not found.any():
            return [None] * len(values)
        return [first if known else None for first, known in zip(self._first[at].tolist(), found.tolist())]

    def _settle(self) -> None:
        """Merge the recent values into the sorted array."""
        new = self._as_array(list(self._recent))
        first = np.fromiter(self._recent.values(), np.int64, len(new))
        order = np.argsort(new, kind="stable")
        new, first = new[order], first[order]
        old = self._values if self._values is not None else new[:0]
        at = np.searchsorted(old, new) + np.arange(len(new))  # where each new value goes in the merged array
        kept = np.ones(len(old) + len(new), bool)
        kept[at] = False
        values, firsts = np.empty(len(kept), new.dtype), np.empty(len(kept), np.int64)
        values[at], values[kept] = new, old
        firsts[at], firsts[kept] = first, self._first
        self._values, self._first, self._recent = values, firsts, {}


def _task_id_array(task_ids: list[int]) -> np.ndarray:
    return np.fromiter(task_ids, np.int64, len(task_ids))  # the export schema keeps task ids in int64


def _digest_array(digests: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(digests), "S16")


class Identity(NamedTuple):
    """What the checks across tasks need of a task; small enough to send from a worker process."""

    task_id: int
    document_id: str
    paragraph: int
    key_digest: bytes  # 16 bytes, of Document.key
    text_digest: bytes

    @classmethod
    def of(cls, doc: Document) -> "Identity":
        return cls(doc.task_id, doc.document_id, doc.paragraph, digest(doc.key), digest(doc.text))


def digest(value: str) -> bytes:
    return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()
