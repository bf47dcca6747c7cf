"""Choosing digest papers: ranking, topics, threshold, never twice, empty days."""

from __future__ import annotations

from datetime import date

from paperboy.core.models import Paper
from paperboy.digest.select import choose_papers, digest_window, header_text


def paper(pid: str, votes: int, title: str = "A paper") -> Paper:
    return Paper(id=pid, title=title, abstract="", upvotes=votes, featured=date(2025, 3, 13))


CANDIDATES = [paper("a", 5), paper("b", 50, "Diffusion"), paper("c", 20), paper("d", 20)]


def test_papers_are_ranked_by_upvotes_with_a_stable_tie_break() -> None:
    chosen = choose_papers(CANDIDATES, limit=3)
    assert [p.id for p in chosen] == ["b", "c", "d"]


def test_the_threshold_and_the_limit_apply() -> None:
    assert [p.id for p in choose_papers(CANDIDATES, limit=10, min_upvotes=20)] == ["b", "c", "d"]
    assert [p.id for p in choose_papers(CANDIDATES, limit=1)] == ["b"]
    zero = [paper("z", 0)]  # no threshold by default: a paper without upvotes too
    assert [p.id for p in choose_papers(zero, limit=1)] == ["z"]


def test_a_paper_the_channel_already_got_is_never_sent_again() -> None:
    chosen = choose_papers(CANDIDATES, limit=10, already_sent={"b", "c"})
    assert [p.id for p in chosen] == ["d", "a"]


def test_an_empty_day_gives_nothing() -> None:
    assert choose_papers([], limit=5) == []
    assert digest_window(None, date(2025, 3, 13)) is None


def test_a_late_feed_falls_back_to_the_last_featured_day_within_the_lookback() -> None:
    today = date(2025, 3, 13)
    assert digest_window(date(2025, 3, 11), today) == (date(2025, 3, 10), date(2025, 3, 11))
    assert digest_window(date(2025, 3, 1), today) is None
    # The lookback is 3 days: a feed 3 days late still counts, 4 days late no longer.
    assert digest_window(date(2025, 3, 10), today) == (date(2025, 3, 9), date(2025, 3, 10))
    assert digest_window(date(2025, 3, 9), today) is None


def test_the_header_names_the_day_the_count_and_the_topics() -> None:
    assert header_text(date(2025, 3, 13), count=5, topics="agents") == (
        "Trending papers — Thu 13 Mar · 5 papers · topics: agents"
    )
    assert (
        header_text(date(2025, 3, 13), count=1, topics="")
        == "Trending papers — Thu 13 Mar · 1 paper"
    )


def test_a_team_ranking_puts_the_papers_on_its_liked_side_first_and_upvotes_order_the_rest() -> (
    None
):
    scores = {"a": 0.4, "b": -0.2, "c": -0.5, "d": 0.1}
    chosen = choose_papers(CANDIDATES, limit=4, scores=scores)
    # a and d look like the team's saves (best first); b, c keep the upvote order.
    assert [p.id for p in chosen] == ["a", "d", "b", "c"]
    unscored = choose_papers(CANDIDATES, limit=4, scores={"c": -1.0})
    assert [p.id for p in unscored] == ["b", "c", "d", "a"]  # nothing liked: upvotes
