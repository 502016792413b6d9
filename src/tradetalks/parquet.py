"""Parquet shards for one config and split, written in bounded batches from streamed rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

BATCH_ROWS = 1_000  # rows encoded and written at once: one row group
SHARD_ROWS = 200_000  # rows per file, so no shard approaches the hub's 500 MB


class ShardedWriter:
    """Writes `{split}-{i:05d}-of-{n:05d}.parquet` under `folder`; the features ride in the schema metadata."""

    def __init__(self, folder: Path, split: str, features: Features,
                 batch_rows: int = BATCH_ROWS, shard_rows: int = SHARD_ROWS):
        self.folder = folder
        self.split = split
        self.features = features
        self.schema = features.arrow_schema
        self.batch_rows = batch_rows
        self.shard_rows = shard_rows
        self.num_examples = 0
        self.num_bytes = 0
        self._buffer: list[dict] = []
        self._shards: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_shard = 0

    def write(self, row: dict) -> None:
        self._buffer.append(self.features.encode_example(row))
        if len(self._buffer) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        self._buffer = []
        if self._writer is None or self._rows_in_shard >= self.shard_rows:
            self._open_shard()
        self._writer.write_table(table, row_group_size=self.batch_rows)
        self._rows_in_shard += table.num_rows
        self.num_examples += table.num_rows
        self.num_bytes += table.nbytes

    def _open_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
        path = self.folder / f".{self.split}-{len(self._shards):05d}.parquet"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, compression="snappy")
        self._shards.append(path)
        self._rows_in_shard = 0

    def close(self) -> list[Path]:
        """Finish the last shard and give every shard its final name; returns the paths."""
        self._flush()
        if self._writer is None:
            self._open_shard()  # an empty split still gets a (schema-only) file
        self._writer.close()
        final = []
        for i, path in enumerate(self._shards):
            target = self.folder / f"{self.split}-{i:05d}-of-{len(self._shards):05d}.parquet"
            path.rename(target)
            final.append(target)
        return final
