"""How text becomes terms."""

from __future__ import annotations

import pytest

from paperboy.search import SearchIndex, Tokenizer, TokenizerOptions


@pytest.fixture
def tok() -> Tokenizer:
    return Tokenizer()


def test_words_are_lowercased_and_stemmed(tok: Tokenizer) -> None:
    assert tok.tokens("Transformers LEARNING Models") == ["transform", "learn", "model"]


def test_accents_are_folded(tok: Tokenizer) -> None:
    assert tok.tokens("Über naïve Schrödinger") == tok.tokens("uber naive schrodinger")


def test_stopwords_are_dropped(tok: Tokenizer) -> None:
    assert tok.tokens("the role of attention in the model") == ["role", "attent", "model"]


def test_single_letters_that_name_things_are_kept(tok: Tokenizer) -> None:
    # "T cells", not "cells": the letter is the topic. The possessive's "s" goes.
    assert tok.tokens("T cells in the model's gut") == ["t", "cell", "model", "gut"]


def test_stopwords_can_be_kept() -> None:
    assert "the" in Tokenizer(TokenizerOptions(stopwords=False)).tokens("the model")


def test_a_hyphenated_word_in_a_document_yields_its_parts_and_joined_form(tok: Tokenizer) -> None:
    # The joined form too, so "finetuning" weighs the same on papers that hyphenate
    # and papers that do not (with parts alone the rarer joined term wins).
    assert tok.tokens("fine-tuning") == ["fine", "tune", "finetun"]
    assert tok.tokens("finetuning") == ["finetun"]


def test_hyphen_modes() -> None:
    parts = TokenizerOptions(hyphens="parts")
    assert Tokenizer(parts).tokens("fine-tuning") == ["fine", "tune"]
    assert Tokenizer(TokenizerOptions(hyphens="joined")).tokens("fine-tuning") == ["finetun"]


def test_a_query_also_tries_hyphenated_and_adjacent_words_joined(tok: Tokenizer) -> None:
    assert tok.query_tokens("fine-tuning") == ["fine", "tune", "finetun"]
    assert tok.query_tokens("fine tuning") == ["fine", "tune", "finetun"]
    assert Tokenizer(TokenizerOptions(query_joins=False)).query_tokens("fine tuning") == [
        "fine",
        "tune",
    ]


def test_greek_letters_are_spelled_out(tok: Tokenizer) -> None:
    assert tok.tokens("TNF-α and IFN-γ") == tok.tokens("TNF-alpha and IFN-gamma")


@pytest.mark.parametrize("query", ["", "   ", "?!…,;", "--", "the of and", "—"])
def test_empty_punctuation_and_stopword_queries_have_no_terms(tok: Tokenizer, query: str) -> None:
    assert tok.query_tokens(query) == []


def test_numbers_and_unicode_letters_are_words(tok: Tokenizer) -> None:
    assert tok.tokens("GPT-4 in 2024 学习") == ["gpt", "4", "gpt4", "2024", "学习"]


def test_a_word_mixing_letters_and_digits_also_yields_its_runs(tok: Tokenizer) -> None:
    # As if hyphenated between them: "CD4" and "CD-4" give the same terms.
    assert tok.tokens("CD4") == ["cd", "4", "cd4"] == tok.tokens("CD-4")
    assert tok.tokens("IL6") == tok.tokens("IL-6")
    assert tok.tokens("FoxO3a") == ["foxo", "3", "foxo3a"]  # "a" is a stopword
    # Inside a hyphenated word too ("IL-1β" is "il-1beta").
    assert tok.tokens("IL-1β") == ["il", "1", "beta", "1beta", "il1beta"]
    assert tok.query_tokens("IL1β") == ["il", "1", "beta", "il1beta"]


def test_a_lone_letter_of_a_mixed_word_is_not_a_term(tok: Tokenizer) -> None:
    assert tok.tokens("p53 and H2O") == ["53", "p53", "2", "h2o"]


def test_mixed_words_can_stay_whole() -> None:
    whole = Tokenizer(TokenizerOptions(alnum_parts=False))
    assert whole.tokens("CD4 and IL-1β") == ["cd4", "il", "1beta", "il1beta"]


@pytest.mark.parametrize("doc", ["Oct4", "Oct-4", "OCT3/4"])
@pytest.mark.parametrize("query", ["Oct4", "Oct-4", "Oct 4"])
def test_gene_name_spellings_find_each_other(doc: str, query: str) -> None:
    found = _ranked(f"{doc} in embryonic stem cells", "Sox2 in embryonic stem cells", query)
    assert found == ["a"]


@pytest.mark.parametrize("doc", ["fine-tuning", "finetuning", "fine tuning"])
@pytest.mark.parametrize("query", ["fine-tuning", "finetuning", "fine tuning"])
def test_fine_tuning_spellings_find_each_other(doc: str, query: str) -> None:
    found = _ranked(
        f"Efficient {doc} of language models", "A fine-grained study of hyphen-free text", query
    )
    assert found
    assert found[0] == "a"


def _ranked(title_a: str, title_b: str, query: str) -> list[str]:
    """Ids found for `query` among papers "a" and "b" (and an unrelated "c"), best first."""
    records = [
        {"id": "a", "title": title_a, "abstract": ""},
        {"id": "b", "title": title_b, "abstract": ""},
        {"id": "c", "title": "Graph neural networks", "abstract": ""},
    ]
    return [hit.paper_id for hit in SearchIndex.build(records).search(query)]


def test_adjacent_words_are_not_joined_into_a_hyphenated_compound_of_the_index() -> None:
    # A paper that wrote "B-cell" has b, cell and bcell; joining "B cells" would count
    # its match three times against two for a paper that wrote "B cells".
    records = [
        {"id": "hyphen", "title": "B-cell memory", "abstract": ""},
        {"id": "open", "title": "B cell memory", "abstract": ""},
        {"id": "closed", "title": "Finetuning language models", "abstract": ""},
    ]
    index = SearchIndex.build(records)
    assert "bcell" not in index.analyse_query("B cells")
    assert "finetun" in index.analyse_query("fine tuning")  # only ever written closed
    assert Tokenizer().query_tokens("fine tuning", lambda term: False) == ["fine", "tune"]
