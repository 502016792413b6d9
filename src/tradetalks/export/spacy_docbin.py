"""spaCy export: one DocBin (.spacy) per split from the `spans` config, for `spacy train` and `spacy debug data`.

Tokens and sentences are the `ner` config's (tradetalks.tokens: spaCy's rule-based
English tokenizer, split at every entity edge, and the sentencizer). Each entity is
`doc.char_span(start, end, alignment_mode="strict")` on the task text: spans are exact,
never expanded to whole tokens. Each Doc's user_data keeps the row's ids and its
relations (head and tail by their character offsets) so nothing of the row is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from spacy.tokens import Doc, DocBin

from ..model import Entity
from ..tokens import tokenize
from .dataset import write_split_files


class SpanAlignmentError(ValueError):
    """An entity does not fall on token boundaries (tokenize splits at entity edges, so this is a bug)."""


@dataclass
class SplitExport:
    split: str
    path: Path
    examples: int  # docs or sentences
    entities: int


def export_spacy(dataset: Path, output: Path) -> list[SplitExport]:
    """Write output/{train,dev,test}.spacy from the dataset's `spans` config."""

    def make(split: str, path: Path, rows):
        features = rows.features
        entity_labels = features["entities"].feature["label"]
        relation_labels = features["relations"].feature["label"]
        docs = list(docs_from_rows(rows, entity_labels.int2str, relation_labels.int2str))
        return (DocBin(docs=docs, store_user_data=True).to_bytes(),
                SplitExport(split, path, len(docs), sum(len(d.ents) for d in docs)))

    return write_split_files(dataset, output, "spans", ".spacy", make)


def docs_from_rows(rows: Iterable[dict], entity_label, relation_label) -> Iterator[Doc]:
    """One Doc per `spans` row; `entity_label` and `relation_label` turn ClassLabel ids into names."""
    for row in rows:
        entities = [Entity(e["id"], e["start"], e["end"], entity_label(e["label"]), e["text"])
                    for e in row["entities"]]
        doc, _ = tokenize(row["text"], entities)
        spans = []
        for e in entities:
            span = doc.char_span(e.start, e.end, label=e.label, alignment_mode="strict")
            if span is None:
                raise SpanAlignmentError(f"row {row['id']}: entity {e.id} {e.start}..{e.end} {e.text!r} "
                                         "does not fall on token boundaries")
            spans.append(span)
        doc.ents = spans
        offsets = {e.id: {"start": e.start, "end": e.end} for e in entities}
        doc.user_data.update({
            "id": row["id"], "document_id": row["document_id"], "paragraph": row["paragraph"],
            "task_id": row["task_id"],
            "relations": [{"head": offsets[r["head"]], "tail": offsets[r["tail"]], "label": relation_label(r["label"])}
                          for r in row["relations"]],
        })
        yield doc
