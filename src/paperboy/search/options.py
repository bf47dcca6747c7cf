"""Options that define an index: BM25 parameters, title weight, tokenizer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from paperboy.search.tokenizer import TokenizerOptions


@dataclass(frozen=True)
class IndexOptions:
    """BM25Okapi parameters and how documents are turned into terms.

    Scoring is exactly `rank_bm25.BM25Okapi(k1, b, epsilon)` over each
    document's token list, which is its title's tokens repeated
    `title_weight` times followed by its abstract's tokens and its authors'
    names' tokens. The defaults were
    chosen on the SciFact train split (see bench/quality.py).

    A saved index is only reused when it was built with equal options.
    """

    k1: float = 1.8
    b: float = 0.4
    epsilon: float = 0.1
    title_weight: int = 3
    tokenizer: TokenizerOptions = field(default_factory=TokenizerOptions)

    def __post_init__(self) -> None:
        if not self.k1 > 0 or not 0 <= self.b <= 1 or self.title_weight < 0:
            raise ValueError(f"invalid index options: {self!r}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
