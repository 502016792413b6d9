"""Parquet shards for one config and split, written in bounded row groups from streamed rows or tables."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, LargeList, List

BATCH_ROWS = 1_000  # rows encoded and written at once: one row group
SHARD_ROWS = 200_000  # rows per file, so no shard approaches the hub's 500 MB


class RowEncoder:
    """Rows (dicts as the views make them, label names included) to an Arrow table of the features' schema.

    Does what Features.encode_example does for the feature types the views use (ClassLabel
    names become ids, in lists and structs too), compiled once per feature instead of walked
    for every value; Arrow converts the rest.
    """

    def __init__(self, features: Features):
        self.schema = features.arrow_schema
        self._columns = {name: _encoder(feature) for name, feature in features.items()}

    def table(self, rows: list[dict]) -> pa.Table:
        columns = {}
        for name, encode in self._columns.items():
            values = [row[name] for row in rows]
            columns[name] = values if encode is None else [encode(v) for v in values]
        return pa.Table.from_pydict(columns, schema=self.schema)


def _encoder(feature) -> Callable | None:
    """A function that encodes one value of `feature`, or None when Arrow takes the value as it is."""
    if isinstance(feature, ClassLabel):
        return _label_encoder(feature)
    if isinstance(feature, (List, LargeList)):
        item = _encoder(feature.feature)
        return None if item is None else (lambda values: None if values is None else [item(v) for v in values])
    if isinstance(feature, list):
        return _encoder(List(feature[0]))
    if isinstance(feature, dict):
        fields = {name: _encoder(sub) for name, sub in feature.items()}
        if all(f is None for f in fields.values()):
            return None
        return lambda value: None if value is None else {
            name: value.get(name) if f is None else f(value.get(name)) for name, f in fields.items()}
    return None


def _label_encoder(feature: ClassLabel) -> Callable:
    ids = {name: i for i, name in enumerate(feature.names)}

    def encode(value):
        if isinstance(value, str):
            try:
                return ids[value]
            except KeyError:
                return feature.str2int(value)  # its own error for a name the labels lack
        return value

    return encode


class ShardedWriter:
    """Writes `{split}-{i:05d}-of-{n:05d}.parquet` under `folder`; the features ride in the schema metadata.

    Rows come one at a time (`write`) or as Arrow tables of many rows (`write_table`); either
    way every row group holds exactly `batch_rows` rows (the last one fewer), so the files are
    the same whatever sizes the tables came in.
    """

    def __init__(self, folder: Path, split: str, features: Features,
                 batch_rows: int = BATCH_ROWS, shard_rows: int = SHARD_ROWS):
        self.folder = folder
        self.split = split
        self.features = features
        self.encoder = RowEncoder(features)
        self.schema = self.encoder.schema
        self.batch_rows = batch_rows
        self.shard_rows = shard_rows
        self.num_examples = 0
        self.num_bytes = 0
        self._rows: list[dict] = []
        self._tables: list[pa.Table] = []
        self._buffered = 0
        self._shards: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_shard = 0

    def write(self, row: dict) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.batch_rows:
            self._encode_rows()

    def write_table(self, table: pa.Table) -> None:
        """Append rows already encoded (as RowEncoder.table makes them)."""
        self._encode_rows()
        if table.num_rows:
            self._tables.append(table)
            self._buffered += table.num_rows
            self._flush(final=False)

    def _encode_rows(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self.write_table(self.encoder.table(rows))

    def _flush(self, final: bool) -> None:
        if self._buffered < self.batch_rows and not (final and self._buffered):
            return
        pending = pa.concat_tables(self._tables)
        offset = 0
        while pending.num_rows - offset >= self.batch_rows or (final and offset < pending.num_rows):
            self._write_group(pending.slice(offset, self.batch_rows).combine_chunks())
            offset += self.batch_rows
        rest = pending.slice(offset)
        self._tables = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def _write_group(self, table: pa.Table) -> None:
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
        self._encode_rows()
        self._flush(final=True)
        if self._writer is None:
            self._open_shard()  # an empty split still gets a (schema-only) file
        self._writer.close()
        final = []
        for i, path in enumerate(self._shards):
            target = self.folder / f"{self.split}-{i:05d}-of-{len(self._shards):05d}.parquet"
            path.rename(target)
            final.append(target)
        return final
