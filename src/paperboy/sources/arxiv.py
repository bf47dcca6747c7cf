"""The arXiv client: papers by id, in batches, at arXiv's requested pace."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from paperboy.core.ids import parse_arxiv_ref
from paperboy.sources.atom import ArxivEntry, ArxivError, parse_feed
from paperboy.sources.errors import PaperNotFound
from paperboy.sources.http import (
    DEFAULT_USER_AGENT,
    HttpFetcher,
    RetryPolicy,
    SourceClient,
    endpoint,
)
from paperboy.sources.pacing import RateLimiter, Timing

if TYPE_CHECKING:
    from collections.abc import Sequence

    from paperboy.core.models import Paper

log = logging.getLogger(__name__)

SOURCE_NAME = "arXiv"
MAX_BATCH = 100


class ArxivClient(SourceClient):
    """Reads `{base_url}/api/query?id_list=...`. Use `async with`, or `start()` then `aclose()`.

    `min_interval` seconds pass between the end of one request and the start
    of the next, and one request runs at a time (arXiv asks for 3 s), retries
    included. `batch_size` (at most 100) ids go in one request.
    """

    def __init__(
        self,
        base_url: str = "https://export.arxiv.org",
        *,
        min_interval: float = 3.0,
        batch_size: int = MAX_BATCH,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        timing: Timing | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be within 1..{MAX_BATCH}, got {batch_size}")
        timing = timing or Timing()
        self._url = endpoint(base_url, "/api/query")
        self._batch_size = batch_size
        self._http = HttpFetcher(
            SOURCE_NAME,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            timing=timing,
            limiter=RateLimiter(min_interval, timing=timing),
            max_connections=1,
            user_agent=user_agent,
        )

    async def fetch(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The papers arXiv has among `ids`, keyed by canonical id (no version).

        `ids` may be in any form `parse_arxiv_ref` accepts. Ids that are not
        arXiv ids, that arXiv does not know, or that it answers with an error
        entry are simply absent from the result. Raises `SourceUnavailable`
        when arXiv does not answer (nothing is returned for a partial run).
        """
        return {pid: entry.paper for pid, entry in (await self.fetch_entries(ids)).items()}

    async def fetch_entries(self, ids: Sequence[str]) -> dict[str, ArxivEntry]:
        """Like `fetch`, with what arXiv says beyond a Paper (version, comment, ...)."""
        found, _ = await self._lookup(ids)
        return found

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        """The core's `PaperFetcher` port: the paper, or None when arXiv has no such paper."""
        try:
            return await self.fetch_one(paper_id)
        except PaperNotFound:
            return None

    async def fetch_one(self, ref: str) -> Paper:
        """The paper `ref` names (an id or URL in any accepted form).

        Raises `PaperNotFound` when `ref` is no arXiv id or arXiv has no such
        paper, `SourceUnavailable` when arXiv does not answer.
        """
        paper_id = parse_arxiv_ref(ref)
        if paper_id is None:
            raise PaperNotFound(SOURCE_NAME, ref.strip()[:80], "not an arXiv id or URL")
        found, errors = await self._lookup([paper_id])
        if paper_id not in found:
            raise PaperNotFound(SOURCE_NAME, paper_id, errors[0].message if errors else "")
        return found[paper_id].paper

    async def _lookup(self, ids: Sequence[str]) -> tuple[dict[str, ArxivEntry], list[ArxivError]]:
        wanted: list[str] = []
        for ref in ids:
            paper_id = parse_arxiv_ref(ref)
            if paper_id is None:
                log.warning("%s: not an arXiv id, not asking: %r", SOURCE_NAME, ref[:80])
            elif paper_id not in wanted:
                wanted.append(paper_id)
        found: dict[str, ArxivEntry] = {}
        errors: list[ArxivError] = []
        for start in range(0, len(wanted), self._batch_size):
            await self._fetch_batch(wanted[start : start + self._batch_size], found, errors)
        return found, errors

    async def _fetch_batch(
        self, batch: list[str], found: dict[str, ArxivEntry], errors: list[ArxivError]
    ) -> None:
        """Fetch `batch` into `found`.

        arXiv fails a whole request when one id in it is bad, so when a batch
        of several ids comes back with an error entry, the ids still missing
        are fetched again in halves until the bad one is alone.
        """
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        feed = await self._http.get(self._url, params, parse_feed)
        wanted = set(batch)
        for entry in feed.entries:
            if entry.paper.id in wanted:
                found[entry.paper.id] = entry
        for error in feed.errors:
            log.info("%s: error entry for %s: %s", SOURCE_NAME, _ids(batch), error.message)
        missing = [paper_id for paper_id in batch if paper_id not in found]
        if feed.errors and len(batch) > 1 and missing:
            half = (len(missing) + 1) // 2
            for part in (missing[:half], missing[half:]):
                if part:
                    await self._fetch_batch(part, found, errors)
            return
        errors.extend(feed.errors)
        for paper_id in missing:
            log.info("%s: no such paper %s", SOURCE_NAME, paper_id)


def _ids(batch: list[str]) -> str:
    """A batch's ids for a log line, shortened when long."""
    text = ",".join(batch)
    return text if len(text) <= 120 else f"{text[:117]}..."
