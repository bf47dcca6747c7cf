"""Which sentences a snippet shows: the first of equally good ones, neighbours only when
they add a matched word, the nearer neighbour first, and 300 characters by default."""

from __future__ import annotations

from paperboy.search import SearchIndex, make_snippet
from paperboy.search.snippets import ELLIPSIS

INDEX = SearchIndex.build([{"id": "a", "title": "Graphs", "abstract": "Graph models."}])
TOK = INDEX.tokenizer


def snippet(text: str, query: str, **limit: int) -> tuple[str, list[str]]:
    """(the text shown, the marked words)."""
    parts = make_snippet(text, INDEX.query_terms(query), TOK, **limit)
    return "".join(piece for piece, _ in parts), [piece for piece, mark in parts if mark]


def test_of_equally_matching_sentences_the_first_is_shown_alone() -> None:
    """The later sentences add no new word: they are left out."""
    shown, marked = snippet("Graph one. Robots two. Graph three.", "graph")
    assert shown == f"Graph one.{ELLIPSIS}"
    assert marked == ["Graph"]


def test_a_later_sentence_matching_more_words_is_shown() -> None:
    shown, marked = snippet("Graph one. Robots two. Graph robots three.", "graph robots")
    assert shown == f"{ELLIPSIS}Graph robots three."
    assert marked == ["Graph", "robots"]


def test_the_run_of_sentences_grows_toward_the_nearer_neighbour_first() -> None:
    """The best sentence (three words) is joined by the one after it, then by the one
    before it (next to the run) rather than the one after that (further away): only
    three sentences fit."""
    text = "Alpha one here. Xray yak zebra now. Beta two here. Gamma three here."
    shown, marked = snippet(text, "alpha xray yak zebra beta gamma", max_chars=60)
    assert shown == f"Alpha one here. Xray yak zebra now. Beta two here.{ELLIPSIS}"
    assert marked == ["Alpha", "Xray", "yak", "zebra", "Beta"]


def test_a_neighbour_adding_two_words_is_preferred_to_one_adding_one() -> None:
    query = "alpha beta xray yak zebra gamma"
    before = snippet("Alpha beta here. Xray yak zebra now. Gamma here.", query, max_chars=40)
    assert before[0] == f"Alpha beta here. Xray yak zebra now.{ELLIPSIS}"
    after = snippet("Alpha here. Xray yak zebra now. Gamma beta here.", query, max_chars=40)
    assert after[0] == f"{ELLIPSIS}Xray yak zebra now. Gamma beta here."


def test_by_default_a_snippet_is_at_most_300_characters() -> None:
    whole = "word " * 59 + "graph"  # 300 characters
    assert snippet(whole, "graph") == (whole, ["graph"])
    # One character more: cut to three words before the match.
    assert snippet("word " * 59 + "graphs", "graph") == (
        f"{ELLIPSIS}word word word graphs",
        ["graphs"],
    )


def test_marked_and_unmarked_pieces_alternate_with_nothing_empty_between() -> None:
    """What an adapter renders: bold words and the text between, nothing empty."""
    terms = INDEX.query_terms("graph model robot")
    assert make_snippet("Graph models", terms, TOK) == (
        ("Graph", True),
        (" ", False),
        ("models", True),
    )
    assert make_snippet("Graph models. Robot data.", terms, TOK) == (
        ("Graph", True),
        (" ", False),
        ("models", True),
        (". ", False),
        ("Robot", True),
        (" data.", False),
    )


def test_one_enormous_word_is_cut_to_fit_with_its_ellipsis() -> None:
    shown, marked = snippet("x" * 500, "graph")
    assert shown == "x" * 298 + ELLIPSIS
    assert marked == []


def test_a_cut_keeps_the_punctuation_closing_its_last_word() -> None:
    text = "Some data. Graph models (and) robots help us a lot today."
    assert snippet(text, "graph", max_chars=22) == (
        f"{ELLIPSIS}Graph models (and){ELLIPSIS}",
        ["Graph"],
    )


def test_the_run_grows_toward_the_nearer_neighbour_on_either_side() -> None:
    """The best sentence took the one before it first (two new words); then the one after
    it (next to the run) beats the first sentence (further away)."""
    text = "Alpha here. Beta bee here. Xray yak zebra wolf. Delta here."
    shown, _ = snippet(text, "alpha beta bee xray yak zebra wolf delta", max_chars=60)
    assert shown == f"{ELLIPSIS}Beta bee here. Xray yak zebra wolf. Delta here."


def test_a_neighbour_is_joined_only_for_words_the_run_does_not_have_yet() -> None:
    """ "Zebra there." adds zebra; then "Xray here." adds nothing the run has not shown."""
    shown, _ = snippet("Xray here. Xray yak now. Zebra there.", "xray yak zebra")
    assert shown == f"{ELLIPSIS}Xray yak now. Zebra there."


def test_sentences_are_joined_while_they_fit_with_room_for_an_ellipsis() -> None:
    text = "Alpha one. Beta two. Gamma three."  # the first two: 20 characters
    assert snippet(text, "alpha beta", max_chars=22)[0] == f"Alpha one. Beta two.{ELLIPSIS}"
    assert snippet(text, "alpha beta", max_chars=21)[0] == f"Alpha one.{ELLIPSIS}"


def test_a_cut_keeps_every_word_that_fits_exactly_and_no_more() -> None:
    """At 20 characters, 18 are for text: "robot" ends at the 18th, its comma does not fit;
    "(and)" ends at the 18th with its parenthesis."""
    assert snippet("Graph models robot, and more words here today.", "graph", max_chars=20) == (
        f"Graph models robot{ELLIPSIS}",
        ["Graph"],
    )
    assert snippet("Graph models (and) robots help us a lot today.", "graph", max_chars=20) == (
        f"Graph models (and){ELLIPSIS}",
        ["Graph"],
    )


def test_a_cut_never_ends_inside_the_next_word() -> None:
    shown, _ = snippet("Graph models (and)Xylophones help us a lot today.", "graph", max_chars=22)
    assert shown == f"Graph models (and){ELLIPSIS}"


def test_a_first_word_that_fits_is_shown_whole_before_one_that_does_not() -> None:
    shown, _ = snippet("Graph supercalifragilisticexpialidocious words.", "graph", max_chars=20)
    assert shown == f"Graph{ELLIPSIS}"


def test_a_cut_starts_at_the_first_match_of_the_sentence_not_a_later_one() -> None:
    text = "Graph one two three four five six graph seven eight nine ten."
    assert snippet(text, "graph", max_chars=30) == (
        f"Graph one two three four{ELLIPSIS}",
        ["Graph"],
    )


def test_a_cut_three_words_before_the_match_leaves_out_the_opening_quote() -> None:
    text = 'Intro here. "One two three graph four five six seven eight nine."'
    assert snippet(text, "graph", max_chars=30) == (
        f"{ELLIPSIS}One two three graph four{ELLIPSIS}",
        ["graph"],
    )


def test_a_cut_three_words_into_a_long_sentence_ends_at_a_word() -> None:
    text = "Graph. One two three four five six graph model seven eight nine ten eleven."
    assert snippet(text, "graph model", max_chars=40) == (
        f"{ELLIPSIS}four five six graph model seven eight{ELLIPSIS}",
        ["graph", "model"],
    )


def test_a_cut_after_the_first_character_still_shows_its_ellipsis() -> None:
    text = '"One two three graph four five six seven eight nine."'
    assert (
        snippet(text, "graph", max_chars=30)[0] == f"{ELLIPSIS}One two three graph four{ELLIPSIS}"
    )


def test_a_cut_sentence_does_not_run_on_into_the_next_one() -> None:
    """From three words before the match the rest of the sentence fits, and so would a
    word of the next sentence: the excerpt still ends with its sentence."""
    text = "Alpha beta gamma delta epsilon zeta one two three graph. Next words here."
    assert snippet(text, "graph", max_chars=32)[0] == f"{ELLIPSIS}one two three graph.{ELLIPSIS}"
