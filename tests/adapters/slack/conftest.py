"""A Slack workspace (the simulator) with paperboy in it, built exactly as `paperboy run`
builds it (`paperboy.app.slack_adapter`), on a real store seeded with the sample papers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from paperboy.adapters.slack import SlackAdapter
from paperboy.adapters.slack.poster import SlackPoster
from paperboy.app import (
    Services,
    build_bot,
    build_digests,
    build_publisher,
    follow_alerts,
    following_the_store,
    open_library,
    slack_adapter,
    slack_poster,
)
from paperboy.config import (
    ChatSettings,
    OpsSettings,
    Secrets,
    Settings,
    SlackSettings,
    StoreSettings,
)
from paperboy.core.models import ChannelRef, Paper, UserRef
from paperboy.core.ports import PaperFetcher
from paperboy.core.publishing import Publisher
from paperboy.digest.service import DigestService
from paperboy.scheduler import DigestJobs, Scheduler, WeeklyForYouJobs, WeeklyTopJobs
from tests.conftest import NOW
from tests.simulators.slack import Ack, Message, ResponsePost, SlackSimulator

TEAM = "T0SIM"
CHANNEL = "C0GENERAL"
HUMAN = "U0HUMAN"
PACE = 0.05  # seconds between two messages into one channel, kept small for speed

FEATURED = (
    Paper(
        "2503.00001",
        "Sparse Token Routing for Retrieval",
        "We route tokens to retrieval modules.",
        ("Ada Lovelace",),
        published=date(2025, 3, 12),
        featured=NOW.date(),
        upvotes=40,
    ),
    Paper(
        "2503.00002",
        "<!channel> Attention & <https://evil.example|click here>",
        "An abstract with <b>markup</b> & an ampersand.",
        ("Mallory <m@evil.example>",),
        published=date(2025, 3, 12),
        featured=NOW.date(),
        upvotes=30,
    ),
    Paper(
        "2503.00003",
        "Diffusion Models Without Tears",
        "Denoising diffusion, explained.",
        ("Grace Hopper",),
        published=date(2025, 3, 11),
        featured=NOW.date(),
        upvotes=20,
    ),
)


def slack_settings(
    slack: SlackSimulator,
    tmp_path: Path,
    *,
    channel_pace_seconds: float = PACE,
    **slack_overrides: Any,
) -> Settings:
    values: dict[str, Any] = {
        "api_url": slack.api_url,
        "http_host": "127.0.0.1",
        "http_port": 0,
        **slack_overrides,
    }
    return Settings(
        store=StoreSettings(path=tmp_path / "paperboy.sqlite3"),
        slack=SlackSettings(**values),
        chat=ChatSettings(channel_pace_seconds=channel_pace_seconds, posts_per_second=0.0),
        ops=OpsSettings(port=0),  # any free port: tests run side by side
        secrets=Secrets(
            slack_bot_token=slack.bot_token,
            slack_app_token=slack.app_token,
            slack_signing_secret=slack.signing_secret,
        ),
    )


@dataclass
class Workspace:
    """The simulated Slack plus the running bot, with shortcuts for what tests do."""

    slack: SlackSimulator
    adapter: SlackAdapter
    core: Services
    digests: DigestService
    publisher: Publisher
    poster: SlackPoster

    async def command(self, text: str, **kwargs: Any) -> tuple[Ack, ResponsePost]:
        """Type `/papers text`; the ack and the first answer at the response URL."""
        ack = await self.slack.send_command(text, **kwargs)
        return ack, await self.slack.next_response(ack)

    async def answer(self, text: str, **kwargs: Any) -> Message:
        """The message the bot answered `/papers text` with."""
        _, response = await self.command(text, **kwargs)
        assert response.status == 200, response
        assert response.message is not None
        return response.message

    async def saved_ids(self, user: str = HUMAN, team: str = TEAM) -> list[str]:
        lists = self.core.store.reading_lists
        return [s.paper.id for s in await lists.list(UserRef("slack", team, user), limit=100)]

    def channel(self, channel: str = CHANNEL, team: str = TEAM) -> ChannelRef:
        return ChannelRef("slack", team, channel)

    async def follows_sent(self) -> None:
        """Once the papers new to the index so far have gone to the follows they match."""
        await self.core.library.arrivals.settled()


def build_slack(
    core: Services,
    poster: SlackPoster | None = None,
    publisher: Publisher | None = None,
    digests: DigestService | None = None,
    fetcher: PaperFetcher | None = None,
) -> SlackAdapter:
    """The bot and its Slack adapter, built as `App` builds them: on `poster` (a new
    one unless given), posting through `publisher` (a new one on that poster unless given)."""
    poster = poster or slack_poster(core.settings)
    publisher = publisher or build_publisher(core, [poster])
    bot = build_bot(core, digests=digests, fetcher=fetcher, command_prefix="/papers ")
    return slack_adapter(core, bot, publisher, poster)


def fixed_clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture
async def slack() -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator() as simulator:
        yield simulator


@pytest.fixture
def settings(slack: SlackSimulator, tmp_path: Path) -> Settings:
    return slack_settings(slack, tmp_path)


@asynccontextmanager
async def running_workspace(
    slack: SlackSimulator,
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    fetcher: PaperFetcher | None = None,
) -> AsyncIterator[Workspace]:
    async with open_library(settings, clock=clock or fixed_clock()) as core:
        await core.library.add_papers(list(FEATURED), at=NOW - timedelta(hours=1))
        poster = slack_poster(settings)
        publisher = build_publisher(core, [poster])
        digests = build_digests(
            core,
            publisher,
            DigestJobs(Scheduler(), grace=timedelta(hours=3)),
            weekly_jobs=WeeklyTopJobs(Scheduler(), grace=timedelta(hours=3)),
            foryou_jobs=WeeklyForYouJobs(Scheduler(), grace=timedelta(hours=3)),
        )
        adapter = build_slack(core, poster, publisher, digests, fetcher)
        # As `paperboy run`: the papers new to the index go to the follows they match.
        async with following_the_store(core, follows=follow_alerts(core, publisher)):
            await adapter.start()
            try:
                yield Workspace(slack, adapter, core, digests, publisher, poster)
            finally:
                await adapter.aclose()


@pytest.fixture
async def workspace(slack: SlackSimulator, settings: Settings) -> AsyncIterator[Workspace]:
    async with running_workspace(slack, settings) as running:
        yield running


def section_texts(message: Message) -> str:
    """Every mrkdwn text in the message's blocks, one per line."""
    texts: list[str] = []
    for block in message.blocks:
        if isinstance(block.get("text"), dict):
            texts.append(block["text"]["text"])
        for element in block.get("elements") or []:
            if element.get("type") == "mrkdwn":
                texts.append(element["text"])
    return "\n".join(texts)


def paper_ids(message: Message, action_id: str = "paperboy_save") -> list[str]:
    """The paper ids on the message's buttons of one kind, in order."""
    return [
        element["value"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    ]


@asynccontextmanager
async def slack_down() -> AsyncIterator[str]:
    """A Slack Web API that answers every method 503 (an outage); its base URL."""

    async def unavailable(request: web.Request) -> web.Response:
        return web.Response(status=503, text="upstream connect error")

    app = web.Application()
    app.router.add_route("*", "/{method:.*}", unavailable)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/"
    finally:
        await runner.cleanup()
