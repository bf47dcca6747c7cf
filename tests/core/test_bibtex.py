"""BibTeX export parses back with a real BibTeX parser, whatever the titles hold."""

from __future__ import annotations

from datetime import date

import bibtexparser
from hypothesis import given, settings
from hypothesis import strategies as st

from paperboy.core.bibtex import to_bibtex
from paperboy.core.models import Paper


def parse(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_entries_are_arxiv_misc_entries_with_every_field(sample_papers: list[Paper]) -> None:
    library = parse(to_bibtex(sample_papers[:10]))
    assert len(library.entries) == 10
    entry = library.entries[0]
    paper = sample_papers[0]
    assert entry.entry_type == "misc"
    fields = entry.fields_dict
    assert fields["eprint"].value == paper.id
    assert fields["archivePrefix"].value == "arXiv"
    assert fields["year"].value == "2023"
    assert fields["url"].value == f"https://arxiv.org/abs/{paper.id}"
    assert fields["author"].value.split(" and ")[0] == paper.authors[0]
    assert paper.title in fields["title"].value


def test_a_teams_own_paper_is_cited_by_its_page_not_as_an_arxiv_eprint() -> None:
    own = Paper(
        id="acme-tr-17",
        title="Our Report",
        abstract="",
        authors=("Ada Lovelace",),
        published=date(2024, 5, 1),
        page_url="https://intranet.example/tr/17?a=b_c%20d#x",
    )
    bare = Paper(id="acme-tr-18", title="Another Report", abstract="")
    linked = Paper(
        id="2401.00001", title="On arXiv", abstract="", page_url="https://github.com/acme/x"
    )
    own_entry, bare_entry, linked_entry = parse(to_bibtex([own, bare, linked])).entries
    assert set(own_entry.fields_dict) == {"title", "author", "year", "url"}
    assert own_entry.fields_dict["url"].value == "https://intranet.example/tr/17?a=b_c%20d#x"
    assert set(bare_entry.fields_dict) == {"title"}
    assert linked_entry.fields_dict["eprint"].value == "2401.00001"
    assert linked_entry.fields_dict["url"].value == "https://github.com/acme/x"


def test_a_stored_url_cannot_break_the_entry() -> None:
    paper = Paper(id="acme-1", title="T", abstract="", page_url="https://x.example/}{\\ a")
    entry = parse(to_bibtex([paper])).entries[0]
    assert entry.fields_dict["url"].value == "https://x.example/%7D%7B%5C%20a"


def test_keys_are_unique_even_for_lookalike_papers() -> None:
    twins = [
        Paper(id=f"2401.0000{i}", title="Attention Is All", abstract="", authors=("A Vaswani",))
        for i in range(3)
    ]
    keys = [e.key for e in parse(to_bibtex(twins)).entries]
    assert len(set(keys)) == 3


def test_special_characters_are_escaped_and_braces_balanced() -> None:
    paper = Paper(
        id="2401.00001",
        title="100% of {weird} titles & $math$ #1 with a_b ~ ^ \\ and } stray",
        abstract="",
        authors=("Smith and Sons", "José Ñúñez"),
        published=date(2024, 1, 2),
    )
    entry = parse(to_bibtex([paper])).entries[0]
    assert r"\%" in entry.fields_dict["title"].value
    assert r"\&" in entry.fields_dict["title"].value
    assert entry.fields_dict["author"].value == "{Smith and Sons} and José Ñúñez"


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80), st.lists(st.text(min_size=1, max_size=30), max_size=4))
def test_any_title_and_authors_give_a_parseable_entry(title: str, authors: list[str]) -> None:
    paper = Paper(id="2401.00001", title=title, abstract="", authors=tuple(authors))
    assert len(parse(to_bibtex([paper])).entries) == 1


def test_the_exported_file_entry_by_entry() -> None:
    """The exact text a person opens: every field named as BibTeX tools expect, the
    year from the id when the paper has no date, keys from surname, year and first
    word that is not a stop word, and "paper" for whatever is missing."""
    arxiv = Paper(
        id="2312.01234",
        title="The Ménage: a study",
        abstract="",
        authors=("José Ñúñez-Ávila", "Ada Lovelace"),
        categories=("cs.CL", "cs.LG"),
        doi="10.1000/x_y",
    )
    bare = Paper(id="acme-1", title="On the of", abstract="")
    # Shaped like an arXiv id but not one (there is no month 13): not dated by it.
    lookalike = Paper(id="2413.00001", title="Internal", abstract="", authors=("Bo AND Co",))
    assert to_bibtex([arxiv, bare, lookalike]) == (
        "@misc{nunezavila2023menage,\n"
        "  title = {{The Ménage: a study}},\n"
        "  author = {José Ñúñez-Ávila and Ada Lovelace},\n"
        "  year = {2023},\n"
        "  eprint = {2312.01234},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  doi = {10.1000/x\\_y},\n"
        "  url = {https://arxiv.org/abs/2312.01234}\n"
        "}\n"
        "\n"
        "@misc{paper,\n"
        "  title = {{On the of}}\n"
        "}\n"
        "\n"
        "@misc{cointernal,\n"
        "  title = {{Internal}},\n"
        "  author = {{Bo AND Co}}\n"
        "}\n"
    )


def test_keys_of_lookalike_papers_run_from_a_to_z_then_on_in_numbers() -> None:
    twins = [
        Paper(
            id="acme-x",
            title="Attention",
            abstract="",
            authors=("A Vaswani",),
            published=date(2017, 6, 12),
        )
    ] * 29
    keys = [e.key for e in parse(to_bibtex(twins)).entries]
    base = "vaswani2017attention"
    assert keys == [base] + [base + letter for letter in "abcdefghijklmnopqrstuvwxyz"] + [
        base + "27",
        base + "28",
    ]
