"""Exports of a built dataset folder for other training tools: spaCy DocBin files and CoNLL column files.

Every export reads the BUILT dataset (with `datasets.load_dataset`), never the Label
Studio exports, so what a tool trains on is exactly what the dataset holds. Files are
named by the tools' conventions: `train`, `dev` (the validation split) and `test`.
"""

from __future__ import annotations

from .dataset import DatasetFolderError, file_stem, read_config

__all__ = ["DatasetFolderError", "file_stem", "read_config"]
