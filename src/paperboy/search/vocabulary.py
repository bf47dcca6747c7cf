"""Terms <-> term ids, and text -> term ids for documents and queries.

The vocabulary only grows: a term keeps its id for the life of the index
(a term whose documents all went away simply has df 0). Only the thread
that writes the index assigns ids; searches only look terms up, and ignore
ids that the state they read does not know yet (`id < state.n_terms`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from paperboy.search.tokenizer import Tokenizer, words

if TYPE_CHECKING:
    from paperboy.search.postings import I32

_WORD_CACHE_LIMIT = 1_000_000


class Vocabulary:
    """The term ids of an index and the analysis of document text into them."""

    def __init__(self, tokenizer: Tokenizer, terms: list[str] | None = None) -> None:
        self.tokenizer = tokenizer
        self.terms: list[str] = terms if terms is not None else []
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.terms)}
        # folded word -> its term ids; saves tokenizing and stemming a word twice.
        self._word_ids: dict[str, tuple[int, ...]] = {}
        # hyphenated compounds met since the last `take_compounds`: joined -> parts.
        self._compounds: dict[int, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.terms)

    def id_of(self, term: str) -> int:
        """The id of `term`, assigned if new (writer only)."""
        tid = self.ids.get(term)
        if tid is None:
            tid = len(self.terms)
            self.terms.append(term)
            self.ids[term] = tid
        return tid

    def text_ids(self, text: str) -> list[int]:
        """The term ids of a document text, in order, with repeats (writer only)."""
        cache = self._word_ids
        out: list[int] = []
        for word in words(text):
            ids = cache.get(word)
            if ids is None:
                ids = self._learn(word)
            out += ids
        return out

    def doc_ids(self, title: str, abstract: str, title_weight: int) -> I32:
        """A document's token list as term ids: title repeated, then abstract."""
        ids = self.text_ids(title) * title_weight + self.text_ids(abstract)
        return np.array(ids, dtype=np.int32)

    def take_compounds(self) -> dict[int, tuple[int, ...]]:
        found, self._compounds = self._compounds, {}
        return found

    def query_counts(self, tokens: list[str], n_terms: int) -> Counter[int]:
        """term id -> count for query tokens known to a state with `n_terms` terms."""
        counts: Counter[int] = Counter()
        for token in tokens:
            tid = self.ids.get(token)
            if tid is not None and tid < n_terms:
                counts[tid] += 1
        return counts

    def _learn(self, word: str) -> tuple[int, ...]:
        ids = tuple(self.id_of(t) for t in self.tokenizer.word_terms(word))
        compound = self.tokenizer.compound_parts(word)
        if compound is not None:
            joined, parts = compound
            self._compounds[self.id_of(joined)] = tuple(self.id_of(p) for p in parts)
        if len(self._word_ids) >= _WORD_CACHE_LIMIT:
            self._word_ids.clear()
        self._word_ids[word] = ids
        return ids
