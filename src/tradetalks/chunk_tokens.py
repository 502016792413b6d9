"""spaCy's tokens for many texts at once, each whitespace-delimited chunk tokenized by spaCy only once.

spaCy's tokenizer splits a text at whitespace and tokenizes each chunk between on its own
(prefixes, suffixes, infixes, exceptions), keeping a cache of chunks it has seen. That cache
holds 10,000 chunks and, once a text has used an exception ("U.S.", "Mr.", "'s"), takes no
new chunk for the rest of that text, so in news most chunks are tokenized afresh every time.
Here the chunks of a batch of texts are cut and counted by Arrow, the chunks not seen before
are tokenized by spaCy together (one Doc, each chunk on its own line, so no exception can
reach across two of them), and every text's token array is put together from its chunks'.

Texts whose whitespace is anything but single spaces between chunks (a line break, a double
space, a space at either end) go to spaCy whole, so its rules for whitespace tokens need no
copy here. The arrays are those of `Doc.to_array` on the text's `make_doc`, tested equal text
by text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH, SPACY
from spacy.language import Language

# The columns of every token array here and in tokens.py: Doc.to_array(ATTRS) gives them in this order.
ATTRS = [IDX, LENGTH, SPACY, IS_SPACE, IS_PUNCT, ORTH]
IDX_COL = ATTRS.index(IDX)  # the token's first character, an offset into its text
LENGTH_COL = ATTRS.index(LENGTH)  # in characters
SPACY_COL = ATTRS.index(SPACY)  # 1 when a space follows the token
IS_SPACE_COL = ATTRS.index(IS_SPACE)  # 1 for a token of whitespace
IS_PUNCT_COL = ATTRS.index(IS_PUNCT)
ORTH_COL = ATTRS.index(ORTH)  # the hash of the token's text

# Every character str.isspace() accepts, but the plain space; and a space that is not alone between chunks.
_UNUSUAL_WHITESPACE = (r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
                       r"\x{205f}\x{3000}]|^ | $|  ")


class ChunkTokenizer:
    """Token arrays (the ATTRS columns of Doc.to_array) of texts, with a memo of the chunks seen."""

    def __init__(self, nlp: Language, max_chunks: int = 20_000):
        self.nlp = nlp
        self.max_chunks = max_chunks  # the memo is emptied when it would hold more: memory stays bounded
        self._clear()

    def _clear(self) -> None:
        self._ids: dict[str, int] = {}
        self._first = np.zeros(1, np.int64)  # chunk id -> its first row in _rows; one more entry at the end
        self._rows = np.empty((1024, len(ATTRS)), np.uint64)  # each chunk's tokens, offsets from its start

    def columns(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each text's array, as `nlp.make_doc(text).to_array(ATTRS)` gives it, one after the other, and where
        each text's tokens start (with the number of tokens at the end)."""
        strings = pa.array(texts, pa.string())
        whole = pc.or_(pc.match_substring_regex(strings, _UNUSUAL_WHITESPACE), pc.equal(pc.utf8_length(strings), 0))
        whole = whole.to_numpy(zero_copy_only=False)
        chunked = np.flatnonzero(~whole)
        rows, counts = self._from_chunks(strings.take(pa.array(chunked))) if len(chunked) else (None, None)
        if rows is None and not len(texts):
            return np.empty((0, len(ATTRS)), np.uint64), np.zeros(1, np.int64)
        if not whole.any():
            return rows, np.concatenate([[0], np.cumsum(counts)])
        arrays = {index: self._tokens(texts[index]) for index in np.flatnonzero(whole).tolist()}
        per_text = np.zeros(len(texts), np.int64)
        per_text[list(arrays)] = [len(array) for array in arrays.values()]
        if rows is not None:
            per_text[chunked] = counts
        text_starts = np.concatenate([[0], np.cumsum(per_text)])
        out = np.empty((text_starts[-1], len(ATTRS)), np.uint64)
        if rows is not None:
            out[np.repeat(text_starts[chunked] - (np.cumsum(counts) - counts), counts) + np.arange(len(rows))] = rows
        for index, array in arrays.items():
            out[text_starts[index]:text_starts[index + 1]] = array
        return out, text_starts

    def _from_chunks(self, strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        pieces = pc.split_pattern(strings, " ")
        per_text = np.diff(pieces.offsets.to_numpy())
        flat = pieces.flatten()
        encoded = pc.dictionary_encode(flat)
        ids = self._chunk_ids(encoded.dictionary.to_pylist())[encoded.indices.to_numpy()]
        lengths = pc.utf8_length(flat).to_numpy().astype(np.int64)
        text_first = np.concatenate([[0], np.cumsum(per_text)])
        after = np.cumsum(lengths + 1)  # offset after each chunk and its space, counted from the first text
        chunk_starts = after - lengths - 1 - np.repeat(np.concatenate([[0], after])[text_first[:-1]], per_text)
        counts = self._first[ids + 1] - self._first[ids]
        token_chunk = np.repeat(np.arange(len(ids)), counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = self._rows[self._first[ids][token_chunk] + within]
        rows[:, IDX_COL] += chunk_starts[token_chunk].astype(np.uint64)
        last_chunk = np.zeros(len(ids), bool)
        last_chunk[text_first[1:] - 1] = True
        rows[:, SPACY_COL] = (within == counts[token_chunk] - 1) & ~last_chunk[token_chunk]
        return rows, np.add.reduceat(counts, text_first[:-1])

    def _chunk_ids(self, chunks: list[str]) -> np.ndarray:
        get = self._ids.get
        ids = [get(chunk, -1) for chunk in chunks]
        new = [chunk for chunk, found in zip(chunks, ids) if found < 0]
        if new:
            if len(self._ids) + len(new) > self.max_chunks:
                self._clear()
                new = chunks
            self._add(new)
            ids = [self._ids[chunk] for chunk in chunks]
        return np.array(ids, np.int64)

    def _tokens(self, text: str) -> np.ndarray:
        with self.nlp.memory_zone():  # what spaCy learns of new words is let go: only the arrays are kept
            return self.nlp.make_doc(text).to_array(ATTRS)

    def _add(self, chunks: list[str]) -> None:
        """Tokenize `chunks` (none holds whitespace) as one Doc, a line break between two, and memo them."""
        rows = self._tokens("\n".join(chunks))
        lengths = np.fromiter(map(len, chunks), np.int64, len(chunks))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        idx = rows[:, IDX_COL].astype(np.int64)
        owner = np.searchsorted(starts, idx, side="right") - 1
        kept = idx < starts[owner] + lengths[owner]  # the line breaks between chunks are tokens of their own
        if np.count_nonzero(~kept) != len(chunks) - 1:
            raise RuntimeError("a line break between chunks did not make a token of its own")
        rows, owner = rows[kept], owner[kept]
        rows[:, IDX_COL] -= starts[owner].astype(np.uint64)
        rows[:, SPACY_COL] = 0
        used = int(self._first[-1])
        while used + len(rows) > len(self._rows):  # grown by doubling, so each row is copied a few times at most
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[used:used + len(rows)] = rows
        base = len(self._ids)
        self._ids.update(zip(chunks, range(base, base + len(chunks))))
        self._first = np.concatenate([self._first, used + np.cumsum(np.bincount(owner, minlength=len(chunks)))])
