"""The Hugging Face Daily Papers client: one day's list, every page of it."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from paperboy.sources.daily_papers import DailyPapers, merge_by_id, read_page
from paperboy.sources.http import (
    DEFAULT_USER_AGENT,
    HttpFetcher,
    RetryPolicy,
    SourceClient,
    endpoint,
)
from paperboy.sources.pacing import RateLimiter, Timing

if TYPE_CHECKING:
    from datetime import date

    from paperboy.core.models import Paper

log = logging.getLogger(__name__)

SOURCE_NAME = "Hugging Face"


class HuggingFaceClient(SourceClient):
    """Reads `{base_url}/api/daily_papers`. Use `async with`, or `start()` then `aclose()`.

    `base_url` is the site root ("https://huggingface.co", a mirror, a test
    server). `timeout` bounds each request in seconds; `retry` says how often
    a failed request is retried; `min_interval` > 0 spaces requests out and
    sends one at a time; `max_pages` stops a server that pages forever.
    """

    def __init__(
        self,
        base_url: str = "https://huggingface.co",
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        timing: Timing | None = None,
        min_interval: float = 0.0,
        max_pages: int = 20,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if max_pages < 1:
            raise ValueError(f"max_pages must be >= 1, got {max_pages}")
        timing = timing or Timing()
        self._url = endpoint(base_url, "/api/daily_papers")
        self._max_pages = max_pages
        limiter = RateLimiter(min_interval, timing=timing) if min_interval > 0 else None
        self._http = HttpFetcher(
            SOURCE_NAME,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            timing=timing,
            limiter=limiter,
            user_agent=user_agent,
        )

    async def daily_papers(
        self, day: date, *, sort: str | None = None, page_size: int = 100
    ) -> DailyPapers:
        """Every paper listed for `day`, fetched page by page until a short page.

        `sort` ("trending", say) is passed through as the API's `sort`
        parameter. Papers listed twice (within or across pages) appear once,
        with the highest upvote count seen. Unusable items are skipped, logged
        and counted in `skipped`. A day with no papers gives an empty result.

        All or nothing: raises `SourceUnavailable` (or `SourceRejected`) if any
        page cannot be fetched, never returns part of a day.
        """
        if page_size < 1:
            raise ValueError(f"page_size must be >= 1, got {page_size}")
        papers: dict[str, Paper] = {}
        skipped = 0
        for page in range(self._max_pages):
            params = {"date": day.isoformat(), "p": str(page), "limit": str(page_size)}
            if sort is not None:
                params["sort"] = sort
            read = await self._http.get(self._url, params, functools.partial(read_page, day=day))
            for position, problem in read.problems:
                log.warning(
                    "%s %s: skipping item %d of page %d: %s",
                    SOURCE_NAME,
                    day,
                    position,
                    page,
                    problem,
                )
            skipped += len(read.problems)
            new = merge_by_id(papers, read.papers)
            if read.size < page_size:
                break
            if read.papers and new == 0:
                log.warning(
                    "%s %s: page %d repeats earlier pages; stopping there", SOURCE_NAME, day, page
                )
                break
        else:
            log.warning("%s %s: stopped after %d full pages", SOURCE_NAME, day, self._max_pages)
        return DailyPapers(day=day, papers=tuple(papers.values()), skipped=skipped)
