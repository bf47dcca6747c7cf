"""Author filters after many small adds (the author table merges its pieces): every
paper is found under its current names only, whichever add brought them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from paperboy.search import DocFilter, SearchIndex


def paper(pid: str, *authors: str) -> dict[str, Any]:
    return {"id": pid, "title": "Graphs", "abstract": "", "authors": list(authors)}


@pytest.mark.parametrize("first_papers", [1, 30])
def test_many_adds_keep_every_author_findable_and_forget_replaced_names(
    first_papers: int,
) -> None:
    """A first build of one paper (soon outweighed by the adds) or of thirty (never)."""
    index = SearchIndex.build(
        [paper(f"b{n}", f"Base Author{n}", "Common Name") for n in range(first_papers)]
    )
    for n in range(14):
        index.add([paper(f"a{n}", f"Added Writer{n}", "Common Name")])
        if n % 3 == 0:  # a paper of the build, then of an earlier add, renamed
            index.add([paper("b0", f"Renamed Person{n}")])
        if n == 5:
            index.add([paper("a1", "Moved Elsewhere")])
    expected_common = {f"b{n}" for n in range(1, first_papers)} | {
        f"a{n}" for n in range(14) if n != 1
    }
    assert set(index.newest(DocFilter(authors=("common name",)), limit=100)) == expected_common
    assert index.newest(DocFilter(authors=("renamed person12",))) == ["b0"]
    assert index.newest(DocFilter(authors=("renamed person9",))) == []
    assert index.newest(DocFilter(authors=("author0",))) == []
    assert index.newest(DocFilter(authors=("moved",))) == ["a1"]
    assert index.newest(DocFilter(authors=("writer1",))) == []
    for n in range(2, 14):
        assert index.newest(DocFilter(authors=(f"added writer{n}",))) == [f"a{n}"]
    for n in range(1, first_papers):
        assert index.newest(DocFilter(authors=(f"author{n} base",))) == [f"b{n}"]


def test_an_author_filter_needs_every_word_in_one_name_and_every_entry_in_one_paper() -> None:
    index = SearchIndex.build(
        [
            {**paper("1", "Ann Lee", "Bob Kim"), "date": date(2024, 1, 1)},
            {**paper("2", "Ann Kim"), "date": date(2024, 1, 2)},
            {**paper("3", "Lee Kim Ann"), "date": date(2024, 1, 3)},
        ]
    )
    assert index.newest(DocFilter(authors=("ann kim",))) == ["3", "2"]
    assert index.newest(DocFilter(authors=("ann lee kim",))) == ["3"]
    assert index.newest(DocFilter(authors=("ann", "bob"))) == ["1"]
    assert index.newest(DocFilter(authors=("zed", "ann"))) == []
    assert index.newest(DocFilter(authors=("ann zed",))) == []


def test_names_regrouped_without_changing_the_text_are_not_credited_to_another_paper() -> None:
    """ "Ann Lee", "Bob Kim" sent again as one name "Ann Lee, Bob Kim" leaves the paper's
    text as it was (the paper keeps its place); its old names go, and are not left to
    any other paper."""
    index = SearchIndex.build(
        [
            {**paper("p0", "Ann Lee", "Bob Kim"), "date": date(2024, 1, 1)},
            {**paper("p1", "Zed Moe"), "date": date(2024, 1, 2)},
            {**paper("p2", "Cy Roe"), "date": date(2024, 1, 3)},
        ]
    )
    index.add([{**paper("p0", "Ann Lee, Bob Kim"), "date": date(2024, 1, 1)}])
    assert index.newest(DocFilter(authors=("ann lee",))) == ["p0"]
    assert index.newest(DocFilter(authors=("bob kim",))) == ["p0"]
    assert index.newest(DocFilter(authors=("ann kim",))) == ["p0"]
    assert index.newest(DocFilter(authors=("zed moe",))) == ["p1"]


def test_names_regrouped_with_the_same_length_and_last_name_are_regrouped_in_the_filter() -> None:
    """Three names sent again grouped otherwise, the text, its length and the last name
    unchanged: the author filter follows the new grouping (the names' digest sees it)."""
    index = SearchIndex.build([paper("p0", "Ann Lee, Cy Roe", "Bob Kim", "Dee Fox")])
    assert index.newest(DocFilter(authors=("ann roe",))) == ["p0"]
    index.add([paper("p0", "Ann Lee", "Cy Roe, Bob Kim", "Dee Fox")])
    assert index.newest(DocFilter(authors=("ann roe",))) == []
    assert index.newest(DocFilter(authors=("roe kim",))) == ["p0"]


def test_names_regrouped_as_the_paper_before_groups_them_are_regrouped_in_the_filter() -> None:
    # A regrouping keeps the indexed text ("Ann, Lee" either way), so only the digest of
    # the names tells the re-import from an unchanged one; paper 2's new digest is
    # paper 1's.
    index = SearchIndex.build([paper("1", "Ann", "Lee"), paper("2", "Ann, Lee")])
    assert index.newest(DocFilter(authors=("ann lee",))) == ["2"]
    index.add([paper("2", "Ann", "Lee")])
    assert index.newest(DocFilter(authors=("ann lee",))) == []
    assert set(index.newest(DocFilter(authors=("ann", "lee")))) == {"1", "2"}
