"""Validation of Label Studio exports: structure (JSON Schema), meaning (spans, relations), and the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..gold import choose_gold
from ..model import Document
from ..problems import Problem, Report, problem
from ..scheme import Scheme
from .semantic import lone_surrogates, parse_task
from .structural import StructuralChecker


# Inputs read from a pipe are copied to a file first (the readers seek); reports name them as the user did.
_SHOWN_AS: dict[str, str] = {}


def show_as(path: Path, name: str) -> None:
    """Name `path` as `name` in every report (a copy of standard input, say)."""
    _SHOWN_AS[str(path)] = name


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, else as given."""
    if str(path) in _SHOWN_AS:
        return _SHOWN_AS[str(path)]
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_task(task, index: int, file: str, scheme: Scheme,
              structural: StructuralChecker) -> tuple[Document | None, list[Problem], list[Problem]]:
    """One task on its own: the Document (None when its structure is broken), the problems of its
    structure and meaning, and those of the choice of its gold annotation. The checks across tasks
    (CorpusChecks) come between the two lists in a report."""
    ref = task.get("id") if isinstance(task, dict) and isinstance(task.get("id"), int) else f"#{index}"
    problems = structural.check(task, file, ref)
    if problems and any(not _in_annotation(p) for p in problems):
        return None, problems, []
    unwritable = lone_surrogates(task["data"], file, ref)
    if unwritable:
        return None, problems + unwritable, []
    skip = {int(p.path.split("/")[2]) for p in problems if p.path.startswith("/annotations/")} if problems else set()
    doc, found = parse_task(task, scheme, file, skip)
    problems += found
    doc.gold = choose_gold(doc.annotations)
    gold_problems = []
    if doc.gold is None and not skip:
        gold_problems.append(problem("W404", "no annotation that is not cancelled; the task is left out",
                                     file=file, task=doc.task_id))
    elif len(doc.annotations) > 1:
        live = [a for a in doc.annotations if not a.cancelled]
        if len(live) > 1 and not any(a.ground_truth for a in live):
            gold_problems.append(problem(
                "W405", f"{len(live)} annotations, none marked ground truth; annotation {doc.gold.id} "
                "(the latest) is gold", file=file, task=doc.task_id))
    return doc, problems, gold_problems


def _in_annotation(p: Problem) -> bool:
    return bool(p.path) and (p.path.startswith("/annotations/") or p.path.startswith("/predictions/"))


def validate(files: Iterable[Path], scheme: Scheme, export_schema: dict) -> tuple[Report, list[Document]]:
    """Check everything and return the report with the parsed documents (for small corpora and tests)."""
    from ..pipeline import documents  # the pipeline checks tasks with this package's read_task

    report = Report()
    docs = list(documents(files, scheme, export_schema, report))
    return report, docs
