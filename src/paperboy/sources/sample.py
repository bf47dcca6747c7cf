"""The bundled sample: 74 real papers from a Hugging Face Daily Papers page.

It lets a fresh install answer searches, and show what `trending` and a digest
look like, with no network. Copied from shared/data/sample_papers.json, then given
the day the page featured them (and upvotes where the page shows them) by
scripts/sample_featured_days.py; refresh it there and run both steps again.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

from paperboy.core.models import Paper


def load_sample_papers() -> list[Paper]:
    text = resources.files("paperboy.sources").joinpath("sample_papers.json").read_text("utf-8")
    return [
        Paper(
            id=item["id"],
            title=item["title"],
            abstract=item["abstract"],
            authors=tuple(item.get("authors") or ()),
            published=_day(item.get("published")),
            featured=_day(item.get("featured")),
            upvotes=int(item.get("upvotes") or 0),
        )
        for item in json.loads(text)
    ]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
