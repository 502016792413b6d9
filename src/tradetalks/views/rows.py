"""Views whose rows are made one task at a time, as dicts, and encoded to Arrow per chunk of tasks."""

from __future__ import annotations

import pyarrow as pa

from ..model import Document
from ..parquet import RowEncoder
from ..problems import Problem


class RowsView:
    """A view with `rows(doc, problems)` gets `table(docs, problems)`, which every view has."""

    _encoder = None

    def table(self, docs: list[Document], problems: list[list[Problem]]) -> pa.Table:
        """The rows of `docs`, in order."""
        if self._encoder is None:
            self._encoder = RowEncoder(self.features())
        return self._encoder.table([row for doc, found in zip(docs, problems) for row in self.rows(doc, found)])
