"""The `ner` config: one row per sentence, spaCy tokens with BIO tags and character offsets."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from ..model import Document
from ..problems import Problem, problem
from ..scheme import Scheme
from ..tokens import analyse
from .spans import row_id


class NerView:
    name = "ner"
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

    def rows(self, doc: Document, problems: list[Problem]) -> list[dict]:
        tokens = analyse(doc.text, doc.gold.entities)
        for entity in tokens.split_entities:
            problems.append(problem(
                "W501", f"{entity.text!r} {entity.start}..{entity.end} ({entity.label}) cuts a spaCy token; "
                "the token was split at the span's edges",
                file=doc.file, task=doc.task_id, annotation=doc.gold.id, region=entity.id))
        words, tags, starts, ends = tokens.words, tokens.tags, tokens.starts, tokens.ends
        # whitespace tokens are left out, unless they lie inside an entity
        dropped = [space and tag == "O" for space, tag in zip(tokens.is_space, tags)] if any(tokens.is_space) else None
        rows = []
        prefix = row_id(doc)
        for index, (first, end) in enumerate(tokens.sentences()):
            if dropped is None or not any(dropped[first:end]):
                kept = slice(first, end)
                sentence = (words[kept], tags[kept], starts[kept], ends[kept])
            else:
                ids = [i for i in range(first, end) if not dropped[i]]
                sentence = tuple([column[i] for i in ids] for column in (words, tags, starts, ends))
            rows.append({
                "id": f"{prefix}-s{index:03d}",
                "document_id": doc.document_id,
                "paragraph": doc.paragraph,
                "task_id": doc.task_id,
                "sentence_index": index,
                "tokens": sentence[0],
                "ner_tags": sentence[1],
                "token_starts": sentence[2],
                "token_ends": sentence[3],
            })
        return rows
