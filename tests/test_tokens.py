"""Tokens, sentences and BIO tags made for many texts at once agree with spaCy, text by text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tradetalks.model import Entity
from tradetalks.tokens import analyse, english, tokenize
from tradetalks.views.ner import substrings

LABELS = ["ORG", "GPE"]
piece = st.sampled_from(["Geneva", "U.S.", "U.S.-China", "Zürich", "🚢", "1.5%", "said", "\n", "  ", "...",
                         ".", "!", "?", '"', ")", "(", "—", ",", "’s", "e.g.", "Mr.", "北京。", "¡Hola!"])
texts = st.lists(piece, max_size=25).map(" ".join)


def sentencizer(text: str) -> list[bool]:
    """spaCy's own tokenizer and sentencizer pipe, token by token."""
    nlp = english()
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    return [bool(token.is_sent_start) for token in doc]


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, max_size=6))
def test_texts_analysed_together_match_spacy_text_by_text(texts):
    tokens = analyse(texts, [[] for _ in texts], LABELS)
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
    tokens = analyse(texts, [entities for _, entities in items], LABELS)
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

