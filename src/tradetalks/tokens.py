"""Tokens and sentences for the token views: spaCy's rule-based English tokenizer, no model download.

One rule is added to spaCy's defaults: a hyphen after a period splits ("U.S.-China" ->
"U.S.", "-", "China"), which spaCy keeps as one token because "U.S." is an exception.
Where a gold span still does not fall on token boundaries, the token is split at the
span's edge and the caller reports it (W501); spans are never moved. Sentences follow
spaCy's sentencizer (its rule and punctuation characters), except that a sentence never
starts inside an entity. The rule is applied to the token arrays of all the texts at once
(`_sentence_starts`), so no Doc is made for it.

`analyse` works on many texts at once and gives numpy columns, one entry per token (the `ner`
config is written from them). The token arrays come from chunk_tokens, which has spaCy tokenize
each whitespace-delimited chunk once; the rest is done on the arrays of all the texts.
`tokenize` gives one text's result as a spaCy Doc (for the spaCy export).
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
    """english()'s tokenizer for the token views, on a vocab of its own whose words carry only the lexical
    attributes the token arrays read: spaCy computes all of a new word's attributes when it first meets it,
    and the others are never read here."""
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
    # Entities and tokens of different texts are compared through offsets into the texts laid end to end.
    text_offsets = np.cumsum([0] + [len(text) for text in texts])[:-1]
    edges = _Edges(text_offsets, entities, labels)
    split_entities = []
    cut_texts = _texts_with_cut_tokens(columns, text_starts, text_offsets, edges)
    if cut_texts:
        # Those texts' rows are made again with the cut tokens split; the rows between them are kept as they are.
        tokens_per_text = np.diff(text_starts)
        parts, kept_from = [], 0
        for index in cut_texts:
            first, after = text_starts[index], text_starts[index + 1]
            array, split = _split_tokens(texts[index], columns[first:after],
                                         entities.part(index, index + 1).as_entities())
            parts += [columns[kept_from:first], array]
            tokens_per_text[index] = len(array)
            split_entities += [(index, entity) for entity in split]
            kept_from = after
        columns = np.concatenate(parts + [columns[kept_from:]])
        text_starts = np.concatenate([[0], np.cumsum(tokens_per_text)])
    tokens_per_text = np.diff(text_starts)
    starts = columns[:, IDX_COL].astype(np.int64)
    ends = starts + columns[:, LENGTH_COL].astype(np.int64)
    is_text_start = np.zeros(len(starts), bool)
    is_text_start[text_starts[:-1][tokens_per_text > 0]] = True  # an empty text has no first token
    sent_starts = _sentence_starts(columns[:, ORTH_COL], columns[:, IS_PUNCT_COL].astype(bool), is_text_start)
    tags, inside = _tags(starts + np.repeat(text_offsets, tokens_per_text), edges)
    sent_starts &= ~inside  # a sentence never starts inside an entity
    return TokenColumns(text_starts, starts, ends, columns[:, SPACY_COL].astype(bool),
                        columns[:, IS_SPACE_COL].astype(bool), sent_starts, tags, split_entities)


class _Edges:
    """Every entity's start and end as offsets into the texts laid end to end, and its label's index."""

    def __init__(self, text_offsets: np.ndarray, entities: EntityColumns, labels: list[str]):
        index = {label: i for i, label in enumerate(labels)}
        self.text_of_entity = np.repeat(np.arange(len(entities.counts)), entities.counts)
        self.starts = np.array(entities.starts, np.int64) + text_offsets[self.text_of_entity]
        self.ends = np.array(entities.ends, np.int64) + text_offsets[self.text_of_entity]
        self.labels = np.array(list(map(index.__getitem__, entities.labels)), np.int64)


def _texts_with_cut_tokens(columns: np.ndarray, text_starts: np.ndarray, text_offsets: np.ndarray,
                           edges: _Edges) -> list[int]:
    """The texts with an entity edge inside a token, in order."""
    if not len(edges.starts):
        return []
    token_starts = columns[:, IDX_COL].astype(np.int64) + np.repeat(text_offsets, np.diff(text_starts))
    token_ends = token_starts + columns[:, LENGTH_COL].astype(np.int64)
    cuts_a_token = (_inside_token(token_starts, token_ends, edges.starts)
                    | _inside_token(token_starts, token_ends, edges.ends))
    return sorted(set(edges.text_of_entity[cuts_a_token].tolist()))


def _inside_token(starts: np.ndarray, ends: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Whether each cut falls strictly inside one of the tokens (sorted `starts`, their `ends`)."""
    if not len(starts):
        return np.zeros(len(cuts), bool)
    token_after = np.searchsorted(starts, cuts)  # the first token starting at or after the cut
    token_before = np.maximum(token_after - 1, 0)  # the last starting before it, when token_after > 0
    return (token_after > 0) & (cuts < ends[token_before])


def _split_tokens(text: str, array: np.ndarray, entities: list[Entity]) -> tuple[np.ndarray, list[Entity]]:
    """The text's token array with every token that contains an entity edge split there (each piece a
    token as spaCy's Doc makes it from words), and the entities with such an edge."""
    token_starts = array[:, IDX_COL].astype(np.int64)
    token_ends = token_starts + array[:, LENGTH_COL].astype(np.int64)
    cuts = np.array(sorted({edge for entity in entities for edge in (entity.start, entity.end)}), np.int64)
    token_of_cut = np.searchsorted(token_starts, cuts) - 1  # the token each edge falls in, if it falls inside one
    containing = np.maximum(token_of_cut, 0)
    inside = (token_of_cut >= 0) & (cuts > token_starts[containing]) & (cuts < token_ends[containing])
    cuts, token_of_cut = cuts[inside], token_of_cut[inside]
    vocab = chunk_tokenizer().nlp.vocab
    parts, kept_from = [], 0
    with vocab.memory_zone():
        for token in np.unique(token_of_cut).tolist():
            bounds = [int(token_starts[token]), *cuts[token_of_cut == token].tolist(), int(token_ends[token])]
            pieces = np.zeros((len(bounds) - 1, array.shape[1]), np.uint64)  # SPACY_COL 0: no space within a token
            for row, (start, end) in zip(pieces, zip(bounds, bounds[1:])):
                word = vocab[text[start:end]]
                row[IDX_COL], row[LENGTH_COL] = start, end - start
                row[IS_SPACE_COL], row[IS_PUNCT_COL], row[ORTH_COL] = word.is_space, word.is_punct, word.orth
            pieces[-1, SPACY_COL] = array[token, SPACY_COL]  # the last piece keeps the token's following space
            parts += [array[kept_from:token], pieces]
            kept_from = token + 1
    cut = set(cuts.tolist())
    return np.concatenate(parts + [array[kept_from:]]), [e for e in entities if e.start in cut or e.end in cut]


def _sentence_starts(orth: np.ndarray, is_punct: np.ndarray, is_text_start: np.ndarray) -> np.ndarray:
    """spaCy's Sentencizer.predict on every text at once: a sentence starts at each text's first token and
    at the first token that is not punctuation after a token in the sentencizer's punct_chars.

    So a token that is neither (a word) starts a sentence when, before it, the last punct_chars token
    comes later than both the last word and its text's start. Those "last" positions are running
    maxima; positions are doubled so that a text's start, put at its first token's position less one,
    sorts just before its first token.
    """
    starts = is_text_start.copy()
    if not len(orth):
        return starts
    position = 2 * np.arange(len(orth), dtype=np.int64)
    none = -2  # a position before every other, a text start at token 0 (-1) included
    hashes = _punct_hashes()  # sorted for np.searchsorted: each token is looked up, the tokens are never sorted
    in_punct_chars = np.zeros(len(orth), bool)
    punct = np.flatnonzero(is_punct)  # every punct_chars token is punctuation (tested): only those are looked up
    in_punct_chars[punct] = hashes[np.minimum(np.searchsorted(hashes, orth[punct]), len(hashes) - 1)] == orth[punct]
    is_word = ~in_punct_chars & ~is_punct
    last_punct_char = np.maximum.accumulate(np.where(in_punct_chars, position, none))
    last_word_or_text_start = np.maximum.accumulate(np.maximum(np.where(is_word, position, none),
                                                               np.where(is_text_start, position - 1, none)))
    starts[1:] |= is_word[1:] & (last_punct_char[:-1] > last_word_or_text_start[:-1])
    return starts


@lru_cache(maxsize=1)
def _punct_hashes() -> np.ndarray:
    return np.array(sorted(get_string_id(char) for char in Sentencizer.default_punct_chars), np.uint64)


def _tags(token_starts: np.ndarray, edges: _Edges) -> tuple[np.ndarray, np.ndarray]:
    """BIO tag ids per token, and whether each token lies inside an entity after its first token.

    `token_starts` are offsets into the texts laid end to end: a text's tokens start before the
    next text does, so the token an entity edge falls on is found among all of them at once."""
    tags = np.zeros(len(token_starts), np.int64)
    first_token = np.searchsorted(token_starts, edges.starts)  # each entity's first token
    after_last_token = np.searchsorted(token_starts, edges.ends)  # and the token after its last
    b_tags, i_tags = 2 * edges.labels + 1, 2 * edges.labels + 2
    tagged = first_token < after_last_token
    tags[first_token[tagged]] = b_tags[tagged]
    # An entity's I- tag id is added at its second token and taken away after its last, so the running sum
    # is that id on the tokens after an entity's first and 0 elsewhere (entities do not overlap).
    several = after_last_token - first_token > 1
    i_tag_changes = np.zeros(len(token_starts) + 1, np.int64)
    np.add.at(i_tag_changes, first_token[several] + 1, i_tags[several])
    np.add.at(i_tag_changes, after_last_token[several], -i_tags[several])
    i_tag = np.cumsum(i_tag_changes[:-1])
    inside = i_tag > 0
    tags[inside] = i_tag[inside]
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
