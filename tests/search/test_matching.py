"""`matching`: which papers a topic matches — exactly those a search for it can return."""

from __future__ import annotations

from typing import Any

import pytest

from paperboy.search import SearchIndex

QUERIES = (
    "diffusion",
    "agents reasoning",
    "fine-tuning",
    "finetuning",
    "mixture of experts",
    "retrieval augmented generation",
    "LLaMA 2",
    "the of and",
    "zzzunknownword",
    "",
)


def shares_a_word(index: SearchIndex, query: str, paper: dict[str, Any]) -> bool:
    """The digest's original test of a topic, by tokenizing the paper's text."""
    terms = index.query_terms(query)
    text = f"{paper['title']} {paper['abstract']}"
    return not terms.isdisjoint(index.tokenizer.tokens(text))


@pytest.mark.parametrize("query", QUERIES)
def test_a_topic_matches_exactly_the_papers_a_search_for_it_returns(
    sample_papers: list[dict[str, Any]], query: str
) -> None:
    index = SearchIndex.build(sample_papers)

    found = index.matching(query)

    every_hit = {hit.paper_id for hit in index.search(query, limit=len(sample_papers))}
    assert found == every_hit
    by_text = {p["id"] for p in sample_papers if shares_a_word(index, query, p)}
    assert found == by_text


def test_matching_sees_added_papers_and_forgets_replaced_text(
    sample_papers: list[dict[str, Any]],
) -> None:
    index = SearchIndex.build(sample_papers[:40])
    index.add(sample_papers[40:])  # a second segment
    index.add([{"id": "x1", "title": "Quokka habitats", "abstract": "Where quokkas live."}])
    assert index.matching("quokka") == {"x1"}

    index.add([{"id": "x1", "title": "Wombat burrows", "abstract": "Where wombats dig."}])

    assert index.matching("quokka") == frozenset()
    assert index.matching("wombat") == {"x1"}
    assert index.matching("diffusion") == {
        hit.paper_id for hit in index.search("diffusion", limit=100)
    }
