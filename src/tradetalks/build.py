"""The build: validated exports in, a Hugging Face dataset folder out, atomically and reproducibly."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .agreement import Agreement
from .baseline import BASELINE_MARKER, SCORES_FILE, baseline_section
from .card import figures_section, render_card
from .figures import Drawing, preload as preload_figures
from .parquet import ShardedWriter
from .paths import repo_root
from .parallel import Job, check_chunks
from .problems import FatalInputError, Report, problem
from .scheme import Scheme
from .splits import SPLITS, FrozenSplits, SplitAssignment
from .staging import Claim, claimed_folder, remove_abandoned
from .stats import Statistics
from .views import all_views


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


def build(exports: list[Path], output: Path, scheme: Scheme, export_schema: dict,
          splits: SplitAssignment | FrozenSplits, card_prose: str, progress=None, baseline_scores: Path | None = None,
          num_proc: int = 1, configs: list[str] | None = None) -> BuildResult:
    """Validate and write the dataset; raises FatalInputError (nothing written) when any error is found.

    `baseline_scores` is the scores file for the card's baseline section (default: results/baseline_ner.json).
    With `num_proc` > 1, tasks are checked and their rows made in that many processes (num_proc - 1
    workers and this one); the dataset is the same, byte for byte. `configs` names the configs to build (default: all).
    """
    report = Report()
    views = [view for view in all_views(scheme) if configs is None or view.name in configs]
    staging, claim = _staging_folder(output)
    try:
        writers = {
            (view.name, split): ShardedWriter(staging / "data" / view.name, split, view.features(),
                                        distinct=view.distinct)
            for view in views for split in SPLITS
        }
        stats = Statistics()
        agreement = Agreement()
        job = Job(scheme, export_schema, views, splits if isinstance(splits, FrozenSplits) else splits.index())
        for chunk in check_chunks(exports, job, report, num_proc=num_proc, progress=progress,
                                  when_read=preload_figures):
            if not chunk.valid:
                continue  # the build fails: the rest is only checked, to report every problem
            for key, table in chunk.tables.items():
                writers[key].write_table(table)
            stats.merge(chunk.stats)
            agreement.merge(chunk.agreement)
        if not report.valid:
            raise FatalInputError(report.errors, report)
        for split in SPLITS:
            if stats.splits[split].tasks == 0:
                report.problems.append(problem("W503", f"the {split} split has no task; it is left out of the dataset"))
        with Drawing(staging, scheme, stats) as drawing:  # the figures are drawn while the files are closed
            files = []
            for (config, split), writer in writers.items():
                if stats.splits[split].tasks == 0:
                    continue  # load_dataset refuses a declared split without rows: an empty split is left out
                paths = writer.close()
                files.append(SplitFiles(config, split, [p.relative_to(staging) for p in paths],
                                        writer.num_examples, writer.num_bytes))
            figures = drawing.finish()
        card = render_card(card_prose, scheme, views, files, stats, agreement,
                           extra_sections=[figures_section(figures)],
                           placed_sections={BASELINE_MARKER: baseline_section(
                               baseline_scores or repo_root() / SCORES_FILE, stats)})
        (staging / "README.md").write_text(card, encoding="utf-8")
        _swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        claim.release()
    return BuildResult(report, output, stats, files)


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
