"""`SearchIndex` answers after papers were added and replaced: newest-first lists,
recommendations, `similar` among some papers, and the counts an operator reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from paperboy.search import DocFilter, SearchIndex


def paper(pid: str, title: str, *, day: int | None = None, **more: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "abstract": "",
        "date": date(2024, 1, day) if day else None,
        **more,
    }


def test_newest_puts_the_later_added_first_among_equal_dates_and_undated_last() -> None:
    index = SearchIndex.build(
        [
            paper("undated-1", "Graph one"),
            paper("old", "Graph two", day=1),
            paper("same-a", "Graph three", day=5),
            paper("undated-2", "Graph four"),
            paper("same-b", "Graph five", day=5),
            paper("new", "Graph six", day=9),
        ]
    )
    everything = DocFilter(since=None)
    assert index.newest(everything) == [
        "new",
        "same-b",
        "same-a",
        "old",
        "undated-2",
        "undated-1",
    ]
    assert index.newest(everything, limit=2, offset=1) == ["same-b", "same-a"]
    assert index.newest(DocFilter(since=date(2024, 1, 5))) == ["new", "same-b", "same-a"]


def test_newest_lists_a_replaced_paper_once_as_its_latest_version() -> None:
    index = SearchIndex.build([paper("a", "Graph one", day=3), paper("b", "Graph two", day=2)])
    index.add([paper("a", "Graph one revised", day=1, upvotes=9)])
    assert index.newest(DocFilter()) == ["b", "a"]
    assert index.newest(DocFilter(min_votes=9)) == ["a"]
    assert index.newest(DocFilter(max_votes=0)) == ["b"]


def test_recommendations_take_in_papers_added_since_the_last_ones() -> None:
    papers = [
        paper("s1", "Low-rank adapters for language models"),
        paper("s2", "Adapter tuning of language models"),
        paper("far", "Galaxy rotation curves"),
        *(paper(f"n{i}", f"Cooking recipe number {i}") for i in range(8)),
    ]
    index = SearchIndex.build(papers)
    before = [r.paper_id for r in index.recommend(["s1"], limit=20)]
    assert "new" not in before
    index.add([paper("new", "Low-rank adapters for tuning language models")])
    after = index.recommend(["s1"], limit=20)
    assert after[0].paper_id == "new"
    assert after[0].like == "s1"
    # A paper replaced since is ranked once, as its new text.
    index.add([paper("far", "Adapters for low-rank language models")])
    ids = [r.paper_id for r in index.recommend(["s1"], limit=20)]
    assert sorted(ids) == sorted({p["id"] for p in papers} - {"s1"} | {"new"})
    assert ids.index("far") < ids.index("n0")


def test_recommendations_leave_out_the_saved_and_the_marked_papers_and_page() -> None:
    papers = [paper(f"p{i}", f"Adapters for language models part {i}") for i in range(12)]
    index = SearchIndex.build(papers)
    ranked = [r.paper_id for r in index.recommend(["p0", "p1"], ["p2", "p3"], limit=20)]
    assert sorted(ranked) == sorted(f"p{i}" for i in range(4, 12))
    among = ["p0", "p2", "p5", "p7", "unknown"]
    assert sorted(r.paper_id for r in index.recommend(["p0"], ["p2"], among=among)) == [
        "p5",
        "p7",
    ]
    paged = index.recommend(["p0", "p1"], ["p2", "p3"], limit=3, offset=2)
    assert [r.paper_id for r in paged] == ranked[2:5]


def test_similar_among_some_papers_gives_one_when_asked_for_one() -> None:
    index = SearchIndex.build(
        [
            paper("a", "Graph neural networks for molecules"),
            paper("b", "Graph neural networks"),
            paper("c", "Graph networks"),
            paper("d", "Protein folding"),
        ]
    )
    whole = index.similar("a")
    assert [h.paper_id for h in whole] == ["c", "b"]
    assert index.similar("a", limit=1, among=["b", "c", "d"]) == whole[:1]
    assert index.similar("a", limit=1, offset=1, among=["b", "c"]) == whole[1:]
    assert index.similar("a", among=["d"]) == []
    assert index.similar("unknown", among=["b"]) == []


def test_the_count_of_terms_forgets_words_only_replaced_papers_had() -> None:
    index = SearchIndex.build([paper("a", "zeppelin airship"), paper("b", "airship hangar")])
    assert index.n_terms == 3
    index.add([paper("a", "balloon")])
    assert index.n_terms == 3  # airship, hangar, balloon
    assert len(index) == 2
    assert "a" in index
    assert index.matching("zeppelin") == frozenset()
    assert index.matching("balloon airship") == {"a", "b"}


def test_authors_split_anew_with_the_same_text_are_filtered_by_their_new_names() -> None:
    """A source that once gave two authors as one string, then fixed it: the text (and so
    the ranking) is unchanged, but the author filter must see two people."""
    index = SearchIndex.build([paper("a", "Graph", authors=["Ada Lovelace, Grace Hopper"])])
    assert index.newest(DocFilter(authors=("lovelace grace",))) == ["a"]
    before = index.search("graph hopper")
    index.add([paper("a", "Graph", authors=["Ada Lovelace", "Grace Hopper"], upvotes=3)])
    assert index.newest(DocFilter(authors=("lovelace grace",))) == []
    assert index.newest(DocFilter(authors=("grace hopper",))) == ["a"]
    assert index.newest(DocFilter(authors=("ada lovelace",), min_votes=3)) == ["a"]
    assert index.search("graph hopper") == before


def test_recommendations_are_ten_by_default_and_a_mark_on_a_saved_paper_changes_nothing() -> None:
    papers = [paper(f"p{i}", f"Adapters for language models part {i}") for i in range(14)]
    index = SearchIndex.build(papers)
    assert len(index.recommend(["p0", "p1"])) == 10
    # A save outweighs a mark: the same answer as without the mark, score for score.
    assert index.recommend(["p0", "p1"], ["p1"], limit=20) == index.recommend(
        ["p0", "p1"], limit=20
    )


def test_an_undated_paper_comes_after_one_of_the_earliest_date() -> None:
    index = SearchIndex.build(
        [paper("dated", "Graph", day=None, date=date(1, 1, 1)), paper("undated", "Graph")]
    )
    assert index.newest(DocFilter()) == ["dated", "undated"]
