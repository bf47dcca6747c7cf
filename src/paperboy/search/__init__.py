"""BM25 search over paper titles and abstracts: tokenizer, incremental index,
filters and snippets. Pure: no I/O except saving and loading the index file.

The core builds on `SearchIndex`; nothing here imports the core, the store or
the adapters.
"""

from __future__ import annotations

from paperboy.search.filters import DocFilter
from paperboy.search.index import Recommendation, SavedIndex, SearchHit, SearchIndex
from paperboy.search.kernels import warm_up
from paperboy.search.options import IndexOptions
from paperboy.search.snippets import Snippet, make_snippet
from paperboy.search.tokenizer import Tokenizer, TokenizerOptions

__all__ = [
    "DocFilter",
    "IndexOptions",
    "Recommendation",
    "SavedIndex",
    "SearchHit",
    "SearchIndex",
    "Snippet",
    "Tokenizer",
    "TokenizerOptions",
    "make_snippet",
    "warm_up",
]
