"""Where the project's folders are when no path is given on the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


_told: set[Path] = set()


def repo_root() -> Path:
    """The checkout: TRADETALKS_ROOT, else the working folder if it holds schema/, else the source tree (and
    then the command says so once on standard error: its default inputs and outputs are in that tree)."""
    if env := os.environ.get("TRADETALKS_ROOT"):
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "schema" / "scheme.yaml").is_file():
        return cwd
    if PACKAGE_ROOT not in _told:
        _told.add(PACKAGE_ROOT)
        print(f"tradetalks: {cwd} has no schema/scheme.yaml; working on the corpus of the checkout at "
              f"{PACKAGE_ROOT} (run from a checkout, or set TRADETALKS_ROOT)", file=sys.stderr)
    return PACKAGE_ROOT


def schema_dir() -> Path:
    return repo_root() / "schema"


def annotations_dir() -> Path:
    return repo_root() / "annotations"


def default_output() -> Path:
    return repo_root() / "dist" / "tradetalks"
