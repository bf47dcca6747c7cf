"""Fixtures for the search tests: the bundled sample papers and a reference BM25."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_REPO = Path(__file__).resolve().parents[2]
# The product's bundled copy once it exists, else the shared original beside the repo.
_SAMPLE_CANDIDATES = (
    _REPO / "src" / "paperboy" / "sources" / "sample_papers.json",
    _REPO.parent / "shared" / "data" / "sample_papers.json",
    Path("/work/shared/data/sample_papers.json"),
)


@pytest.fixture(scope="session")
def sample_papers() -> list[dict[str, Any]]:
    """The 74 real papers of the offline sample."""
    for path in _SAMPLE_CANDIDATES:
        if path.exists():
            papers: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
            return papers
    raise FileNotFoundError(
        "sample_papers.json not found in: " + ", ".join(map(str, _SAMPLE_CANDIDATES))
    )
