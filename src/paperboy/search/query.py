"""A query's token list: the tokenizer's, plus the parts of closed compounds.

`finetuning` gets `fine` and `tune` added when the index saw `fine-tuning`
(a known compound whose parts are at least as common as the closed
spelling), or when no paper has `finetuning` but papers have both halves,
so it finds papers that wrote `fine tuning` too. With `query_dedup` a term
counts once however often the query repeats it.

Two adjacent words are tried joined ("fine tuning" -> `finetun`) only when
the joined term is not a hyphenated compound of the index: a paper that
wrote `fine-tuning` already has `fine` and `tune` (and `finetun`), so the
joined term would count that paper's match a third time, while papers that
wrote `fine tuning` get only two; what the join is for, finding papers
that wrote `finetuning` and nothing else, needs it only when no paper
hyphenates the pair (SciFact train nDCG@10 +0.008: `B cells` no longer
favours papers that wrote `B-cell`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperboy.search.tokenizer import words

if TYPE_CHECKING:
    from paperboy.search.state import IndexState
    from paperboy.search.vocabulary import Vocabulary


def analyse_query(vocab: Vocabulary, state: IndexState, query: str) -> list[str]:
    """The token list `query` is scored with against `state`."""
    tokenizer = vocab.tokenizer
    tokens = tokenizer.query_tokens(query, lambda term: not _is_compound(vocab, state, term))
    present = set(tokens)
    extra: list[str] = []
    for word in words(query):
        terms = tokenizer.word_terms(word)
        if len(terms) != 1:
            continue
        parts = _compound_parts(vocab, state, word, terms[0])
        if parts and not present.issuperset(parts):
            extra += parts
            present.update(parts)
    tokens += extra
    return list(dict.fromkeys(tokens)) if tokenizer.options.query_dedup else tokens


def _compound_parts(vocab: Vocabulary, state: IndexState, word: str, term: str) -> list[str]:
    tid = _known(vocab, state, term)
    if tid is not None:
        # Only when every part is at least as common as the closed spelling:
        # "fine-tuning" expands "finetuning", a stray "pa-tients" never
        # expands "patients".
        df = state.df
        parts = state.compounds.parts_of(tid)
        if all(p < state.n_terms and df[p] >= df[tid] for p in parts):
            return [vocab.term(p) for p in parts]
        return []
    for left, right in vocab.tokenizer.splits(word):
        if _known(vocab, state, left) is not None and _known(vocab, state, right) is not None:
            return [left, right]
    return []


def _is_compound(vocab: Vocabulary, state: IndexState, term: str) -> bool:
    """Whether some document of `state` has `term` as a hyphenated word, joined."""
    tid = _known(vocab, state, term)
    return tid is not None and bool(state.compounds.parts_of(tid))


def _known(vocab: Vocabulary, state: IndexState, term: str) -> int | None:
    """The id of `term` if some live document of `state` has it."""
    tid = vocab.find(term)
    if tid is None or tid >= state.n_terms or state.df[tid] == 0:
        return None
    return tid
