"""A search running while another thread adds papers sees the index before or after."""

from __future__ import annotations

import math
import threading
from typing import Any

from paperboy.search import SearchHit, SearchIndex

QUERY = "large language models reasoning"


def test_searches_during_adds_see_the_index_wholly_before_or_after(
    sample_papers: list[dict[str, Any]],
) -> None:
    first = 30
    batches = [sample_papers[i : i + 4] for i in range(first, len(sample_papers), 4)]
    # What a search may answer: the answer of the index after 0, 1, 2, ... batches.
    allowed = [
        SearchIndex.build(sample_papers[: first + 4 * n]).search(QUERY, limit=5)
        for n in range(len(batches) + 1)
    ]
    index = SearchIndex.build(sample_papers[:first])
    answers: list[list[SearchHit]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for batch in batches:
                index.add(batch)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not done.is_set():
        answers.append(index.search(QUERY, limit=5))
    thread.join()

    assert not errors
    assert answers
    assert all(any(_same(answer, ok) for ok in allowed) for answer in answers)
    assert _same(index.search(QUERY, limit=5), allowed[-1])


def _same(hits: list[SearchHit], expected: list[SearchHit]) -> bool:
    """Same papers, same scores (up to float summation order)."""
    return [h.paper_id for h in hits] == [e.paper_id for e in expected] and all(
        math.isclose(h.score, e.score, rel_tol=1e-9) for h, e in zip(hits, expected, strict=True)
    )
