"""Reading exports into chunks: consecutive tasks of one file, as JSON text, and the end of each file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..problems import Problem, Report
from ..reader import ExportReader
from ..validate import display_path

CHUNK_TASKS = 400  # tasks checked together: enough to make the checks of a chunk worth sending to a worker


@dataclass
class TaskChunk:
    """Consecutive tasks of one file, each as (its index in the file, its JSON text), not yet decoded."""

    file: str  # the file's name as reports show it
    tasks: list[tuple[int, bytes | str]]

    def __str__(self) -> str:
        return f"checking tasks of {self.file} (#{self.tasks[0][0]} to #{self.tasks[-1][0]})"


@dataclass
class FileEnd:
    """A file read to its end, and the problems of the file itself (it could not be read, it ends early...)."""

    file: str
    problems: list[Problem]


def read_chunks(files: Iterable[Path], report: Report, size: int = CHUNK_TASKS) -> Iterator[TaskChunk | FileEnd]:
    """The tasks of every file in chunks of `size`, file after file, each file followed by its FileEnd.
    Counts the files in `report` as they are opened."""
    for path in files:
        report.files += 1
        reader = ExportReader(path, display_name=display_path(path))
        tasks = []
        for index, text in reader.texts():
            tasks.append((index, text))
            if len(tasks) == size:
                yield TaskChunk(reader.name, tasks)
                tasks = []
        if tasks:
            yield TaskChunk(reader.name, tasks)
        yield FileEnd(reader.name, reader.problems)
