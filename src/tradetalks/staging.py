"""The sibling folders a build writes in before it swaps them into place, and the cleanup of those left by a killed build.

A build writes `.<name>.building-*` next to the output folder and, while swapping, moves the
previous dataset into `.<name>.old-*`. Each such folder is locked (flock) by the process that
made it for as long as it lives, so a folder nobody holds was left by a build that was killed:
the next build removes it, and first moves a previous dataset back into place if the kill came
between the two renames of the swap. Without flock (Windows), nothing is cleaned.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

KINDS = ("building", "old")


class Claim:
    """An exclusive lock on a folder, held until `release()` or the end of the process."""

    def __init__(self, folder: Path):
        self.fd = None
        if fcntl is not None:
            self.fd = os.open(folder, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def claimed_folder(output: Path, kind: str) -> tuple[Path, Claim]:
    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.{kind}-", dir=output.parent))
    claim = Claim(folder)
    umask = os.umask(0o022)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)  # mkdtemp makes it private; the dataset it becomes is not
    return folder, claim


def abandoned(folder: Path) -> bool:
    """Whether no live process holds the folder."""
    if fcntl is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def remove_abandoned(output: Path) -> list[Path]:
    """Remove the staging folders killed builds left next to `output`; returns them."""
    removed = []
    for kind in KINDS:
        for folder in sorted(output.parent.glob(f".{output.name}.{kind}-*")):
            if not folder.is_dir() or not abandoned(folder):
                continue
            previous = folder / output.name
            if kind == "old" and previous.is_dir() and not output.exists():
                os.rename(previous, output)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
