"""The exact top k at its edges: ties at the k-th score, k beyond the matches, filters
and `among`, dead (replaced) papers, and an index grown into many segments. Every
answer is compared with rank_bm25 rank by rank, ties in the order papers were added."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from paperboy.search import (
    DocFilter,
    IndexOptions,
    SearchIndex,
    TokenizerOptions,
    builder,
    postings,
)
from tests.search.reference import Reference

WORDS = [f"w{i}" for i in range(24)]
OPTIONS = IndexOptions(tokenizer=TokenizerOptions(query_dedup=False))


def corpus(n: int, seed: int, *, first: int = 0) -> list[dict[str, Any]]:
    """Papers over a small vocabulary (frequent words first), a third of them copies
    of an earlier paper's text: many exact ties."""
    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    out: list[dict[str, Any]] = []
    for i in range(first, first + n):
        if out and rng.random() < 0.33:
            text = rng.choice(out)
            title, abstract = text["title"], text["abstract"]
        else:
            title = " ".join(rng.choices(WORDS, weights, k=rng.randint(1, 4)))
            abstract = " ".join(rng.choices(WORDS, weights, k=rng.randint(0, 30)))
        out.append(
            {"id": f"p{i}", "title": title, "abstract": abstract, "upvotes": rng.randint(0, 9)}
        )
    return out


def queries(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) for _ in range(count)]


def expect_exact(
    index: SearchIndex,
    ref: Reference,
    query: str,
    k: int,
    *,
    offset: int = 0,
    keep: set[str] | None = None,
    **options: Any,
) -> None:
    """`index.search` gives rank_bm25's ranking: the same papers in the same order
    (ties by insertion), the same scores."""
    tokens = index.analyse_query(query)
    ranked = ref.ranking(tokens, len(ref.ids))
    if keep is not None:
        ranked = [(pid, score) for pid, score in ranked if pid in keep]
    expected = ranked[offset : offset + k]
    hits = index.search(query, limit=k, offset=offset, **options)
    assert [hit.paper_id for hit in hits] == [pid for pid, _ in expected], (query, k)
    for hit, (_, score) in zip(hits, expected, strict=True):
        assert math.isclose(hit.score, score, rel_tol=1e-9), (query, hit, score)


@pytest.fixture(scope="module")
def papers() -> list[dict[str, Any]]:
    return corpus(400, seed=1)


@pytest.fixture(scope="module")
def built(papers: list[dict[str, Any]]) -> tuple[SearchIndex, Reference]:
    index = SearchIndex.build(papers, options=OPTIONS)
    return index, Reference(index, papers)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 13, 40])
def test_ties_at_the_kth_score_are_kept_in_the_order_papers_were_added(
    built: tuple[SearchIndex, Reference], k: int
) -> None:
    index, ref = built
    for query in queries(seed=k, count=12):
        expect_exact(index, ref, query, k)


def test_a_k_beyond_the_matches_gives_every_match_once(
    built: tuple[SearchIndex, Reference],
) -> None:
    index, ref = built
    for query in ["w23", "w20 w21", "w0", "w5 w9 w9", "nothing w22"]:
        expect_exact(index, ref, query, 1000)
        hits = index.search(query, limit=1000)
        assert len({hit.paper_id for hit in hits}) == len(hits)
        assert len(hits) < 1000


def test_pages_of_a_tied_ranking_neither_repeat_nor_skip(
    built: tuple[SearchIndex, Reference],
) -> None:
    index, ref = built
    for query in queries(seed=99, count=6):
        for offset in (0, 1, 7, 30):
            expect_exact(index, ref, query, 7, offset=offset)


def test_filters_and_exclusions_keep_the_exact_ranking_of_what_is_left(
    built: tuple[SearchIndex, Reference], papers: list[dict[str, Any]]
) -> None:
    index, ref = built
    votes = {p["id"]: p["upvotes"] for p in papers}
    for n, query in enumerate(queries(seed=5, count=10)):
        k = 1 + n % 6
        at_least = {pid for pid, v in votes.items() if v >= 7}
        expect_exact(index, ref, query, k, keep=at_least, where=DocFilter(min_votes=7))
        # The best few excluded: the next ones move up.
        best = {h.paper_id for h in index.search(query, limit=5)}
        expect_exact(index, ref, query, k, keep=set(votes) - best, exclude=best)
        # Both together.
        expect_exact(
            index,
            ref,
            query,
            k,
            keep=at_least - best,
            where=DocFilter(min_votes=7),
            exclude=best,
        )


def test_among_ranks_only_those_papers_with_their_scores_in_the_whole_index(
    built: tuple[SearchIndex, Reference], papers: list[dict[str, Any]]
) -> None:
    index, ref = built
    among = {p["id"] for p in papers[::3]} | {"unknown"}
    votes = {p["id"]: p["upvotes"] for p in papers}
    for n, query in enumerate(queries(seed=6, count=10)):
        k = 1 + n % 5
        expect_exact(index, ref, query, k, keep=among, among=among)
        expect_exact(index, ref, query, k, offset=3, keep=among, among=among)
        low = {pid for pid in among if votes.get(pid, 0) <= 3}
        expect_exact(index, ref, query, k, keep=low, among=among, where=DocFilter(max_votes=3))
        first = index.search(query, limit=2, among=among)
        expect_exact(
            index,
            ref,
            query,
            k,
            keep=among - {h.paper_id for h in first},
            among=among,
            exclude={h.paper_id for h in first},
        )
    assert index.search("w1", among=among, limit=0) == []
    assert index.search("nothing", among=among) == []
    assert index.search("w1", among=[]) == []


def test_replaced_papers_count_for_nothing_in_many_segments() -> None:
    """Adds of shrinking size leave several segments; papers replaced in each of them
    (their old text dead) neither come back nor count in the statistics."""
    records = corpus(160, seed=2)
    index = SearchIndex.build(records, options=OPTIONS)
    rng = random.Random(3)
    first = 160
    for size in (70, 30, 12, 5, 2, 1):
        batch = corpus(size, seed=size, first=first)
        first += size
        # Replace some papers, old and recent, with text that would rank first.
        for old in rng.sample(records, 4):
            batch.append(dict(old, title="w23 w22", abstract="w21"))
        index.add(batch)
        records += batch
        ref = Reference(index, records)
        for query in ["w23", "w22 w21 w0", "w1 w2 w3", *queries(seed=size, count=4)]:
            expect_exact(index, ref, query, 6)
        expect_exact(index, ref, "w23 w21", 1000)
    assert len(index) == first


def test_a_growing_index_answers_exactly_before_and_after_each_add() -> None:
    """One index searched while it grows past the size of its first score array."""
    records = corpus(1600, seed=4)
    index = SearchIndex.build(records[:50], options=OPTIONS)
    for end in (50, 300, 1600):
        index.add(records[:end])
        ref = Reference(index, records[:end])
        for query in queries(seed=end, count=5):
            expect_exact(index, ref, query, 4)


def test_a_paper_whose_only_word_is_gone_everywhere_else_still_ranks() -> None:
    """A word whose papers were all replaced has no document any more: a query for it
    and a live word ranks by the live word alone."""
    index = SearchIndex.build(
        [
            {"id": "a", "title": "zeppelin", "abstract": "airship"},
            {"id": "b", "title": "airship", "abstract": "hangar"},
            {"id": "c", "title": "balloon", "abstract": "hangar basket"},
            {"id": "d", "title": "kite", "abstract": "string"},
        ]
    )
    index.add([{"id": "a", "title": "glider", "abstract": "airship"}])
    assert index.search("zeppelin") == []
    hits = index.search("zeppelin hangar")
    assert [h.paper_id for h in hits] == ["b", "c"]
    assert hits == index.search("hangar")


@pytest.mark.parametrize("built_first", [0, 2])
def test_a_word_repeated_past_what_16_bits_count_scores_its_true_count(built_first: int) -> None:
    """Term counts are stored in 16 bits while they fit: one more must not wrap to 0,
    whether the paper is in the first build or merged into it by an add."""
    papers = [
        *({"id": f"kite{n}", "title": f"kite {n}", "abstract": ""} for n in range(4)),
        {"id": "long", "title": "", "abstract": "zeppelin " * 65_536},
        {"id": "short", "title": "zeppelin airship", "abstract": ""},
        {"id": "other", "title": "balloon", "abstract": ""},
    ]
    index = SearchIndex.build(papers[:built_first], options=OPTIONS)
    index.add(papers[built_first:])
    ref = Reference(index, papers)
    expect_exact(index, ref, "zeppelin", 10)
    expect_exact(index, ref, "zeppelin airship", 10)


def test_a_replacement_after_a_segment_of_papers_without_words() -> None:
    """A segment can hold no word at all (papers without text); replacing a paper
    elsewhere must still take exactly its old words out of the statistics."""
    papers = [{"id": f"p{i}", "title": f"w0 w{i + 4}", "abstract": "w1"} for i in range(8)]
    empty = [{"id": "empty", "title": "", "abstract": ""}]
    changed = [dict(papers[0], title="w2 w3")]
    index = SearchIndex.build(papers, options=OPTIONS)
    index.add(empty)
    index.add(changed)
    ref = Reference(index, papers + empty + changed)
    for query in ["w0", "w1", "w2 w3", "w0 w5", "w4"]:
        expect_exact(index, ref, query, 10)


def test_a_store_of_two_papers_filters_and_excludes_its_zero_scores_like_any_other() -> None:
    """In a store of two papers a word of one of them scores 0 (idf 0): such queries are
    scored without pruning, and filters, exclusions and replaced papers still hold."""
    a = {"id": "a", "title": "Graph transformers", "abstract": "", "upvotes": 5}
    b = {"id": "b", "title": "Protein folding", "abstract": "", "upvotes": 1}
    index = SearchIndex.build([a, b])

    def found(query: str, **options: Any) -> list[str]:
        return [hit.paper_id for hit in index.search(query, **options)]

    assert found("graph protein") == ["a", "b"]
    assert found("graph protein", where=DocFilter(min_votes=5)) == ["a"]
    assert found("graph protein", exclude=["a"]) == ["b"]
    assert found("graph", where=DocFilter(max_votes=1)) == []
    assert found("graph protein", among=["b"]) == ["b"]
    index.add([dict(b, title="Graph folding")])  # "graph" now in both: its idf is negative
    assert found("graph") == ["a", "b"]
    assert found("protein") == []
    assert found("graph", where=DocFilter(max_votes=1)) == ["b"]


def test_an_add_read_in_several_chunks_is_as_if_its_records_came_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large add is read a chunk of records at a time (20 000; 3 here): a paper new
    in the add and changed again in a later chunk keeps its last text, counted once."""
    monkeypatch.setattr(builder, "CHUNK", 3)
    first = corpus(5, seed=8)
    index = SearchIndex.build(first, options=OPTIONS)
    new = corpus(4, seed=9, first=100)
    batch = [
        *new[:3],  # chunk 1: the add's first new paper is new[0]
        dict(new[0], title="w23 w22"),  # chunk 2: new[0] replaced
        new[3],
        dict(first[1], upvotes=99),  # same text: only its votes change
        dict(new[1], upvotes=77),  # chunk 3: the same for a paper new in this add
        dict(first[2], abstract="w21 w21"),  # an older paper replaced
    ]
    index.add(batch)
    ref = Reference(index, first + batch)
    assert len(index) == 9
    for query in ["w23", "w22 w0", "w21", "w0 w1", *queries(seed=8, count=4)]:
        expect_exact(index, ref, query, 10)
    assert {h.paper_id for h in index.search("w0 w1 w2 w3", where=DocFilter(min_votes=77))} <= {
        first[1]["id"],
        new[1]["id"],
    }
    assert index.newest(DocFilter(min_votes=77)) == [new[1]["id"], first[1]["id"]]


def test_postings_worked_on_a_slice_of_terms_at_a_time_rank_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Merging segments and bounding terms go a slice of terms at a time (about 2M
    postings; a few here): the slices' seams must not show in any ranking."""
    monkeypatch.setattr(postings, "_CHUNK_POSTINGS", 7)
    records = corpus(120, seed=12)
    index = SearchIndex.build(records[:50], options=OPTIONS)
    index.add(records[50:80])  # merged into the first segment
    index.add(records[80:90])
    index.add(records[90:])  # merged with the one before
    ref = Reference(index, records)
    for query in queries(seed=12, count=12):
        expect_exact(index, ref, query, 5)


def test_thousands_of_papers_tied_on_a_rare_word_rank_exactly() -> None:
    """A word in 2100 papers of the same length ties them all: the candidates are
    thousands, and a very common word (in 11000 of 12000 papers) still decides
    which of them come first, then the order they were added."""
    papers = []
    for i in range(12_000):
        words = [f"solo{i}"] + ["common"] * (i < 11_000) + ["shared"] * (i >= 9_900)
        papers.append({"id": f"p{i}", "title": "", "abstract": " ".join(words), "upvotes": i % 3})
    index = SearchIndex.build(papers, options=OPTIONS)
    ref = Reference(index, papers)
    for k in (1, 10, 40):
        expect_exact(index, ref, "shared common", k)
    # The page where the papers with both words give way to those with one.
    expect_exact(index, ref, "shared common", 10, offset=1095)
    picked = {p["id"] for p in papers if p["upvotes"] >= 1}
    expect_exact(index, ref, "common shared", 10, keep=picked, where=DocFilter(min_votes=1))


def test_papers_found_after_every_paper_was_emptied_and_one_was_added() -> None:
    """Every paper replaced by one without words leaves their old lists in a segment
    measured at an average length of zero; a paper added next is still ranked exactly."""
    papers = [{"id": f"p{n}", "title": f"w0 w{n + 1}", "abstract": "w0"} for n in range(10)]
    emptied = [dict(paper, title="", abstract="") for paper in papers]
    added = [{"id": "new", "title": "w0 w3", "abstract": ""}]
    index = SearchIndex.build(papers, options=OPTIONS)
    index.add(emptied)
    index.add(added)
    ref = Reference(index, papers + emptied + added)
    for query in ["w0", "w3", "w0 w3", "w5"]:
        expect_exact(index, ref, query, 10)
    assert [hit.paper_id for hit in index.search("w0")] == ["new"]
