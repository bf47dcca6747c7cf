"""How `follow <words>` decides that a new paper is about the words: the calibration.

A words follow matches a paper whose BM25 score for the words reaches
`core.follows.WORDS_THRESHOLD` of the best score any stored paper has for them.
This script shows where that line falls on the bundled sample papers
(`sources/sample_papers.json`, what every new store starts with), for a set of
follows people write. For each follow, a paper is

- on topic when every searchable word of the follow is a word of its title (the
  paper is about it), and
- off topic when it shares a word with the follow but none with its title (its
  abstract mentions one in passing);

papers in between are not counted. It prints, for candidate thresholds, how many
of each group pass. The raw score divided by the number of words separates them
badly (common words score low everywhere), so it is printed too, for contrast.
`tests/core/test_follows.py` holds the chosen value to what this shows.

    python -m bench.follow_threshold
"""

from __future__ import annotations

from dataclasses import dataclass

from paperboy.core.follows import WORDS_THRESHOLD
from paperboy.core.library import index_record
from paperboy.search import SearchIndex
from paperboy.sources.sample import load_sample_papers

FOLLOWS = (
    "retrieval augmented generation",
    "fine-tuning",
    "agents",
    "tool learning",
    "embeddings",
    "multimodal",
    "survey",
    "in-context learning",
    "instruction tuning",
    "reasoning",
    "code generation",
    "alignment",
    "long context",
    "evaluation benchmark",
    "mixture of experts",
    "quantization",
)


@dataclass(frozen=True, slots=True)
class Scores:
    """Per paper and follow: (share of the best score, raw score per word)."""

    on_topic: list[tuple[float, float]]
    off_topic: list[tuple[float, float]]


def scores() -> Scores:
    papers = load_sample_papers()
    index = SearchIndex.build(index_record(paper) for paper in papers)
    titles = {paper.id: index.query_terms(paper.title) for paper in papers}
    found = Scores([], [])
    for follow in FOLLOWS:
        terms = index.query_terms(follow)
        hits = index.search(follow, limit=len(papers))
        if not terms or not hits:
            continue
        best = hits[0].score
        for hit in hits:
            title = titles[hit.paper_id]
            pair = (hit.score / best, hit.score / len(terms))
            if terms <= title:
                found.on_topic.append(pair)
            elif not terms & title:
                found.off_topic.append(pair)
    return found


def passing(values: list[tuple[float, float]], threshold: float, *, raw: bool = False) -> int:
    return sum(1 for share, per_word in values if (per_word if raw else share) >= threshold)


def main() -> None:
    found = scores()
    on, off = found.on_topic, found.off_topic
    print(f"{len(on)} on-topic and {len(off)} off-topic (paper, follow) pairs")
    print("share of the best score (what follows use):")
    for threshold in (0.5, 0.6, 0.7, WORDS_THRESHOLD, 0.8, 0.9):
        print(
            f"  {threshold:4.2f}: on topic {passing(on, threshold):3d}/{len(on)},"
            f" off topic {passing(off, threshold):3d}/{len(off)}"
        )
    print("raw BM25 per word (for contrast):")
    for threshold in (1.0, 2.0, 3.0, 4.0, 5.0):
        print(
            f"  {threshold:4.1f}: on topic {passing(on, threshold, raw=True):3d}/{len(on)},"
            f" off topic {passing(off, threshold, raw=True):3d}/{len(off)}"
        )


if __name__ == "__main__":
    main()
