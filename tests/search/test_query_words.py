"""Which papers a query finds, word by word: joined and split spellings, stopwords
between words, hyphens, and closed compounds the index has seen hyphenated."""

from __future__ import annotations

import pytest

from paperboy.search import SearchIndex, Tokenizer, TokenizerOptions
from paperboy.search.options import IndexOptions


def titled(*titles: str) -> SearchIndex:
    """An index of papers whose ids are their titles (no abstract)."""
    return SearchIndex.build([{"id": title, "title": title, "abstract": ""} for title in titles])


def found(index: SearchIndex, query: str) -> list[str]:
    return [hit.paper_id for hit in index.search(query)]


def test_a_stopword_is_never_joined_with_the_word_beside_it() -> None:
    tok = Tokenizer()
    assert tok.query_tokens("role of attention") == ["role", "attent"]
    # Pairs after a stopword are still joined.
    assert tok.query_tokens("role of fine tuning") == ["role", "fine", "tune", "finetun"]


def test_a_hyphenated_word_is_not_joined_with_its_neighbour_but_later_pairs_are() -> None:
    assert Tokenizer().query_tokens("low-rank fine tuning") == [
        "low",
        "rank",
        "lowrank",
        "fine",
        "tune",
        "finetun",
    ]


def test_a_closed_five_letter_word_finds_its_two_halves_written_apart() -> None:
    """ "ailab" and "labai": the shortest words that are split (two pieces of 2+ letters),
    cut at either place."""
    index = titled("An AI lab", "Graph theory")
    assert found(index, "ailab") == ["An AI lab"]
    assert found(index, "labai") == ["An AI lab"]
    assert found(titled("AI lab", "Graph theory"), "aila") == []  # four letters: never cut


def test_a_closed_word_is_not_split_into_a_single_letter() -> None:
    """ "cellt" is not "cell" + "t", though a paper on T cells has both."""
    assert found(titled("T cells", "Graph theory"), "cellt") == []


@pytest.mark.parametrize(
    ("title", "halves", "closed"),
    [
        ("AI ML", "ai ml", "aiml"),  # four letters: never cut
        ("T cells", "t cells", "tcell"),  # a single letter first
        # "does" is a stopword, though its stem is the term of the deer, "doe"
        ("Doe graph", "doe graph", "doesgraph"),
    ],
)
def test_a_closed_word_is_only_cut_into_two_pieces_of_two_letters_that_are_not_stopwords(
    title: str, halves: str, closed: str
) -> None:
    index = titled(title, "Protein folding")
    assert found(index, halves) == [title]
    assert found(index, closed) == []


def test_a_closed_word_is_cut_at_its_most_balanced_known_split() -> None:
    """Papers have "ab cdefgh", "abcd efgh" and "abcdef gh": "abcdefgh" finds the one
    whose halves are equal, not the one split near either end."""
    index = titled("ab cdefgh", "abcd efgh", "abcdef gh")
    assert found(index, "abcdefgh") == ["abcd efgh"]


def test_a_closed_compound_finds_the_papers_that_hyphenate_it_and_those_that_split_it() -> None:
    """ "fine-tuning" was seen hyphenated once and its parts are as common as the joined
    term: "finetuning" also finds the paper that wrote "fine tuning"."""
    index = titled("fine-tuning", "fine tuning", "Graph theory")
    assert found(index, "finetuning") == ["fine-tuning", "fine tuning"]


def test_a_compound_hyphenated_after_other_words_finds_the_papers_that_split_it() -> None:
    """The words a paper has before "fine-tuning" do not keep the index from learning it
    as a compound."""
    index = titled("Efficient fine-tuning", "fine tuning", "Graph theory")
    assert found(index, "finetuning") == ["Efficient fine-tuning", "fine tuning"]


def test_a_stray_hyphenation_does_not_split_a_common_word() -> None:
    """One paper hyphenated "pa-tients"; "patients" is in more papers than "pa" is, so
    a search for it does not find papers that only have "pa"."""
    index = titled("pa-tients", "patients at home", "patients in care", "pa levels")
    assert set(found(index, "patients")) == {"pa-tients", "patients at home", "patients in care"}


def test_a_hyphenated_word_whose_joined_form_is_one_of_its_parts_counts_it_once() -> None:
    """ "model-s" (a plural's s cut off by a hyphen) is "model" once, not twice."""
    assert Tokenizer().tokens("Model-s of trees") == ["model", "tree"]


def test_a_query_adds_the_joined_form_of_a_hyphenated_word_when_documents_keep_parts() -> None:
    parts_only = Tokenizer(TokenizerOptions(hyphens="parts"))
    assert parts_only.tokens("fine-tuning") == ["fine", "tune"]
    assert parts_only.query_tokens("fine-tuning") == ["fine", "tune", "finetun"]


def test_a_closed_compound_with_stopwords_finds_its_content_words_written_apart() -> None:
    """ "stateoftheart": "state-of-the-art" was seen hyphenated; its parts are "state" and
    "art" (not "of", "the"), so the paper on "the state of art" is found too."""
    index = titled("State-of-the-art parsers", "The state of art", "Graphs")
    assert found(index, "stateoftheart") == ["State-of-the-art parsers", "The state of art"]


def test_letters_in_compatibility_forms_are_folded_to_plain_lowercase() -> None:
    """Mathematical bold capitals fold to capitals, which fold again to lowercase."""
    assert Tokenizer().tokens("𝐀𝐓𝐓𝐄𝐍𝐓𝐈𝐎𝐍 in İstanbul") == ["attent", "istanbul"]
    assert found(titled("𝐀𝐓𝐓𝐄𝐍𝐓𝐈𝐎𝐍 maps", "Graphs"), "attention") == ["𝐀𝐓𝐓𝐄𝐍𝐓𝐈𝐎𝐍 maps"]


def test_two_closed_compounds_in_one_query_find_both_their_halves() -> None:
    index = titled("fine-tuning", "State-of-the-art parsers", "fine tuning", "state of art")
    tokens = index.analyse_query("finetuning stateoftheart")
    assert {"fine", "tune", "state", "art"} <= set(tokens)
    assert set(found(index, "finetuning stateoftheart")) == {
        "fine-tuning",
        "State-of-the-art parsers",
        "fine tuning",
        "state of art",
    }


def test_without_query_dedup_a_repeated_word_counts_again_but_added_halves_once() -> None:
    papers = [
        {"id": "h", "title": "fine-tuning", "abstract": ""},
        {"id": "g", "title": "graphs", "abstract": ""},
        {"id": "z", "title": "zebras", "abstract": ""},
    ]
    repeats = SearchIndex.build(
        papers, options=IndexOptions(tokenizer=TokenizerOptions(query_dedup=False))
    )
    assert repeats.analyse_query("graph graphs") == ["graph", "graph", "graphgraph"]
    assert SearchIndex.build(papers).analyse_query("graph graphs") == ["graph", "graphgraph"]
    # The halves of "finetuning" are added once, and not at all when the query has them.
    assert repeats.analyse_query("finetuning finetuning") == [
        "finetun",
        "finetun",
        "finetuningfinetun",
        "fine",
        "tune",
    ]
    assert repeats.analyse_query("fine tuning finetuning") == [
        "fine",
        "tune",
        "finetun",
        "tuningfinetun",
    ]


@pytest.mark.parametrize("query", ["the finetuning", "graph-based finetuning"])
def test_a_closed_compound_after_a_stopword_or_hyphenated_word_still_finds_its_halves(
    query: str,
) -> None:
    """The words before it (no term, or two) do not stop the compound from splitting."""
    index = titled("fine-tuning", "fine tuning", "Graph theory")
    assert {"fine-tuning", "fine tuning"} <= set(found(index, query))


def test_a_hyphenated_word_with_one_content_word_does_not_stand_for_that_word() -> None:
    """ "all-round": "all" is a stopword, so the only part is "round"; "allround" finds
    the paper that hyphenated it, not every paper about rounds."""
    index = titled("All-round athletes", "Round tables", "Graph theory")
    assert found(index, "allround") == ["All-round athletes"]


def test_compounds_seen_before_an_add_still_find_their_halves_after_it() -> None:
    """Two compounds from the build and one from a later add: each closed spelling finds
    the papers that wrote its halves apart, as in an index built at once."""
    titles = ["fine-tuning", "State-of-the-art parsers", "fine tuning", "state of art", "Graphs"]
    index = titled(*titles)
    index.add([{"id": "Low-rank adapters", "title": "Low-rank adapters", "abstract": ""}])
    at_once = titled(*titles, "Low-rank adapters")
    assert set(found(index, "finetuning")) == {"fine-tuning", "fine tuning"}
    assert set(found(index, "stateoftheart")) == {"State-of-the-art parsers", "state of art"}
    assert found(index, "lowrank") == ["Low-rank adapters"]
    for query in ("finetuning", "stateoftheart", "lowrank"):
        assert found(index, query) == found(at_once, query)
