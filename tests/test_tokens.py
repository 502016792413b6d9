"""Tokens, sentences and BIO tags made for many texts at once agree with spaCy, text by text."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.pipeline import Sentencizer

from tradetalks.chunk_tokens import ATTRS, ChunkTokenizer
from tradetalks.model import Entity, EntityColumns
from tradetalks.paths import repo_root
from tradetalks.tokens import analyse, chunk_tokenizer, english, tokenize
from tradetalks.views.ner import substrings

_spec = importlib.util.spec_from_file_location("make_synthetic_export", repo_root() / "scripts" / "make_synthetic_export.py")
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)

LABELS = ["ORG", "GPE"]
piece = st.sampled_from(["Geneva", "U.S.", "U.S.-China", "Zürich", "🚢", "1.5%", "said", "\n", "  ", "...",
                         ".", "!", "?", '"', ")", "(", "—", ",", "’s", "e.g.", "Mr.", "北京。", "¡Hola!", "।", "؟", "!!"])
texts = st.lists(piece, max_size=25).map(" ".join)


def sentencizer(text: str) -> list[bool]:
    """spaCy's own tokenizer and sentencizer pipe, token by token."""
    doc = Sentencizer()(english().make_doc(text))
    return [bool(token.is_sent_start) for token in doc]


def test_every_character_that_ends_a_sentence_is_a_punctuation_token():
    """analyse looks for the sentencizer's characters among the punctuation tokens only."""
    vocab = chunk_tokenizer().nlp.vocab
    assert [char for char in Sentencizer.default_punct_chars if not vocab[char].is_punct] == []


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, max_size=6))
def test_texts_analysed_together_match_spacy_text_by_text(texts):
    tokens = analyse(texts, EntityColumns.of([[] for _ in texts]), LABELS)
    for i, text in enumerate(texts):
        first, after = tokens.text_starts[i], tokens.text_starts[i + 1]
        doc = english().make_doc(text)
        assert tokens.starts[first:after].tolist() == [t.idx for t in doc]
        assert tokens.ends[first:after].tolist() == [t.idx + len(t) for t in doc]
        assert tokens.is_space[first:after].tolist() == [t.is_space for t in doc]
        assert tokens.sent_starts[first:after].tolist() == sentencizer(text)
        assert not tokens.tags[first:after].any()


@st.composite
def text_with_entities(draw):
    text = draw(texts)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    entities = []
    for n, (start, end) in enumerate(zip(cuts[::2], cuts[1::2])):
        if start < end and text[start:end].strip() == text[start:end]:
            entities.append(Entity(f"r{n}", start, end, draw(st.sampled_from(LABELS)), text[start:end]))
    return text, entities


@settings(max_examples=150, deadline=None)
@given(st.lists(text_with_entities(), max_size=5))
def test_entities_get_whole_tokens_and_bio_tags(items):
    texts = [text for text, _ in items]
    tokens = analyse(texts, EntityColumns.of([entities for _, entities in items]), LABELS)
    names = ["O", "B-ORG", "I-ORG", "B-GPE", "I-GPE"]
    split = {(i, entity) for i, entity in tokens.split_entities}
    for i, (text, entities) in enumerate(items):
        first, after = tokens.text_starts[i], tokens.text_starts[i + 1]
        starts, ends = tokens.starts[first:after].tolist(), tokens.ends[first:after].tolist()
        tags = [names[t] for t in tokens.tags[first:after].tolist()]
        sent_starts = tokens.sent_starts[first:after].tolist()
        spacy_edges = {edge for t in english().make_doc(text) for edge in (t.idx, t.idx + len(t))}
        for entity in entities:
            assert entity.start in starts and entity.end in ends  # every edge falls on a token edge
            inside = [k for k, s in enumerate(starts) if entity.start <= s < entity.end]
            assert [tags[k] for k in inside] == [f"B-{entity.label}"] + [f"I-{entity.label}"] * (len(inside) - 1)
            assert not any(sent_starts[k] for k in inside[1:])
            cut = entity.start not in spacy_edges or entity.end not in spacy_edges
            assert ((i, entity) in split) == cut
        covered = {k for e in entities for k, s in enumerate(starts) if e.start <= s < e.end}
        assert all(tag == "O" for k, tag in enumerate(tags) if k not in covered)


def test_a_cut_token_is_split_at_the_entity_edge():
    text = "Shares of AcmeCorp rose."
    entity = Entity("r1", 10, 14, "ORG", "Acme")
    doc, split = tokenize(text, [entity])
    assert [t.text for t in doc] == ["Shares", "of", "Acme", "Corp", "rose", "."]
    assert [t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in doc][2:4] == ["B-ORG", "O"]
    assert split == [entity]


@given(st.text(max_size=40).filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8))
def test_substrings_cut_code_points(text, pairs):
    pairs = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in pairs]
    starts = np.array([a for a, _ in pairs], np.int64)
    ends = np.array([b for _, b in pairs], np.int64)
    assert substrings(text, starts, ends).to_pylist() == [text[a:b] for a, b in pairs]



def spacy_arrays(texts: list[str]) -> list[np.ndarray]:
    return [english().make_doc(text).to_array(ATTRS) for text in texts]


def per_text(tokenizer: ChunkTokenizer, texts: list[str]) -> list[np.ndarray]:
    rows, text_starts = tokenizer.columns(texts)
    return [rows[first:after] for first, after in zip(text_starts[:-1], text_starts[1:])]


def assert_same_arrays(found: list[np.ndarray], expected: list[np.ndarray]) -> None:
    assert len(found) == len(expected)
    for got, want in zip(found, expected):
        assert got.shape == want.shape and (got == want).all()


whitespace = st.sampled_from([" ", " ", " ", "  ", "\n", " \n ", "\t", "\xa0", "\u3000", ""])


@st.composite
def spaced_texts(draw):
    """Texts of tricky pieces with every kind of whitespace between them, and at either end now and then."""
    pieces = draw(st.lists(piece, max_size=20))
    gaps = draw(st.lists(whitespace, min_size=len(pieces) + 1, max_size=len(pieces) + 1))
    text = "".join(gap + p for gap, p in zip(gaps, pieces))
    return text + gaps[-1] if draw(st.booleans()) else text.lstrip(" ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(spaced_texts(), max_size=8), max_size=4), st.integers(1, 40))
def test_chunk_tokenizer_gives_spacy_arrays_text_by_text(batches, max_chunks):
    tokenizer = ChunkTokenizer(chunk_tokenizer().nlp, max_chunks=max_chunks)  # a small memo empties often
    for texts in batches:
        assert_same_arrays(per_text(tokenizer, texts), spacy_arrays(texts))


def test_chunk_tokenizer_on_the_corpus_and_a_synthetic_export():
    texts = [task["data"]["text"] for export in sorted((repo_root() / "annotations" / "exports").glob("*.json"))
             for task in json.loads(export.read_text(encoding="utf-8"))]
    texts += [task["data"]["text"] for task, _ in synthetic.synthetic_tasks(600)]
    tokenizer = ChunkTokenizer(chunk_tokenizer().nlp, max_chunks=2_000)
    found = [array for start in range(0, len(texts), 50) for array in per_text(tokenizer, texts[start:start + 50])]
    assert_same_arrays(found, spacy_arrays(texts))
    assert 0 < len(tokenizer._ids) <= 2_000
