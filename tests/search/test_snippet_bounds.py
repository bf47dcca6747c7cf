"""Snippets at their limits: an excerpt exactly as long as allowed is shown whole, one
character more is cut; and for any text, query and limit, the snippet fits, is a piece
of the text, marks every matching word it shows and shows a match when there is one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperboy.search import SearchIndex, make_snippet
from paperboy.search.snippets import ELLIPSIS

INDEX = SearchIndex.build([{"id": "a", "title": "Graphs", "abstract": "Graph models."}])
TOK = INDEX.tokenizer
VOCABULARY = ["graph", "model", "agent", "protein", "robot", "data", "x", "transformers"]


def shown(snippet: tuple[tuple[str, bool], ...]) -> str:
    return "".join(piece for piece, _ in snippet)


def test_a_whole_text_exactly_as_long_as_allowed_is_shown_whole() -> None:
    text = "Graph models help us."  # 21 characters
    assert shown(make_snippet(text, INDEX.query_terms("graph"), TOK, max_chars=21)) == text
    cut = shown(make_snippet(text, INDEX.query_terms("graph"), TOK, max_chars=20))
    assert cut.endswith(ELLIPSIS)
    assert len(cut) <= 20


def test_a_later_sentence_with_room_for_its_ellipsis_is_shown_whole() -> None:
    """After the first sentence, an excerpt gets "…" before it: it is shown whole when it
    is at most two characters shorter than the limit; one character more, and it is cut
    to three words before the match."""
    text = "Nothing here. Data and robots use graph models."  # the second: 33 characters
    terms = INDEX.query_terms("graph")
    whole = shown(make_snippet(text, terms, TOK, max_chars=35))
    cut = shown(make_snippet(text, terms, TOK, max_chars=34))
    assert whole == f"{ELLIPSIS}Data and robots use graph models."
    assert cut == f"{ELLIPSIS}and robots use graph models."


def test_a_long_sentence_is_cut_three_words_before_its_first_match() -> None:
    """Not before a match of another sentence: the excerpt reads from just before the
    match it shows."""
    text = "Graph. One two three four five six graph model seven eight nine ten eleven."
    snippet = make_snippet(text, INDEX.query_terms("graph model"), TOK, max_chars=40)
    assert shown(snippet).startswith(f"{ELLIPSIS}four five six graph model")


def test_a_word_ending_exactly_at_its_sentences_end_counts_for_that_sentence() -> None:
    """The sentence that holds the match is the one shown."""
    text = "Models of proteins. Agents and robots use graph"
    snippet = make_snippet(text, INDEX.query_terms("graph"), TOK, max_chars=30)
    assert [piece for piece, mark in snippet if mark] == ["graph"]


sentences = st.lists(
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12).map(
        lambda ws: " ".join(ws).capitalize() + "."
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    sentences,
    st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3),
    st.integers(min_value=15, max_value=120),
)
def test_any_snippet_fits_is_a_piece_of_the_text_and_marks_what_it_shows(
    parts: list[str], query: list[str], max_chars: int
) -> None:
    text = " ".join(parts)
    terms = INDEX.query_terms(" ".join(query))
    snippet = make_snippet(text, terms, TOK, max_chars=max_chars)
    out = shown(snippet)

    assert len(out) <= max_chars
    assert out.strip(ELLIPSIS) in text
    # Every word shown that yields a query term is marked, and only those.
    marked_words = [piece for piece, mark in snippet if mark]
    assert all(terms & set(TOK.word_terms(w.lower())) for w in marked_words)
    unmarked = " ".join(piece for piece, mark in snippet if not mark)
    assert not any(
        terms & set(TOK.word_terms(w.lower())) for w in unmarked.replace(".", " ").split()
    )
    # With room for the three words of context before it (up to 13 characters each, as
    # the match), a match is shown. (Below that the context can push it out.)
    matching = any(terms & set(TOK.word_terms(w)) for w in text.lower().replace(".", " ").split())
    if matching and max_chars >= 60:
        assert marked_words, (text, terms, snippet)
