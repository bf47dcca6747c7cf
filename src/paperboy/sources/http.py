"""The one way the source clients talk HTTP: a session, retries, backoff, politeness.

`HttpFetcher.get` makes a GET and hands the body to a parser *inside* the retry
loop, so an unreadable body (truncated JSON, an HTML error page, a feed that is
not a feed) is retried like a 503 before it becomes `SourceUnavailable`.

Retried: timeouts, dropped connections, HTTP 5xx and 429, and bodies the
parser rejects with `BadBody`. Not retried: other HTTP 4xx (`SourceRejected`),
a host that cannot be reached at all (`SourceUnreachable`: its name does not
resolve or the connection is refused; offline, five tries of each of eight
catch-up days only flooded the log), and a redirect to another host, port or
scheme (`SourceRedirected`; redirects within the source's own origin are
followed). Waits between attempts are exponential with full jitter; a
`Retry-After` header on 429/503 (seconds or an HTTP date) is honoured up to a
cap. The parser runs in a worker thread: a body may be megabytes of JSON or XML.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self, TypeVar

import aiohttp
from yarl import URL

from paperboy.sources.errors import (
    SourceRedirected,
    SourceRejected,
    SourceUnavailable,
    SourceUnreachable,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

    from paperboy.sources.pacing import RateLimiter, Timing

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_USER_AGENT = "paperboy/0.1 (research-paper chat bot)"
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Connection failures that say the host cannot be reached at all, not that it hiccupped.
_UNREACHABLE = {
    errno.ECONNREFUSED: "connection refused",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "no route to host",
}


class BadBody(ValueError):
    """Raised by a body parser when the body is not what the source promised."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try.

    `attempts` counts every request, the first included. The wait before
    attempt n+1 is uniform in [0, min(max_delay, base_delay * 2**(n-1))], or
    the server's Retry-After when that is longer, capped at `max_retry_after`.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts}")
        if min(self.base_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("retry delays must be >= 0")

    def delay(self, attempt: int, jitter: float, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        backoff = jitter * min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        if retry_after is None:
            return backoff
        return max(backoff, min(retry_after, self.max_retry_after))


def endpoint(base_url: str, path: str) -> str:
    """`path` under the site root `base_url`; ValueError unless it is an http(s) URL."""
    base = base_url.strip().rstrip("/")
    if not base.lower().startswith(("http://", "https://")) or any(c.isspace() for c in base):
        raise ValueError(f"a source URL must start with http:// or https://, got {base_url!r}")
    return base + path


def parse_retry_after(value: str | None, timing: Timing) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, and float("²") fails
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT by definition
        return None
    return max(0.0, (when - timing.now()).total_seconds())


@dataclass(frozen=True, slots=True)
class _Attempt:
    """Why one attempt failed, and how long the server asked us to wait."""

    reason: str
    retry_after: float | None = None


class HttpFetcher:
    """One aiohttp session for one source; `start()` before use, `aclose()` after.

    `source` names the source in log lines and error messages ("arXiv").
    `limiter`, when given, paces every attempt (retries included).
    """

    def __init__(
        self,
        source: str,
        *,
        timeout: float,
        retry: RetryPolicy,
        timing: Timing,
        limiter: RateLimiter | None = None,
        max_connections: int = 4,
        max_body_bytes: int = 32 * 1024 * 1024,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.source = source
        self._timeout = timeout
        self._retry = retry
        self._timing = timing
        self._limiter = limiter
        self._max_connections = max_connections
        self._max_body_bytes = max_body_bytes
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is not None:
            raise RuntimeError(f"{self.source} client already started")
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._timeout),
            connector=aiohttp.TCPConnector(limit=self._max_connections),
            headers={"User-Agent": self._user_agent},
            raise_for_status=False,
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def get(self, url: str, params: Mapping[str, str], parse: Callable[[bytes], T]) -> T:
        """GET `url` and return `parse(body)` of the first good 2xx answer.

        Raises `SourceUnavailable` once the retry budget is spent; at once,
        `SourceRejected` on a 4xx other than 429, `SourceUnreachable` when the host
        does not resolve or refuses the connection, `SourceRedirected` on a
        redirect to another host, port or scheme.
        """
        attempts = self._retry.attempts
        failure = _Attempt("no attempt made")
        for attempt in range(1, attempts + 1):
            outcome = await self._attempt(url, params, parse)
            if not isinstance(outcome, _Attempt):
                return outcome
            failure = outcome
            if attempt == attempts:
                break
            wait = self._retry.delay(attempt, self._timing.random(), failure.retry_after)
            log.warning(
                "%s: %s; retrying (%d/%d) in %.2fs",
                self.source,
                failure.reason,
                attempt + 1,
                attempts,
                wait,
            )
            await self._timing.sleep(wait)
        log.warning(
            "%s: giving up on %s after %d attempts: %s", self.source, url, attempts, failure.reason
        )
        raise SourceUnavailable(self.source, failure.reason, attempts=attempts)

    async def _attempt(
        self, url: str, params: Mapping[str, str], parse: Callable[[bytes], T]
    ) -> T | _Attempt:
        if self._limiter is None:
            return await self._request(url, params, parse)
        async with self._limiter.slot():
            return await self._request(url, params, parse)

    async def _request(
        self, url: str, params: Mapping[str, str], parse: Callable[[bytes], T]
    ) -> T | _Attempt:
        if self._session is None:
            raise RuntimeError(f"{self.source} client used before start() or after aclose()")
        try:
            body = await self._follow(self._session, URL(url), dict(params))
        except TimeoutError:
            return _Attempt(f"timed out after {self._timeout:g}s")
        except aiohttp.ClientConnectorError as exc:
            why = _unreachable(exc)
            if why is not None:
                raise SourceUnreachable(self.source, f"{exc.host}:{exc.port}", why) from None
            return _Attempt(_describe(exc))
        except aiohttp.ClientError as exc:
            return _Attempt(_describe(exc))
        except UnicodeError:  # a host name the IDNA codec refuses ("a..b", a 64-letter label)
            host = url.partition("//")[2].partition("/")[0][:200]
            raise SourceUnreachable(self.source, host, "not a valid host name") from None
        if isinstance(body, _Attempt):
            return body
        try:
            return await asyncio.to_thread(parse, body)
        except BadBody as exc:
            return _Attempt(f"unreadable response: {exc}")

    async def _follow(
        self, session: aiohttp.ClientSession, url: URL, params: dict[str, str] | None
    ) -> bytes | _Attempt:
        """The body of a 2xx answer to `url`, following redirects within its origin."""
        for _ in range(MAX_REDIRECTS + 1):
            async with session.get(url, params=params, allow_redirects=False) as response:
                status = response.status
                if status in _REDIRECTS and "Location" in response.headers:
                    url = self._redirect_target(response, response.headers["Location"])
                    params = None  # the new location carries its own query
                    continue
                if status == 429 or status >= 500:
                    retry_after = None
                    if status in (429, 503):
                        header = response.headers.get("Retry-After")
                        retry_after = parse_retry_after(header, self._timing)
                    return _Attempt(f"HTTP {status}", retry_after)
                if status >= 400:
                    raise SourceRejected(self.source, status, str(response.url))
                if status >= 300:
                    return _Attempt(f"unexpected HTTP {status}")
                body = await self._read_body(response)
                if body is None:
                    return _Attempt(f"response larger than {self._max_body_bytes} bytes")
                return body
        return _Attempt(f"more than {MAX_REDIRECTS} redirects")

    def _redirect_target(self, response: aiohttp.ClientResponse, location: str) -> URL:
        """Where a redirect leads; `SourceRedirected` when that is another origin, where
        neither the configured URL nor its politeness settings say we may go."""
        here = response.url
        try:
            there = here.join(URL(location))
        except ValueError:
            raise SourceRedirected(self.source, str(here), "an unreadable address") from None
        if (there.scheme, there.host, there.port) != (here.scheme, here.host, here.port):
            shown = f"{there.scheme}://{there.host}:{there.port}" if there.host else there.scheme
            raise SourceRedirected(self.source, str(here.origin()), shown[:200])
        return there

    async def _read_body(self, response: aiohttp.ClientResponse) -> bytes | None:
        """The whole body, or None when it exceeds the size limit."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self._max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)


def _unreachable(exc: aiohttp.ClientConnectorError) -> str | None:
    """Why the host cannot be reached at all, or None when retrying may help."""
    error = exc.os_error
    # aiohttp's resolver raises the DNS error; a literal address that cannot be
    # resolved fails later, inside the connection attempt, as a bare gaierror.
    if isinstance(exc, aiohttp.ClientConnectorDNSError) or isinstance(error, socket.gaierror):
        return f"its name does not resolve ({error.strerror or error})"
    return _UNREACHABLE.get(error.errno or 0)


def _describe(exc: aiohttp.ClientError) -> str:
    """One short line for a client error, without aiohttp's multi-line reprs."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect to {exc.host}:{exc.port} ({exc.os_error.strerror or exc})"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server closed the connection"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


__all__ = [
    "DEFAULT_USER_AGENT",
    "BadBody",
    "HttpFetcher",
    "RetryPolicy",
    "endpoint",
    "parse_retry_after",
]


class SourceClient:
    """The session lifecycle shared by the source clients: `async with client`, or
    `start()` then `aclose()`. Subclasses set `self._http` in `__init__` (no I/O there)."""

    _http: HttpFetcher

    async def start(self) -> None:
        await self._http.start()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
