"""CoNLL-2003-style column files from the `ner` config, for Flair's ColumnCorpus and other column readers.

Two space-separated columns, token and BIO tag; a blank line after each sentence; a
`-DOCSTART- O` line (followed by a blank line) where a document starts. Sentences are
written by document id, paragraph and sentence index. A token that is only whitespace
cannot be written in a column file: the `ner` config keeps such a token only inside an
entity ("New  York"), and the export leaves it out and counts it (the entity's B-/I-
tags stay valid, since whitespace is never at an entity's edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .dataset import write_split_files

DOCSTART = "-DOCSTART- O"


@dataclass
class ConllExport:
    split: str
    path: Path
    documents: int
    sentences: int
    tokens: int
    whitespace_tokens_left_out: int


def export_conll(dataset: Path, output: Path) -> list[ConllExport]:
    """Write output/{train,dev,test}.txt from the dataset's `ner` config."""

    def make(split: str, path: Path, rows):
        tags = rows.features["ner_tags"].feature
        ordered = sorted(rows, key=lambda r: (r["document_id"], r["paragraph"], r["sentence_index"]))
        counts = Counts()
        text = "".join(conll_lines(ordered, tags.int2str, counts))
        return text.encode("utf-8"), ConllExport(split, path, counts.documents, counts.sentences, counts.tokens,
                                                 counts.whitespace)

    return write_split_files(dataset, output, "ner", ".txt", make)


@dataclass
class Counts:
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    whitespace: int = 0


def conll_lines(rows: Iterable[dict], tag_name, counts: Counts | None = None) -> Iterator[str]:
    """Lines of a column file for `ner` rows given in document order; `tag_name` turns a tag id into its name."""
    counts = counts if counts is not None else Counts()
    document = None
    for row in rows:
        pairs = [(token, tag_name(tag)) for token, tag in zip(row["tokens"], row["ner_tags"])]
        kept = [(token, tag) for token, tag in pairs if token.strip()]
        counts.whitespace += len(pairs) - len(kept)
        for token, _ in kept:
            if any(c.isspace() for c in token):
                raise ValueError(f"row {row['id']}: token {token!r} holds whitespace; a column file cannot hold it")
        if not kept:
            continue
        if row["document_id"] != document:
            document = row["document_id"]
            counts.documents += 1
            yield f"{DOCSTART}\n\n"
        counts.sentences += 1
        counts.tokens += len(kept)
        yield "".join(f"{token} {tag}\n" for token, tag in kept) + "\n"
