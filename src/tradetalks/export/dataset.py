"""Reading one config of a built dataset folder, and writing export files whole or not at all."""

from __future__ import annotations

import tempfile
from pathlib import Path

from datasets import DatasetDict, load_dataset
from datasets.utils.tqdm import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

from ..outputs import EXPORT_MARK, check_folder_output, mark_folder, write_atomically
from ..splits import SPLITS

# spaCy's and Flair's conventions name the validation split "dev".
FILE_STEMS = {"train": "train", "validation": "dev", "test": "test"}


class DatasetFolderError(ValueError):
    """The folder is not a built dataset, or a config cannot be read from it."""


def read_config(folder: Path, config: str) -> DatasetDict:
    """Every split of one config, in memory, in split order; a fresh cache so no stale rows are returned."""
    if not (folder / "README.md").is_file():
        raise DatasetFolderError(f"{folder}: not a built dataset (no README.md card); run `tradetalks build` first")
    with tempfile.TemporaryDirectory(prefix="tradetalks-read-") as cache:
        quiet = are_progress_bars_disabled()
        disable_progress_bars()
        try:
            loaded = load_dataset(str(folder), config, cache_dir=cache, keep_in_memory=True)
        except Exception as err:  # datasets raises many types for a folder it cannot read; all mean the same here
            raise DatasetFolderError(f"{folder}: cannot read the {config!r} config: {err}") from None
        finally:
            if not quiet:
                enable_progress_bars()
    return DatasetDict({split: loaded[split] for split in SPLITS if split in loaded})


def file_stem(split: str) -> str:
    return FILE_STEMS[split]


def write_split_files(dataset: Path, output: Path, config: str, suffix: str, make) -> list:
    """For every split of `config`, the file output/<stem><suffix> that `make(split, rows)` returns the bytes
    of, with what it says of them; `output` is checked first (never a folder TradeTalks did not write, never the
    dataset) and marked as an export folder after."""
    check_folder_output(output, EXPORT_MARK, [dataset], what="export")
    splits = read_config(dataset, config)
    written = []
    for split, rows in splits.items():
        data, summary = make(split, output / f"{file_stem(split)}{suffix}", rows)
        write_atomically(summary.path, data)
        written.append(summary)
    mark_folder(output, EXPORT_MARK)
    return written
