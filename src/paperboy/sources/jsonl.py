"""Reading a team's own paper list: one JSON object a line (`paperboy ingest --jsonl`).

Pure: lines in, papers and per-line problems out. Each line is an object with

- `title`, `abstract`: non-empty strings (whitespace is collapsed);
- `id` and/or `url`: at least one. An arXiv id or URL in any form that
  `parse_arxiv_ref` accepts is stored as the canonical arXiv id. An `id` that
  is not arXiv's is kept as given, for teams with their own papers, if it is a
  plain token (letters, digits and ``._:/+-``, at most 100 characters) that
  does not look like a mistyped arXiv id. A `url` that names a different
  arXiv paper than `id` is an error;
- `url`, unless it is arXiv's or Hugging Face's page of the paper, is kept as
  the paper's page: an http(s) link that cards link the title to and BibTeX
  cites (so a team's own paper gets its own link, not a made-up arXiv one);
- optional `authors`: a list of names or one comma-separated string;
- optional `published`: "YYYY-MM-DD" or an ISO datetime (its date is kept);
- optional `upvotes`: a whole number from 0 to 2**31 - 1.

Every field must be within the bounds all sources share (`bounds`: title and
abstract length, author count, date range, ...). Other keys are ignored. Blank
lines are skipped. A bad line, or a second line for an id already read,
becomes a `LineError` and is skipped; the rest load.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperboy.core.ids import parse_arxiv_ref
from paperboy.core.models import Paper
from paperboy.sources.bounds import MAX_URL, OutOfBounds, check_paper
from paperboy.sources.text import clean_text, date_part

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import date

_OWN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+-]{0,99}")
# An http(s) link with a host, of the characters a URL may hold (RFC 3986):
# nothing that could end a link or a BibTeX field early or hide in a message.
_PAGE_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?"
)
_ARXIV_LOOKALIKE = re.compile(r"(?:arxiv:.*|\d{4}\.\d+(?:v\d+)?|.*arxiv\.org.*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LineError:
    """Why line `line` (1-based) of the file was skipped."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class _Invalid(ValueError):
    pass


def parse_jsonl(lines: Iterable[str]) -> tuple[list[Paper], list[LineError]]:
    """The papers of every good line, in file order, and a `LineError` for every bad one."""
    papers: list[Paper] = []
    errors: list[LineError] = []
    first_seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            paper = check_paper(_paper(_object(line)))
        except (_Invalid, OutOfBounds) as exc:
            errors.append(LineError(number, str(exc)))
            continue
        if paper.id in first_seen:
            errors.append(
                LineError(number, f"duplicate id {paper.id} (first on line {first_seen[paper.id]})")
            )
            continue
        first_seen[paper.id] = number
        papers.append(paper)
    return papers, errors


def _object(line: str) -> Mapping[str, Any]:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _Invalid(f"not JSON ({first[:100]})") from None
    if not isinstance(value, dict):
        raise _Invalid(f"expected a JSON object, got {type(value).__name__}")
    return value


def _paper(record: Mapping[str, Any]) -> Paper:
    return Paper(
        id=_id(record.get("id"), record.get("url")),
        title=_text(record, "title"),
        abstract=_text(record, "abstract"),
        authors=_authors(record.get("authors")),
        published=_published(record.get("published")),
        upvotes=_upvotes(record.get("upvotes")),
        page_url=_page_url(record.get("url")),
    )


def _id(raw_id: object, raw_url: object) -> str:
    if raw_id is not None and not isinstance(raw_id, str):
        raise _Invalid("id must be a string")
    if raw_url is not None and not isinstance(raw_url, str):
        raise _Invalid("url must be a string")
    from_url = parse_arxiv_ref(raw_url) if raw_url else None
    if not raw_id or not raw_id.strip():
        if from_url is None:
            raise _Invalid("no id, and no arXiv or Hugging Face url to take one from")
        return from_url
    given = raw_id.strip()
    paper_id = parse_arxiv_ref(given)
    if paper_id is None:
        if _ARXIV_LOOKALIKE.fullmatch(given) or not _OWN_ID.fullmatch(given):
            raise _Invalid(f"id {given[:60]!r} is neither an arXiv id nor a plain token")
        paper_id = given
    if from_url is not None and from_url != paper_id:
        raise _Invalid(f"id {paper_id} and url {from_url} name different papers")
    return paper_id


def _page_url(value: object) -> str | None:
    """The `url` to keep as the paper's page: any http(s) link but arXiv's and
    Hugging Face's own pages of the paper, which follow from its id."""
    if not isinstance(value, str) or not value.strip() or parse_arxiv_ref(value) is not None:
        return None
    url = value.strip()
    if len(url) > MAX_URL or not _PAGE_URL.fullmatch(url):
        raise _Invalid(f"url {url[:60]!r} is not an http(s) link")
    return url


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{key} is missing or not a string")
    return clean_text(value)


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        names: list[object] = list(value.split(","))
    elif isinstance(value, list):
        names = value
    else:
        raise _Invalid("authors must be a list of names or one comma-separated string")
    if not all(isinstance(name, str) for name in names):
        raise _Invalid("authors must be strings")
    return tuple(clean_text(name) for name in names if isinstance(name, str) and name.strip())


def _published(value: object) -> date | None:
    if value is None:
        return None
    published = date_part(value)
    if published is None:
        raise _Invalid(f"published {str(value)[:40]!r} is not YYYY-MM-DD or an ISO datetime")
    return published


def _upvotes(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"upvotes must be a whole number, got {type(value).__name__}")
    return value  # its range is checked with the other bounds
