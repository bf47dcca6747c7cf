"""Recognising an arXiv paper in whatever a user pastes.

`parse_arxiv_ref` turns every common way of naming an arXiv paper into its
canonical id without a version: "2403.12345", "0704.0001", "cs/0112017".

Accepted: bare ids with or without a version ("2403.12345v2"), the "arXiv:"
prefix, arxiv.org / export.arxiv.org / www.arxiv.org URLs (abs, pdf, html,
with or without ".pdf", a trailing slash, a query or fragment), and Hugging
Face paper pages (huggingface.co/papers/ID, hf.co/papers/ID).

Old-style ids (before April 2007) are archive/YYMMNNN. Their optional subject
class ("math.GT/0309136") is not part of the identifier, so it is dropped:
arXiv itself answers with "math/0309136".

New-style ids are YYMM.NNNN from 0704 to 1412 and YYMM.NNNNN from 1501 on;
an id of the wrong width for its month is rejected, not guessed at.
"""

from __future__ import annotations

import re

MAX_REF_LENGTH = 200

# Archives that had old-style identifiers; anything else before a "/" is not arXiv.
OLD_ARCHIVES = frozenset(
    {
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    }
)

_ID = re.compile(
    r"""
    (?:
        (?P<yymm>\d{4})\.(?P<number>\d{4,5})                      # 2403.12345
      | (?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[a-z]+(?:-[a-z]+)?)?  # math or math.GT
        /(?P<old_yymm>\d{4})(?P<old_number>\d{3})                 # /0309136
    )
    (?:v[1-9]\d{0,3})?                                            # version
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ARXIV_URL = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"(?P<ref>[^?#]+?)(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
_HF_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/papers/(?P<ref>[^/?#]+)/?(?:[?#].*)?",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"arxiv:\s?", re.IGNORECASE)


def parse_arxiv_ref(text: str) -> str | None:
    """The canonical arXiv id (no version) named by `text`, or None if it names none.

    A link as chat platforms wrap it (`<https://…>` or `<https://…|label>`) counts too."""
    candidate = text.strip()
    if candidate.startswith("<") and candidate.endswith(">"):
        candidate = candidate[1:-1].split("|", 1)[0].strip()
    if not candidate or len(candidate) > MAX_REF_LENGTH:
        return None
    for pattern in (_ARXIV_URL, _HF_URL):
        url = pattern.fullmatch(candidate)
        if url is not None:
            candidate = url.group("ref")
            break
    else:
        prefix = _PREFIX.match(candidate)
        if prefix is not None:
            candidate = candidate[prefix.end() :]
    return _canonical(candidate)


def is_arxiv_id(text: str) -> bool:
    """True when `text` is already a canonical arXiv id: no prefix, URL or version."""
    return parse_arxiv_ref(text) == text


def _canonical(candidate: str) -> str | None:
    match = _ID.fullmatch(candidate)
    if match is None:
        return None
    if match.group("yymm") is not None:
        yymm, number = match.group("yymm"), match.group("number")
        if not _new_style_ok(yymm, number):
            return None
        return f"{yymm}.{number}"
    archive = match.group("archive").lower()
    yymm, number = match.group("old_yymm"), match.group("old_number")
    if archive not in OLD_ARCHIVES or not _old_style_ok(yymm, number):
        return None
    return f"{archive}/{yymm}{number}"


def _new_style_ok(yymm: str, number: str) -> bool:
    month = int(yymm[2:])
    if not 1 <= month <= 12 or int(yymm) < 704 or int(number) == 0:
        return False
    # Four-digit sequence numbers ran until December 2014, five-digit ones since.
    return len(number) == (4 if int(yymm) <= 1412 else 5)


def _old_style_ok(yymm: str, number: str) -> bool:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12 or int(number) == 0:
        return False
    # Old-style ids ran from August 1991 to March 2007.
    return (year, month) >= (91, 8) or (year, month) <= (7, 3)
