"""The `ner` config: one row per sentence, spaCy tokens with BIO tags and character offsets."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from ..model import Document
from ..problems import Problem, problem
from ..scheme import Scheme
from ..tokens import tokenize
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
        spacy_doc, split = tokenize(doc.text, doc.gold.entities)
        for entity in split:
            problems.append(problem(
                "W501", f"{entity.text!r} {entity.start}..{entity.end} ({entity.label}) cuts a spaCy token; "
                "the token was split at the span's edges",
                file=doc.file, task=doc.task_id, annotation=doc.gold.id, region=entity.id))
        rows = []
        for index, sentence in enumerate(spacy_doc.sents):
            tokens = [t for t in sentence if not (t.is_space and t.ent_iob_ == "O")]
            rows.append({
                "id": f"{row_id(doc)}-s{index:03d}",
                "document_id": doc.document_id,
                "paragraph": doc.paragraph,
                "task_id": doc.task_id,
                "sentence_index": index,
                "tokens": [t.text for t in tokens],
                "ner_tags": [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ != "O" else "O" for t in tokens],
                "token_starts": [t.idx for t in tokens],
                "token_ends": [t.idx + len(t) for t in tokens],
            })
        return rows
