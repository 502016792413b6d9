"""Parquet shards for one config and split, written in bounded row groups from streamed Arrow tables."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

BATCH_ROWS = 1_000  # rows encoded and written at once: one row group
SHARD_ROWS = 200_000  # rows per file, so no shard approaches the hub's 500 MB


def without_validity(array: pa.Array) -> pa.Array:
    """`array` with no validity bitmap when nothing in it is null (in a struct's fields too), as Arrow makes
    it from Python values and as it comes back from an Arrow file, so that num_bytes does not depend on how
    rows were made or carried."""
    if isinstance(array, pa.StructArray) and not array.null_count:
        return pa.StructArray.from_arrays([without_validity(f) for f in array.flatten()], fields=list(array.type))
    if array.null_count or array.buffers()[0] is None:
        return array
    return pa.Array.from_buffers(array.type, len(array), [None, *array.buffers()[1:]], offset=array.offset)


class ShardedWriter:
    """Writes `{split}-{i:05d}-of-{n:05d}.parquet` under `folder`; the features ride in the schema metadata.
    The `distinct` columns (Parquet paths), whose values seldom repeat, are written without a dictionary.

    Rows come as Arrow tables of the features' schema (`write_table`); every row group holds exactly
    `batch_rows` rows (the last one fewer), so the files are the same whatever sizes the tables came in.
    """

    def __init__(self, folder: Path, split: str, features: Features, distinct: tuple[str, ...] = (),
                 batch_rows: int = BATCH_ROWS, shard_rows: int = SHARD_ROWS):
        self.folder = folder
        self.split = split
        self.features = features
        self.schema = features.arrow_schema
        # A dictionary only pays for values that repeat, and min/max statistics only help a reader skip
        # row groups by a column of plain values (not a list's): each would otherwise cost encoding time.
        self._options = {
            "use_dictionary": [path for path in _column_paths(self.schema) if path not in distinct],
            "write_statistics": [field.name for field in self.schema if not pa.types.is_nested(field.type)],
        }
        self.batch_rows = batch_rows
        self.shard_rows = shard_rows
        self.num_examples = 0
        self._tables: list[pa.Table] = []
        self._buffered = 0
        self._shards: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_shard = 0

    def write_table(self, table: pa.Table) -> None:
        """Append rows (label ids, not names; a string column may come dictionary-encoded, to take less
        memory on its way here, and is written as plain strings)."""
        if table.num_rows:
            self._tables.append(table)
            self._buffered += table.num_rows
            self._flush(final=False)

    def _flush(self, final: bool) -> None:
        if self._buffered < self.batch_rows and not (final and self._buffered):
            return
        pending = pa.concat_tables(self._tables)
        offset = 0
        while pending.num_rows - offset >= self.batch_rows or (final and offset < pending.num_rows):
            self._write_group(plain(pending.slice(offset, self.batch_rows), self.schema))
            offset += self.batch_rows
        rest = pending.slice(offset)
        self._tables = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def _write_group(self, table: pa.Table) -> None:
        if self._writer is None or (self._rows_in_shard and self._rows_in_shard + table.num_rows > self.shard_rows):
            self._open_shard()
        self._writer.write_table(table, row_group_size=self.batch_rows)
        self._rows_in_shard += table.num_rows
        self.num_examples += table.num_rows

    def _open_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
        path = self.folder / f".{self.split}-{len(self._shards):05d}.parquet"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, compression="snappy", **self._options)
        self._shards.append(path)
        self._rows_in_shard = 0

    def close(self) -> list[Path]:
        """Finish the last shard and give every shard its final name; returns the paths."""
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


def plain(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` as `schema` has it, in one chunk a column: a string column that came dictionary-encoded
    is decoded (as without_validity leaves a column with no null). Any other difference is an error."""
    if table.schema == schema:
        return table.combine_chunks()
    if table.schema.names != schema.names:
        raise ValueError(f"columns {table.schema.names}; the features have {schema.names}")
    columns = []
    for column, field in zip(table.columns, schema):
        if column.type == field.type:
            columns.append(column.combine_chunks())
        elif pa.types.is_dictionary(column.type) and column.type.value_type == field.type:
            columns.append(without_validity(column.cast(field.type).combine_chunks()))
        else:
            raise TypeError(f"column {field.name!r} is {column.type}; the features say {field.type}")
    return pa.Table.from_arrays(columns, schema=schema)


def _column_paths(schema: pa.Schema) -> list[str]:
    """The Parquet path of each leaf column ("tokens.list.element", "entities.list.element.start")."""
    def leaves(type: pa.DataType, path: str):
        if pa.types.is_list(type) or pa.types.is_large_list(type) or pa.types.is_fixed_size_list(type):
            yield from leaves(type.value_type, f"{path}.list.element")
        elif pa.types.is_struct(type):
            for field in type:
                yield from leaves(field.type, f"{path}.{field.name}")
        else:
            yield path
    return [path for field in schema for path in leaves(field.type, field.name)]


def loaded_num_bytes(paths: list[Path], features: Features) -> int:
    """The split's num_bytes as `datasets` counts it when it loads these files (the Parquet builder reads a
    row group at a time, casts it to the features and adds up the tables' nbytes), so that the card's
    dataset_info agrees with a loaded dataset's info. Arrow gives a column read back from Parquet buffers
    that the rows as written did not have, so the writer's own count would differ."""
    import pyarrow.dataset as pads
    from datasets.table import table_cast

    schema = features.arrow_schema
    file_format = pads.ParquetFileFormat()
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            fragment = file_format.make_fragment(handle)
            if not fragment.row_groups:
                continue
            for batch in fragment.to_batches(batch_size=fragment.row_groups[0].num_rows, batch_readahead=0,
                                             fragment_readahead=0):
                total += table_cast(pa.Table.from_batches([batch]), schema).nbytes
    return total
