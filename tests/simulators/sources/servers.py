"""A loopback fake of both paper sources: Hugging Face daily papers and arXiv's query API.

    async with PaperSourceSimulator() as src:
        src.huggingface.set_day(day, sample_day(day))
        src.arxiv.add(ArxivRecord("2403.12345", title=..., summary=...))
        client = HuggingFaceClient(src.huggingface_url)
        ...
        src.huggingface.fail_next(status(503, retry_after="1"), times=2)
        [r.query for r in src.requests_to("huggingface")]

Each source listens on its own 127.0.0.1 port and answers in the real
response shape (see `fixtures`). Faults are queued per source and
consumed one per request, in order; `fail_always` applies until `clear_faults`.
Every request is recorded (source, path, query, monotonic arrival time)
before any fault applies.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from tests.simulators.sources.fixtures import ArxivRecord, atom_entry, atom_error_entry, atom_feed

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from types import TracebackType

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
)


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request instead of (or on top of) answering it normally."""

    delay: float = 0.0  # seconds to wait before answering
    hold: asyncio.Event | None = None  # wait until the test sets it before answering
    status: int | None = None  # answer with this status and `body` instead
    body: bytes = b""
    content_type: str = "text/plain"
    headers: Mapping[str, str] = field(default_factory=dict)
    truncate: bool = False  # answer normally, but with only the first half of the body
    disconnect: bool = False  # close the connection without answering


def slow(seconds: float) -> Fault:
    """Answer normally, but only after `seconds` (past a client's timeout, say)."""
    return Fault(delay=seconds)


def status(code: int, *, retry_after: str | None = None, body: bytes = b"") -> Fault:
    """Answer with HTTP `code` (and a Retry-After header when given)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Fault(status=code, headers=headers, body=body or f"error {code}".encode())


def truncated() -> Fault:
    """A 200 whose body stops half-way (consistent Content-Length, broken document)."""
    return Fault(truncate=True)


def html_page() -> Fault:
    """A 200 carrying a proxy's HTML error page instead of the API's answer."""
    return Fault(status=200, body=HTML_ERROR_PAGE, content_type="text/html")


def body(content: bytes, content_type: str = "application/json") -> Fault:
    """A 200 with exactly `content` (JSON of the wrong shape, say)."""
    return Fault(status=200, body=content, content_type=content_type)


def redirect(location: str, code: int = 302) -> Fault:
    """A redirect to `location` (absolute, or relative to the request)."""
    return Fault(status=code, headers={"Location": location}, body=b"moved")


def ok() -> Fault:
    """Answer normally; queue it first to let the faults after it hit later requests."""
    return Fault()


def disconnect() -> Fault:
    """Drop the connection without a response."""
    return Fault(disconnect=True)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    source: str  # "huggingface" or "arxiv"
    path: str
    query: dict[str, str]
    at: float  # time.monotonic() on arrival


class _FaultQueue:
    def __init__(self) -> None:
        self._next: deque[Fault] = deque()
        self._always: Fault | None = None

    def fail_next(self, fault: Fault, times: int = 1) -> None:
        """Apply `fault` to the next `times` requests (after faults queued earlier)."""
        self._next.extend([fault] * times)

    def fail_always(self, fault: Fault) -> None:
        self._always = fault

    def clear_faults(self) -> None:
        self._next.clear()
        self._always = None

    def next_fault(self) -> Fault | None:
        """The fault for the request now arriving (consumed), or None to answer normally."""
        return self._next.popleft() if self._next else self._always


class FakeHuggingFace(_FaultQueue):
    """`GET /api/daily_papers?date=&p=&limit=&sort=` over the days it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.days: dict[date, list[dict[str, Any]]] = {}

    def set_day(self, day: date, items: list[dict[str, Any]]) -> None:
        """Serve `items` (in this order) for `day`; a day never set is an empty list."""
        self.days[day] = list(items)

    def answer(self, query: Mapping[str, str]) -> web.Response:
        try:
            day = date.fromisoformat(query.get("date", ""))
            page = int(query.get("p", "0"))
            limit = int(query.get("limit", "50"))
        except ValueError:
            return web.json_response({"error": "Invalid query parameters"}, status=400)
        if page < 0 or not 1 <= limit <= 100:
            return web.json_response({"error": "Invalid paging parameters"}, status=400)
        items = self.days.get(day, [])
        if query.get("sort") == "trending":
            items = sorted(items, key=lambda item: -int(item["paper"].get("upvotes", 0)))
        return web.json_response(items[page * limit : (page + 1) * limit])


_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Za-z-]+)?/\d{7})(v\d+)?")


class FakeArxiv(_FaultQueue):
    """`GET /api/query?id_list=a,b&max_results=N` over the records it was given.

    Like arXiv: a malformed id fails the whole request with one error entry;
    `max_results` defaults to 10; entries come in publication order, not the
    order asked for; an unknown well-formed id is simply absent unless
    `error_for` registered an error entry for it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, ArxivRecord] = {}
        self.errors: dict[str, str] = {}

    def add(self, *records: ArxivRecord) -> None:
        for record in records:
            self.records[record.paper_id] = record

    def error_for(self, paper_id: str, message: str) -> None:
        """Answer a request naming `paper_id` with only an error entry carrying `message`."""
        self.errors[paper_id] = message

    def answer(self, query: Mapping[str, str]) -> web.Response:
        ids = [i.strip() for i in query.get("id_list", "").split(",") if i.strip()]
        echo = urlencode(
            {
                "search_query": "",
                "id_list": ",".join(ids),
                "start": 0,
                "max_results": query.get("max_results", "10"),
            }
        )
        for paper_id in ids:
            if not _ARXIV_ID.fullmatch(paper_id):
                return _atom([atom_error_entry(f"incorrect id format for {paper_id}")], echo, 1)
            if re.sub(r"v\d+$", "", paper_id) in self.errors:
                message = self.errors[re.sub(r"v\d+$", "", paper_id)]
                return _atom([atom_error_entry(message)], echo, 1)
        found = [
            self.records[p] for p in (re.sub(r"v\d+$", "", i) for i in ids) if p in self.records
        ]
        found.sort(key=lambda record: record.published)  # arXiv ignores the order asked for
        max_results = query.get("max_results", "10")
        if not max_results.isdigit():
            return _atom([atom_error_entry("max_results must be an integer")], echo, 1)
        limit = int(max_results)
        return _atom([atom_entry(r) for r in found[:limit]], echo, len(found), per_page=limit)


def _atom(entries: list[str], query: str, total: int, per_page: int = 10) -> web.Response:
    text = atom_feed(entries, query=query, total=total, per_page=per_page)
    return web.Response(text=text, content_type="application/atom+xml")


class PaperSourceSimulator:
    """Both fakes, each on its own loopback port. `start()`/`aclose()` or `async with`."""

    def __init__(self) -> None:
        self.huggingface = FakeHuggingFace()
        self.arxiv = FakeArxiv()
        self.requests: list[RecordedRequest] = []
        self._runners: dict[str, web.AppRunner] = {}
        self._urls: dict[str, str] = {}

    @property
    def huggingface_url(self) -> str:
        """Site root to give `HuggingFaceClient` (it appends /api/daily_papers)."""
        return self._urls["huggingface"]

    @property
    def arxiv_url(self) -> str:
        """Site root to give `ArxivClient` (it appends /api/query)."""
        return self._urls["arxiv"]

    def requests_to(self, source: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.source == source]

    async def start(self) -> None:
        routes: dict[str, tuple[str, FakeHuggingFace | FakeArxiv]] = {
            "huggingface": ("/api/daily_papers", self.huggingface),
            "arxiv": ("/api/query", self.arxiv),
        }
        for source, (path, fake) in routes.items():
            app = web.Application()
            app.router.add_get(path, self._handler(source, fake))
            runner = web.AppRunner(
                app, handle_signals=False, shutdown_timeout=0.2, handler_cancellation=True
            )
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            host, port = runner.addresses[0][:2]
            self._runners[source] = runner
            self._urls[source] = f"http://{host}:{port}"

    async def aclose(self) -> None:
        runners, self._runners = self._runners, {}
        for runner in runners.values():
            await runner.cleanup()

    async def __aenter__(self) -> PaperSourceSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _handler(
        self, source: str, fake: FakeHuggingFace | FakeArxiv
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            query = dict(request.query)
            self.requests.append(RecordedRequest(source, request.path, query, time.monotonic()))
            fault = fake.next_fault()
            if fault is None:
                return fake.answer(query)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.hold is not None:
                await fault.hold.wait()
            if fault.disconnect:
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            if fault.status is not None:
                return web.Response(
                    status=fault.status,
                    body=fault.body,
                    content_type=fault.content_type,
                    headers=fault.headers,
                )
            response = fake.answer(query)
            if fault.truncate:
                assert response.body is not None
                assert isinstance(response.body, bytes)
                cut = response.body[: len(response.body) // 2]
                return web.Response(
                    status=response.status, body=cut, content_type=response.content_type
                )
            return response

        return handle


def closed_port_url() -> str:
    """A loopback URL where nothing listens, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
