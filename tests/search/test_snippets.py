"""Snippets show the sentence(s) with the most matched words, matched words marked."""

from __future__ import annotations

import pytest

from paperboy.search import SearchIndex, make_snippet

ABSTRACT = (
    "We study graphs. Large language models are strong. "
    "Fine-tuning large language models on graphs improves reasoning. "
    "Results hold across ten benchmarks."
)
INDEX = SearchIndex.build(
    [
        {"id": "a", "title": "Graphs", "abstract": ABSTRACT},
        {"id": "b", "title": "Proteins", "abstract": "Schrödinger bridges for naïve Bayes."},
    ]
)
TOK = INDEX.tokenizer


def terms(query: str) -> frozenset[str]:
    """The query's terms as the index analyses them (what the bot passes in)."""
    return INDEX.query_terms(query)


def text(snippet: tuple[tuple[str, bool], ...]) -> str:
    return "".join(piece for piece, _ in snippet)


def marked(snippet: tuple[tuple[str, bool], ...]) -> list[str]:
    return [piece for piece, mark in snippet if mark]


def test_the_sentence_with_most_matches_is_chosen_and_words_marked() -> None:
    snip = make_snippet(ABSTRACT, terms("finetuning language models graphs"), TOK)
    assert "Fine-tuning large language models on graphs improves reasoning." in text(snip)
    assert marked(snip)[:4] == ["Fine-tuning", "language", "models", "graphs"]


def test_a_hyphenated_word_is_marked_whole_for_the_joined_spelling() -> None:
    snip = make_snippet(ABSTRACT, terms("finetuning"), TOK)
    assert marked(snip) == ["Fine-tuning"]


def test_contiguous_sentences_join_when_they_add_matches_and_fit() -> None:
    snip = make_snippet(ABSTRACT, terms("graphs benchmarks reasoning"), TOK, max_chars=200)
    assert text(snip).startswith("…Fine-tuning")
    assert "ten benchmarks" in text(snip)


def test_long_text_is_cut_with_ellipses_within_the_limit() -> None:
    long = "word " * 200 + "the needle sits here " + "word " * 200
    snip = make_snippet(long, terms("needle"), TOK, max_chars=80)
    assert len(text(snip)) <= 80
    assert text(snip).startswith("…")
    assert text(snip).endswith("…")
    assert marked(snip) == ["needle"]


def test_without_matches_the_opening_is_shown() -> None:
    snip = make_snippet(ABSTRACT, terms("protein"), TOK, max_chars=40)
    assert text(snip).startswith("We study graphs.")
    assert marked(snip) == []
    assert len(text(snip)) <= 40


def test_empty_text_gives_an_empty_snippet() -> None:
    assert make_snippet("  ", terms("graph"), TOK) == ()


def test_accented_words_are_marked_in_their_original_spelling() -> None:
    snip = make_snippet("Schrödinger bridges for naïve Bayes.", terms("schrodinger naive"), TOK)
    assert marked(snip) == ["Schrödinger", "naïve"]


@pytest.mark.timeout(20)
def test_thousands_of_matching_sentences_make_a_snippet_in_one_pass() -> None:
    """Every sentence was checked against every matched word: a megabyte of short
    matching sentences (a row stored before abstracts were bounded) took minutes."""
    long_text = "Graphs help reasoning. " * 45_000
    snip = make_snippet(long_text, terms("graphs"), TOK)
    assert text(snip) == "Graphs help reasoning.…"
    assert marked(snip) == ["Graphs"]
