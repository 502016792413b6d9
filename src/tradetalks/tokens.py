"""Tokens and sentences for the token views: spaCy's rule-based English tokenizer, no model download.

One rule is added to spaCy's defaults: a hyphen after a period splits ("U.S.-China" ->
"U.S.", "-", "China"), which spaCy keeps as one token because "U.S." is an exception.
Where a gold span still does not fall on token boundaries, the token is split at the
span's edge and the caller reports it (W501); spans are never moved. Sentences follow
spaCy's sentencizer (its rule and punctuation characters, applied to the token arrays: the
pipe itself makes a Python object per token, which costs as much as the rest of the ner
config), except that a sentence never starts inside an entity.

`analyse` gives the result as plain lists (what the `ner` config is written from, read
from the Doc in bulk with `Doc.to_array`); `tokenize` gives the same as a spaCy Doc.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from operator import add

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SPACY
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from .model import Entity

EXTRA_INFIXES = [r"(?<=\.)-(?=[A-Za-z])"]
ATTRS = [IDX, LENGTH, SPACY, IS_SPACE, IS_PUNCT]


@lru_cache(maxsize=1)
def english() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass
class Tokens:
    """A text's tokens as parallel lists, with BIO tags of the entities it was analysed with."""

    text: str
    words: list[str]
    starts: list[int]  # character offsets, end exclusive
    ends: list[int]
    spaces: list[int]  # 1 when a space follows the token
    is_space: list[int]  # 1 for a token of whitespace
    sent_starts: list[bool]
    tags: list[str]  # "O", "B-LABEL", "I-LABEL"
    split_entities: list[Entity]  # entities with an edge inside a spaCy token (split there, W501)

    def sentences(self) -> list[tuple[int, int]]:
        """(first, end) token indices of the sentences, in order."""
        starts = [i for i, start in enumerate(self.sent_starts) if start]
        return list(zip(starts, starts[1:] + [len(self.starts)]))


def analyse(text: str, entities: list[Entity]) -> Tokens:
    """Tokens split at every entity edge, sentence starts, and BIO tags for `entities` (which must not overlap)."""
    doc = english().make_doc(text)
    starts, lengths, spaces, is_space, is_punct = _columns(doc)
    inner = {cut for e in entities for cut in (e.start, e.end) if _inside_token(starts, lengths, cut)}
    split_entities = []
    if inner:
        split_entities = [e for e in entities if e.start in inner or e.end in inner]
        doc = _split_at(doc, starts, lengths, inner)
        starts, lengths, spaces, is_space, is_punct = _columns(doc)
    ends = list(map(add, starts, lengths))
    words = [text[a:b] for a, b in zip(starts, ends)]
    sent_starts = sentence_starts(words, is_punct)
    tags = ["O"] * len(starts)
    for entity in entities:
        first = bisect_left(starts, entity.start)
        last = bisect_left(starts, entity.end, first)
        if first == last:
            continue
        tags[first] = f"B-{entity.label}"
        if last - first > 1:
            tags[first + 1:last] = [f"I-{entity.label}"] * (last - first - 1)
            sent_starts[first + 1:last] = [False] * (last - first - 1)  # a sentence never starts inside an entity
    return Tokens(text, words, starts, ends, spaces, is_space, sent_starts, tags, split_entities)


def sentence_starts(words: list[str], is_punct: list[int]) -> list[bool]:
    """spaCy's Sentencizer.predict: a sentence starts at the first token that is not punctuation
    after a token in its punct_chars."""
    punct_chars = _punct_chars()
    starts = [False] * len(words)
    if not words:
        return starts
    starts[0] = True
    seen_period = False
    for i, word in enumerate(words):
        if word in punct_chars:
            seen_period = True
        elif seen_period and not is_punct[i]:
            starts[i] = True
            seen_period = False
    return starts


@lru_cache(maxsize=1)
def _punct_chars() -> frozenset:
    return frozenset(english().get_pipe("sentencizer").punct_chars)


def _columns(doc: Doc) -> list[list[int]]:
    return doc.to_array(ATTRS).T.tolist() if len(doc) else [[] for _ in ATTRS]


def tokenize(text: str, entities: list[Entity]) -> tuple[Doc, list[Entity]]:
    """A sentence-split spaCy Doc whose tokens start and end at every entity edge, with the entities set.

    Returns the doc and the entities whose edges fell inside a spaCy token.
    """
    tokens = analyse(text, entities)
    doc = Doc(english().vocab, words=tokens.words, spaces=[bool(s) for s in tokens.spaces],
              sent_starts=tokens.sent_starts, ents=tokens.tags)
    return doc, tokens.split_entities


def _inside_token(idx: list[int], lengths: list[int], cut: int) -> bool:
    i = bisect_left(idx, cut)  # first token starting at or after the cut
    return i > 0 and cut < idx[i - 1] + lengths[i - 1]


def _split_at(doc: Doc, idx: list[int], lengths: list[int], cuts: set[int]) -> Doc:
    """The doc re-made with every token that contains a cut split there."""
    words, spaces = [token.text for token in doc], [bool(token.whitespace_) for token in doc]
    ordered = sorted(cuts)
    for i in reversed(range(len(idx))):
        start, end = idx[i], idx[i] + lengths[i]
        first, last = bisect_right(ordered, start), bisect_left(ordered, end)
        if first == last:
            continue
        edges = [start, *ordered[first:last], end]
        words[i:i + 1] = [doc.text[a:b] for a, b in zip(edges, edges[1:])]
        spaces[i:i + 1] = [False] * (len(edges) - 2) + [spaces[i]]
    return Doc(doc.vocab, words=words, spaces=spaces)
