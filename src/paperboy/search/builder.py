"""Making the next `IndexState` from the current one and some records.

Pure functions of (state, records) -> new state; the current state is never
modified. The documents of each add become a segment of their own, and the
newest segments are merged like a binary counter (two neighbours of about
the same size become one), so an add costs about its own size, segments stay
few (about log2 of the documents added since the build), and a merge into
the large main segment happens only when the recent documents reach half
its size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from paperboy.search.encoder import text_key
from paperboy.search.filters import AuthorTable
from paperboy.search.keys import Keys
from paperboy.search.postings import (
    F64,
    I32,
    I64,
    Postings,
    merge_postings,
    postings_from_blocks,
)
from paperboy.search.records import read_records
from paperboy.search.state import Compounds, DocTable, IndexState, length_stats

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import scipy.sparse as sp

    from paperboy.search.options import IndexOptions
    from paperboy.search.records import DocRecord
    from paperboy.search.vocabulary import Vocabulary

# A segment is merged into the one before it once it holds at least this
# fraction of that one's documents.
MERGE_FRACTION = 0.5


def empty_state(options: IndexOptions) -> IndexState:
    docs = DocTable(
        ids=Keys(),
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
        df=np.zeros(0, dtype=np.int64),
        authors=AuthorTable(),
        compounds=Compounds(),
    )


# Records are read, analysed and let go this many at a time, so that a build
# from a large store never holds more than a chunk of text.
CHUNK = 20_000


def add_documents(
    state: IndexState,
    vocab: Vocabulary,
    records: Iterable[Mapping[str, Any]],
    *,
    forget_tokens: bool = False,
) -> IndexState:
    """The state after adding / updating `records`, as if added one after another.

    `forget_tokens`: let the vocabulary's table of known tokens go once the text is
    read, before the postings are assembled (a build: the table is worth 100 MB at a
    million abstracts, held at the build's peak for nothing)."""
    batch = _Batch(state, vocab)
    chunk: list[Mapping[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            batch.take(read_records(chunk))
            chunk = []
    batch.take(read_records(chunk))
    del chunk
    if forget_tokens:
        vocab.forget_tokens()
    return batch.finish()


class _Batch:
    """New documents, replacements and metadata updates gathered chunk by chunk.

    Documents new in the batch are numbered from the old state's count on;
    a document replaced (text changed), even one new in this batch, is dead.
    """

    def __init__(self, state: IndexState, vocab: Vocabulary) -> None:
        self.state, self.vocab, self.old = state, vocab, state.docs
        self.ids: list[str] = []
        self.where: dict[str, int] = {}  # id -> document, for documents added here
        # Per chunk, as arrays: a million Python ints each cost 30-40 MB more.
        self.dates: list[I32] = []
        self.votes: list[I64] = []
        self.authors_keys: list[npt.NDArray[np.uint64]] = []
        self.text_keys: list[int] = []
        self.lengths: list[I32] = []
        self.blocks: list[sp.csc_matrix] = []
        self.dead: list[int] = []
        self.updates: dict[int, DocRecord] = {}
        self.author_entries: list[tuple[int, tuple[str, ...]]] = []

    def take(self, records: Sequence[DocRecord]) -> None:
        """Add a chunk of records (ids unique within it)."""
        new: list[DocRecord] = []
        first = self.old.n_docs + len(self.ids)
        for rec in records:
            doc = self.where.get(rec.id)
            if doc is None:
                doc = self.old.ids.find(rec.id)
            if doc is not None:
                if self._text_key(doc) == text_key(rec.title, rec.body):
                    self.updates[doc] = rec
                    continue
                self.dead.append(doc)
            self.where[rec.id] = first + len(new)
            new.append(rec)
        if not new:
            return
        encoded = self.vocab.encode_docs(new, self.state.options.title_weight)
        self.ids += [rec.id for rec in new]
        self.dates.append(np.array([rec.date for rec in new], dtype=np.int32))
        self.votes.append(np.array([rec.votes for rec in new], dtype=np.int64))
        self.authors_keys.append(np.array([rec.authors_key for rec in new], dtype=np.uint64))
        self.text_keys += encoded.text_keys.tolist()
        self.lengths.append(encoded.lengths)
        self.blocks += encoded.blocks
        self.author_entries += [(first + i, r.authors) for i, r in enumerate(new) if r.authors]

    def _text_key(self, doc: int) -> int:
        n_old = self.old.n_docs
        return int(self.old.text_key[doc]) if doc < n_old else self.text_keys[doc - n_old]

    def finish(self) -> IndexState:
        state, old = self.state, self.old
        if not self.ids and not self.updates:
            return state
        docs = self._doc_table()
        authors = state.authors.with_authors(self.author_entries)
        compounds = state.compounds.with_entries(self.vocab.take_compounds())
        if not self.ids:
            return IndexState(state.options, docs, state.segments, state.df, authors, compounds)
        n_terms = len(self.vocab)
        df = np.zeros(n_terms, dtype=np.int64)
        df[: state.n_terms] = state.df
        _count_terms(df, self.blocks)
        dead_old = np.array([d for d in self.dead if d < old.n_docs], dtype=np.int64)
        if len(dead_old):
            df -= np.bincount(_terms_of(state, dead_old), minlength=n_terms)
        for terms in self._terms_of_new([d for d in self.dead if d >= old.n_docs]):
            df[terms] -= 1
        # The new documents' lengths decide K(doc), which the segment bounds use.
        _, _, avgdl, norm = length_stats(docs, state.options)
        # The segment consumes the blocks (see `postings_from_blocks`): no other reference.
        blocks, self.blocks = self.blocks, []
        segments = _segments(state, blocks, n_terms=n_terms, norm=norm, avgdl=avgdl)
        return IndexState(state.options, docs, segments, df, authors, compounds)

    def _doc_table(self) -> DocTable:
        old = self.old
        live = np.concatenate((old.live, np.ones(len(self.ids), dtype=np.bool_)))
        live[self.dead] = False
        dates = np.concatenate((old.dates, *self.dates))
        votes = np.concatenate((old.votes, *self.votes))
        authors_key = np.concatenate((old.authors_key, *self.authors_keys))
        for doc, rec in self.updates.items():
            dates[doc] = rec.date
            votes[doc] = rec.votes
            if int(authors_key[doc]) != rec.authors_key:
                authors_key[doc] = rec.authors_key
                self.author_entries.append((doc, rec.authors))
        return DocTable(
            ids=old.ids.with_added(self.ids, self.where),
            length=np.concatenate((old.length, *self.lengths)),
            live=live,
            text_key=np.concatenate((old.text_key, np.array(self.text_keys, dtype=np.uint64))),
            authors_key=authors_key,
            dates=dates,
            votes=votes,
        )

    def _terms_of_new(self, docs: list[int]) -> list[I64]:
        """Term ids of documents added (and already replaced) in this batch."""
        out = []
        first = self.old.n_docs
        for block in self.blocks:
            rows = [d - first for d in docs if first <= d < first + block.shape[0]]
            if rows:
                by_doc = block.tocsr()
                out += [by_doc.indices[by_doc.indptr[r] : by_doc.indptr[r + 1]] for r in rows]
            first += block.shape[0]
        return out


def _count_terms(df: I64, blocks: list[sp.csc_matrix]) -> None:
    """Add each block's documents per term to `df` (in a frame of its own: no block
    stays referenced by a loop variable)."""
    for block in blocks:
        df[: block.shape[1]] += np.diff(block.indptr)


def _segments(
    state: IndexState, blocks: list[sp.csc_matrix], *, n_terms: int, norm: F64, avgdl: float
) -> tuple[Postings, ...]:
    """The segments with the new documents' one added, neighbours merged."""
    base = state.docs.n_docs
    segments = [
        *state.segments,
        postings_from_blocks(blocks, base=base, n_terms=n_terms, norm=norm, avgdl=avgdl),
    ]
    while len(segments) > 1 and segments[-1].n_docs >= MERGE_FRACTION * segments[-2].n_docs:
        merged = merge_postings(segments[-2], segments[-1], norm=norm, avgdl=avgdl)
        segments[-2:] = [merged]
    return tuple(segments)


def _terms_of(state: IndexState, docs: I64) -> I64:
    """The term of every posting of the given documents, all segments (a term once per
    document that has it)."""
    return np.concatenate([seg.docs_terms(docs) for seg in state.segments])
