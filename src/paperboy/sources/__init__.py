"""Paper sources: the Hugging Face Daily Papers and arXiv clients, id parsing, JSONL imports.

Everything here that talks to the network does so through `HttpFetcher`
(retries, backoff, politeness); everything else is pure.
"""

from __future__ import annotations

from paperboy.core.ids import is_arxiv_id, parse_arxiv_ref
from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.atom import ArxivEntry
from paperboy.sources.daily_papers import DailyPapers
from paperboy.sources.errors import (
    PaperNotFound,
    SourceError,
    SourceRedirected,
    SourceRejected,
    SourceUnavailable,
    SourceUnreachable,
)
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.jsonl import LineError, parse_jsonl
from paperboy.sources.pacing import Timing

__all__ = [
    "ArxivClient",
    "ArxivEntry",
    "DailyPapers",
    "HuggingFaceClient",
    "LineError",
    "PaperNotFound",
    "RetryPolicy",
    "SourceError",
    "SourceRedirected",
    "SourceRejected",
    "SourceUnavailable",
    "SourceUnreachable",
    "Timing",
    "is_arxiv_id",
    "parse_arxiv_ref",
    "parse_jsonl",
]
