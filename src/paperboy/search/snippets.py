"""A short, platform-neutral excerpt of an abstract with the matched words marked.

A `Snippet` is a tuple of (text, marked) segments; adapters render marked
segments as bold (Slack `*x*`, Discord `**x**`, console upper case, ...).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from paperboy.search.tokenizer import Tokenizer, word_spans, words

Snippet = tuple[tuple[str, bool], ...]

# A sentence ends at . ! or ? followed by space and something that can start
# one; "e.g. the" or "Fig. 3a" mostly stay inside their sentence.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
ELLIPSIS = "…"


class _Word(NamedTuple):
    """A word of the text that matched query terms."""

    start: int
    end: int
    terms: frozenset[str]  # the query terms this word matched (never empty)


def make_snippet(
    text: str, terms: frozenset[str], tokenizer: Tokenizer, *, max_chars: int = 300
) -> Snippet:
    """The sentence(s) of `text` matching the most query `terms`, words marked.

    Contiguous sentences are joined while they add matched terms and fit in
    `max_chars`; a longer excerpt is cut at word boundaries around its
    matches, with "…" where text was cut. A word is marked whole when any
    term it yields is a query term ("Fine-tuning" for "finetuning"). With
    no match, the opening of the text.
    """
    text = " ".join(text.split())
    if not text:
        return ()
    spans = list(word_spans(text))
    marked = _matches(text, spans, terms, tokenizer) if terms else []
    sentences = _sentences(text)
    start, end = _best_window(sentences, marked, max_chars)
    start, end = _fit(text, spans, marked, start, end, max_chars)
    return _segments(text, [w for w in marked if start <= w.start and w.end <= end], start, end)


def _matches(
    text: str, spans: list[tuple[int, int]], terms: frozenset[str], tokenizer: Tokenizer
) -> list[_Word]:
    """The words (by their spans in `text`) that yield any of `terms`.

    Snippets are made for every hit of every search, so this is kept lean: an
    ASCII text folds by lowercasing, which keeps every word where it was, so its
    words are looked up directly; other text is folded word by word (folding can
    change a word's length)."""
    lowered = text.lower() if text.isascii() else None
    out = []
    for start, end in spans:
        if lowered is not None:
            hit = terms.intersection(tokenizer.word_terms(lowered[start:end]))
        else:
            hit = terms.intersection(
                t for folded in words(text[start:end]) for t in tokenizer.word_terms(folded)
            )
        if hit:
            out.append(_Word(start, end, hit))
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _terms_per_sentence(
    sentences: list[tuple[int, int]], marked: list[_Word]
) -> list[frozenset[str]]:
    """The query terms matched inside each sentence. Each word is placed by bisecting
    the sentence starts: scanning every word for every sentence took minutes for an
    abstract of thousands of short sentences that all match."""
    starts = [start for start, _ in sentences]
    found: list[set[str]] = [set() for _ in sentences]
    for w in marked:
        i = bisect.bisect_right(starts, w.start) - 1
        if i >= 0 and w.end <= sentences[i][1]:
            found[i] |= w.terms
    return [frozenset(terms) for terms in found]


def _best_window(
    sentences: list[tuple[int, int]], marked: list[_Word], max_chars: int
) -> tuple[int, int]:
    """(start, end) of the best run of sentences; the first sentence when nothing matches."""
    per_sentence = _terms_per_sentence(sentences, marked)
    best = max(range(len(sentences)), key=lambda i: (len(per_sentence[i]), -i))
    lo = hi = best
    covered = set(per_sentence[best])
    while True:
        options = []
        if hi + 1 < len(sentences):
            options.append(hi + 1)
        if lo > 0:
            options.append(lo - 1)
        gains = [(len(per_sentence[i] - covered), i) for i in options]
        gains = [
            (g, i)
            for g, i in gains
            if g > 0 and sentences[max(hi, i)][1] - sentences[min(lo, i)][0] <= max_chars - 2
        ]
        if not gains:
            break
        _, pick = max(gains, key=lambda gi: (gi[0], -abs(gi[1] - best)))
        lo, hi = min(lo, pick), max(hi, pick)
        covered |= per_sentence[pick]
    return sentences[lo][0], sentences[hi][1]


def _fit(
    text: str,
    spans: list[tuple[int, int]],
    marked: list[_Word],
    start: int,
    end: int,
    max_chars: int,
) -> tuple[int, int]:
    """Shrink [start, end) to fit `max_chars` with ellipses, around the first match."""
    if end - start <= max_chars - 2 or (start == 0 and end == len(text) <= max_chars):
        return start, end
    inside = [(s, e) for s, e in spans if start <= s and e <= end]
    first = next((w for w in marked if start <= w.start and w.end <= end), None)
    # Start a little before the first match so it reads in context.
    anchor = first.start if first is not None else start
    words_before = [(s, e) for s, e in inside if e <= anchor]
    lead = words_before[-3][0] if len(words_before) >= 3 else start
    new_start = max(start, lead)
    new_end = new_start
    for s, e in inside:
        if s < new_start:
            continue
        if e - new_start > max_chars - 2:  # room for the ellipses
            break
        new_end = e
    if new_end == new_start:  # one enormous "word": cut it
        new_end = new_start + max_chars - 2
    # Keep trailing punctuation of the last word when it fits.
    while new_end < end and new_end - new_start < max_chars - 2 and text[new_end] in ".,;:)":
        new_end += 1
    return new_start, new_end


def _segments(text: str, marked: list[_Word], start: int, end: int) -> Snippet:
    out: list[tuple[str, bool]] = []
    pos = start
    for w in marked:
        if w.start > pos:
            out.append((text[pos : w.start], False))
        out.append((text[w.start : w.end], True))
        pos = w.end
    if pos < end:
        out.append((text[pos:end], False))
    if start > 0:
        out.insert(0, (ELLIPSIS, False))
    if end < len(text):
        out.append((ELLIPSIS, False))
    return _joined(out)


def _joined(parts: list[tuple[str, bool]]) -> Snippet:
    """Adjacent unmarked pieces merged into one segment."""
    out: list[tuple[str, bool]] = []
    for piece, mark in parts:
        if out and not mark and not out[-1][1]:
            out[-1] = (out[-1][0] + piece, False)
        else:
            out.append((piece, mark))
    return tuple(out)
