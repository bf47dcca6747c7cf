"""The index scores and ranks exactly like rank_bm25.BM25Okapi on the same token lists."""

from __future__ import annotations

import mmap
import random
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperboy.search import DocFilter, IndexOptions, SearchIndex, TokenizerOptions
from tests.search.reference import Reference, assert_searches_rank_like

if TYPE_CHECKING:
    from pathlib import Path


def _queries(papers: list[dict[str, Any]], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = [w for p in papers for w in (p["title"] + " " + p["abstract"]).split()]
    return [" ".join(rng.sample(words, rng.randint(1, 8))) for _ in range(count)] + [
        "large language models",
        "fine-tuning",
        "finetuning of diffusion models",
        "retrieval augmented generation benchmark",
    ]


def test_sample_papers_rank_exactly_like_rank_bm25(sample_papers: list[dict[str, Any]]) -> None:
    index = SearchIndex.build(sample_papers)
    ref = Reference(index, sample_papers)
    queries = _queries(sample_papers, 60, seed=1)
    assert_searches_rank_like(index, ref, queries, k=10)
    assert_searches_rank_like(index, ref, queries[:10], k=100)


def test_non_default_parameters_still_match(sample_papers: list[dict[str, Any]]) -> None:
    options = IndexOptions(k1=0.9, b=0.4, epsilon=0.0, title_weight=1)
    index = SearchIndex.build(sample_papers, options=options)
    assert_searches_rank_like(
        index, Reference(index, sample_papers), _queries(sample_papers, 20, seed=2), k=10
    )


def test_incremental_adds_match_a_fresh_reference(sample_papers: list[dict[str, Any]]) -> None:
    first, second = sample_papers[:40], sample_papers[40:]
    index = SearchIndex.build(first)
    changed = [dict(p, abstract=p["abstract"] + " Also about protein folding.") for p in first[:5]]
    index.add(second[:20])
    index.add(changed + second[20:])
    records = first + second[:20] + changed + second[20:]
    assert len(index) == len(sample_papers)
    queries = [*_queries(sample_papers, 30, seed=3), "protein folding"]
    assert_searches_rank_like(index, Reference(index, records), queries, k=10)


def test_save_and_load_keep_the_exact_scores(
    sample_papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    index = SearchIndex.build(sample_papers[:60])
    index.add(sample_papers[60:])
    index.save(tmp_path / "index.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "index.bin")
    assert saved is not None
    loaded = saved.index
    queries = _queries(sample_papers, 20, seed=4)
    assert_searches_rank_like(loaded, Reference(loaded, sample_papers), queries, k=10)
    # The loaded index keeps growing correctly.
    extra = [{"id": "x1", "title": "Protein folding with language models", "abstract": "We fold."}]
    loaded.add(extra)
    assert_searches_rank_like(
        loaded, Reference(loaded, sample_papers + extra), [*queries, "protein folding"], k=10
    )


def test_a_paper_longer_than_65535_words_scores_exactly_and_survives_a_save(
    sample_papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    # Lengths are kept as 2-byte codes while every paper fits; one this long must not
    # wrap around (a paper of 100,000 terms scored as one of 34,464 would rank higher).
    rng = random.Random(5)
    vocabulary = [w for p in sample_papers for w in p["abstract"].split()]
    huge = {
        "id": "huge",
        "title": "A very long survey of diffusion models",
        "abstract": " ".join(rng.choice(vocabulary) for _ in range(150_000)),
    }
    papers = [*sample_papers[:30], huge]
    index = SearchIndex.build(papers)
    queries = ["diffusion models survey", *_queries(papers, 5, seed=6)]
    ref = Reference(index, papers)
    assert_searches_rank_like(index, ref, queries, k=10)
    index.save(tmp_path / "index.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "index.bin")
    assert saved is not None
    assert_searches_rank_like(saved.index, ref, queries, k=10)


# Small vocabularies make many shared terms, ties, negative idfs and repeats.
_WORDS = [
    "graph",
    "neural",
    "network",
    "fine-tuning",
    "finetuning",
    "tuning",
    "fine",
    "the",
    "of",
    "model",
    "models",
    "Über",
    "uber",
    "x",
    "data",
    "learning",
]
_text = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=12).map(" ".join)
_doc = st.fixed_dictionaries(
    {"id": st.sampled_from([f"p{i}" for i in range(12)]), "title": _text, "abstract": _text}
)
_batch = st.lists(_doc, min_size=1, max_size=8, unique_by=lambda d: d["id"])
_options = st.builds(
    IndexOptions,
    k1=st.sampled_from([0.01, 0.5, 1.2, 1.5, 3.0]),
    b=st.sampled_from([0.0, 0.3, 0.75, 1.0]),
    epsilon=st.sampled_from([0.0, 0.25, 1.0]),
    title_weight=st.integers(0, 3),
    tokenizer=st.builds(TokenizerOptions, query_dedup=st.booleans()),
)


def _built_in_batches(
    batches: list[list[dict[str, str]]], options: IndexOptions
) -> tuple[SearchIndex, Reference]:
    """An index built from the first batch with the others added, and its reference."""
    index = SearchIndex.build(batches[0], options=options)
    for batch in batches[1:]:
        index.add(batch)
    return index, Reference(index, [record for batch in batches for record in batch])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(_batch, min_size=1, max_size=4),
    queries=st.lists(_text, min_size=1, max_size=4),
    options=_options,
)
def test_random_corpora_and_adds_match_rank_bm25(
    batches: list[list[dict[str, str]]], queries: list[str], options: IndexOptions, tmp_path: Path
) -> None:
    index, ref = _built_in_batches(batches, options)
    assert_searches_rank_like(index, ref, queries, k=5)
    index.save(tmp_path / "i.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "i.bin", options=options)
    assert saved is not None
    assert_searches_rank_like(saved.index, ref, queries, k=5)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    saved_batches=st.lists(_batch, min_size=1, max_size=3),
    later_batches=st.lists(_batch, min_size=1, max_size=3),
    queries=st.lists(_text, min_size=1, max_size=4),
    options=_options,
)
def test_a_loaded_index_takes_in_new_and_changed_papers_like_a_fresh_rank_bm25(
    saved_batches: list[list[dict[str, str]]],
    later_batches: list[list[dict[str, str]]],
    queries: list[str],
    options: IndexOptions,
    tmp_path: Path,
) -> None:
    """What a bot does at every start: load the saved (mapped, read-only) index and add
    what changed since. The scores are rank_bm25's over the union: idf and avgdl of every
    current paper, and a changed paper's old version counts for nothing."""
    built, _ = _built_in_batches(saved_batches, options)
    built.save(tmp_path / "i.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "i.bin", options=options)
    assert saved is not None
    index = saved.index
    for batch in later_batches:
        index.add(batch)
    records = [record for batch in saved_batches + later_batches for record in batch]
    assert_searches_rank_like(index, Reference(index, records), queries, k=5)
    # The saved file was never written to: loaded again, it answers as the saved index did.
    again = SearchIndex.load(tmp_path / "i.bin", options=options)
    assert again is not None
    for query in queries:
        assert again.index.search(query, limit=5) == built.search(query, limit=5)


def test_filters_see_the_papers_added_to_a_loaded_index(
    sample_papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    SearchIndex.build(sample_papers[:60]).save(tmp_path / "i.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "i.bin")
    assert saved is not None
    index = saved.index
    folding = "Protein folding with language models."
    changed = dict(sample_papers[0], abstract=folding, upvotes=500, authors=["Ada Airship"])
    new = dict(sample_papers[60], abstract=folding, date="2031-05-01", authors=["Ada Airship"])
    index.add([changed, new, *sample_papers[61:]])

    def found(where: DocFilter) -> set[str]:
        return {hit.paper_id for hit in index.search("protein folding", limit=10, where=where)}

    assert found(DocFilter(authors=("ada airship",))) == {changed["id"], new["id"]}
    assert found(DocFilter(min_votes=500)) == {changed["id"]}
    assert found(DocFilter(since=date(2031, 1, 1))) == {new["id"]}
    assert index.newest(DocFilter(authors=("airship",)), limit=1) == [new["id"]]
    assert len(index) == len(sample_papers)


def test_a_loaded_index_maps_its_file_instead_of_copying_it(
    sample_papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Replicas on one host share the saved index's pages: the arrays are read-only views
    of the file mapped into memory, not copies."""
    SearchIndex.build(sample_papers).save(tmp_path / "i.bin", sequence=1)
    saved = SearchIndex.load(tmp_path / "i.bin")
    assert saved is not None
    state = saved.index._state
    for array in (state.segments[0].docs, state.segments[0].tfs, state.docs.votes, state.df):
        assert not array.flags.writeable
        base: object = array
        while isinstance(base, np.ndarray | memoryview):
            base = base.base if isinstance(base, np.ndarray) else base.obj
        assert isinstance(base, mmap.mmap)


def test_a_document_tying_with_the_kth_best_is_kept_whatever_the_rounding() -> None:
    """Found by hypothesis: the 5th best's score summed in two orders differed in the
    last bit, and pruning against the larger sum dropped it (4 hits instead of 5)."""

    def doc(id_: str, title: str, abstract: str) -> dict[str, str]:
        return {"id": id_, "title": title, "abstract": abstract}

    batches = [
        [
            doc("p1", "graph data", "the graph Über of learning"),
            doc("p0", "finetuning data graph uber learning x graph x", ""),
            doc(
                "p2",
                "graph x graph data graph",
                "graph Über graph tuning graph data x fine-tuning x graph graph graph",
            ),
            doc("p11", "graph x graph graph data x uber data learning graph graph graph", ""),
        ],
        [
            doc("p1", "models model neural", "Über of model"),
            doc("p8", "", "graph graph data"),
            doc("p0", "of uber graph", ""),
            doc("p11", "x Über the finetuning", ""),
            doc("p7", "", "graph graph graph graph graph learning graph x data"),
            doc("p3", "graph", "graph models uber"),
        ],
        [
            doc(
                "p2",
                "",
                "the tuning fine-tuning graph tuning graph graph graph fine-tuning graph graph "
                "models",
            ),
            doc("p5", "", "neural neural data graph Über fine-tuning uber"),
            doc("p6", "tuning x", "network data finetuning fine"),
            doc(
                "p10",
                "network uber graph graph graph x graph graph",
                "data uber fine-tuning graph models finetuning",
            ),
            doc("p9", "x model", "tuning Über data data x graph of fine graph"),
            doc("p8", "graph data x graph", "graph graph"),
            doc("p7", "Über graph", ""),
        ],
        [doc("p8", "network the fine finetuning models fine-tuning", "")],
    ]
    options = IndexOptions(
        k1=1.5, b=0.3, epsilon=0.25, title_weight=3, tokenizer=TokenizerOptions(query_dedup=False)
    )
    index, ref = _built_in_batches(batches, options)
    assert len(index.search("finetuning fine", limit=5)) == 5
    assert_searches_rank_like(index, ref, ["finetuning fine"], k=5)
