"""Terms <-> term ids, and text -> term ids for documents and queries.

The vocabulary only grows: a term keeps its id for the life of the index
(a term whose documents all went away simply has df 0). Only the thread
that writes the index assigns ids; searches only look terms up, and ignore
ids that the state they read does not know yet (`id < state.n_terms`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from paperboy.search.encoder import TokenCodes
from paperboy.search.keys import Keys, KeyTable
from paperboy.search.tokenizer import Tokenizer, words

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paperboy.search.postings import I32
    from paperboy.search.records import DocRecord

# Documents per matrix block, and per call of the batch encoder (a few MB of text).
_MATRIX_ROWS = 20_000
_ENCODE_DOCS = 2_000


class Vocabulary:
    """The term ids of an index and the analysis of document text into them.

    A loaded index's terms stay in its file (`KeyTable`); terms met since are added
    after them."""

    def __init__(self, tokenizer: Tokenizer, table: KeyTable | None = None) -> None:
        self.tokenizer = tokenizer
        self._keys = Keys(table)
        self._codes = TokenCodes(self._tokens_ids)
        # hyphenated compounds met since the last `take_compounds`: joined -> parts.
        self._compounds: dict[int, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def id_of(self, term: str) -> int:
        """The id of `term`, assigned if new (writer only)."""
        tid = self._keys.find(term)
        return self._keys.append(term) if tid is None else tid

    def find(self, term: str) -> int | None:
        """The id of `term`, if it has one (any thread)."""
        return self._keys.find(term)

    def term(self, tid: int) -> str:
        return self._keys[tid]

    def table(self, n_terms: int) -> KeyTable:
        """The first `n_terms` terms, for saving."""
        return self._keys.table_of(n_terms)

    def encode_docs(self, docs: Sequence[DocRecord], title_weight: int) -> EncodedDocs:
        """The documents' term frequencies, lengths and text keys (writer only).

        A document's token list is its title's tokens `title_weight` times,
        then its body's tokens (abstract, then authors); only the counts
        matter, so a title token simply counts `title_weight` times.
        """
        blocks, lengths, keys = [], [], []
        for lo in range(0, len(docs), _MATRIX_ROWS):
            chunk = docs[lo : lo + _MATRIX_ROWS]
            rows, cols, data = [], [], []
            for start in range(0, len(chunk), _ENCODE_DOCS):
                part = chunk[start : start + _ENCODE_DOCS]
                # Body and title of each document side by side: text 2i and 2i+1.
                texts = [text for d in part for text in (d.body, d.title)]
                ids, text_of, crcs = self._codes.encode(texts)
                is_title = (text_of & 1).astype(np.bool_)
                rows.append((text_of >> 1) + start)
                cols.append(ids)
                data.append(np.where(is_title, title_weight, 1).astype(np.uint32))
                keys.append((crcs[1::2].astype(np.uint64) << 32) | crcs[::2])
            block = _by_term(rows, cols, data, len(chunk))
            blocks.append(block)
            lengths.append(_lengths(block, len(chunk)))
        return EncodedDocs(
            blocks=blocks,
            lengths=np.concatenate([np.zeros(0, dtype=np.int32), *lengths]),
            text_keys=np.concatenate([np.zeros(0, dtype=np.uint64), *keys]),
        )

    def forget_tokens(self) -> None:
        """Drop the table of known tokens (a memory/speed trade; ids stay)."""
        self._codes = TokenCodes(self._tokens_ids)

    def take_compounds(self) -> dict[int, tuple[int, ...]]:
        found, self._compounds = self._compounds, {}
        return found

    def query_counts(self, tokens: list[str], n_terms: int) -> Counter[int]:
        """term id -> count for query tokens known to a state with `n_terms` terms."""
        counts: Counter[int] = Counter()
        for token in tokens:
            tid = self._keys.find(token)
            if tid is not None and tid < n_terms:
                counts[tid] += 1
        return counts

    def _tokens_ids(self, tokens: list[str]) -> list[tuple[int, ...]]:
        """Term ids of cleaned tokens (each distinct token is analysed once)."""
        id_of = self.id_of
        out = [tuple(map(id_of, terms)) for terms in self.tokenizer.token_terms(tokens)]
        for token in tokens:
            if token.isascii() and token.isalnum():
                continue
            for word in words(token):
                compound = self.tokenizer.compound_parts(word)
                if compound is not None:
                    joined, parts = compound
                    self._compounds[id_of(joined)] = tuple(map(id_of, parts))
        return out


@dataclass(frozen=True, slots=True)
class EncodedDocs:
    """Documents as the index takes them.

    `blocks` are documents x terms matrices of term frequencies in CSC form
    (term-major, documents ascending within a term), consecutive blocks of
    documents, each as wide as the vocabulary was when it was made.
    """

    blocks: list[sp.csc_matrix]
    lengths: I32
    text_keys: npt.NDArray[np.uint64]


def _by_term(
    rows: list[I32], cols: list[I32], data: list[npt.NDArray[np.uint32]], n_docs: int
) -> sp.csc_matrix:
    """Term-major matrix with duplicate (doc, term) entries summed."""
    col = np.concatenate(cols)  # one array a part of the chunk: never none
    n_terms = int(col.max()) + 1 if len(col) else 0
    # Rows arrive in ascending order, so the conversion's counting sort by term
    # leaves each term's documents sorted and summing duplicates is one pass.
    matrix = sp.csc_matrix(
        (np.concatenate(data), (np.concatenate(rows), col)), shape=(n_docs, n_terms)
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    # Blocks wait in memory until the whole build is assembled: keep them small.
    if matrix.nnz and int(matrix.data.max()) <= np.iinfo(np.uint16).max:
        matrix.data = matrix.data.astype(np.uint16)
    return matrix


def _lengths(block: sp.csc_matrix, n_docs: int) -> I32:
    """Each document's length: the sum of its term frequencies."""
    return np.bincount(block.indices, weights=block.data, minlength=n_docs).astype(np.int32)
