"""Making the next `IndexState` from the current one and some records.

Pure functions of (state, records) -> new state; the current state is never
modified. New documents go into a small tail segment that is rebuilt on each
add (cheap: it is small); when the tail grows past a fraction of the main
segment the two are merged, so the per-add cost stays proportional to the
batch, not to the corpus, except for that occasional merge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from paperboy.search.encoder import text_key
from paperboy.search.filters import AuthorTable
from paperboy.search.postings import (
    I64,
    Postings,
    merge_postings,
    postings_from_blocks,
)
from paperboy.search.state import Compounds, DocTable, IndexState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paperboy.search.options import IndexOptions
    from paperboy.search.records import DocRecord
    from paperboy.search.vocabulary import EncodedDocs, Vocabulary

# The tail is merged into the main segment once it holds more documents than
# this many, and more than 1/TAIL_FRACTION of the main segment's.
TAIL_MIN_DOCS = 20_000
TAIL_FRACTION = 8


def empty_state(options: IndexOptions) -> IndexState:
    docs = DocTable(
        ids=[],
        id_to_doc={},
        length=np.zeros(0, dtype=np.int32),
        live=np.zeros(0, dtype=np.bool_),
        text_key=np.zeros(0, dtype=np.uint64),
        authors_key=np.zeros(0, dtype=np.uint64),
        dates=np.zeros(0, dtype=np.int32),
        votes=np.zeros(0, dtype=np.int64),
    )
    return IndexState(
        options=options,
        docs=docs,
        segments=(),
        tail=None,
        df=np.zeros(0, dtype=np.int64),
        authors=AuthorTable(),
        compounds=Compounds(),
    )


def add_documents(state: IndexState, vocab: Vocabulary, records: Sequence[DocRecord]) -> IndexState:
    """The state after adding / updating `records` (ids unique among them)."""
    old = state.docs
    new: list[DocRecord] = []
    replaced: list[int] = []
    updated: list[tuple[int, DocRecord]] = []
    for rec in records:
        doc = old.id_to_doc.get(rec.id)
        if doc is None:
            new.append(rec)
        elif int(old.text_key[doc]) != text_key(rec.title, rec.abstract):
            replaced.append(doc)
            new.append(rec)
        else:
            updated.append((doc, rec))

    weight = state.options.title_weight
    encoded = vocab.encode_docs(new, weight)
    blocks = encoded.blocks
    n_terms = len(vocab)
    docs = _doc_table(old, new, replaced, updated, encoded)
    author_entries = [(old.n_docs + i, r.authors) for i, r in enumerate(new)] + [
        (doc, r.authors) for doc, r in updated if int(old.authors_key[doc]) != r.authors_key
    ]
    authors = state.authors.with_authors(author_entries)
    compounds = state.compounds.with_entries(vocab.take_compounds())
    if not new and not replaced:
        return IndexState(
            state.options, docs, state.segments, state.tail, state.df, authors, compounds
        )

    df = np.zeros(n_terms, dtype=np.int64)
    df[: state.n_terms] = state.df
    for block in blocks:
        df[: block.shape[1]] += np.diff(block.indptr)
    if replaced:
        _, dead_terms, _ = _postings_of(state, np.array(replaced, dtype=np.int64))
        df -= np.bincount(dead_terms, minlength=n_terms)

    # Statistics of the new state decide K(doc), which the segment bounds use.
    draft = IndexState(state.options, docs, (), None, df, authors, compounds)
    segments, tail = _segments(state, blocks, draft)
    return IndexState(state.options, docs, segments, tail, df, authors, compounds)


def _doc_table(
    old: DocTable,
    new: Sequence[DocRecord],
    replaced: Sequence[int],
    updated: Sequence[tuple[int, DocRecord]],
    encoded: EncodedDocs,
) -> DocTable:
    ids = old.ids + [r.id for r in new]
    id_to_doc = dict(old.id_to_doc)
    for i, rec in enumerate(new):
        id_to_doc[rec.id] = old.n_docs + i
    live = np.concatenate((old.live, np.ones(len(new), dtype=np.bool_)))
    live[list(replaced)] = False
    dates = np.concatenate((old.dates, np.array([r.date for r in new], dtype=np.int32)))
    votes = np.concatenate((old.votes, np.array([r.votes for r in new], dtype=np.int64)))
    authors_key = np.concatenate(
        (old.authors_key, np.array([r.authors_key for r in new], dtype=np.uint64))
    )
    for doc, rec in updated:
        dates[doc] = rec.date
        votes[doc] = rec.votes
        authors_key[doc] = rec.authors_key
    return DocTable(
        ids=ids,
        id_to_doc=id_to_doc,
        length=np.concatenate((old.length, encoded.lengths)),
        live=live,
        text_key=np.concatenate((old.text_key, encoded.text_keys)),
        authors_key=authors_key,
        dates=dates,
        votes=votes,
    )


def _segments(
    state: IndexState, blocks: list[sp.csc_matrix], draft: IndexState
) -> tuple[tuple[Postings, ...], sp.csr_matrix | None]:
    """Main segment plus a rebuilt tail holding the new documents."""
    n_terms, norm, avgdl = draft.n_terms, draft.norm, draft.avgdl
    if not state.segments:
        main = postings_from_blocks(blocks, base=0, n_terms=n_terms, norm=norm, avgdl=avgdl)
        return (main,), None
    main = state.segments[0]
    tail_base = main.base + main.n_docs
    old_tail = [state.tail] if state.tail is not None else []
    tail_docs = sum(b.shape[0] for b in old_tail + blocks)
    if tail_docs > max(TAIL_MIN_DOCS, main.n_docs // TAIL_FRACTION):
        parts = [t.tocsc() for t in old_tail] + blocks
        tail = postings_from_blocks(parts, base=tail_base, n_terms=n_terms, norm=norm, avgdl=avgdl)
        return (merge_postings(main, tail, norm=norm, avgdl=avgdl),), None
    matrix = sp.vstack([_widen(b.tocsr(), n_terms) for b in old_tail + blocks], format="csr")
    by_term = matrix.tocsc()
    by_term.sort_indices()
    tail = postings_from_blocks([by_term], base=tail_base, n_terms=n_terms, norm=norm, avgdl=avgdl)
    return (main, tail), matrix


def _widen(matrix: sp.csr_matrix, n_terms: int) -> sp.csr_matrix:
    return sp.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], n_terms)
    )


def _postings_of(state: IndexState, docs: I64) -> tuple[I64, I64, np.ndarray]:
    """(doc, term, tf) of every posting of the given documents, all segments."""
    found = [seg.docs_terms(docs) for seg in state.segments]
    return (
        np.concatenate([f[0] for f in found]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] for f in found]),
    )
