"""Turning text into BM25 terms.

A term is a lowercase, accent-folded, Snowball-stemmed (English) word that is
not a stopword. Hyphenated words are the hard part of scientific text:
`fine-tuning`, `finetuning` and `fine tuning` must find each other. A
hyphenated word yields its parts and their joined form (`fine`, `tune`,
`finetun`), and a query additionally tries the joined form of each pair of
adjacent words, so all three spellings share at least one term with each
other (the index adds the last direction, `finetuning` finding `fine tuning`,
through the compounds it has seen; see `SearchIndex`).

Biomedical names mix letters and digits, and are written with and without a
hyphen or space between them: `CD4`, `CD-4`, `CD 4`; `IL6`, `IL-6`;
`FoxO3a` beside `FOXO`; `OCT3/4` beside `Oct4`; `IL-1β` (`il-1beta`) beside
`IL-1 beta`. A word that mixes letters and digits therefore also yields its
runs of digits and its runs of two or more letters (`cd4` -> `cd`, `4`,
`cd4`), as if hyphenated between them, so every spelling shares terms with
every other (SciFact train nDCG@10 +0.006, Recall@100 +0.004). A lone letter
(`p` of `p53`, `h` of `h2o`) is not yielded: on its own it names nothing and
only matches noise (SciFact train agrees: +0.002 over yielding it).

The tokenizer keeps a cache from surface word to terms, which makes
tokenizing a large corpus several times faster than stemming every word; the
cache is bounded and safe to share between threads (dict operations are
atomic under the GIL, and a lost insert only costs a recomputation).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import Stemmer

from paperboy.search.stopwords import ENGLISH_STOPWORDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

HyphenMode = Literal["parts_and_joined", "parts", "joined"]

# A word is a run of Unicode letters and digits; hyphen-minus, U+2010 and
# U+2011 inside a word make one hyphenated word. En and em dashes separate.
_WORD_RE = re.compile(r"[^\W_]+(?:[-\u2010\u2011][^\W_]+)*")
_HYPHEN_RE = re.compile(r"[-\u2010\u2011]")
# Runs of letters and runs of digits, to cut a word like "cd4" or "foxo3a".
_RUN_RE = re.compile(r"[^\W\d_]+|\d+")
# Combining diacritical marks left by NFKD ("é" -> "e" + U+0301).
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_CACHE_LIMIT = 100_000
_GREEK_NAMES = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
# Lowercase Greek letters (U+03B1..U+03C9, final sigma included) to their names.
_GREEK = {0x3B1 + i: name for i, name in enumerate(_GREEK_NAMES)}


@dataclass(frozen=True, slots=True)
class TokenizerOptions:
    """How text becomes terms; part of a saved index's identity.

    `hyphens`: what a hyphenated word of a document yields: its parts and
    the joined form, only the parts, or only the joined form.
    `query_joins`: a query also tries the joined form of its hyphenated words
    and of each pair of adjacent words (so "fine-tuning" and "fine tuning"
    find a paper that wrote "finetuning"). `query_dedup`: a term repeated in
    a query counts once (otherwise it counts again each time, as rank_bm25
    counts repeated query tokens).
    `alnum_parts`: a word mixing letters and digits (`cd4`, `foxo3a`) also
    yields its digit runs and its runs of 2+ letters (`cd`, `4`; `foxo`, `3`).
    """

    stem: bool = True
    stopwords: bool = True
    hyphens: HyphenMode = "parts_and_joined"
    query_joins: bool = True
    query_dedup: bool = True
    alnum_parts: bool = True


def fold(text: str) -> str:
    """Lowercase `text`, strip accents (NFKD, combining marks dropped) and
    spell Greek letters out ("TNF-α" -> "tnf-alpha", as papers also write it).

    Folding a folded text changes nothing: compatibility forms can decompose
    to capitals ("𝐴" -> "A") and case folding can add combining marks
    ("İ" -> "i̇"), so the steps repeat until stable.
    """
    if text.isascii():
        return text.lower()
    while True:
        folded = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text.casefold()))
        folded = folded.translate(_GREEK)
        if folded == text:
            return folded
        text = folded


def words(text: str) -> list[str]:
    """The folded words of `text`, hyphenated words kept whole."""
    return _WORD_RE.findall(fold(text))


def word_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each word of `text` in the original string.

    Case folding and NFKD can change a string's length, so words are found on
    the original text (the word pattern is Unicode-aware and matches the same
    words before and after folding).
    """
    for match in _WORD_RE.finditer(text):
        yield match.span()


class Tokenizer:
    """Text to terms for documents (`tokens`) and queries (`query_tokens`)."""

    def __init__(self, options: TokenizerOptions | None = None) -> None:
        self.options = options or TokenizerOptions()
        self._stemmer = Stemmer.Stemmer("english", 0)  # we cache words ourselves
        self._stopwords = ENGLISH_STOPWORDS if self.options.stopwords else frozenset()
        self._cache: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str) -> list[str]:
        """The terms of a document's text, in order, with repeats."""
        cache = self._cache
        out: list[str] = []
        for word in words(text):
            terms = cache.get(word)
            if terms is None:
                terms = self._remember(word)
            out += terms
        return out

    def query_tokens(self, text: str, keep_join: Callable[[str], bool] | None = None) -> list[str]:
        """The terms of a query: a document's terms, plus (with `query_joins`)
        the joined form of each hyphenated word and of each adjacent pair
        (of the latter, only those `keep_join` accepts, if given)."""
        ws = words(text)
        out: list[str] = []
        for word in ws:
            terms = self._cache.get(word)
            out += terms if terms is not None else self._remember(word)
        if self.options.query_joins:
            for word in ws:
                compound = self.compound_parts(word)
                if compound is not None and compound[0] not in out:
                    out.append(compound[0])
            for left, right in itertools.pairwise(ws):
                if _HYPHEN_RE.search(left) or _HYPHEN_RE.search(right):
                    continue
                if left in self._stopwords or right in self._stopwords:
                    continue
                joined = self.stem(left + right)
                if keep_join is None or keep_join(joined):
                    out.append(joined)
        return out

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms one folded word yields (empty for a stopword)."""
        terms = self._cache.get(word)
        return terms if terms is not None else self._remember(word)

    def token_terms(self, tokens: list[str]) -> list[tuple[str, ...]]:
        """The terms of each token (a folded run of text without spaces).

        Same as `tokens()` on each, but plain words are stemmed in one batch,
        which is several times faster when analysing a corpus.
        """
        out: list[tuple[str, ...] | None] = [None] * len(tokens)
        plain: list[int] = []
        for i, token in enumerate(tokens):
            # One folded word, no hyphen, and (unless it is to be cut into
            # letter and digit runs) not a mix of letters and digits.
            if token.isascii() and token.isalnum() and not self._mixed(token):
                if token in self._stopwords:
                    out[i] = ()
                else:
                    plain.append(i)
            else:
                out[i] = tuple(self.tokens(token))
        if self.options.stem:
            stems = self._stemmer.stemWords([tokens[i] for i in plain])
        else:
            stems = [tokens[i] for i in plain]
        for i, stem in zip(plain, stems, strict=True):
            out[i] = (stem,)
        return [terms if terms is not None else () for terms in out]

    def compound_parts(self, word: str) -> tuple[str, tuple[str, ...]] | None:
        """For a hyphenated folded word: (joined term, part terms); else None."""
        if not _HYPHEN_RE.search(word):
            return None
        pieces = _HYPHEN_RE.split(word)
        parts = tuple(self.stem(p) for p in pieces if p not in self._stopwords)
        return self.stem("".join(pieces)), parts

    def splits(self, word: str) -> Iterator[tuple[str, str]]:
        """(left term, right term) for each way to cut a folded word in two
        non-stopword pieces of 2+ letters, most balanced cut first."""
        if _HYPHEN_RE.search(word) or len(word) < 5:
            return
        middle = len(word) / 2
        for cut in sorted(range(2, len(word) - 1), key=lambda c: abs(c - middle)):
            left, right = word[:cut], word[cut:]
            if left not in self._stopwords and right not in self._stopwords:
                yield self.stem(left), self.stem(right)

    def stem(self, word: str) -> str:
        return str(self._stemmer.stemWord(word)) if self.options.stem else word

    def _remember(self, word: str) -> tuple[str, ...]:
        terms = self._analyse(word)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = terms
        return terms

    def _mixed(self, piece: str) -> bool:
        """Whether `piece` (a word without hyphens) is to be cut into letter
        and digit runs: `alnum_parts` is on and it has both."""
        return self.options.alnum_parts and not (piece.isalpha() or piece.isdigit())

    def _runs(self, piece: str) -> list[str]:
        """The terms of the digit runs and 2+ letter runs of a word without
        hyphens that mixes letters and digits (none for any other word)."""
        if not self._mixed(piece):
            return []
        runs = _RUN_RE.findall(piece)
        if len(runs) < 2:  # e.g. letters and a mark the word pattern allows
            return []
        return [
            self.stem(r) for r in runs if (r.isdigit() or len(r) >= 2) and r not in self._stopwords
        ]

    def _analyse(self, word: str) -> tuple[str, ...]:
        if not _HYPHEN_RE.search(word):
            if word in self._stopwords:
                return ()
            return (*self._runs(word), self.stem(word))
        pieces = _HYPHEN_RE.split(word)
        joined = self.stem("".join(pieces))
        if self.options.hyphens == "joined":
            return (joined,)
        parts = tuple(
            term
            for p in pieces
            if p not in self._stopwords
            for term in (*self._runs(p), self.stem(p))
        )
        if self.options.hyphens == "parts":
            return parts
        return (*parts, joined) if joined not in parts else parts
