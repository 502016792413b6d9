"""The `documents` config: one row per source document, with where it came from and under what licence.

Its rows come from annotations/documents.tsv, not from the tasks: a split lists the documents
that have paragraphs in it, so every row of the other configs leads, by `document_id`, to its
document's title, date, publisher, URL and licence.
"""

from __future__ import annotations

import pyarrow as pa
from datasets import Features, Value

from ..documents import DocumentRecord


class DocumentsConfig:
    name = "documents"
    distinct = ("document_id", "title", "url", "origin", "sha256")
    description = "One row per source document: title, date, publisher, kind, URL, origin, licence, checksum."

    def features(self) -> Features:
        return Features({
            "document_id": Value("string"),
            "title": Value("string"),
            "date": Value("string"),
            "publisher": Value("string"),
            "kind": Value("string"),
            "url": Value("string"),
            "origin": Value("string"),
            "licence": Value("string"),
            "source_file": Value("string"),
            "sha256": Value("string"),
            "paragraphs": Value("int32"),
            "characters": Value("int32"),
        })

    def table(self, records: list[DocumentRecord]) -> pa.Table:
        return pa.Table.from_pylist([self.row(record) for record in records], schema=self.features().arrow_schema)

    @staticmethod
    def row(record: DocumentRecord) -> dict:
        return {"document_id": record.document_id, "title": record.title, "date": record.date,
                "publisher": record.publisher, "kind": record.kind, "url": record.url, "origin": record.origin,
                "licence": record.licence, "source_file": record.file, "sha256": record.sha256,
                "paragraphs": record.paragraphs, "characters": record.characters}
