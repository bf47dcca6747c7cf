"""What a user gets back from searches: order, no-results, filters, paging, similar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from paperboy.search import DocFilter, SearchIndex, builder


@pytest.fixture
def papers() -> list[dict[str, Any]]:
    return [
        {
            "id": "1",
            "title": "Graph neural networks for molecules",
            "abstract": "Message passing.",
            "authors": ["Linyi Yang", "Ana María Pérez"],
            "date": date(2024, 1, 10),
            "upvotes": 5,
        },
        {
            "id": "2",
            "title": "Graph transformers",
            "abstract": "Attention over graph nodes.",
            "authors": ["Yue Zhang"],
            "date": "2024-02-01",
            "upvotes": 50,
        },
        {
            "id": "3",
            "title": "Protein folding",
            "abstract": "Graph-free structure prediction.",
            "authors": ["Linyi Chen", "Wei Yang"],
            "date": datetime(2024, 3, 5, 12, 0),
            "upvotes": 12,
        },
        {
            "id": "4",
            "title": "Diffusion models",
            "abstract": "Image generation with graphs.",
            "authors": [],
            "date": None,
            "upvotes": 0,
        },
        {"id": "5", "title": "Language models", "abstract": "Scaling laws for text."},
    ]


@pytest.fixture
def index(papers: list[dict[str, Any]]) -> SearchIndex:
    return SearchIndex.build(papers)


def ids(hits: list[Any]) -> list[str]:
    return [h.paper_id for h in hits]


def test_hits_come_best_first_and_only_when_they_share_a_term(index: SearchIndex) -> None:
    hits = index.search("graph")
    assert set(ids(hits)) == {"1", "2", "3", "4"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score > 0 for h in hits)


@pytest.mark.parametrize("query", ["", "  ", "the of a", "?!", "zyxwvut qqq", "the zyxwvut"])
def test_queries_without_searchable_words_give_no_results(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_paging_continues_where_the_first_page_stopped(index: SearchIndex) -> None:
    every = index.search("graph", limit=10)
    assert index.search("graph", limit=2) + index.search("graph", limit=2, offset=2) == every
    assert index.search("graph", limit=2, offset=10) == []
    assert index.search("graph", limit=0) == []


def test_excluded_papers_are_skipped_without_shortening_the_page(index: SearchIndex) -> None:
    every = ids(index.search("graph"))
    assert ids(index.search("graph", limit=2, exclude={every[0], "unknown"})) == every[1:3]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (DocFilter(since=date(2024, 2, 1)), {"2", "3"}),
        (DocFilter(until=date(2024, 2, 1)), {"1", "2"}),
        (DocFilter(since=date(2024, 1, 11), until=date(2024, 3, 4)), {"2"}),
        (DocFilter(min_votes=12), {"2", "3"}),
        (DocFilter(max_votes=5), {"1", "4"}),
        (DocFilter(min_votes=6, max_votes=20), {"3"}),
        (DocFilter(authors=("yang",)), {"1", "3"}),
        (DocFilter(authors=("Linyi Yang",)), {"1"}),
        (DocFilter(authors=("YANG LINYI",)), {"1"}),
        (DocFilter(authors=("perez",)), {"1"}),
        (DocFilter(authors=("maria perez", "yang")), {"1"}),
        (DocFilter(authors=("linyi", "zhang")), set()),
        (DocFilter(authors=("lin",)), set()),
        (DocFilter(authors=("yang",), min_votes=10), {"3"}),
    ],
)
def test_filters_restrict_the_results(
    index: SearchIndex, where: DocFilter, expected: set[str]
) -> None:
    assert set(ids(index.search("graph", where=where))) == expected


def test_filters_keep_the_order_of_the_unfiltered_ranking(index: SearchIndex) -> None:
    every = ids(index.search("graph"))
    kept = ids(index.search("graph", where=DocFilter(max_votes=20)))
    assert kept == [i for i in every if i in kept]


def test_upvote_changes_update_filters_without_changing_scores(
    index: SearchIndex, papers: list[dict[str, Any]]
) -> None:
    before = index.search("graph")
    index.add([dict(papers[3], upvotes=99)])
    assert index.search("graph") == before
    assert ids(index.search("graph", where=DocFilter(min_votes=60))) == ["4"]


def test_changed_authors_are_found_under_their_new_names(
    index: SearchIndex, papers: list[dict[str, Any]]
) -> None:
    index.add([dict(papers[1], authors=["Grace Hopper"])])
    assert ids(index.search("graph", where=DocFilter(authors=("hopper",)))) == ["2"]
    assert ids(index.search("graph", where=DocFilter(authors=("zhang",)))) == []


def test_author_names_are_searchable_words(
    index: SearchIndex, papers: list[dict[str, Any]]
) -> None:
    assert ids(index.search("Pérez")) == ["1"]
    assert ids(index.search("ana maria perez")) == ["1"]
    assert ids(index.search("yue zhang")) == ["2"]
    index.add([dict(papers[1], authors=["Grace Hopper"])])
    assert ids(index.search("hopper")) == ["2"]
    assert ids(index.search("zhang")) == []


def test_a_filter_alone_lists_the_matching_papers_newest_first(
    index: SearchIndex, papers: list[dict[str, Any]]
) -> None:
    assert index.newest(DocFilter(authors=("yang",))) == ["3", "1"]
    assert index.newest(DocFilter(authors=("yang",)), limit=1, offset=1) == ["1"]
    assert index.newest(DocFilter(min_votes=0)) == ["3", "2", "1", "5", "4"]
    index.add([dict(papers[0], abstract="Message passing, revised.")])  # replaces paper 1
    assert index.newest(DocFilter(authors=("linyi yang",))) == ["1"]
    assert index.newest(DocFilter(authors=("nobody",))) == []


def test_changed_text_replaces_the_old_document(
    index: SearchIndex, papers: list[dict[str, Any]]
) -> None:
    index.add([dict(papers[4], abstract="Graph scaling laws.")])
    assert len(index) == 5
    assert "5" in ids(index.search("graph"))
    assert ids(index.search("text")) == []


def test_a_repeated_id_in_one_batch_keeps_the_last_record() -> None:
    index = SearchIndex.build(
        [
            {"id": "a", "title": "old words", "abstract": ""},
            {"id": "b", "title": "other things", "abstract": ""},
            {"id": "a", "title": "new words", "abstract": ""},
            {"id": "c", "title": "more things", "abstract": ""},
        ]
    )
    assert len(index) == 3
    assert index.search("old") == []
    assert ids(index.search("new")) == ["a"]


def test_similar_finds_related_papers_but_not_itself(index: SearchIndex) -> None:
    hits = index.similar("2")
    assert "2" not in ids(hits)
    assert ids(hits)[0] == "1"
    assert index.similar("nope") == []
    assert ids(index.similar("2", where=DocFilter(min_votes=10))) == ["3"]


def test_membership_and_size(index: SearchIndex) -> None:
    assert len(index) == 5
    assert "3" in index
    assert "9" not in index
    assert 3 not in index


def test_an_empty_index_answers_nothing() -> None:
    index = SearchIndex.build([])
    assert len(index) == 0
    assert index.search("graph") == []
    index.add(
        [
            {"id": "x", "title": "Graph", "abstract": ""},
            {"id": "y", "title": "Protein", "abstract": ""},
            {"id": "z", "title": "Language", "abstract": ""},
        ]
    )
    assert ids(index.search("graph")) == ["x"]


def test_records_need_an_id() -> None:
    with pytest.raises(KeyError):
        SearchIndex.build([{"title": "no id", "abstract": ""}])
    with pytest.raises(ValueError, match="id"):
        SearchIndex.build([{"id": "", "title": "empty id", "abstract": ""}])


def test_a_large_add_is_read_in_chunks_with_the_same_result() -> None:
    """More records than one chunk: a repeated id far apart still keeps the last text."""
    records = [
        {"id": f"p{i}", "title": f"topic{i % 97} paper", "abstract": ""} for i in range(20_010)
    ]
    records.append({"id": "p3", "title": "zebra stripes", "abstract": ""})
    records.append({"id": "p4", "title": "topic4 paper", "abstract": "", "upvotes": 7})
    index = SearchIndex.build(records)
    assert len(index) == 20_010
    assert ids(index.search("zebra")) == ["p3"]
    assert "p3" not in ids(index.search("topic3", limit=1000))
    assert ids(index.search("topic4", where=DocFilter(min_votes=7))) == ["p4"]


def test_papers_of_every_chunk_of_an_add_are_found_by_id_and_author(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An add to a built index, read two records at a time: a paper from the third chunk
    is in the index under its own id and its own author, as one from the first is."""
    index = SearchIndex.build(
        [
            {
                "id": f"old{n}",
                "title": "Graph theory",
                "abstract": "",
                "authors": [f"Old Writer{n}"],
            }
            for n in range(3)
        ]
    )
    monkeypatch.setattr(builder, "CHUNK", 2)
    added = [f"new{n}" for n in range(5)]
    index.add(
        [
            {"id": pid, "title": f"Graph {pid}", "abstract": "", "authors": [f"{pid} author"]}
            for pid in added
        ]
    )
    for pid in added:
        assert pid in index
        assert index.newest(DocFilter(authors=(f"{pid} author",))) == [pid]
        assert pid not in ids(index.similar(pid, limit=10))
        assert pid not in ids(index.search("graph", exclude=[pid], limit=10))


@pytest.mark.parametrize("before", [0, 2])
@pytest.mark.parametrize("first", [[], [{"id": "z", "title": "zebra", "abstract": ""}]])
def test_a_paper_of_an_add_rewritten_in_a_later_chunk_keeps_its_last_text(
    first: list[dict[str, Any]], before: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper an add brings at the start of a chunk (the add's first, or the first of its
    second chunk), to an empty index or not, is sent again with new text in a later
    chunk: the old text is gone, the new one found."""
    index = SearchIndex.build(first)
    monkeypatch.setattr(builder, "CHUNK", 2)
    lead = [
        {"id": f"p{n}", "title": "Zebra stripes on savanna grass", "abstract": ""}
        for n in range(before)
    ]
    index.add(
        [
            *lead,
            {"id": "a", "title": "old words", "abstract": ""},
            {"id": "b", "title": "graph", "abstract": ""},
            {"id": "a", "title": "new words", "abstract": ""},
        ]
    )
    assert len(index) == len(first) + before + 2
    assert index.search("old") == []
    assert ids(index.search("new")) == ["a"]
    assert ids(index.search("words graph")) == ["b", "a"]


def test_papers_rewritten_from_two_chunks_score_as_if_never_written_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Papers first sent in two different chunks of an add, then rewritten in a third:
    their old words count for nothing, every score as in an index of the last texts."""
    last = [
        {"id": "b", "title": "graph words", "abstract": ""},
        {"id": "d", "title": "delta graph", "abstract": ""},
        {"id": "a", "title": "new words", "abstract": ""},
        {"id": "c", "title": "fresh delta", "abstract": ""},
    ]
    index = SearchIndex.build([{"id": "z", "title": "zebra", "abstract": ""}])
    monkeypatch.setattr(builder, "CHUNK", 2)
    index.add(
        [
            {"id": "a", "title": "alpha words words", "abstract": ""},
            last[0],
            {"id": "c", "title": "gamma words", "abstract": ""},
            *last[1:],
        ]
    )
    fresh = SearchIndex.build([{"id": "z", "title": "zebra", "abstract": ""}, *last])
    query = "words graph delta new"
    assert sorted((h.paper_id, h.score) for h in index.search(query)) == sorted(
        (h.paper_id, h.score) for h in fresh.search(query)
    )


def test_an_upvote_count_past_64_bits_is_refused_and_the_index_left_as_it_was() -> None:
    index = SearchIndex.build([{"id": "a", "title": "Graph", "abstract": "", "upvotes": 3}])
    with pytest.raises(OverflowError):
        index.add([{"id": "b", "title": "Graph theory", "abstract": "", "upvotes": 2**63}])
    assert len(index) == 1
    assert "b" not in index
    assert ids(index.search("graph", where=DocFilter(min_votes=3))) == ["a"]


@pytest.mark.parametrize("n_papers", [1, 2])
def test_a_store_of_one_or_two_papers_still_finds_the_paper_with_the_word(n_papers: int) -> None:
    # BM25Okapi gives a word found in one of two papers an idf of 0, and the
    # only word of a one-paper corpus a negative one: the paper must still come back.
    papers = [
        {"id": "a", "title": "Graph transformers", "abstract": "Attention over nodes."},
        {"id": "b", "title": "Protein folding", "abstract": "Structure prediction."},
    ][:n_papers]
    index = SearchIndex.build(papers)
    assert ids(index.search("graph transformers")) == ["a"]
    assert index.search("diffusion") == []
    if n_papers == 2:
        assert ids(index.search("protein graph")) == ["a", "b"]
