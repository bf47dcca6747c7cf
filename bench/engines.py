"""The engines the benchmark compares, behind one tiny interface.

Every engine gets the same token lists: paperboy's analysis of each synthetic
paper (title tokens repeated `title_weight` times, then the abstract's) and of
each query. paperboy itself starts from the text, so its build time includes
tokenizing and its query time includes analysing the query. rank_bm25 and
rank-bm25-rs get paperboy's k1, b and epsilon, so that their top 10 can be
checked against paperboy's; bm25s gets its k1 and b; tantivy keeps its own.
"""

from __future__ import annotations

import importlib
import tempfile
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from paperboy.search import IndexOptions, SearchIndex

if TYPE_CHECKING:
    from collections.abc import Sequence

OPTIONS = IndexOptions()


class Engine(Protocol):
    name: str

    def build(self) -> None:
        """Index the corpus (timed)."""

    def query(self, i: int) -> list[int]:
        """Top-10 document numbers for query i, best first (timed, one query a call)."""


class Paperboy:
    name = "paperboy"

    def __init__(self, records: Sequence[dict[str, str]], queries: Sequence[str]) -> None:
        self.records = records
        self._queries = queries
        self.index: Any = None

    def build(self) -> None:
        self.index = SearchIndex.build(self.records)

    def query(self, i: int) -> list[int]:
        # Synthetic ids are "syn<number>".
        return [int(h.paper_id[3:]) for h in self.index.search(self._queries[i], limit=10)]


class RankBM25:
    name = "rank_bm25"
    module = "rank_bm25"  # where BM25Okapi comes from

    def __init__(self, corpus: list[list[str]], queries: list[list[str]]) -> None:
        self._corpus, self._queries = corpus, queries
        self._bm25: Any = None

    def build(self) -> None:
        okapi = importlib.import_module(self.module).BM25Okapi
        self._bm25 = okapi(self._corpus, k1=OPTIONS.k1, b=OPTIONS.b, epsilon=OPTIONS.epsilon)
        self._corpus = []

    def query(self, i: int) -> list[int]:
        return _top10(self._bm25.get_scores(self._queries[i]))


class RankBM25Rs(RankBM25):
    """The same API, in Rust."""

    name = "rank-bm25-rs"
    module = "rank_bm25_rs"


class BM25S:
    name = "bm25s"

    def __init__(self, corpus: list[list[str]], queries: list[list[str]]) -> None:
        self._corpus, self._queries = corpus, queries
        self._model: Any = None

    def build(self) -> None:
        import bm25s

        self._model = bm25s.BM25(k1=OPTIONS.k1, b=OPTIONS.b)
        self._model.index(self._corpus, show_progress=False)
        self._corpus = []
        vocab = self._model.vocab_dict
        # bm25s rejects tokens it has never seen; they score nothing anyway.
        self._queries = [[t for t in q if t in vocab] for q in self._queries]

    def query(self, i: int) -> list[int]:
        tokens = self._queries[i]
        if not tokens:
            return []
        docs, scores = self._model.retrieve([tokens], k=10, show_progress=False, n_threads=0)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


class Tantivy:
    name = "tantivy"

    def __init__(self, corpus: list[list[str]], queries: list[list[str]]) -> None:
        self._corpus, self._queries = corpus, queries
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-tantivy-")
        self._searcher: Any = None
        self._built: list[Any] = []

    def build(self) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="ws", index_option="freq")
        schema = builder.build()
        index = tantivy.Index(schema, path=self._tmp.name)
        index.register_tokenizer(
            "ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        writer = index.writer(heap_size=512_000_000)
        for tokens in self._corpus:
            writer.add_document(tantivy.Document(body=" ".join(tokens)))
        self._corpus = []
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._searcher = index.searcher()
        # Queries as prepared boolean OR queries; building them is not timed.
        self._built = [
            tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in q]
            )
            if q
            else None
            for q in self._queries
        ]

    def query(self, i: int) -> list[int]:
        query = self._built[i]
        if query is None:
            return []
        return [address.doc for _, address in self._searcher.search(query, 10).hits]


def _top10(scores: Any) -> list[int]:
    scores = np.asarray(scores)
    top = np.argpartition(-scores, 10)[:10] if len(scores) > 10 else np.arange(len(scores))
    top = top[np.lexsort((top, -scores[top]))]
    return [int(d) for d in top if scores[d] > 0]
