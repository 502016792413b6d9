"""Pre-annotations from a trained spaCy pipeline (the baseline's model-best, or any whose labels are the scheme's),
combined with the gazetteer's, as Label Studio predictions.

A prediction's spans are the pipeline's entities, with character offsets into the task's text
itself (spaCy keeps the text verbatim, so no-break spaces and "U.S.-China" cost nothing). Its
`score` is the mean confidence of those entities, each the share of a beam search's
probability mass that agrees on it: sorted by score in Label Studio's data manager, the tasks
the model is least sure of come first. Relations are suggested by two rules that hold in the
corpus: a TITLE right before a PERSON gives has_title; a NORP right before a PERSON, or before
a TITLE right before a PERSON, gives nationality. With the gazetteer, the model wins: a
gazetteer span is added only where it overlaps no span of the model.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..scheme import Scheme
from .connection import StudioError
from .gazetteer import Gazetteer

BEAM_WIDTH = 16
RULES_VERSION = "relation-rules-1"


class ModelRefused(StudioError):
    """The folder is not a spaCy pipeline that predicts the scheme's entity labels."""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    text: str
    confidence: float | None = None


class ModelPredictor:
    def __init__(self, folder: Path, scheme: Scheme, gazetteer: Gazetteer | None = None):
        import spacy

        try:
            self.nlp = spacy.load(folder)
        except (OSError, ValueError) as err:
            raise ModelRefused(f"{folder}: not a spaCy pipeline ({err})") from None
        if "ner" not in self.nlp.pipe_names:
            raise ModelRefused(f"{folder}: the pipeline has no entity recognizer (ner); it has "
                               f"{', '.join(self.nlp.pipe_names) or 'no component'}")
        unknown = sorted(set(self.nlp.get_pipe("ner").labels) - set(scheme.entity_labels))
        if unknown:
            raise ModelRefused(f"{folder}: the pipeline predicts labels the scheme does not have: "
                               f"{', '.join(unknown)}; train it on TradeTalks or choose another model")
        self.scheme = scheme
        self.gazetteer = gazetteer
        name = self.nlp.meta.get("name") or folder.name
        version = f"{name}-{folder_digest(folder)}+{RULES_VERSION}"
        self.model_version = f"{version}+{gazetteer.model_version}" if gazetteer is not None else version

    def spans(self, text: str) -> list[Span]:
        """The model's entities with their confidences, then the gazetteer's that overlap none of them."""
        # The pipeline runs once: the beam search scores the text the components before the recognizer made,
        # then the recognizer itself sets the entities.
        doc, confidence = self.nlp.make_doc(text), {}
        for name, component in self.nlp.pipeline:
            if name == "ner":
                confidence = _beam_confidence(self.nlp, doc)
            doc = component(doc)
        found = [Span(e.start_char, e.end_char, e.label_, e.text,
                      confidence.get((e.start_char, e.end_char, e.label_), 0.0)) for e in doc.ents]
        if self.gazetteer is not None:
            for match in self.gazetteer.matches(text):
                if not any(s.start < match.end and match.start < s.end for s in found):
                    found.append(Span(match.start, match.end, match.label, match.text, None))
        return sorted(found, key=lambda s: s.start)

    def prediction(self, text: str) -> dict:
        """A Label Studio prediction: spans, suggested relations, model_version and score."""
        spans = self.spans(text)
        ids = [f"m{index}" for index in range(1, len(spans) + 1)]
        result = [
            {"id": rid, "from_name": self.scheme.labels_tag, "to_name": self.scheme.text_tag, "type": "labels",
             "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}}
            for rid, s in zip(ids, spans)
        ]
        result += [{"from_id": ids[head], "to_id": ids[tail], "type": "relation", "direction": "right",
                    "labels": [label]} for head, label, tail in suggested_relations(text, spans)]
        confidences = [s.confidence for s in spans if s.confidence is not None]
        score = sum(confidences) / len(confidences) if confidences else 1.0
        return {"model_version": self.model_version, "score": round(score, 4), "result": result}


def suggested_relations(text: str, spans: list[Span]) -> list[tuple[int, str, int]]:
    """(head index, relation, tail index) by the two rules, over spans sorted by start."""
    def next_to(a: int, b: int) -> bool:
        return not text[spans[a].end:spans[b].start].strip()

    found = []
    for i in range(len(spans) - 1):
        j = i + 1
        if spans[i].label == "TITLE" and spans[j].label == "PERSON" and next_to(i, j):
            found.append((j, "has_title", i))
        if spans[i].label == "NORP" and next_to(i, j):
            if spans[j].label == "PERSON":
                found.append((j, "nationality", i))
            elif (spans[j].label == "TITLE" and j + 1 < len(spans) and spans[j + 1].label == "PERSON"
                  and next_to(j, j + 1)):
                found.append((j + 1, "nationality", i))
    return found


def _beam_confidence(nlp, doc) -> dict[tuple[int, int, str], float]:
    """Each entity's share of the probability of the parses a beam search keeps, for a doc the components
    before the recognizer have made (the search sets nothing on it)."""
    ner = nlp.get_pipe("ner")
    scores: dict[tuple[int, int, str], float] = defaultdict(float)
    [beam] = ner.beam_parse([doc], beam_width=BEAM_WIDTH, beam_density=0.0001)
    for probability, parse in ner.moves.get_beam_parses(beam):
        for start, end, label in parse:
            span = doc[start:end]
            name = label if isinstance(label, str) else nlp.vocab.strings[label]
            scores[(span.start_char, span.end_char, name)] += probability
    return scores


def folder_digest(folder: Path) -> str:
    """The first 12 hex digits of a sha256 over the pipeline's files (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
