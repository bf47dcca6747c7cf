"""Fixtures for the search tests: the bundled sample papers."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest


@pytest.fixture(scope="session")
def sample_papers() -> list[dict[str, Any]]:
    """The 74 real papers of the offline sample, as the product bundles them (raw: the
    search index takes plain dicts)."""
    text = resources.files("paperboy.sources").joinpath("sample_papers.json").read_text("utf-8")
    papers: list[dict[str, Any]] = json.loads(text)
    return papers
