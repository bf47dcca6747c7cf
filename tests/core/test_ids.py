"""Every way a user may name an arXiv paper resolves to one canonical id; nothing else does."""

from __future__ import annotations

import pytest

from paperboy.core.ids import is_arxiv_id, parse_arxiv_ref

LONG_URL = "https://arxiv.org/abs/2403.12345?context=" + "x" * 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2403.12345", "2403.12345"),
        ("2403.12345v2", "2403.12345"),
        ("  2403.12345\n", "2403.12345"),
        ("arXiv:2403.12345", "2403.12345"),
        ("arxiv:2403.12345v3", "2403.12345"),
        ("arXiv: 2403.12345", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345v1", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345", "2403.12345"),
        ("http://arxiv.org/pdf/2403.12345v2.pdf", "2403.12345"),
        ("https://arxiv.org/pdf/2403.12345", "2403.12345"),
        ("https://arxiv.org/pdf/2403.12345v2", "2403.12345"),
        ("https://arxiv.org/html/2403.12345v1", "2403.12345"),
        ("https://export.arxiv.org/abs/2403.12345", "2403.12345"),
        ("https://www.arxiv.org/abs/2403.12345/", "2403.12345"),
        ("arxiv.org/abs/2403.12345", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345?context=cs.CL", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345#section", "2403.12345"),
        ("https://huggingface.co/papers/2403.12345", "2403.12345"),
        ("https://huggingface.co/papers/2403.12345#community", "2403.12345"),
        ("https://hf.co/papers/2403.12345", "2403.12345"),
        ("0704.0001", "0704.0001"),
        ("1412.7878v2", "1412.7878"),
        ("1501.00001", "1501.00001"),
        ("cs/0112017", "cs/0112017"),
        ("cs/0112017v1", "cs/0112017"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136", "math/0309136"),
        ("math.GT/0309136v2", "math/0309136"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math/0309136"),
        ("https://arxiv.org/abs/cs/0112017v3", "cs/0112017"),
        ("http://arxiv.org/pdf/cs/0112017v1.pdf", "cs/0112017"),
        ("cond-mat.mes-hall/0601001", "cond-mat/0601001"),
        # Old-style ids ran from August 1991 to March 2007: the first and last months.
        ("hep-th/9108001", "hep-th/9108001"),
        ("math/0703001", "math/0703001"),
        # Links as Slack and Discord wrap them, with or without a label.
        ("<https://arxiv.org/abs/2403.12345>", "2403.12345"),
        ("<https://arxiv.org/abs/2403.12345|arXiv 2403.12345>", "2403.12345"),
        ("<https://arxiv.org/abs/2403.12345|a | b>", "2403.12345"),
        ("https://arxiv.org/abs/2403.12345#comments->", "2403.12345"),  # not a wrapped link
        # The longest text read: 200 characters.
        (LONG_URL[:200], "2403.12345"),
    ],
)
def test_every_accepted_form_gives_the_canonical_id(text: str, expected: str) -> None:
    assert parse_arxiv_ref(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "2403",
        "2403.123",  # too short
        "2403.1234",  # four digits after 2014
        "1412.12345",  # five digits before 2015
        "2413.12345",  # month 13
        "0703.0001",  # new style before April 2007
        "2403.00000",
        "2403.12345v0",
        "2403.12345v",
        "2403.12345 2403.12346",
        "foo/0112017",  # not an archive
        "cs/011201",  # six digits
        "cs/0113017",  # month 13
        "cs/0000000",
        "hep-th/9107001",  # old style before August 1991
        "math/0704001",  # old style after March 2007
        "https://example.org/abs/2403.12345",
        "https://arxiv.org/list/cs.CL/recent",
        "https://huggingface.co/models/2403.12345",
        "javascript:alert(2403.12345)",
        "2403.12345" + "0" * 300,
        "https://arxiv.org/abs/" + "2" * 500,
        "x" * 10_000,
        LONG_URL[:201],
    ],
)
def test_anything_else_is_not_an_arxiv_ref(text: str) -> None:
    assert parse_arxiv_ref(text) is None


def test_is_arxiv_id_only_for_canonical_ids() -> None:
    assert is_arxiv_id("2403.12345")
    assert is_arxiv_id("cs/0112017")
    assert not is_arxiv_id("2403.12345v2")
    assert not is_arxiv_id("arXiv:2403.12345")
    assert not is_arxiv_id("math.GT/0309136")
    assert not is_arxiv_id("banana")
