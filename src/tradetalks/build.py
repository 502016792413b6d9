"""The build: validated exports in, a Hugging Face dataset folder out, atomically and reproducibly."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .agreement import Agreement
from .baseline import BASELINE_MARKER, SCORES_FILE, baseline_section
from .card import consistency_section, documents_section, figures_section, render_card
from .documents import DocumentRecord
from .figures import Drawing, preload as preload_figures
from .parquet import BATCH_ROWS, SHARD_ROWS, ShardedWriter, loaded_num_bytes
from .outputs import DATASET_MARK, check_folder_output, mark_folder
from .paths import repo_root
from .pipeline import CHUNK_TASKS, Executor, Plan, check
from .problems import FatalInputError, Report, problem
from .scheme import Scheme
from .splits import SPLITS, FrozenSplits, SplitAssignment
from .staging import Claim, claimed_folder, remove_abandoned
from .stats import Statistics
from .views import all_views
from .views.documents import DocumentsConfig

CONSISTENCY_FILE = "results/consistency.json"


@dataclass
class SplitFiles:
    config: str
    split: str
    files: list[Path]
    num_examples: int
    num_bytes: int


@dataclass
class BuildResult:
    report: Report
    output: Path
    stats: Statistics
    files: list[SplitFiles]
    figures_drawn: bool = True


def build(exports: list[Path], output: Path, scheme: Scheme, export_schema: dict,
          splits: SplitAssignment | FrozenSplits, card_prose: str, progress=None, baseline_scores: Path | None = None,
          num_proc: int = 1, configs: list[str] | None = None,
          documents: dict[str, DocumentRecord] | None = None, consistency: Path | None = None,
          inputs: Iterable[Path] = (), chunk_tasks: int = CHUNK_TASKS,
          shard_sizes: Mapping[str, tuple[int, int]] | None = None) -> BuildResult:
    """Validate and write the dataset; raises FatalInputError (nothing written) when any error is found, and
    OutputRefused (nothing read or written) when `output` is a folder TradeTalks did not build or one of the
    `exports` or other `inputs` (the card's prose, the splits file...; see outputs).

    `baseline_scores` is the scores file for the card's baseline section (default: results/baseline_ner.json),
    `consistency` the summary of `tradetalks consistency` for its consistency section (default:
    results/consistency.json). `documents` (the manifest's records) adds the `documents` config and the card's
    table of sources; a document it does not list is a W504 warning.
    With `num_proc` > 1, tasks are checked and their rows made in that many processes (num_proc - 1
    workers and this one); the dataset is the same, byte for byte. `configs` names the configs to build (default: all).
    `chunk_tasks` is how many tasks are checked together, `shard_sizes` (rows per row group, rows per Parquet
    file) by config (default: BATCH_ROWS, SHARD_ROWS); neither changes the rows.
    A large build runs faster with the process settings the command line uses (tuning.tune_process, or
    `with tuning.tuned():` around the call).
    """
    check_folder_output(output, DATASET_MARK, [*exports, *inputs], what="dataset")
    report = Report()
    views = [view for view in all_views(scheme) if configs is None or view.name in configs]
    staging, claim = _staging_folder(output)
    try:
        writers = {}
        for view in views:
            group_rows, shard_rows = (shard_sizes or {}).get(view.name, (BATCH_ROWS, SHARD_ROWS))
            for split in SPLITS:
                writers[(view.name, split)] = ShardedWriter(staging / "data" / view.name, split, view.features(),
                                                            view.distinct, group_rows, shard_rows)
        stats = Statistics()
        agreement = Agreement()
        plan = Plan(scheme, export_schema, views, splits if isinstance(splits, FrozenSplits) else splits.index())
        # the figures' library is loaded once the last task is read, while the last chunks are checked
        files = chain(exports, _calling(preload_figures))
        for chunk in check(files, plan, report, Executor(num_proc), progress=progress, chunk_tasks=chunk_tasks):
            if not chunk.keep_rows:
                continue  # the build fails: the rest is only checked, to report every problem
            for key, table in chunk.tables.items():
                writers[key].write_table(table)
            stats.merge(chunk.stats)
            agreement.merge(chunk.agreement)
        if not exports:
            report.problems.append(problem("W006", "no export files (*.json) were found"))
        if report.valid and stats.total().tasks == 0:
            report.problems.append(problem("E009", "the input holds no task with a gold annotation; there is "
                                                   "no dataset to build"))
        if not report.valid:
            raise FatalInputError(report.errors, report)
        for split in SPLITS:
            if stats.splits[split].tasks == 0:
                report.problems.append(problem("W503", f"the {split} split has no task; it is left out of the dataset"))
        card_views = list(views)
        with_documents = documents is not None and (configs is None or DocumentsConfig.name in configs) and \
            _write_documents(staging, documents, stats, writers, report)
        if with_documents:
            card_views.append(DocumentsConfig())
        with Drawing(staging, scheme, stats) as drawing:  # the figures are drawn while the files are closed
            files = []
            for (config, split), writer in writers.items():
                if stats.splits[split].tasks == 0:
                    continue  # load_dataset refuses a declared split without rows: an empty split is left out
                paths = writer.close()
                files.append(SplitFiles(config, split, [p.relative_to(staging) for p in paths],
                                        writer.num_examples, loaded_num_bytes(paths, writer.features)))
            figures = drawing.finish()
        extra = [documents_section(documents, stats)] if with_documents else []
        extra += [consistency_section(consistency or repo_root() / CONSISTENCY_FILE, stats), figures_section(figures)]
        card = render_card(card_prose, scheme, card_views, files, stats, agreement, extra_sections=extra,
                           placed_sections={BASELINE_MARKER: baseline_section(
                               baseline_scores or repo_root() / SCORES_FILE, stats)})
        (staging / "README.md").write_text(card, encoding="utf-8")
        mark_folder(staging, DATASET_MARK)
        _swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        claim.release()
    return BuildResult(report, output, stats, files, figures_drawn=figures is not None)


def _calling(function: Callable[[], object]) -> Iterator:
    """Nothing, once `function()` is called: chained after the exports, it runs when the last is read."""
    function()
    yield from ()


def _write_documents(staging: Path, documents: dict[str, DocumentRecord], stats, writers, report: Report) -> int:
    """The documents config's writers, one per split with documents in the manifest, added to `writers`;
    returns how many rows they hold (a split without rows is left out, as load_dataset refuses it)."""
    config = DocumentsConfig()
    seen = set().union(*(stats.splits[split].documents for split in SPLITS))
    for document_id in sorted(seen - set(documents)):
        report.problems.append(problem("W504", f"document {document_id} has no row in the manifest; the "
                                               "documents config leaves it out"))
    rows = 0
    for split in SPLITS:
        listed = sorted(stats.splits[split].documents & set(documents))
        if not listed:
            continue
        writer = ShardedWriter(staging / "data" / config.name, split, config.features(), distinct=config.distinct)
        writer.write_table(config.table([documents[document_id] for document_id in listed]))
        writers[(config.name, split)] = writer
        rows += len(listed)
    return rows


def _staging_folder(output: Path) -> tuple[Path, Claim]:
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(output)
    return claimed_folder(output, "building")


def _swap_into_place(staging: Path, output: Path) -> None:
    """Replace `output` by `staging`: the old folder stays whole until the new one is complete."""
    old = None
    if output.exists():
        old, claim = claimed_folder(output, "old")
        os.rename(output, old / output.name)
    os.rename(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        claim.release()
