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

from paperboy.search.filters import AuthorTable
from paperboy.search.postings import (
    I64,
    Postings,
    build_postings,
    forward_matrix,
    merge_postings,
)
from paperboy.search.state import Compounds, DocTable, IndexState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paperboy.search.options import IndexOptions
    from paperboy.search.records import DocRecord
    from paperboy.search.vocabulary import Vocabulary

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
        elif int(old.text_key[doc]) != rec.text_key:
            replaced.append(doc)
            new.append(rec)
        else:
            updated.append((doc, rec))

    weight = state.options.title_weight
    term_ids = [vocab.doc_ids(r.title, r.abstract, weight) for r in new]
    n_terms = len(vocab)
    docs = _doc_table(old, new, replaced, updated, term_ids)
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
    fresh = forward_matrix(term_ids, n_terms)
    df += np.bincount(fresh.indices, minlength=n_terms)
    if replaced:
        _, dead_terms, _ = _postings_of(state, np.array(replaced, dtype=np.int64))
        df -= np.bincount(dead_terms, minlength=n_terms)

    # Statistics of the new state decide K(doc), which the segment bounds use.
    draft = IndexState(state.options, docs, (), None, df, authors, compounds)
    segments, tail = _segments(state, fresh, draft)
    return IndexState(state.options, docs, segments, tail, df, authors, compounds)


def _doc_table(
    old: DocTable,
    new: Sequence[DocRecord],
    replaced: Sequence[int],
    updated: Sequence[tuple[int, DocRecord]],
    term_ids: Sequence[np.ndarray],
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
        length=np.concatenate((old.length, np.array([len(t) for t in term_ids], dtype=np.int32))),
        live=live,
        text_key=np.concatenate(
            (old.text_key, np.array([r.text_key for r in new], dtype=np.uint64))
        ),
        authors_key=authors_key,
        dates=dates,
        votes=votes,
    )


def _segments(
    state: IndexState, fresh: sp.csr_matrix, draft: IndexState
) -> tuple[tuple[Postings, ...], sp.csr_matrix | None]:
    """Main segment plus a rebuilt tail holding the new documents."""
    n_terms = fresh.shape[1]
    norm, avgdl = draft.norm, draft.avgdl
    segments = state.segments
    if not segments:
        return (build_postings(fresh, base=0, norm=norm, avgdl=avgdl),), None
    main = segments[0]
    if state.tail is not None:
        tail = sp.vstack([_widen(state.tail, n_terms), fresh], format="csr")
        tail_base = segments[-1].base
    else:
        tail, tail_base = fresh, main.base + main.n_docs
    if tail.shape[0] > max(TAIL_MIN_DOCS, main.n_docs // TAIL_FRACTION):
        tail_postings = build_postings(tail, base=tail_base, norm=norm, avgdl=avgdl)
        return (merge_postings(main, tail_postings, norm=norm, avgdl=avgdl),), None
    return (main, build_postings(tail, base=tail_base, norm=norm, avgdl=avgdl)), tail


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
