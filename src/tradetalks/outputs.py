"""Where a command may write, and how: the one rule that keeps a user's files safe.

Every command that writes (build, export, render, repair, studio pull) checks its output
here before it reads anything:

- the current folder, a folder above it, a mount point and the command's own inputs (or a
  folder holding one) are never outputs;
- a folder output (a dataset, export files) may replace only a folder that TradeTalks wrote,
  which it marks with a file of its own; an empty or missing folder is fine, anything else
  is refused;
- a file output never replaces an existing file unless the user asked for it (`--force`),
  and never one of the inputs.

Files are written whole or not at all (a temporary file beside the target, then a rename),
with the permissions the umask gives a new file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

DATASET_MARK = ".tradetalks-dataset"  # in every dataset folder `build` writes
EXPORT_MARK = ".tradetalks-export"  # in every folder `export` writes


class OutputRefused(ValueError):
    """The output would replace or delete something TradeTalks did not make; nothing was written."""


def check_folder_output(folder: Path, mark: str, inputs: Iterable[Path] = (), what: str = "output") -> None:
    """Refuse `folder` unless it is missing, empty, or a folder TradeTalks marked with `mark`."""
    _refuse_special(folder, inputs, what)
    if folder.is_symlink() or folder.exists() and not folder.is_dir():
        raise OutputRefused(f"{folder} is a file, not a {what} folder; choose a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / mark).is_file():
        hint = ""
        if mark == DATASET_MARK and (folder / "README.md").is_file() and (folder / "data").is_dir():
            hint = " (a dataset built by a TradeTalks older than the mark has none: remove it yourself once)"
        raise OutputRefused(f"{folder} holds files TradeTalks did not write (it has no {mark}); it is never "
                            f"replaced: choose a new or empty folder{hint}")


def check_file_output(path: Path, inputs: Iterable[Path] = (), force: bool = False, what: str = "output",
                      instead: str = "choose another name or pass --force to replace it") -> None:
    """Refuse `path` when it is special, an input, a folder, or an existing file without `force`; `instead`
    says what the user can do about an existing file."""
    _refuse_special(path, inputs, what)
    if path.is_dir():
        raise OutputRefused(f"{path} is a folder; the {what} is a file: give a file name")
    if path.exists() and not force:
        raise OutputRefused(f"{path} exists; {instead}")


def _refuse_special(path: Path, inputs: Iterable[Path], what: str) -> None:
    target = path.resolve()
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputRefused(f"{path} is the current folder or holds it; it is never the {what}")
    if target.exists() and os.path.ismount(target):
        raise OutputRefused(f"{path} is a mount point; it is never the {what}")
    for item in inputs:
        source = Path(item).resolve()
        if target == source:
            raise OutputRefused(f"{path} is an input of this command, and inputs are never modified: it is never the {what}")
        if target in source.parents:
            raise OutputRefused(f"{path} holds an input of this command ({item}); it is never the {what}")


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write `path` whole or not at all, with the permissions a new file gets from the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, new_file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def mark_folder(folder: Path, mark: str) -> None:
    """Say that TradeTalks wrote `folder`, so that the next run may replace it."""
    (folder / mark).write_text("Written by TradeTalks; the next run may replace this folder.\n", encoding="utf-8")
