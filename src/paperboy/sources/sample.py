"""The bundled sample: 74 real papers from a Hugging Face Daily Papers page.

It lets a fresh install answer searches with no network. Copied from
shared/data/sample_papers.json; refresh it there and copy it again.
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
            published=date.fromisoformat(item["published"]) if item.get("published") else None,
        )
        for item in json.loads(text)
    ]
