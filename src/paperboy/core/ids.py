"""arXiv identifiers as users paste them: bare ids, versions, prefixes, URLs."""

from __future__ import annotations

import re

# New-style ids: YYMM.NNNN (2007–2014) or YYMM.NNNNN (2015 on), optional version.
_NEW = r"(?P<new>\d{4}\.\d{4,5})(?:v\d+)?"
# Old-style ids: archive(.subject)/YYMMNNN, e.g. cs/0112017, math.GT/0309136.
_OLD = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ID = rf"(?:{_NEW}|{_OLD})"

_PATTERNS = (
    re.compile(rf"^(?:arxiv:)?{_ID}$", re.IGNORECASE),
    re.compile(
        rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{_ID}(?:\.pdf)?/?$",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?:https?://)?(?:www\.)?huggingface\.co/papers/{_ID}/?$", re.IGNORECASE),
)

MAX_REF_CHARS = 200


def parse_arxiv_ref(text: str) -> str | None:
    """The arXiv id (without version) that `text` names, or None.

    Accepts `2403.12345`, `2403.12345v2`, `arXiv:2403.12345`, arxiv.org abs/pdf
    URLs, old-style `cs/0112017`, and huggingface.co/papers URLs. Query strings
    and fragments on URLs are ignored.
    """
    ref = text.strip().strip("<>")
    if not ref or len(ref) > MAX_REF_CHARS:
        return None
    ref = re.split(r"[?#]", ref, maxsplit=1)[0]
    for pattern in _PATTERNS:
        match = pattern.match(ref)
        if match:
            if match["new"]:
                return match["new"]
            archive, _, number = match["old"].partition("/")
            head, dot, subject = archive.partition(".")
            return f"{head.lower()}{dot}{subject.upper()}/{number}"
    return None
