"""Per-document conditions a search can be restricted to, evaluated inside the index.

`DocFilter` is what callers build (from `since:`, `until:`, `author:`,
`votes:` in a query). The index keeps dates and upvotes as arrays and author
names in an `AuthorTable`, so a filter becomes a boolean mask over documents
without touching the store; the scorer then only ranks documents the mask
allows, which keeps the top-k exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from paperboy.search.tokenizer import fold

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_NAME_WORD_RE = re.compile(r"[^\W_]+")
# Dates are kept as proleptic Gregorian ordinals; 0 means "no date".
NO_DATE = 0


@dataclass(frozen=True, slots=True)
class DocFilter:
    """Conditions on a document's metadata; all are ANDed, None/() means none.

    `since`/`until` are inclusive and exclude documents without a date.
    Each entry of `authors` must match one author of the document: every word
    of the entry (case- and accent-insensitive) is a word of that one
    author's name, so "yang" and "linyi yang" both match "Linyi Yang".
    `min_votes`/`max_votes` are inclusive bounds on upvotes.
    """

    since: date | None = None
    until: date | None = None
    authors: tuple[str, ...] = ()
    min_votes: int | None = None
    max_votes: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == DocFilter()


def name_words(name: str) -> list[str]:
    """The folded words of a person's name ("Jean-Pierre Dupré" -> jean, pierre, dupre)."""
    return _NAME_WORD_RE.findall(fold(name))


@dataclass(frozen=True, slots=True)
class _AuthorChunk:
    """Author names of some documents, one slot per (document, author).

    `text` holds every slot as b" word word " back to back, so a whole-word
    match is a plain substring search for b" word ". `starts[i]` is where
    slot i begins; `docs[i]` its document, or -1 once superseded. A loaded
    index's `text` is a view of its mapped file (a memoryview), not a copy.
    """

    text: bytes | memoryview
    starts: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int32]

    @classmethod
    def of(cls, entries: Sequence[tuple[int, Sequence[str]]]) -> _AuthorChunk:
        pieces: list[bytes] = []
        starts: list[int] = []
        docs: list[int] = []
        offset = 0
        for doc, names in entries:
            for name in names:
                piece = (" " + " ".join(name_words(name)) + " ").encode()
                starts.append(offset)
                docs.append(doc)
                pieces.append(piece)
                offset += len(piece)
        return cls(
            b"".join(pieces), np.array(starts, dtype=np.int64), np.array(docs, dtype=np.int32)
        )

    def slots_with_word(self, word: str) -> npt.NDArray[np.int64]:
        needle = re.compile(re.escape((" " + word + " ").encode()))
        positions = np.fromiter((m.start() for m in needle.finditer(self.text)), dtype=np.int64)
        return np.searchsorted(self.starts, positions, side="right") - 1

    def docs_matching(self, words: Sequence[str]) -> npt.NDArray[np.int32]:
        slots = self.slots_with_word(words[0])
        for word in words[1:]:
            if not len(slots):
                break
            slots = np.intersect1d(slots, self.slots_with_word(word), assume_unique=False)
        found = self.docs[slots]
        return found[found >= 0]


@dataclass(frozen=True, slots=True)
class AuthorTable:
    """Author names of every document, searchable by whole words.

    Immutable: `with_authors` returns a new table that shares the unchanged
    chunks, so a search holding the old table keeps a consistent view.
    """

    chunks: tuple[_AuthorChunk, ...] = ()

    def with_authors(self, entries: Sequence[tuple[int, Sequence[str]]]) -> AuthorTable:
        """A table where each given document's authors are replaced by the given names."""
        if not entries:
            return self
        replaced = np.array([doc for doc, _ in entries], dtype=np.int32)
        chunks = []
        for chunk in self.chunks:
            stale = np.isin(chunk.docs, replaced)
            if stale.any():
                docs = chunk.docs.copy()
                docs[stale] = -1
                chunk = _AuthorChunk(chunk.text, chunk.starts, docs)
            chunks.append(chunk)
        chunks.append(_AuthorChunk.of(entries))
        if len(chunks) > 8:
            # The newer chunks are merged among themselves; the first (a loaded index's,
            # shared with other processes through its mapped file) only once they weigh
            # half as much as it.
            first, rest = chunks[0], _merge(chunks[1:])
            big = len(rest.docs) * 2 >= len(first.docs)
            chunks = [_merge([first, rest])] if big else [first, rest]
        return AuthorTable(tuple(chunks))

    def docs_matching(self, entry: str) -> npt.NDArray[np.int32]:
        """Documents with one author whose name has every word of `entry`."""
        words = name_words(entry)
        if not words:
            return np.zeros(0, dtype=np.int32)
        found = [chunk.docs_matching(words) for chunk in self.chunks]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int32)

    def arrays(self) -> tuple[bytes | memoryview, npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """The whole table as one chunk (for saving)."""
        merged = _merge(list(self.chunks)) if self.chunks else _AuthorChunk.of([])
        return merged.text, merged.starts, merged.docs

    @classmethod
    def from_arrays(
        cls,
        text: bytes | memoryview,
        starts: npt.NDArray[np.int64],
        docs: npt.NDArray[np.int32],
    ) -> AuthorTable:
        return cls((_AuthorChunk(text, starts, docs),))


def _merge(chunks: Iterable[_AuthorChunk]) -> _AuthorChunk:
    texts: list[bytes | memoryview] = []
    starts: list[npt.NDArray[np.int64]] = []
    docs: list[npt.NDArray[np.int32]] = []
    offset = 0
    for chunk in chunks:
        live = chunk.docs >= 0
        ends = np.append(chunk.starts[1:], len(chunk.text))
        for start, end in zip(chunk.starts[live].tolist(), ends[live].tolist(), strict=True):
            texts.append(chunk.text[start:end])
        lengths = (ends - chunk.starts)[live]
        starts.append(offset + np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64))
        offset += int(lengths.sum())
        docs.append(chunk.docs[live])
    return _AuthorChunk(
        b"".join(texts),
        np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64),
        np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
    )


def date_ordinal(value: object) -> int:
    """A record's date as an ordinal (`NO_DATE` when absent or unreadable)."""
    if isinstance(value, date):  # datetime is a date too
        return (
            value.toordinal()
            if type(value) is date
            else date(value.year, value.month, value.day).toordinal()
        )
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10]).toordinal()
        except ValueError:
            return NO_DATE
    return NO_DATE


def filter_mask(
    where: DocFilter,
    *,
    dates: npt.NDArray[np.int32],
    votes: IntArray,
    authors: AuthorTable,
) -> BoolArray:
    """Documents (by internal number) that satisfy every condition of `where`."""
    mask = np.ones(len(dates), dtype=np.bool_)
    if where.since is not None:
        mask &= dates >= where.since.toordinal()
    if where.until is not None:
        mask &= (dates <= where.until.toordinal()) & (dates != NO_DATE)
    if where.min_votes is not None:
        mask &= votes >= where.min_votes
    if where.max_votes is not None:
        mask &= votes <= where.max_votes
    for entry in where.authors:
        hit = np.zeros(len(dates), dtype=np.bool_)
        found = authors.docs_matching(entry)
        hit[found[found < len(dates)]] = True
        mask &= hit
    return mask
