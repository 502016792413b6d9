"""Tokens and sentences for the token views: spaCy's rule-based English tokenizer, no model download.

One rule is added to spaCy's defaults: a hyphen after a period splits ("U.S.-China" ->
"U.S.", "-", "China"), which spaCy keeps as one token because "U.S." is an exception.
Where a gold span still does not fall on token boundaries, the token is split at the
span's edge and the caller reports it (W501); spans are never moved.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from .model import Entity

EXTRA_INFIXES = [r"(?<=\.)-(?=[A-Za-z])"]


@lru_cache(maxsize=1)
def english() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str, entities: list[Entity]) -> tuple[Doc, list[Entity]]:
    """A sentence-split spaCy Doc whose tokens start and end at every entity edge.

    Returns the doc and the entities whose edges fell inside a spaCy token.
    """
    nlp = english()
    doc = nlp.make_doc(text)
    cuts = {e.start for e in entities} | {e.end for e in entities}
    inside = {t.idx: t for t in doc if any(t.idx < cut < t.idx + len(t) for cut in cuts)}
    split_entities = [e for e in entities
                      if any(t.idx < edge < t.idx + len(t) for t in inside.values() for edge in (e.start, e.end))]
    if inside:
        doc = _split_at(doc, cuts)
    doc = nlp.get_pipe("sentencizer")(doc)
    spans = [doc.char_span(e.start, e.end, label=e.label) for e in entities]
    doc.ents = [s for s in spans if s is not None]
    for span in doc.ents:  # a sentence never starts inside an entity
        for token in span[1:]:
            token.is_sent_start = False
    return doc, split_entities


def _split_at(doc: Doc, cuts: set[int]) -> Doc:
    words, spaces = [], []
    for token in doc:
        start, end = token.idx, token.idx + len(token)
        edges = [start] + sorted(c for c in cuts if start < c < end) + [end]
        for i, (a, b) in enumerate(zip(edges, edges[1:])):
            words.append(doc.text[a:b])
            spaces.append(bool(token.whitespace_) and i == len(edges) - 2)
    return Doc(doc.vocab, words=words, spaces=spaces)
