"""Finished annotations from a Label Studio project into the corpus, as a new export file.

The rules:
- The export is written as Label Studio gave it, except for task ids: Label Studio numbers
  tasks per server, so every contributor's first task is 1. Each task gets the next id free
  in the corpus (a task that replaces one keeps the id of the task it replaces); the server's
  id stays in the task's `meta.label_studio_task`, and `task` fields that pointed to the old
  id point to the new one.
- A task whose document id and paragraph are already in the corpus is a conflict, and
  nothing is written. `replace` supersedes the corpus tasks: the new file has the new
  version, and each export that held a superseded task is written again without it (an
  export left without tasks is removed), so that the corpus never holds a paragraph twice.
  `skip` leaves such tasks out of the new file instead.
- Before anything is written, the corpus as it would be (the new file, the rewritten files
  and every other export) is checked with the same checks as `tradetalks validate`; on any
  error nothing is written. The new file never replaces an existing one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from ..outputs import new_file_mode
from ..problems import Problem, Report, Severity
from ..reader import ExportReader
from ..scheme import Scheme
from ..pipeline import Plan, check
from ..validate import display_path
from .connection import Studio, StudioError
from .corpus import Corpus
from .project import check_project


class OnConflict(str, Enum):
    REFUSE = "refuse"
    REPLACE = "replace"
    SKIP = "skip"


class PullRefused(StudioError):
    """Nothing was written: the pulled tasks conflict with the corpus, or there is nothing to pull."""


class PullInvalid(StudioError):
    """Nothing was written: the corpus with the pulled tasks has errors; `report` lists them."""

    def __init__(self, message: str, report: Report):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Conflict:
    key: str
    label_studio_task: object
    file: Path
    task_id: int


@dataclass
class PullPlan:
    project: int
    output: Path
    tasks: list[dict]
    conflicts: list[Conflict] = field(default_factory=list)
    on_conflict: OnConflict = OnConflict.REFUSE
    rewrites: dict[Path, list[dict]] = field(default_factory=dict)  # export -> the tasks it keeps


@dataclass
class PullResult:
    plan: PullPlan
    report: Report

    @property
    def annotations(self) -> int:
        return sum(len(t.get("annotations") or []) for t in self.plan.tasks)

    @property
    def annotators(self) -> int:
        return len({repr(a.get("completed_by")) for t in self.plan.tasks for a in t.get("annotations") or []})


def default_output(folder: Path, project: int, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"studio-project{project}-{stamp}.json"


def parse_export(body: bytes, project: int) -> list[dict]:
    try:
        tasks = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise StudioError(f"the export of project {project} is not JSON") from None
    if not isinstance(tasks, list):
        raise StudioError(f"the export of project {project} is not a list of tasks")
    return tasks


def key_of(task: object) -> str | None:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or "document_id" not in data or "paragraph" not in data:
        return None
    return f"{data['document_id']}/{data['paragraph']}"


def plan_pull(pulled: list[dict], corpus: Corpus, project: int, output: Path,
              on_conflict: OnConflict = OnConflict.REFUSE) -> PullPlan:
    """Decide ids, conflicts and rewrites; raises PullRefused on conflicts unless told how to settle them."""
    if not pulled:
        raise PullRefused(f"project {project} has no task with an annotation that was not skipped; "
                          "nothing to pull")
    if output.exists():
        raise PullRefused(f"{display_path(output)} exists; an export is never overwritten: choose another --name")
    in_corpus = corpus.by_key()
    plan = PullPlan(project, output, [], on_conflict=on_conflict)
    for task in pulled:
        doc = in_corpus.get(key_of(task))
        if doc is not None:
            plan.conflicts.append(Conflict(doc.key, task.get("id"), corpus.path_of(doc), doc.task_id))
    if plan.conflicts and on_conflict is OnConflict.REFUSE:
        raise PullRefused(_conflict_message(plan))
    replaced = {c.key: c for c in plan.conflicts}
    next_id = corpus.max_task_id() + 1
    for task in sorted(pulled, key=_server_order):
        conflict = replaced.get(key_of(task))
        if conflict is not None and on_conflict is OnConflict.SKIP:
            continue
        if conflict is not None:
            new_id = conflict.task_id
        else:
            new_id, next_id = next_id, next_id + 1
        plan.tasks.append(renumbered(task, new_id))
    if not plan.tasks:
        raise PullRefused(f"every annotated task of project {project} is already in the corpus; nothing to pull")
    if on_conflict is OnConflict.REPLACE:
        plan.rewrites = _without_superseded(plan.conflicts)
    return plan


def _server_order(task: dict) -> tuple:
    value = task.get("id")
    return (0, value) if isinstance(value, int) else (1, 0)


def _conflict_message(plan: PullPlan) -> str:
    lines = [f"{len(plan.conflicts)} task(s) of project {plan.project} are already in the corpus; nothing written:"]
    lines += [f"  {c.key} (Label Studio task {c.label_studio_task}) is task {c.task_id} in {display_path(c.file)}"
              for c in plan.conflicts]
    lines.append("Pass --replace to supersede those tasks with the new annotations (their exports are written "
                 "again without them), or --skip-existing to leave them out.")
    return "\n".join(lines)


def renumbered(task: dict, new_id: int) -> dict:
    """A copy of a Label Studio task under a corpus id, the server's id kept in meta.label_studio_task."""
    task = json.loads(json.dumps(task))
    old = task.get("id")
    task["id"] = new_id
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    task["meta"] = {**meta, "label_studio_task": old}
    for group in ("annotations", "predictions", "drafts"):
        for item in task.get(group) or []:
            if not isinstance(item, dict):
                continue
            for owner in (item, item.get("prediction")):
                if isinstance(owner, dict) and owner.get("task") == old:
                    owner["task"] = new_id
    return task


def _without_superseded(conflicts: list[Conflict]) -> dict[Path, list[dict]]:
    superseded: dict[Path, set[int]] = {}
    for conflict in conflicts:
        superseded.setdefault(conflict.file, set()).add(conflict.task_id)
    rewrites = {}
    for path, ids in superseded.items():
        reader = ExportReader(path, display_name=display_path(path))
        kept = [task for _, task in reader if not (isinstance(task, dict) and task.get("id") in ids)]
        errors = [p for p in reader.problems if p.severity is Severity.ERROR]
        if errors:
            raise PullRefused(f"{reader.name} cannot be written again without the superseded tasks: "
                              f"{errors[0].code} {errors[0].message}")
        rewrites[path] = kept
    return rewrites


def write_export(path: Path, tasks: list[dict]) -> None:
    """An export in the layout Label Studio and `tradetalks repair` write: one indented task after another."""
    with open(path, "x", encoding="utf-8") as handle:
        handle.write("[")
        for index, task in enumerate(tasks):
            handle.write(",\n" if index else "\n")
            handle.write(json.dumps(task, indent=2))
        handle.write("\n]\n")


def store(plan: PullPlan, corpus: Corpus, scheme: Scheme, export_schema: dict) -> PullResult:
    """Check the corpus as it would be and, when it has no error, write the new export and the rewrites."""
    staging = Path(tempfile.mkdtemp(prefix="tradetalks-pull-"))
    try:
        staged_output = staging / "new" / plan.output.name
        staged_output.parent.mkdir()
        write_export(staged_output, plan.tasks)
        staged: dict[Path, Path] = {staged_output: plan.output}
        for index, (path, kept) in enumerate(plan.rewrites.items()):
            if kept:
                copy = staging / f"rewrite{index}" / path.name
                copy.parent.mkdir()
                write_export(copy, kept)
                staged[copy] = path
        files = [p for p in corpus.files if p not in plan.rewrites]
        files += [copy for copy, target in staged.items() if target in plan.rewrites]
        files.append(staged_output)
        report = Report()
        for _ in check(files, Plan(scheme, export_schema), report):
            pass
        report.problems = [_as_in_label_studio(_renamed(p, staged), plan) for p in report.problems]
        if not report.valid:
            raise PullInvalid(f"the annotations of Label Studio project {plan.project} have errors (listed by "
                              f"task and region as Label Studio shows them); nothing written to "
                              f"{display_path(corpus.folder)}. Fix them in Label Studio and pull again.", report)
        _commit(staged_output, plan, staged)
        return PullResult(plan, report)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _renamed(found: Problem, staged: dict[Path, Path]) -> Problem:
    message, file = found.message, found.file
    for copy, target in staged.items():
        before, after = display_path(copy), display_path(target)
        message = message.replace(before, after)
        if file == before:
            file = after
    return dataclasses.replace(found, file=file, message=message)


# What a problem of the export would advise, and what a contributor pulling from Label Studio can do.
_ADVICE = {"`tradetalks repair` converts them": "fix the span in Label Studio and pull again",
           "`tradetalks repair` trims it": "fix the span in Label Studio and pull again"}


def _as_in_label_studio(found: Problem, plan: PullPlan) -> Problem:
    """A problem of the export being pulled, located as the contributor sees it: the Label Studio project and
    the server's task id, not a file that was never written and a corpus-wide id."""
    new_file = display_path(plan.output)
    project = f"Label Studio project {plan.project}"
    message = found.message.replace(new_file, project)
    for advice, instead in _ADVICE.items():
        message = message.replace(advice, instead)
    if found.file != new_file:
        return dataclasses.replace(found, message=message)
    server_ids = {task["id"]: task["meta"]["label_studio_task"] for task in plan.tasks}
    return dataclasses.replace(found, file=project, task=server_ids.get(found.task, found.task), message=message)


def _commit(staged_output: Path, plan: PullPlan, staged: dict[Path, Path]) -> None:
    folder = plan.output.parent
    folder.mkdir(parents=True, exist_ok=True)
    partial = _copy_beside(staged_output, plan.output)
    try:
        os.link(partial, plan.output)  # fails when the file appeared meanwhile: never overwrite an export
    except FileExistsError:
        raise PullRefused(f"{display_path(plan.output)} appeared while pulling; nothing written") from None
    finally:
        partial.unlink(missing_ok=True)
    targets = {target: copy for copy, target in staged.items()}
    for path, kept in plan.rewrites.items():
        if kept:
            partial = _copy_beside(targets[path], path)
            os.replace(partial, path)
        else:
            path.unlink()


def _copy_beside(source: Path, target: Path) -> Path:
    """A copy of `source` next to `target`, with the target's permissions (or the umask's for a new file)."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    shutil.copyfile(source, name)
    if target.exists():
        shutil.copymode(target, name)
    else:
        os.chmod(name, new_file_mode())
    return Path(name)


def pull(studio: Studio, project: int, corpus: Corpus, scheme: Scheme, export_schema: dict,
         output: Path | None = None, on_conflict: OnConflict = OnConflict.REFUSE) -> PullResult:
    studio.check_access()
    check_project(studio, project, scheme)
    pulled = parse_export(studio.export_tasks(project), project)
    output = output or default_output(corpus.folder, project)
    plan = plan_pull(pulled, corpus, project, output, on_conflict)
    return store(plan, corpus, scheme, export_schema)
