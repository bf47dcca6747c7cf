"""How the records given to the index are read: ids, dates, votes, titles that are not
text, authors, and an id given twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from paperboy.search import DocFilter, SearchIndex


def ids(hits: list[Any]) -> list[str]:
    return [hit.paper_id for hit in hits]


def test_an_id_given_again_with_the_same_text_keeps_its_place_and_takes_the_new_votes() -> None:
    """Equal scores come in the order papers were added: a record repeated with only
    new votes stays first; one whose text changed is added anew, after the others."""
    same = [
        {"id": "1", "title": "Graph", "abstract": "Nodes."},
        {"id": "2", "title": "Graph", "abstract": "Nodes."},
        {"id": "1", "title": "Graph", "abstract": "Nodes.", "upvotes": 3},
    ]
    index = SearchIndex.build(same)
    assert ids(index.search("graph")) == ["1", "2"]
    assert index.newest(DocFilter(min_votes=3)) == ["1"]
    changed = [*same[:2], {"id": "1", "title": "Graph", "abstract": "Nodes!"}]
    assert ids(SearchIndex.build(changed).search("graph")) == ["2", "1"]


def test_dates_are_read_from_dates_datetimes_and_iso_strings_and_others_are_no_date() -> None:
    records = [
        {"id": "iso-time", "date": "2024-02-01T23:00:00"},
        {"id": "datetime", "date": datetime(2024, 2, 1, 1, 0)},
        {"id": "garbage", "date": "first of May"},
        {"id": "number", "date": 20240101},
        {"id": "empty", "date": ""},
        {"id": "date", "date": date(2024, 1, 31)},
    ]
    index = SearchIndex.build([{"title": "x", "abstract": "", **r} for r in records])
    # Newest first, equal dates the later added first, papers without a date last.
    assert index.newest(DocFilter(), limit=3) == ["datetime", "iso-time", "date"]
    assert index.newest(DocFilter(since=date(2024, 2, 1))) == ["datetime", "iso-time"]
    assert index.newest(DocFilter(until=date(2024, 1, 31))) == ["date"]
    assert set(index.newest(DocFilter(min_votes=0))) == {r["id"] for r in records}


def test_titles_and_abstracts_that_are_not_text_are_searched_as_written() -> None:
    index = SearchIndex.build(
        [
            {"id": "n", "title": 1984, "abstract": 42, "upvotes": None},
            {"id": "t", "title": "Text", "abstract": None, "upvotes": 2},
        ]
    )
    assert ids(index.search("1984")) == ["n"]
    assert ids(index.search("42")) == ["n"]
    assert index.newest(DocFilter(max_votes=0)) == ["n"]


@pytest.mark.parametrize("bad", [5, "", "a\x00b", None])
def test_a_record_without_a_usable_string_id_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="id"):
        SearchIndex.build([{"id": bad, "title": "Graph", "abstract": ""}])


def test_the_last_abstract_word_and_the_first_author_are_words_of_their_own() -> None:
    index = SearchIndex.build(
        [
            {
                "id": "1",
                "title": "Graphs",
                "abstract": "We study molecules",
                "authors": ["Ann Lee", "Bob Kim"],
            },
            {"id": "2", "title": "Proteins", "abstract": "", "authors": [7]},
        ]
    )
    assert ids(index.search("molecules")) == ["1"]
    assert ids(index.search("ann")) == ["1"]
    assert ids(index.search("lee")) == ["1"]
    assert ids(index.search("bob")) == ["1"]
    assert ids(index.search("7")) == ["2"]
    assert index.newest(DocFilter(authors=("7",))) == ["2"]


def test_authors_split_differently_with_the_same_text_are_taken_in() -> None:
    """ "Ann Lee, Bob Kim" as one name, then as two: the text is the same, the authors
    are not; an author filter asking both words of one name sees the change."""
    one = {"id": "1", "title": "Graphs", "abstract": "", "authors": ["Ann Lee, Bob Kim"]}
    index = SearchIndex.build([one])
    assert index.newest(DocFilter(authors=("lee kim",))) == ["1"]
    index.add([dict(one, authors=["Ann Lee", "Bob Kim"])])
    assert index.newest(DocFilter(authors=("lee kim",))) == []
    assert index.newest(DocFilter(authors=("bob kim",))) == ["1"]


def test_an_add_refused_for_a_bad_record_leaves_no_word_of_it_searchable() -> None:
    """The first 20,000 records are read (and their words learned) before the bad one
    is met: the add is refused whole, and none of their words finds anything."""
    index = SearchIndex.build([{"id": "g", "title": "Graph", "abstract": ""}])

    def records() -> Iterator[dict[str, Any]]:
        for n in range(20_000):
            yield {"id": f"p{n}", "title": "Zebra" if n == 7 else "Word", "abstract": ""}
        yield {"id": "", "title": "Bad", "abstract": ""}

    with pytest.raises(ValueError, match="id"):
        index.add(records())
    assert len(index) == 1
    assert index.search("word") == []
    assert index.search("zebra word graph") == index.search("graph")
    assert ids(index.search("graph")) == ["g"]


def test_a_date_filter_and_a_votes_filter_together_need_both() -> None:
    papers = [
        {"id": "old-popular", "date": date(2023, 5, 1), "upvotes": 50},
        {"id": "new-popular", "date": date(2024, 5, 1), "upvotes": 50},
        {"id": "new-quiet", "date": date(2024, 6, 1), "upvotes": 1},
    ]
    index = SearchIndex.build([{"title": "Graph", "abstract": "", **p} for p in papers])
    assert index.newest(DocFilter(since=date(2024, 1, 1), min_votes=10)) == ["new-popular"]
    assert index.newest(DocFilter(until=date(2024, 5, 31), max_votes=10)) == []
    assert index.newest(DocFilter(min_votes=10, max_votes=60, since=date(2024, 1, 1))) == [
        "new-popular"
    ]


def test_text_with_a_lone_surrogate_is_indexed_not_refused() -> None:
    """A badly decoded name or abstract ("Ren\\udce9") still indexes, and its other words
    are found."""
    index = SearchIndex.build(
        [
            {
                "id": "s",
                "title": "Graph \udce9 models",
                "abstract": "Lone \udcff halves",
                "authors": ["Ren\udce9 Dupont"],
            }
        ]
    )
    index.add(
        [
            {
                "id": "s",
                "title": "Graph \udce9 models",
                "abstract": "Lone \udcff halves",
                "authors": ["Ren\udce9 Dupont", "Ada Byron"],
            }
        ]
    )
    assert ids(index.search("halves")) == ["s"]
    assert index.newest(DocFilter(authors=("dupont",))) == ["s"]
    assert index.newest(DocFilter(authors=("byron",))) == ["s"]
