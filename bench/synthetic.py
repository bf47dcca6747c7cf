"""A seeded synthetic corpus of abstracts that grows like a real one.

Words are drawn from a Zipf distribution (exponent 1.1, about what SciFact
shows between ranks 10 and 10,000) over a vocabulary whose size follows
Heaps' law, V = 11 * T^0.6 for T words in the corpus (fitted so that a
SciFact-sized corpus gets SciFact's ~47k words). The most frequent ranks are
SciFact's own words in SciFact's frequency order, so real queries hit the
synthetic corpus with realistic document frequencies; ranks past SciFact's
vocabulary are made-up words. Title and abstract lengths are drawn from the
real SciFact titles and abstracts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from paperboy.search.tokenizer import words

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bench.scifact import SciFact

ZIPF_EXPONENT = 1.1
HEAPS_K = 11.0
HEAPS_BETA = 0.6


@dataclass
class SyntheticCorpus:
    """Generates records {"id", "title", "abstract"} for a corpus of `size` papers."""

    size: int
    seed: int
    vocab: list[str]
    cdf: np.ndarray
    title_lengths: np.ndarray
    abstract_lengths: np.ndarray

    @classmethod
    def like(cls, scifact: SciFact, size: int, *, seed: int = 7) -> SyntheticCorpus:
        counts: Counter[str] = Counter()
        title_lengths, abstract_lengths = [], []
        for doc in scifact.corpus:
            title, abstract = words(doc["title"]), words(doc["abstract"])
            counts.update(title)
            counts.update(abstract)
            title_lengths.append(len(title))
            abstract_lengths.append(len(abstract))
        real = [w for w, _ in counts.most_common()]
        mean_len = float(np.mean(title_lengths) + np.mean(abstract_lengths))
        n_vocab = max(len(real), int(HEAPS_K * (size * mean_len) ** HEAPS_BETA))
        vocab = real + [_made_up(i) for i in range(n_vocab - len(real))]
        weights = 1.0 / np.arange(1, n_vocab + 1, dtype=np.float64) ** ZIPF_EXPONENT
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        return cls(size, seed, vocab, cdf, np.array(title_lengths), np.array(abstract_lengths))

    def records(self, start: int = 0, count: int | None = None) -> Iterator[dict[str, str]]:
        """Papers start .. start+count-1 (deterministic for a given seed and index)."""
        count = self.size - start if count is None else count
        chunk = 10_000
        for lo in range(start, start + count, chunk):
            n = min(chunk, start + count - lo)
            rng = np.random.default_rng([self.seed, lo])
            tl = rng.choice(self.title_lengths, n)
            al = rng.choice(self.abstract_lengths, n)
            ids = np.searchsorted(self.cdf, rng.random(int(tl.sum() + al.sum())))
            ids = np.minimum(ids, len(self.vocab) - 1).tolist()
            vocab = self.vocab
            pos = 0
            for i in range(n):
                t, a = int(tl[i]), int(al[i])
                title = " ".join([vocab[j] for j in ids[pos : pos + t]])
                abstract = " ".join([vocab[j] for j in ids[pos + t : pos + t + a]])
                pos += t + a
                yield {"id": f"syn{lo + i}", "title": title, "abstract": abstract}


def _made_up(i: int) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    out = "q"
    i += 1
    while i:
        i, r = divmod(i, len(letters))
        out += letters[r]
    return out + "ex"
