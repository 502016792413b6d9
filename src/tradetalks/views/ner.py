"""The `ner` config: one row per sentence, spaCy tokens with BIO tags and character offsets.

Its rows are made for many tasks at once, straight into Arrow arrays from the token columns
(tokens.analyse): a sentence of thirty tokens is never thirty Python strings and tags.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasets import ClassLabel, Features, List, Value

from ..model import Batch
from ..parquet import without_validity
from ..problems import problem
from ..scheme import Scheme
from ..tokens import analyse
from .base import View, ViewRows
from .spans import row_id


class NerView(View):
    name = "ner"
    distinct = ("id",)  # columns whose values seldom repeat (see ShardedWriter)
    description = ("One row per sentence: spaCy tokens, BIO ner_tags, and each token's character offsets "
                   "into the task text.")

    def __init__(self, scheme: Scheme):
        self.scheme = scheme

    def features(self) -> Features:
        return Features({
            "id": Value("string"),
            "document_id": Value("string"),
            "paragraph": Value("int32"),
            "task_id": Value("int64"),
            "sentence_index": Value("int32"),
            "tokens": List(Value("string")),
            "ner_tags": List(ClassLabel(names=self.scheme.bio_labels)),
            "token_starts": List(Value("int32")),
            "token_ends": List(Value("int32")),
        })

    def count(self, table: pa.Table) -> Counter:
        return Counter(tokens=pc.sum(pc.list_value_length(table["tokens"])).as_py() or 0)

    def card_columns(self) -> list:
        return [("sentences", lambda s: s.rows[self.name]), ("tokens", lambda s: s.by_config[self.name]["tokens"])]

    def table(self, batch: Batch) -> ViewRows:
        """The rows of the batch's documents, in order, how many each has (its sentences), and a W501 for
        each entity that cuts a token."""
        docs = batch.docs
        texts = [doc.text for doc in docs]
        tokens = analyse(texts, batch.entities, self.scheme.entity_labels)
        problems = [(index, problem(
            "W501", f"{entity.text!r} {entity.start}..{entity.end} ({entity.label}) cuts a spaCy token; "
            "the token was split at the span's edges",
            file=docs[index].file, task=docs[index].task_id, annotation=docs[index].gold.id, region=entity.id))
            for index, entity in tokens.split_entities]
        kept = ~(tokens.is_space & (tokens.tags == 0))  # whitespace tokens are left out, unless inside an entity
        # Sentences are numbered across the batch, in order: a document's sentences follow one another.
        sentence_of_token = np.cumsum(tokens.sent_starts) - 1
        sentences = int(tokens.sent_starts.sum())
        text_of_token = tokens.text_of_token()
        doc_of_sentence = text_of_token[tokens.sent_starts]
        first_sentence_of_doc = np.searchsorted(doc_of_sentence, np.arange(len(docs)))
        sentence_index = np.arange(sentences) - first_sentence_of_doc[doc_of_sentence]  # within its document
        tokens_per_sentence = np.bincount(sentence_of_token[kept], minlength=sentences)
        list_offsets = pa.array(np.concatenate([[0], np.cumsum(tokens_per_sentence)]).astype(np.int32))
        starts, ends = tokens.starts[kept], tokens.ends[kept]
        # The token strings are cut from the texts joined into one: each token's offsets move by where its text
        # starts there.
        text_offsets = np.cumsum([0] + [len(text) for text in texts])[:-1]
        token_text_offsets = text_offsets[text_of_token[kept]]
        token_strings = substrings("".join(texts), starts + token_text_offsets, ends + token_text_offsets)
        doc_of_row = pa.array(doc_of_sentence)

        def per_sentence(values: list, type: pa.DataType) -> pa.Array:
            """One value per document, repeated for each of its rows."""
            return without_validity(pa.array(values, type).take(doc_of_row))

        numbers = pc.utf8_lpad(pa.array(sentence_index).cast(pa.string()), 3, "0")
        ids = pc.binary_join_element_wise(per_sentence([row_id(doc) for doc in docs], pa.string()), numbers, "-s")
        columns = {
            "id": without_validity(ids),
            "document_id": per_sentence([doc.document_id for doc in docs], pa.string()),
            "paragraph": per_sentence([doc.paragraph for doc in docs], pa.int32()),
            "task_id": per_sentence([doc.task_id for doc in docs], pa.int64()),
            "sentence_index": pa.array(sentence_index.astype(np.int32)),
            "tokens": pa.ListArray.from_arrays(list_offsets, token_strings),
            "ner_tags": pa.ListArray.from_arrays(list_offsets, pa.array(tokens.tags[kept])),
            "token_starts": pa.ListArray.from_arrays(list_offsets, pa.array(starts.astype(np.int32))),
            "token_ends": pa.ListArray.from_arrays(list_offsets, pa.array(ends.astype(np.int32))),
        }
        schema = self._schema
        table = pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)
        return ViewRows(table, np.bincount(doc_of_sentence, minlength=len(docs)), problems)


def substrings(text: str, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """text[start:end] for each pair of character offsets, as an Arrow string array cut from text's UTF-8."""
    data = np.frombuffer(text.encode("utf-8"), np.uint8)
    if len(data) != len(text):  # offsets count code points: map them to bytes
        code_points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        widths = 1 + (code_points >= 0x80) + (code_points >= 0x800) + (code_points >= 0x10000)
        byte_offsets = np.concatenate([[0], np.cumsum(widths)])
        starts, ends = byte_offsets[starts], byte_offsets[ends]
    lengths = ends - starts
    offsets = np.concatenate([[0], np.cumsum(lengths)])  # where each substring starts in the result
    # Byte k of the result, in substring j, is data[starts[j] + k - offsets[j]].
    source_bytes = np.arange(offsets[-1]) + np.repeat(starts - offsets[:-1], lengths)
    return pa.StringArray.from_buffers(len(starts), pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(data[source_bytes]))
