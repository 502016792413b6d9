"""Tokens and sentences for the token views: spaCy's rule-based English tokenizer, no model download.

One rule is added to spaCy's defaults: a hyphen after a period splits ("U.S.-China" ->
"U.S.", "-", "China"), which spaCy keeps as one token because "U.S." is an exception.
Where a gold span still does not fall on token boundaries, the token is split at the
span's edge and the caller reports it (W501); spans are never moved. Sentences follow
spaCy's sentencizer (its rule and punctuation characters, applied to the token arrays: the
pipe itself makes a Python object per token, which costs as much as the rest of the ner
config), except that a sentence never starts inside an entity.

`analyse` works on many texts at once and gives numpy columns (what the `ner` config is
written from: spaCy tokenizes each whitespace-delimited chunk once, see chunk_tokens, the
rest is done on the arrays of all the texts); `tokenize` gives one text's result as a spaCy Doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from .chunk_tokens import (IDX_COL, IS_PUNCT_COL, IS_SPACE_COL, LENGTH_COL, ORTH_COL, SPACY_COL,
                           ChunkTokenizer)
from .model import Entity, EntityColumns

EXTRA_INFIXES = [r"(?<=\.)-(?=[A-Za-z])"]


@lru_cache(maxsize=1)
def english() -> spacy.language.Language:
    """spaCy's blank English with EXTRA_INFIXES: the tokenizer of the token views, and no pipe.

    One instance is shared; `english.__wrapped__()` (lru_cache's uncached function) makes a new one."""
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex(list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer
    return nlp


@lru_cache(maxsize=1)
def chunk_tokenizer() -> ChunkTokenizer:
    """english()'s tokenizer for the token views. Its words carry only the attributes those read (a new
    word's other attributes cost more than tokenizing it)."""
    nlp = english.__wrapped__()  # a new instance: the shared one's words keep all their attributes
    nlp.vocab.lex_attr_getters = {attr: getter for attr, getter in nlp.vocab.lex_attr_getters.items()
                                  if attr in (IS_SPACE, IS_PUNCT)}
    return ChunkTokenizer(nlp)


@dataclass
class TokenColumns:
    """The tokens of several texts, one after the other, as numpy arrays with one entry per token.

    `tags` are ids into the BIO names for the entity labels the texts were analysed with:
    0 is O, 2k+1 is B- and 2k+2 is I- of the k-th label (Scheme.bio_labels' order).
    """

    text_starts: np.ndarray  # index of each text's first token, and the number of tokens at the end
    starts: np.ndarray  # character offsets into the token's own text, end exclusive
    ends: np.ndarray
    spaces: np.ndarray  # True when a space follows the token
    is_space: np.ndarray  # True for a token of whitespace
    sent_starts: np.ndarray
    tags: np.ndarray
    split_entities: list[tuple[int, Entity]]  # (text, entity) with an edge inside a spaCy token (split there, W501)

    def text_of_token(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.text_starts) - 1), np.diff(self.text_starts))


def analyse(texts: list[str], entities: EntityColumns, labels: list[str]) -> TokenColumns:
    """Tokens split at every entity edge, sentence starts, and BIO tag ids for each text's entities
    (`entities.counts[i]` of them for text i; they must not overlap), labelled by their position in `labels`."""
    columns, text_starts = chunk_tokenizer().columns(texts)
    bases = np.cumsum([0] + [len(text) for text in texts])[:-1]  # each text's offset, laid end to end
    edges = _Edges(bases, entities, labels)
    split_entities = []
    cut = _texts_with_cut_tokens(columns, text_starts, bases, edges)
    if cut:
        counts = np.diff(text_starts)
        parts, done = [], 0
        for index in cut:
            first, after = text_starts[index], text_starts[index + 1]
            array, split = _split_tokens(texts[index], columns[first:after],
                                         entities.part(index, index + 1).as_entities())
            parts += [columns[done:first], array]
            counts[index] = len(array)
            split_entities += [(index, entity) for entity in split]
            done = after
        columns = np.concatenate(parts + [columns[done:]])
        text_starts = np.concatenate([[0], np.cumsum(counts)])
    counts = np.diff(text_starts)
    starts = columns[:, IDX_COL].astype(np.int64)
    ends = starts + columns[:, LENGTH_COL].astype(np.int64)
    is_text_start = np.zeros(len(starts), bool)
    is_text_start[text_starts[:-1][counts > 0]] = True
    sent_starts = _sentence_starts(columns[:, ORTH_COL], columns[:, IS_PUNCT_COL].astype(bool), is_text_start)
    tags, inside = _tags(starts + np.repeat(bases, counts), edges)
    sent_starts &= ~inside  # a sentence never starts inside an entity
    return TokenColumns(text_starts, starts, ends, columns[:, SPACY_COL].astype(bool),
                        columns[:, IS_SPACE_COL].astype(bool), sent_starts, tags, split_entities)


class _Edges:
    """Every entity's start and end as offsets into the texts laid end to end, and its label's index."""

    def __init__(self, bases: np.ndarray, entities: EntityColumns, labels: list[str]):
        index = {label: i for i, label in enumerate(labels)}
        self.owners = np.repeat(np.arange(len(entities.counts)), entities.counts)
        self.starts = np.array(entities.starts, np.int64) + bases[self.owners]
        self.ends = np.array(entities.ends, np.int64) + bases[self.owners]
        self.labels = np.array(list(map(index.__getitem__, entities.labels)), np.int64)


def _texts_with_cut_tokens(columns: np.ndarray, text_starts: np.ndarray, bases: np.ndarray, edges: _Edges) -> list[int]:
    if not len(edges.starts):
        return []
    token_starts = columns[:, IDX_COL].astype(np.int64) + np.repeat(bases, np.diff(text_starts))
    token_ends = token_starts + columns[:, LENGTH_COL].astype(np.int64)
    cut = _inside_token(token_starts, token_ends, edges.starts) | _inside_token(token_starts, token_ends, edges.ends)
    return sorted(set(edges.owners[cut].tolist()))


def _inside_token(starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    if not len(starts):
        return np.zeros(len(cuts), bool)
    i = np.searchsorted(starts, cuts)  # first token starting at or after the cut
    return (i > 0) & (cuts < ends[np.maximum(i - 1, 0)])


def _split_tokens(text: str, array: np.ndarray, entities: list[Entity]) -> tuple[np.ndarray, list[Entity]]:
    """The text's token array with every token that contains an entity edge split there (each piece a
    token as spaCy's Doc makes it from words), and the entities with such an edge."""
    idx = array[:, IDX_COL].astype(np.int64)
    ends = idx + array[:, LENGTH_COL].astype(np.int64)
    cuts = np.array(sorted({edge for entity in entities for edge in (entity.start, entity.end)}), np.int64)
    at = np.searchsorted(idx, cuts) - 1  # the token each edge falls in, if it falls inside one
    inner = (at >= 0) & (cuts > idx[np.maximum(at, 0)]) & (cuts < ends[np.maximum(at, 0)])
    cuts, at = cuts[inner], at[inner]
    vocab = chunk_tokenizer().nlp.vocab
    parts, done = [], 0
    with vocab.memory_zone():
        for token in np.unique(at).tolist():
            edges = [int(idx[token]), *cuts[at == token].tolist(), int(ends[token])]
            pieces = np.zeros((len(edges) - 1, array.shape[1]), np.uint64)  # SPACY_COL 0: no space within a token
            for row, (start, end) in zip(pieces, zip(edges, edges[1:])):
                word = vocab[text[start:end]]
                row[IDX_COL], row[LENGTH_COL] = start, end - start
                row[IS_SPACE_COL], row[IS_PUNCT_COL], row[ORTH_COL] = word.is_space, word.is_punct, word.orth
            pieces[-1, SPACY_COL] = array[token, SPACY_COL]  # the last piece keeps the token's following space
            parts += [array[done:token], pieces]
            done = token + 1
    cut = set(cuts.tolist())
    return np.concatenate(parts + [array[done:]]), [e for e in entities if e.start in cut or e.end in cut]


def _sentence_starts(orth: np.ndarray, is_punct: np.ndarray, is_text_start: np.ndarray) -> np.ndarray:
    """spaCy's Sentencizer.predict on every text at once: a sentence starts at each text's first token and
    at the first token that is not punctuation after a token in the sentencizer's punct_chars.

    At a token that is neither, a sentence starts when a punct_chars token came after the last such
    token (or after the text's start): positions are doubled so that a text's start sorts just before
    its first token.
    """
    starts = is_text_start.copy()
    if not len(orth):
        return starts
    position = 2 * np.arange(len(orth), dtype=np.int64)
    hashes = _punct_hashes()  # sorted: a lookup each, rather than np.isin's sort of all the tokens
    period = np.zeros(len(orth), bool)
    punct = np.flatnonzero(is_punct)  # every punct_chars token is punctuation (tested): only those are looked up
    period[punct] = hashes[np.minimum(np.searchsorted(hashes, orth[punct]), len(hashes) - 1)] == orth[punct]
    word = ~period & ~is_punct
    last_period = np.maximum.accumulate(np.where(period, position, -2))
    last_reset = np.maximum.accumulate(np.maximum(np.where(word, position, -2),
                                                  np.where(is_text_start, position - 1, -2)))
    starts[1:] |= word[1:] & (last_period[:-1] > last_reset[:-1])
    return starts


@lru_cache(maxsize=1)
def _punct_hashes() -> np.ndarray:
    return np.array(sorted(get_string_id(char) for char in Sentencizer.default_punct_chars), np.uint64)


def _tags(token_starts: np.ndarray, edges: _Edges) -> tuple[np.ndarray, np.ndarray]:
    """BIO tag ids per token, and whether each token lies inside an entity after its first token.

    `token_starts` are offsets into the texts laid end to end: a text's tokens start before the
    next text does, so the token an entity edge falls on is found among all of them at once."""
    tags = np.zeros(len(token_starts), np.int64)
    first = np.searchsorted(token_starts, edges.starts)
    last = np.searchsorted(token_starts, edges.ends)
    tagged = first < last
    tags[first[tagged]] = 2 * edges.labels[tagged] + 1
    long = last - first > 1
    marks = np.zeros(len(token_starts) + 1, np.int64)
    np.add.at(marks, first[long] + 1, 2 * edges.labels[long] + 2)
    np.add.at(marks, last[long], -(2 * edges.labels[long] + 2))
    inner = np.cumsum(marks[:-1])
    inside = inner > 0
    tags[inside] = inner[inside]
    return tags, inside


def tokenize(text: str, entities: list[Entity]) -> tuple[Doc, list[Entity]]:
    """A sentence-split spaCy Doc whose tokens start and end at every entity edge, with the entities set.

    Returns the doc and the entities whose edges fell inside a spaCy token.
    """
    labels = sorted({entity.label for entity in entities})
    names = ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BI"]
    tokens = analyse([text], EntityColumns.of([entities]), labels)
    doc = Doc(english().vocab, words=[text[a:b] for a, b in zip(tokens.starts.tolist(), tokens.ends.tolist())],
              spaces=tokens.spaces.tolist(), sent_starts=tokens.sent_starts.tolist(),
              ents=[names[tag] for tag in tokens.tags.tolist()])
    return doc, [entity for _, entity in tokens.split_entities]
