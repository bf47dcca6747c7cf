"""The batch encoder used for documents gives exactly the tokenizer's terms."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperboy.search import encoder
from paperboy.search.records import read_record
from paperboy.search.tokenizer import Tokenizer
from paperboy.search.vocabulary import Vocabulary

_pieces = st.sampled_from(
    [
        "fine-tuning",
        "Fine‐Tuning",
        "the",
        "of",
        "Über",
        "naïve",
        "x",
        "_",
        "__init__",
        "-",
        "--",
        "a-b-",
        "-lead",
        "trail-",
        "state-of-the-art",
        "co2",
        "3.5",
        "1,000",
        "GPT-4o",
        "学习",
        "Ωmega",
        "ﬁne",
        "straße",
        "ΣΙΓΜΑ",
        "internationalization",
        "supercalifragilisticexpialidocious",
        "abcdefghijklmnop",
        "abcdefghijklmnopq",
        "e\u0301te\u0301",
        "(LLMs)",
        "it's",
        "\n",
        "\t",
        "…",
        "a\u00a0b",
        "x…y",
        "½",
        "İstanbul",
        "ΟΔΟΣ",
        "Ａｂｃ",
        "ﬀ",
        "well\u2011known",
        "a–b",
        "𝐴𝐵",
        "x\u0301\u0302",
        "ǅ",
        "ⅫⅣ",
        "µm",
        "°C",
        "10±2",
        "CD4+",
        "IL-1β",
        "FoxO3a",
        "OCT3/4",
        "x²y3",
        "ǅ3",
    ]
)
_text = st.lists(st.one_of(_pieces, st.text(max_size=6)), max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_text, min_size=1, max_size=6), weight=st.integers(0, 3))
def test_document_terms_equal_the_tokenizer_terms(texts: list[str], weight: int) -> None:
    tokenizer = Tokenizer()
    vocab = Vocabulary(tokenizer)
    records = [
        {"id": str(i), "title": texts[-1 - i], "abstract": text, "authors": texts[i : i + 2]}
        for i, text in enumerate(texts)
    ]
    docs = [read_record(record) for record in records]
    # Twice: the second pass finds every token already known.
    for _ in range(2):
        matrix = vocab.encode_docs(docs, weight).blocks[0].tocsr()
        for row, record in enumerate(records):
            got = Counter(
                {
                    vocab.term(t): int(n)
                    for t, n in zip(matrix[row].indices, matrix[row].data, strict=True)
                }
            )
            expected = Counter(
                tokenizer.tokens(record["title"]) * weight
                + tokenizer.tokens(record["abstract"])
                + [token for name in record["authors"] for token in tokenizer.tokens(name)]
            )
            assert got == expected


@pytest.fixture
def small_first_table(monkeypatch: pytest.MonkeyPatch) -> int:
    """A token table of 1,024 slots at first (65,536 in use): the same growth, reached
    with hundreds of words instead of tens of thousands. Under mutmut, whose wrapper
    runs around each of the encoder's calls, the full-size tests take 5 to 10 s, and a
    mutant that makes the table loop forever was stopped only after a minute of them."""
    monkeypatch.setattr(encoder, "FIRST_TABLE_BITS", 10)
    return 1 << 10


def test_a_vocabulary_past_its_first_table_keeps_every_token_it_learned(
    small_first_table: int,
) -> None:
    """Distinct words past half the token table's first slots (it is half full at
    most): after it grows, every word learned before and after still has its terms."""
    tokenizer = Tokenizer()
    vocab = Vocabulary(tokenizer)
    slots = small_first_table
    first = " ".join(f"w{n}x" for n in range(slots * 5 // 16))
    second = " ".join(f"w{n}x" for n in range(slots * 5 // 32, slots * 5 // 8))
    records = [
        {"id": "1", "title": "", "abstract": first, "authors": []},
        {"id": "2", "title": "", "abstract": second, "authors": []},
    ]
    for record in records + records[::-1]:  # learned, then all known after the growth
        assert _terms_of_one_doc(vocab, record) == Counter(tokenizer.tokens(record["abstract"]))


def _terms_of_one_doc(vocab: Vocabulary, record: dict[str, Any]) -> Counter[str]:
    matrix = vocab.encode_docs([read_record(record)], 0).blocks[0].tocsr()
    return Counter(
        {vocab.term(t): int(n) for t, n in zip(matrix[0].indices, matrix[0].data, strict=True)}
    )


def test_a_vocabulary_that_nearly_fills_its_grown_table_keeps_every_token() -> None:
    """100,000 distinct words in one text: the token table grows once, to 131,072 slots
    each word may land in, and is then three quarters full, so words probe past the last
    slot and wrap around; every word still gets its terms."""
    tokenizer = Tokenizer()
    vocab = Vocabulary(tokenizer)
    record = {
        "id": "1",
        "title": "",
        "abstract": " ".join(f"w{n}x" for n in range(100_000)),
        "authors": [],
    }
    assert _terms_of_one_doc(vocab, record) == Counter(tokenizer.tokens(record["abstract"]))


def test_a_vocabulary_learning_a_few_words_at_a_time_past_its_first_table_keeps_them(
    small_first_table: int,
) -> None:
    """More distinct words than the first table's slots, in adds of a thirteenth of them
    (a store's daily papers over time): the token table counts every word it holds, so
    it grows before it is half full instead of filling up (a full table has no free slot
    to give the next word)."""
    tokenizer = Tokenizer()
    vocab = Vocabulary(tokenizer)
    per_add = small_first_table // 13
    for batch in range(14):
        words = " ".join(f"w{n}x" for n in range(batch * per_add, (batch + 1) * per_add))
        _terms_of_one_doc(vocab, {"id": str(batch), "title": "", "abstract": words})
    every_seventh = {
        "id": "x",
        "title": "",
        "abstract": " ".join(f"w{n}x" for n in range(0, 14 * per_add, 7)),
        "authors": [],
    }
    assert _terms_of_one_doc(vocab, every_seventh) == Counter(
        tokenizer.tokens(every_seventh["abstract"])
    )


@pytest.mark.parametrize(
    "word",
    [
        "lone\udc80surrogate",  # at most 16 bytes: the token table
        "supercalifragilistic\udc80expialidocious",  # longer: the dict of long tokens
        "\ud800" * 6,  # 18 bytes of nothing but unpaired surrogates
    ],
)
def test_words_with_unpaired_surrogates_get_the_tokenizers_terms(word: str) -> None:
    """Text from a store or a feed can hold unpaired surrogates (JSON allows them): the
    document is indexed, its words as the tokenizer reads them."""
    tokenizer = Tokenizer()
    vocab = Vocabulary(tokenizer)
    record = {"id": "1", "title": "", "abstract": f"graph {word} graph", "authors": []}
    expected = Counter(tokenizer.tokens(record["abstract"]))
    assert _terms_of_one_doc(vocab, record) == expected
    assert _terms_of_one_doc(vocab, record) == expected
