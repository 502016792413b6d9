"""spaCy's tokens for many texts at once, each whitespace-delimited chunk tokenized by spaCy only once.

spaCy's tokenizer splits a text at whitespace and tokenizes each chunk between on its own
(prefixes, suffixes, infixes, exceptions), keeping a cache of chunks it has seen. That cache
is bounded (the tokenizer's max_cache_size) and, once a text has used an exception ("U.S.",
"Mr.", "'s"), takes no new chunk for the rest of that text, so in news most chunks are
tokenized afresh every time. Here the chunks of a batch of texts are cut and dictionary-encoded
by Arrow, the chunks not in the memo are tokenized by spaCy together (one Doc, each chunk on
its own line, so no exception can reach across two of them), and every text's token array is
put together from its chunks': the memo keeps each chunk's rows with offsets from the chunk's
start, so a text's rows are its chunks' rows moved to where each chunk starts in the text.

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
        if not texts:
            return np.empty((0, len(ATTRS)), np.uint64), np.zeros(1, np.int64)
        strings = pa.array(texts, pa.string())
        whole = pc.or_(pc.match_substring_regex(strings, _UNUSUAL_WHITESPACE), pc.equal(pc.utf8_length(strings), 0))
        whole = whole.to_numpy(zero_copy_only=False)  # the texts spaCy tokenizes whole
        if not whole.any():
            rows, tokens_per_text = self._from_chunks(strings)
            return rows, np.concatenate([[0], np.cumsum(tokens_per_text)])
        chunked = np.flatnonzero(~whole)
        tokens_per_text = np.zeros(len(texts), np.int64)
        if len(chunked):
            chunked_rows, tokens_per_chunked = self._from_chunks(strings.take(pa.array(chunked)))
            tokens_per_text[chunked] = tokens_per_chunked
        whole_arrays = {index: self._tokens(texts[index]) for index in np.flatnonzero(whole).tolist()}
        tokens_per_text[list(whole_arrays)] = [len(array) for array in whole_arrays.values()]
        text_starts = np.concatenate([[0], np.cumsum(tokens_per_text)])
        out = np.empty((text_starts[-1], len(ATTRS)), np.uint64)
        if len(chunked):
            # A chunked text's rows move from where they are among the chunked texts' rows to where the text
            # starts among all the texts' rows.
            first_chunked_row = np.cumsum(tokens_per_chunked) - tokens_per_chunked
            shift = text_starts[chunked] - first_chunked_row
            out[np.repeat(shift, tokens_per_chunked) + np.arange(len(chunked_rows))] = chunked_rows
        for index, array in whole_arrays.items():
            out[text_starts[index]:text_starts[index + 1]] = array
        return out, text_starts

    def _from_chunks(self, strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """The token arrays of texts made of chunks with one space between two, one after the other, and the
        number of tokens of each text: every chunk's rows are copied from the memo and moved to its offset."""
        chunks_by_text = pc.split_pattern(strings, " ")
        chunks_per_text = np.diff(chunks_by_text.offsets.to_numpy())
        chunks = chunks_by_text.flatten()
        encoded = pc.dictionary_encode(chunks)  # each distinct chunk once, to be looked up in the memo
        chunk_ids = self._chunk_ids(encoded.dictionary.to_pylist())[encoded.indices.to_numpy()]
        chunk_lengths = pc.utf8_length(chunks).to_numpy().astype(np.int64)
        first_chunk_of_text = np.concatenate([[0], np.cumsum(chunks_per_text)])

        # Laid end to end with a space after each, the chunks of a text are as far apart as in the text: a
        # chunk's offset in its text is its offset in that layout less the offset of its text's first chunk.
        end_with_space = np.cumsum(chunk_lengths + 1)
        start_in_all = end_with_space - chunk_lengths - 1
        text_start_in_all = np.concatenate([[0], end_with_space])[first_chunk_of_text[:-1]]
        chunk_starts = start_in_all - np.repeat(text_start_in_all, chunks_per_text)

        tokens_per_chunk = self._first[chunk_ids + 1] - self._first[chunk_ids]
        chunk_of_token = np.repeat(np.arange(len(chunk_ids)), tokens_per_chunk)
        first_token_of_chunk = np.cumsum(tokens_per_chunk) - tokens_per_chunk
        index_in_chunk = np.arange(int(tokens_per_chunk.sum())) - np.repeat(first_token_of_chunk, tokens_per_chunk)
        rows = self._rows[self._first[chunk_ids][chunk_of_token] + index_in_chunk]
        rows[:, IDX_COL] += chunk_starts[chunk_of_token].astype(np.uint64)

        # A space follows each chunk's last token, except in its text's last chunk.
        is_last_chunk_of_text = np.zeros(len(chunk_ids), bool)
        is_last_chunk_of_text[first_chunk_of_text[1:] - 1] = True
        is_last_token_of_chunk = index_in_chunk == tokens_per_chunk[chunk_of_token] - 1
        rows[:, SPACY_COL] = is_last_token_of_chunk & ~is_last_chunk_of_text[chunk_of_token]
        return rows, np.add.reduceat(tokens_per_chunk, first_chunk_of_text[:-1])

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
        chunk_lengths = np.fromiter(map(len, chunks), np.int64, len(chunks))
        chunk_starts = np.concatenate([[0], np.cumsum(chunk_lengths + 1)[:-1]])  # in the joined text
        token_starts = rows[:, IDX_COL].astype(np.int64)
        chunk_of_token = np.searchsorted(chunk_starts, token_starts, side="right") - 1
        # The line breaks between chunks are tokens of their own, starting where their chunk has ended.
        kept = token_starts < chunk_starts[chunk_of_token] + chunk_lengths[chunk_of_token]
        if np.count_nonzero(~kept) != len(chunks) - 1:
            raise RuntimeError("a line break between chunks did not make a token of its own")
        rows, chunk_of_token = rows[kept], chunk_of_token[kept]
        rows[:, IDX_COL] -= chunk_starts[chunk_of_token].astype(np.uint64)
        rows[:, SPACY_COL] = 0
        used = int(self._first[-1])
        while used + len(rows) > len(self._rows):  # grown by doubling, so each row is copied a few times at most
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[used:used + len(rows)] = rows
        first_new_id = len(self._ids)
        self._ids.update(zip(chunks, range(first_new_id, first_new_id + len(chunks))))
        tokens_per_chunk = np.bincount(chunk_of_token, minlength=len(chunks))
        self._first = np.concatenate([self._first, used + np.cumsum(tokens_per_chunk)])
