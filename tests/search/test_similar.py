"""`similar`: a paper's own token list as the query, ranked exactly as rank_bm25 ranks it,
the paper itself left out, and `among` keeping to the papers given; also in an index grown
by adds, where each paper's terms live in the segment it was added to."""

from __future__ import annotations

from typing import Any

from paperboy.search import DocFilter, SearchIndex
from tests.search.reference import Reference, assert_same_ranking


def _expect_similar(
    index: SearchIndex, ref: Reference, paper_id: str, k: int, among: set[str] | None = None
) -> tuple[list[tuple[str, float]], dict[str, float]]:
    tokens = ref.corpus[ref.ids.index(paper_id)]
    scores = ref.scores(tokens)
    if among is not None:
        scores = {pid: s for pid, s in scores.items() if pid in among}
    outside = frozenset({paper_id} | (set(ref.ids) - among if among is not None else set()))
    return ref.ranking(tokens, k, exclude=outside), scores


def test_similar_ranks_by_the_papers_own_words_in_every_segment(
    sample_papers: list[dict[str, Any]],
) -> None:
    index = SearchIndex.build(sample_papers[:30])
    index.add(sample_papers[30:55])
    index.add(sample_papers[55:])
    ref = Reference(index, sample_papers)
    # The first and last paper of each segment, and one inside.
    for position in (0, 29, 30, 54, 55, 60, len(sample_papers) - 1):
        paper_id = sample_papers[position]["id"]
        expected, scores = _expect_similar(index, ref, paper_id, k=8)
        hits = index.similar(paper_id, limit=8)
        assert expected, paper_id
        assert_same_ranking(hits, expected, scores)
        assert paper_id not in {hit.paper_id for hit in hits}


def test_similar_among_some_papers_ranks_only_those_and_pages(
    sample_papers: list[dict[str, Any]],
) -> None:
    papers = [dict(p, upvotes=(n * 37) % 50) for n, p in enumerate(sample_papers)]
    index = SearchIndex.build(papers[:40])
    index.add(papers[40:])
    ref = Reference(index, papers)
    paper_id = papers[3]["id"]
    among = {p["id"] for p in papers[::2]} | {paper_id}

    expected, scores = _expect_similar(index, ref, paper_id, k=50, among=among)
    hits = index.similar(paper_id, limit=50, among=among)

    assert_same_ranking(hits, expected, scores)
    assert len(hits) > 10
    assert index.similar(paper_id, limit=5, offset=5, among=among) == hits[5:10]
    assert index.similar(paper_id, limit=0, among=among) == []
    # A filter and `among` together: both must hold.
    votes = {p["id"]: p["upvotes"] for p in papers}
    floor = sorted(votes[h.paper_id] for h in hits)[len(hits) // 2]
    filtered = index.similar(paper_id, limit=50, among=among, where=DocFilter(min_votes=floor))
    assert 0 < len(filtered) < len(hits)
    assert [h.paper_id for h in filtered] == [
        h.paper_id for h in hits if votes[h.paper_id] >= floor
    ]


def test_similar_gives_ten_by_default(sample_papers: list[dict[str, Any]]) -> None:
    index = SearchIndex.build(sample_papers)
    assert len(index.similar(sample_papers[0]["id"])) == 10


def test_similar_to_papers_added_one_at_a_time_after_a_larger_build(
    sample_papers: list[dict[str, Any]],
) -> None:
    """Single-paper adds leave a small segment after a large one (merged or not): each
    paper is found in its own and ranked by its own words."""
    index = SearchIndex.build(sample_papers[:20])
    for end in range(21, 25):
        index.add(sample_papers[end - 1 : end])
        ref = Reference(index, sample_papers[:end])
        paper_id = sample_papers[end - 1]["id"]
        expected, scores = _expect_similar(index, ref, paper_id, k=5)
        assert expected, paper_id
        assert_same_ranking(index.similar(paper_id, limit=5), expected, scores)
