"""Many texts to term ids at once, with numpy instead of a Python loop per word.

Tokenizing a million abstracts word by word in Python costs about 300 ns a
word (making a str, hashing it, a dict lookup): over a minute for 200M words.
Here each text is cleaned by C-level string operations into space-separated
tokens (lowercase, accents folded, everything that cannot be part of a word
turned into a space), the texts of a batch are joined into one byte buffer,
and numpy finds the tokens and reads each one's bytes as two 64-bit keys. A
token of at most 16 bytes *is* its key pair, so a vectorised open-addressing
table maps tokens to codes exactly, with no hash collisions to worry about;
the rare longer tokens go through a dict. Only tokens never seen before are
analysed in Python, once each, by the same `Tokenizer` the queries use, so
both paths give the same terms (the tests check this).

A token's code is its term id, `STOP` for a stopword, or a negative code
naming the several terms of a hyphenated token.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]

STOP = -1
_MISSING = -2
_FIRST_MULTI = -3  # codes <= this name entries of `multi`

# Lowercase letters, digits and '-' stay, other ASCII bytes become spaces, and
# bytes of non-ASCII characters (UTF-8, all >= 0x80) stay for the analysis of
# their token to sort out.
_BYTE_TABLE = bytes(
    (b if chr(b).isalnum() or chr(b) == "-" else 0x20) if b < 128 else b for b in range(256)
).lower()
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64).view(np.int64)
_SPACE = 0x20
_PAD = 16
# The token table starts with 2**16 slots and doubles whenever it would be over half
# full. (Tests start it smaller, to grow it with a few hundred words.)
FIRST_TABLE_BITS = 16
_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)


def clean(text: str) -> bytes:
    """`text` as UTF-8 with ASCII letters lowercased and every ASCII byte that
    cannot be part of a word turned into a space.

    Folding never turns an ASCII separator into a word character or back, so
    folding and finding the words of each space-separated token gives exactly
    the words of the folded text (`tokenizer.words`); tokens with non-ASCII
    characters are folded when they are analysed, once each.
    """
    return text.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE)


def text_key(title: str, body: str) -> int:
    """What decides a document's terms, as a 64-bit digest: two CRC-32s of the
    cleaned texts (the same `encode` gives for new documents)."""
    return (zlib.crc32(clean(title)) << 32) | zlib.crc32(clean(body))


class TokenCodes:
    """Token bytes -> code, learning unseen tokens through `analyse`.

    `analyse(tokens)` returns the term ids of each (cleaned) token; it sees
    each distinct token once. Not thread-safe: only the index's writer uses it.
    """

    def __init__(self, analyse: Callable[[list[str]], list[tuple[int, ...]]]) -> None:
        self._analyse = analyse
        # Open addressing with linear probing; key1 0 marks an empty slot.
        self._bits = FIRST_TABLE_BITS
        self._k1 = np.zeros(1 << self._bits, dtype=np.int64)
        self._k2 = np.zeros(1 << self._bits, dtype=np.int64)
        self._val = np.zeros(1 << self._bits, dtype=np.int64)
        self._size = 0
        self._long: dict[bytes, int] = {}
        self._multi_lengths: list[int] = []
        self._multi_ids: list[int] = []
        self._multi_table: tuple[I64, I64, I32] | None = None

    def encode(self, texts: Sequence[str]) -> tuple[I32, I32, U32]:
        """(term ids, index of the text each comes from, CRC-32 of each cleaned text).

        Term ids come in reading order, so text indices never decrease.
        """
        parts = [clean(t) for t in texts]
        crcs = np.fromiter(map(zlib.crc32, parts), dtype=np.uint32, count=len(parts))
        buf = b" " + b" ".join(parts) + b" " + b"\x00" * _PAD
        arr = np.frombuffer(buf, dtype=np.uint8)
        spaces = np.flatnonzero(arr[: len(arr) - _PAD] == _SPACE)
        gaps = np.diff(spaces)
        words = np.flatnonzero(gaps > 1)
        starts = spaces[words] + 1
        lens = gaps[words] - 1
        codes = self._codes(buf, starts, lens)
        # Text i starts after the i-th separator of the join: count its tokens.
        text_starts = np.zeros(len(parts), dtype=np.int64)
        np.cumsum(
            np.fromiter((len(p) + 1 for p in parts), np.int64, len(parts))[:-1], out=text_starts[1:]
        )
        per_text = np.diff(np.append(np.searchsorted(starts, text_starts), len(starts)))
        text_of = np.repeat(np.arange(len(parts), dtype=np.int32), per_text)
        ids, text_of = self._expand(codes, text_of)
        return ids, text_of, crcs

    def _codes(self, buf: bytes, starts: I64, lens: I64) -> I64:
        codes = np.full(len(starts), _MISSING, dtype=np.int64)
        long = np.flatnonzero(lens > 2 * 8)
        if len(long):
            codes[long] = self._long_codes(
                [
                    buf[a : a + n]
                    for a, n in zip(starts[long].tolist(), lens[long].tolist(), strict=True)
                ]
            )
        short = np.flatnonzero(lens <= 2 * 8) if len(long) else np.arange(len(starts))
        k1, k2 = _keys(buf, starts[short], lens[short])
        found = self._lookup(k1, k2)
        missing = np.flatnonzero(found == _MISSING)
        if len(missing):
            where = short[missing]
            first = {
                buf[a : a + n]: i
                for i, a, n in zip(
                    missing.tolist(), starts[where].tolist(), lens[where].tolist(), strict=True
                )
            }
            new = np.array(list(first.values()), dtype=np.int64)
            tokens = [t.decode("utf-8", "surrogatepass") for t in first]
            self._insert(k1[new], k2[new], np.array(self._codes_of(tokens), dtype=np.int64))
            found[missing] = self._lookup(k1[missing], k2[missing])
        codes[short] = found
        return codes

    def _long_codes(self, tokens: list[bytes]) -> list[int]:
        new = list(dict.fromkeys(t for t in tokens if t not in self._long))
        if new:
            codes = self._codes_of([t.decode("utf-8", "surrogatepass") for t in new])
            self._long.update(zip(new, codes, strict=True))
        return [self._long[t] for t in tokens]

    def _codes_of(self, tokens: list[str]) -> list[int]:
        out = []
        for ids in self._analyse(tokens):
            if not ids:
                out.append(STOP)
            elif len(ids) == 1:
                out.append(ids[0])
            else:
                out.append(_FIRST_MULTI - len(self._multi_lengths))
                self._multi_lengths.append(len(ids))
                self._multi_ids.extend(ids)
                self._multi_table = None
        return out

    def _multi(self) -> tuple[I64, I64, I32]:
        """(lengths, starts, term ids) of the multi-term tokens, as arrays."""
        if self._multi_table is None:
            lengths = np.array(self._multi_lengths, dtype=np.int64)
            starts = np.zeros(len(lengths), dtype=np.int64)
            np.cumsum(lengths[:-1], out=starts[1:])
            self._multi_table = (lengths, starts, np.array(self._multi_ids, dtype=np.int32))
        return self._multi_table

    def _expand(self, codes: I64, text_of: I32) -> tuple[I32, I32]:
        """Stopwords dropped, multi-term codes replaced by their terms in place."""
        multi_at = np.flatnonzero(codes <= _FIRST_MULTI)
        if not len(multi_at):
            keep = codes >= 0
            return codes[keep].astype(np.int32), text_of[keep]
        lengths, starts, parts = self._multi()
        which = _FIRST_MULTI - codes[multi_at]
        n_parts = lengths[which]
        counts = (codes >= 0).astype(np.int64)
        counts[multi_at] = n_parts
        ids = np.repeat(codes.astype(np.int32), counts)
        # The slots a multi-term token got, filled with its terms.
        first = np.cumsum(counts)[multi_at] - n_parts
        step = np.arange(int(n_parts.sum())) - np.repeat(np.cumsum(n_parts) - n_parts, n_parts)
        ids[np.repeat(first, n_parts) + step] = parts[np.repeat(starts[which], n_parts) + step]
        return ids, np.repeat(text_of, counts)

    def _slots(self, k1: I64, k2: I64) -> I64:
        with np.errstate(over="ignore"):
            mixed = (k1.view(np.uint64) ^ (k2.view(np.uint64) * _MIX2)) * _MIX1
        return (mixed >> np.uint64(64 - self._bits)).astype(np.int64)

    def _lookup(self, k1: I64, k2: I64) -> I64:
        slots = self._slots(k1, k2)
        t1 = self._k1[slots]
        hit = (t1 == k1) & (self._k2[slots] == k2)
        out = np.where(hit, self._val[slots], _MISSING)
        # Probe on while the slot holds another token (rare at load <= 1/2).
        todo = np.flatnonzero(~hit & (t1 != 0))
        mask = len(self._k1) - 1
        while len(todo):
            at = (slots[todo] + 1) & mask
            slots[todo] = at
            t1 = self._k1[at]
            hit = (t1 == k1[todo]) & (self._k2[at] == k2[todo])
            out[todo[hit]] = self._val[at[hit]]
            todo = todo[~hit & (t1 != 0)]
        return out

    def _insert(self, k1: I64, k2: I64, codes: I64) -> None:
        """Add tokens that are not in the table yet (each once), in order."""
        while 2 * (self._size + len(k1)) > len(self._k1):
            self._grow()
        mask = len(self._k1) - 1
        slots = self._slots(k1, k2)
        todo = np.arange(len(k1))
        while len(todo):
            free = self._k1[slots[todo]] == 0
            # Of several tokens wanting the same free slot, the first takes it.
            _, first = np.unique(slots[todo][free], return_index=True)
            placed = todo[free][first]
            at = slots[placed]
            self._k1[at], self._k2[at], self._val[at] = k1[placed], k2[placed], codes[placed]
            waiting = np.ones(len(todo), dtype=np.bool_)
            waiting[np.flatnonzero(free)[first]] = False
            todo = todo[waiting]
            slots[todo] = (slots[todo] + 1) & mask
        self._size += len(k1)

    def _grow(self) -> None:
        used = np.flatnonzero(self._k1 != 0)
        k1, k2, val = self._k1[used], self._k2[used], self._val[used]
        self._bits += 1
        self._k1 = np.zeros(1 << self._bits, dtype=np.int64)
        self._k2 = np.zeros(1 << self._bits, dtype=np.int64)
        self._val = np.zeros(1 << self._bits, dtype=np.int64)
        self._size = 0
        self._insert(k1, k2, val)


def _keys(buf: bytes, starts: I64, lens: I64) -> tuple[I64, I64]:
    """Each token's first and next 8 bytes as little-endian integers, zero-padded."""
    words = np.ndarray(shape=(len(buf) - 7,), dtype="<i8", buffer=buf, strides=(1,))
    k1 = words[starts] & _MASKS[np.minimum(lens, 8)]
    k2 = np.zeros(len(starts), dtype=np.int64)
    longer = np.flatnonzero(lens > 8)
    if len(longer):
        k2[longer] = words[starts[longer] + 8] & _MASKS[lens[longer] - 8]
    return k1, k2
