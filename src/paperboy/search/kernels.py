"""The inner loops of scoring, compiled (numba): one pass over a list each.

At a million abstracts a query reads some 100k postings; in numpy each step
(gather the tf factor, scale, find the repeats, scatter into the scores) is a
pass of its own over scattered memory, and those passes were most of a
query's time. Here each posting is read once.

`scatter_add` and `gather_add` compute a posting's contribution with the
same operations, in the same order, as rank_bm25: for tf 1,
tf1_of[code[doc]] * weight (tf1_of[dl] = (k1 + 1) / (1 + K(dl)), see `IndexState`);
otherwise weight * (tf * (k1 + 1) / (tf + norm_of[code[doc]])), where code[doc] is
the document's length: the two tables are small enough to stay in cache.
They release the GIL, so two searches in worker threads run side by side.
Compiled code is cached on disk (numba's cache) so a restart does not pay
for compilation again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from paperboy.search.checksum import checksum
from paperboy.search.keys import hash_all


def _scatter_add(
    acc: Any, docs: Any, tfs: Any, code: Any, tf1_of: Any, norm_of: Any, weight: float, k1p1: float
) -> None:
    for i in range(len(docs)):
        doc = docs[i]
        tf = tfs[i]
        if tf == 1:
            acc[doc] += tf1_of[code[doc]] * weight
        else:
            t = np.float64(tf)
            acc[doc] += weight * (t * k1p1 / (t + norm_of[code[doc]]))


def _gather_add(
    out: Any,
    cands: Any,
    docs: Any,
    tfs: Any,
    code: Any,
    tf1_of: Any,
    norm_of: Any,
    weight: float,
    k1p1: float,
) -> None:
    # Both `cands` and `docs` ascend: each binary search starts where the last ended.
    lo = 0
    n = len(docs)
    for i in range(len(cands)):
        doc = cands[i]
        hi = n
        while lo < hi:
            mid = (lo + hi) >> 1
            if docs[mid] < doc:
                lo = mid + 1
            else:
                hi = mid
        if lo == n:
            return
        if docs[lo] == doc:
            tf = tfs[lo]
            if tf == 1:
                out[i] += tf1_of[code[doc]] * weight
            else:
                t = np.float64(tf)
                out[i] += weight * (t * k1p1 / (t + norm_of[code[doc]]))


def _zero(acc: Any, docs: Any) -> None:
    for i in range(len(docs)):
        acc[docs[i]] = 0.0


def _pick(acc: Any, docs: Any, cut: float, out: Any, n: int) -> int:
    # A document taken is marked (its score negated, below any positive cut)
    # so that another list holding it skips it; `_unmark` restores the scores.
    for i in range(len(docs)):
        doc = docs[i]
        value = acc[doc]
        if value >= cut:
            out[n] = doc
            n += 1
            acc[doc] = -value
    return n


def _unmark(acc: Any, docs: Any) -> None:
    for i in range(len(docs)):
        acc[docs[i]] = -acc[docs[i]]


_compile = numba.njit(cache=True, nogil=True)

# acc[doc] += contribution, for every posting of one list (docs unique).
scatter_add: Callable[..., None] = _compile(_scatter_add)
# out[i] += contribution of cands[i], for the candidates the list holds.
gather_add: Callable[..., None] = _compile(_gather_add)
# acc[doc] = 0 for every doc of a list.
zero: Callable[..., None] = _compile(_zero)
# Appends to out[n:] the documents of a list scoring at least `cut` (> 0),
# each once across lists; returns the new n. `unmark` undoes the marks.
pick: Callable[..., int] = _compile(_pick)
unmark: Callable[..., None] = _compile(_unmark)


def warm_up() -> None:
    """Compile, or load from numba's cache, every signature scoring (and checking a
    saved index) uses, so the first search after a start does not wait for the
    compiler."""
    checksum(np.zeros(9, dtype=np.uint8))
    hash_all(np.zeros(2, dtype=np.uint8), np.array([0, 2], dtype=np.int64))
    acc = np.zeros(4)
    table = np.ones(4)
    lists = np.array([1, 2], dtype=np.int32)
    for code in (np.zeros(4, dtype=np.uint16), np.zeros(4, dtype=np.int32)):
        for tfs in (np.array([1, 2], dtype=np.uint16), np.array([1, 2], dtype=np.uint32)):
            scatter_add(acc, lists, tfs, code, table, table, 1.0, 2.0)
            for cands in (lists, lists.astype(np.int64)):
                gather_add(np.zeros(2), cands, lists, tfs, code, table, table, 1.0, 2.0)
    zero(acc, lists)
    picked = np.zeros(2, dtype=np.int64)
    pick(acc, lists, 1.0, picked, 0)
    unmark(acc, picked)
