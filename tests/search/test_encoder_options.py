"""Under every tokenizer option, papers are indexed with the terms a query gets: the batch
encoder's shortcut for plain words gives the tokenizer's own terms."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from paperboy.search import SearchIndex, Tokenizer, TokenizerOptions
from paperboy.search.options import IndexOptions
from paperboy.search.records import read_record
from paperboy.search.vocabulary import Vocabulary

TEXTS = [
    "Transformers and the models of IL6, CD4 and p53 in T cells",
    "Fine-tuning state-of-the-art FoxO3a-driven models: the co2 runs",
    "Über naïve models of IL-1β; a well\u2011known GPT-4o 2024 study",
    "running runners ran 42 times in it's own lab",
]

OPTIONS = [
    TokenizerOptions(stem=stem, stopwords=stopwords, hyphens=hyphens, alnum_parts=alnum)
    for stem, stopwords, hyphens, alnum in itertools.product(
        (True, False), (True, False), ("parts_and_joined", "parts", "joined"), (True, False)
    )
]


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_indexed_terms_are_the_tokenizer_terms_under_every_option(
    options: TokenizerOptions,
) -> None:
    tokenizer = Tokenizer(options)
    vocab = Vocabulary(tokenizer)
    docs = [
        read_record({"id": str(i), "title": "", "abstract": text}) for i, text in enumerate(TEXTS)
    ]
    matrix = vocab.encode_docs(docs, 1).blocks[0].tocsr()
    for row, text in enumerate(TEXTS):
        got = Counter(
            {
                vocab.term(t): int(n)
                for t, n in zip(matrix[row].indices, matrix[row].data, strict=True)
            }
        )
        assert got == Counter(tokenizer.tokens(text)), options


def test_without_stemming_a_query_finds_only_the_words_as_written() -> None:
    papers = [
        {"id": "runs", "title": "Runs of models", "abstract": ""},
        {"id": "run", "title": "One run", "abstract": ""},
    ]
    unstemmed = SearchIndex.build(
        papers, options=IndexOptions(tokenizer=TokenizerOptions(stem=False))
    )
    assert [hit.paper_id for hit in unstemmed.search("run")] == ["run"]
    assert {hit.paper_id for hit in SearchIndex.build(papers).search("run")} == {"run", "runs"}
