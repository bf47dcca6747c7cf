"""A team's JSONL paper list loads its good lines and names every bad line by number."""

from __future__ import annotations

import json
from datetime import date

from paperboy.sources.jsonl import LineError, parse_jsonl


def line(**fields: object) -> str:
    return json.dumps(fields) + "\n"


GOOD = {"title": "A Title", "abstract": "An abstract."}


def test_a_full_line_becomes_a_paper() -> None:
    papers, errors = parse_jsonl(
        [
            line(
                id="2403.12345v2",
                title="  Sparse\n  Experts ",
                abstract="Line one\n  line two.",
                authors=["Mei Tanaka", " Jonas  Berg "],
                published="2024-03-18",
                upvotes=7,
                url="https://arxiv.org/abs/2403.12345",
                extra="ignored",
            ),
        ]
    )
    assert errors == []
    [paper] = papers
    assert paper.id == "2403.12345"
    assert paper.title == "Sparse Experts"
    assert paper.abstract == "Line one line two."
    assert paper.authors == ("Mei Tanaka", "Jonas Berg")
    assert paper.published == date(2024, 3, 18)
    assert paper.upvotes == 7
    assert paper.featured is None


def test_the_id_can_come_from_the_url_alone() -> None:
    papers, errors = parse_jsonl(
        [
            line(url="https://huggingface.co/papers/2403.12345", **GOOD),
            line(url="http://arxiv.org/pdf/cs/0112017v1.pdf", **GOOD),
        ]
    )
    assert errors == []
    assert [p.id for p in papers] == ["2403.12345", "cs/0112017"]


def test_authors_may_be_one_comma_separated_string_and_dates_iso_datetimes() -> None:
    papers, errors = parse_jsonl(
        [
            line(
                id="2403.12345",
                authors="Ada Lovelace, Grace Hopper ,",
                published="2024-03-18T23:30:00Z",
                **GOOD,
            ),
        ]
    )
    assert errors == []
    assert papers[0].authors == ("Ada Lovelace", "Grace Hopper")
    assert papers[0].published == date(2024, 3, 18)


def test_a_teams_own_ids_are_kept_as_given() -> None:
    papers, errors = parse_jsonl(
        [
            line(id="acme-tr-2024-017", url="https://intranet.example/tr/17", **GOOD),
            line(id="doi:10.1000/xyz123", **GOOD),
        ]
    )
    assert errors == []
    assert [p.id for p in papers] == ["acme-tr-2024-017", "doi:10.1000/xyz123"]
    assert [p.page_url for p in papers] == ["https://intranet.example/tr/17", None]
    assert [p.arxiv_url for p in papers] == [None, None]
    assert [p.url for p in papers] == ["https://intranet.example/tr/17", None]


def test_a_url_is_kept_as_the_papers_page_unless_arxiv_has_the_page() -> None:
    papers, errors = parse_jsonl(
        [
            line(id="2403.12345", url="https://github.com/acme/sparse", **GOOD),
            line(url="https://arxiv.org/abs/2403.00002v2", **GOOD),
            line(id="acme-9", url=" https://acme.example/papers/9?lang=en#top ", **GOOD),
        ]
    )
    assert errors == []
    assert [p.page_url for p in papers] == [
        "https://github.com/acme/sparse",
        None,
        "https://acme.example/papers/9?lang=en#top",
    ]
    assert papers[1].url == "https://arxiv.org/abs/2403.00002"


def test_a_url_that_is_no_http_link_is_refused() -> None:
    bad = [
        "javascript:alert(1)",
        "ftp://files.example/p.pdf",
        "intranet/tr/17",
        "https://evil.example/a b",
        "https://evil.example/}{",
        "https://evil.example/<script>",
        "https://evil.example/" + "a" * 2_000,
        "https://evil.example/\u202e",
    ]
    lines = [line(id=f"team-{n}", url=url, **GOOD) for n, url in enumerate(bad)]
    papers, errors = parse_jsonl(lines)
    assert papers == []
    assert [e.line for e in errors] == list(range(1, len(bad) + 1))
    assert all("is not an http(s) link" in e.reason for e in errors)


def test_bad_lines_are_reported_by_number_and_good_ones_kept() -> None:
    lines = [
        line(id="2403.00001", **GOOD),  # 1 good
        "\n",  # 2 blank: skipped silently
        "{not json\n",  # 3
        "[1, 2]\n",  # 4
        line(id="2403.00002", abstract="no title"),  # 5
        line(id="2403.00003", title="   ", abstract="blank title"),  # 6
        line(id="2403.00004", upvotes=-1, **GOOD),  # 7
        line(id="2403.00005", upvotes="12", **GOOD),  # 8
        line(id="2403.00006", published="18/03/2024", **GOOD),  # 9
        line(id="2403.00007", authors=[1, 2], **GOOD),  # 10
        line(**GOOD),  # 11: no id, no url
        line(id="2403.1234", **GOOD),  # 12: mistyped arXiv id
        line(id="has spaces in it", **GOOD),  # 13
        line(id="2403.00008", url="https://arxiv.org/abs/2403.00009", **GOOD),  # 14
        line(id="2403.00001v3", **GOOD),  # 15: duplicate of line 1
        line(id=12345, **GOOD),  # 16
        line(id="2403.00010", upvotes=True, **GOOD),  # 17
        "   \n",  # 18 blank
        line(id="2403.00011", **GOOD),  # 19 good
    ]
    papers, errors = parse_jsonl(lines)
    assert [p.id for p in papers] == ["2403.00001", "2403.00011"]
    assert [e.line for e in errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    by_line = {e.line: e.reason for e in errors}
    assert "not JSON" in by_line[3]
    assert "title" in by_line[5]
    assert "upvotes" in by_line[7]
    assert "published" in by_line[9]
    assert "no id" in by_line[11]
    assert "different papers" in by_line[14]
    assert "duplicate" in by_line[15]
    assert "line 1" in by_line[15]


def test_a_line_error_reads_as_one_line() -> None:
    assert str(LineError(12, "title is missing or not a string")) == (
        "line 12: title is missing or not a string"
    )


def test_an_empty_file_gives_nothing() -> None:
    assert parse_jsonl([]) == ([], [])
