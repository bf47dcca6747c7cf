"""Strings and their numbers in flat arrays, which a saved index maps from its file.

A million paper ids and a million terms as Python strings with dicts to find
them cost about a second to build at every load and some 300 MB in every
process. A `KeyTable` keeps them as they are saved instead: the strings
back to back in UTF-8 (`text`, string i at `starts[i]:starts[i + 1]`), and
their 64-bit FNV-1a hashes, sorted (`hashes`), beside the number each
belongs to (`numbers`). Finding a string is a binary search and a compare;
nothing is built at load, and processes that load one file share it all.

`Keys` is what an index uses: a table loaded from the file plus the strings
added since, in a list and a dict (a new build has only those).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1


# Compiled by numba, which cannot compile mutmut's trampoline: not mutated.
# pragma: no mutate start
def _hash_all(text: Any, starts: Any, out: Any, offset: Any, prime: Any) -> None:
    for i in range(len(starts) - 1):
        h = offset
        for j in range(starts[i], starts[i + 1]):
            h = (h ^ np.uint64(text[j])) * prime
        out[i] = h


# pragma: no mutate end


_hash_compiled: Callable[..., None] = numba.njit(cache=True, nogil=True)(_hash_all)


def hash_all(text: U8, starts: I64) -> U64:
    """The FNV-1a hash of every string of `text` cut at `starts`."""
    out = np.empty(max(len(starts) - 1, 0), dtype=np.uint64)
    _hash_compiled(text, starts, out, np.uint64(_FNV_OFFSET), np.uint64(_FNV_PRIME))
    return out


def hash_one(data: bytes) -> int:
    """The same hash of one string's bytes (for a lookup: no compiled call)."""
    h = _FNV_OFFSET
    for byte in data:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h


def _encode(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class KeyTable:
    """Strings 0..n-1 and a sorted hash index of those that can be found (see module)."""

    text: U8 = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    starts: I64 = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    hashes: U64 = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    numbers: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def extended(
        self, keys: Sequence[str], *, findable: npt.NDArray[np.bool_] | None = None
    ) -> KeyTable:
        """This table's strings then `keys`, findable where `findable` says (all: None).
        A findable key must not be findable twice."""
        encoded = [_encode(key) for key in keys]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        starts = np.concatenate((self.starts, self.starts[-1] + np.cumsum(lengths)))
        text = np.concatenate((self.text, np.frombuffer(b"".join(encoded), dtype=np.uint8)))
        numbers = np.arange(len(starts) - 1, dtype=np.int64)
        if findable is not None:
            numbers = numbers[findable[: len(numbers)]]
        hashes = hash_all(text, starts)[numbers]
        order = np.argsort(hashes, kind="stable")
        return KeyTable(text, starts, hashes[order], numbers[order])

    def __len__(self) -> int:
        return len(self.starts) - 1

    def key(self, number: int) -> str:
        raw = self.text[int(self.starts[number]) : int(self.starts[number + 1])]
        return raw.tobytes().decode("utf-8", "surrogatepass")

    def find(self, key: str) -> int | None:
        """The number of `key`, if it is findable here."""
        data = _encode(key)
        h = np.uint64(hash_one(data))
        i = int(np.searchsorted(self.hashes, h))
        while i < len(self.hashes) and self.hashes[i] == h:
            number = int(self.numbers[i])
            if self.text[int(self.starts[number]) : int(self.starts[number + 1])].tobytes() == data:
                return number
            i += 1
        return None


class Keys:
    """Strings numbered 0..n-1: a loaded table's, then those added since.

    Immutable where shared: `with_added` returns new `Keys` sharing the table and
    copying only the strings added since the load, so a reader holding the old one
    keeps a consistent view. `find` gives a string's current number: the latest
    added wins over the table's.
    """

    def __init__(
        self,
        table: KeyTable | None = None,
        added: list[str] | None = None,
        added_numbers: dict[str, int] | None = None,
    ) -> None:
        self.table = table if table is not None else KeyTable()
        self._n_table = len(self.table)
        self._added = added if added is not None else []
        self._numbers = added_numbers if added_numbers is not None else {}

    def __len__(self) -> int:
        return self._n_table + len(self._added)

    def __getitem__(self, number: int) -> str:
        if number >= self._n_table:
            return self._added[number - self._n_table]
        return self.table.key(number)

    def find(self, key: str) -> int | None:
        number = self._numbers.get(key)
        if number is not None or not self._n_table:
            return number
        return self.table.find(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.find(key) is not None

    def with_added(self, keys: list[str], numbers: dict[str, int]) -> Keys:
        """New `Keys` with `keys` appended and `numbers` (key -> number, for keys new
        or moved to a new number) applied. Takes `keys` and `numbers` over: the caller
        must not change them after (a build of a million papers hands them over
        instead of copying them)."""
        added = self._added + keys if self._added else keys
        if self._numbers:
            found = dict(self._numbers)
            found.update(numbers)
        else:
            found = numbers
        return Keys(self.table, added, found)

    def append(self, key: str) -> int:
        """Add a string in place (a vocabulary's writer only: readers ignore numbers
        their state does not know yet); returns its number."""
        number = len(self)
        self._added.append(key)
        self._numbers[key] = number
        return number

    def table_of(self, n: int, *, findable: npt.NDArray[np.bool_] | None = None) -> KeyTable:
        """The first `n` strings (at least the loaded table's) as one table, for saving."""
        if n == self._n_table and findable is None:
            return self.table
        return self.table.extended(self._added[: n - self._n_table], findable=findable)
