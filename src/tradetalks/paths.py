"""Where the project's folders are when no path is given on the command line."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def repo_root() -> Path:
    """The checkout: TRADETALKS_ROOT, else the working folder if it holds schema/, else the source tree."""
    if env := os.environ.get("TRADETALKS_ROOT"):
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "schema" / "scheme.yaml").is_file():
        return cwd
    return PACKAGE_ROOT


def schema_dir() -> Path:
    return repo_root() / "schema"


def annotations_dir() -> Path:
    return repo_root() / "annotations"


def default_output() -> Path:
    return repo_root() / "dist" / "tradetalks"
