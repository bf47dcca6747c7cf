"""Author filters on names with a repeated word, on punctuation, on an index without any
author; and `newest` (a search of filters alone) without a filter, by default ten."""

from __future__ import annotations

from datetime import date
from typing import Any

from paperboy.search import DocFilter, SearchIndex


def paper(pid: str, *authors: str, day: int = 1) -> dict[str, Any]:
    return {
        "id": pid,
        "title": f"Paper {pid}",
        "abstract": "About graphs.",
        "authors": list(authors),
        "date": date(2024, 1, day),
    }


def test_an_author_with_a_repeated_name_word_is_not_every_name_with_that_word() -> None:
    """ "Li Xu Li" has "li" twice; "li wei" must still find both words in one name."""
    index = SearchIndex.build(
        [paper("1", "Li Xu Li"), paper("2", "Li Wei"), paper("3", "Wei Li", "Li Xu Li")]
    )

    assert set(index.newest(DocFilter(authors=("li wei",)))) == {"2", "3"}
    assert set(index.newest(DocFilter(authors=("li",)))) == {"1", "2", "3"}


def test_an_author_filter_of_no_words_or_on_an_index_without_authors_matches_nothing() -> None:
    index = SearchIndex.build([paper("1", "Ada Lovelace"), paper("2", "Grace Hopper")])
    anonymous = SearchIndex.build([paper("1"), paper("2")])

    assert index.newest(DocFilter(authors=("--",))) == []
    assert anonymous.newest(DocFilter(authors=("lovelace",))) == []
    assert anonymous.newest(DocFilter(authors=("--",))) == []


def test_newest_without_a_filter_pages_every_paper_newest_first_ten_by_default() -> None:
    index = SearchIndex.build([paper(str(n), day=n) for n in range(1, 13)])

    assert index.newest(DocFilter()) == [str(n) for n in range(12, 2, -1)]
    assert index.newest(DocFilter(), limit=3, offset=10) == ["2", "1"]
    assert index.newest(DocFilter(), limit=0) == []
