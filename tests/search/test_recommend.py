"""`SearchIndex.recommend`: a model of someone's saves ranks papers like them first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import paperboy
from paperboy.search import SearchIndex


def paper(paper_id: str, title: str, abstract: str) -> dict[str, str]:
    return {"id": paper_id, "title": title, "abstract": abstract}


INDEX_PAPERS = [
    paper("s1", "Low-rank adapters for language models", "LoRA fine-tuning of transformers."),
    paper("s2", "Adapter tuning at scale", "Parameter-efficient fine-tuning with adapters."),
    paper("s3", "Quantised LoRA", "Fine-tuning quantised language models with low-rank adapters."),
    paper(
        "like", "Sparse adapters", "Parameter-efficient fine-tuning with sparse low-rank adapters."
    ),
    paper("marked", "Adapters for translation", "Fine-tuning adapters for machine translation."),
    paper("far", "Galaxy rotation curves", "Dark matter halos of spiral galaxies observed."),
    paper("far2", "Protein folding kinetics", "Molecular dynamics of small proteins in water."),
    *(
        paper(f"n{i}", f"Noise paper {i}", f"Unrelated words number {i} about cooking.")
        for i in range(20)
    ),
]


def test_papers_like_the_saves_rank_above_unrelated_ones_and_labels_are_left_out() -> None:
    index = SearchIndex.build(INDEX_PAPERS)
    ranked = index.recommend(["s1", "s2", "s3"], ["marked"], limit=100)
    ids = [r.paper_id for r in ranked]
    assert ids[0] == "like"
    assert ids.index("like") < ids.index("far")
    assert ids.index("like") < ids.index("far2")
    assert {"s1", "s2", "s3", "marked"}.isdisjoint(ids)
    assert len(ids) == len(INDEX_PAPERS) - 4
    assert ranked[0].like in {"s1", "s2", "s3"}
    # The score is the model's decision: on the side of the saves, or not.
    scores = {r.paper_id: r.score for r in ranked}
    assert scores["like"] > 0 > max(scores["far"], scores["far2"])


def test_a_paper_almost_like_the_one_save_of_a_second_interest_comes_first() -> None:
    """Someone who saved five papers on adapters and one on dark matter: the new paper
    on dark matter like that one save is not buried under every paper vaguely about
    adapters (the model's averaging would rank it third), and says which save it is like."""
    galaxies = [
        paper(
            "g1",
            "Dark matter in spiral galaxies",
            "Rotation curves of spiral galaxies trace their dark matter halos.",
        ),
        paper(
            "g2",
            "Rotation curves of dwarf galaxies",
            "Dwarf galaxies' rotation curves trace dark matter halos too.",
        ),
    ]
    adapters = [
        paper(
            "s4",
            "Adapters everywhere",
            "Parameter-efficient adapters for vision and language transformers.",
        ),
        paper(
            "s5",
            "Low-rank fine-tuning",
            "Low-rank updates make fine-tuning of language models cheap.",
        ),
        paper(
            "a1", "Adapters for speech", "Fine-tuning adapters for speech recognition transformers."
        ),
        paper(
            "a2",
            "Prompt tuning",
            "Parameter-efficient fine-tuning of language models with prompts.",
        ),
        paper("a3", "Prefix tuning", "Fine-tuning language models with learned prefixes."),
        paper("a4", "Sparse fine-tuning", "Fine-tuning a sparse subset of transformer weights."),
        paper(
            "a5", "Tuning vision transformers", "Parameter-efficient tuning of vision transformers."
        ),
    ]
    others = [p for p in INDEX_PAPERS if p["id"] not in {"like", "marked", "far"}]
    index = SearchIndex.build([*others, *galaxies, *adapters])
    ranked = index.recommend(["s1", "s2", "s3", "s4", "s5", "g1"], limit=5)
    assert (ranked[0].paper_id, ranked[0].like) == ("g2", "g1")
    assert {r.paper_id for r in ranked[1:]} <= {"a1", "a2", "a3", "a4", "a5"}


def test_among_restricts_the_candidates_and_pages_continue_the_same_ranking() -> None:
    index = SearchIndex.build(INDEX_PAPERS)
    among = ["like", "far", "s1", "n3"]
    ids = [r.paper_id for r in index.recommend(["s1", "s2", "s3"], among=among, limit=10)]
    assert sorted(ids) == ["far", "like", "n3"]  # s1 is saved
    whole = [r.paper_id for r in index.recommend(["s1", "s2"], limit=10)]
    pages = [r.paper_id for r in index.recommend(["s1", "s2"], limit=5)]
    pages += [r.paper_id for r in index.recommend(["s1", "s2"], limit=5, offset=5)]
    assert pages == whole


def test_unknown_saves_rank_nothing_and_a_saved_paper_also_marked_counts_as_saved() -> None:
    index = SearchIndex.build(INDEX_PAPERS)
    assert index.recommend(["nope"], limit=5) == []
    ranked = index.recommend(["s1", "s2", "s3"], ["s1"], limit=3)
    assert ranked[0].paper_id == "like"


def test_starting_paperboy_does_not_import_scikit_learn_until_someone_asks_foryou() -> None:
    """scikit-learn takes seconds to import: a one-line `paperboy search` must not pay it."""
    src = Path(paperboy.__file__).resolve().parents[1]
    check = "import sys, paperboy.cli; print('sklearn' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
    )
    assert result.stdout.strip() == "False"
