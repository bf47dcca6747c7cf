"""The Discord adapter as `paperboy run` builds it, on the real discord.py client, against
the loopback Discord simulator, over a real store seeded with the sample papers.

`world` starts everything: settings from the environment (token and URLs pointing at
the simulator), `open_library`, the real DigestService with the adapter as its poster,
`build_bot` and `discord_adapter` exactly as app.py wires them. Waits are short and the
simulator watches the client task, so a dead client fails a test at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from paperboy.adapters.discord import DiscordAdapter, DiscordOptions
from paperboy.adapters.discord.poster import DiscordPoster
from paperboy.app import (
    Services,
    build_bot,
    build_digests,
    build_publisher,
    digest_options,
    discord_adapter,
    discord_poster,
    open_library,
)
from paperboy.config import Settings, load_settings
from paperboy.core.bot import Bot
from paperboy.core.models import ChannelRef, Paper, Subscription, UserRef
from paperboy.core.ports import PaperFetcher
from paperboy.core.publishing import Publisher
from paperboy.digest.service import DigestService, RunDigest
from paperboy.scheduler import Scheduler, WeeklyForYouJobs, WeeklyTopJobs
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.records import InteractionReply
from tests.simulators.discord.simulator import DiscordSimulator, SimInteraction

FAST = DiscordOptions(guild_ready_timeout=0.05, identify_wait=0.0, ready_timeout=5.0)


class RecordingJobs:
    """DigestJobs that only remember what is scheduled (no timers in these tests)."""

    def __init__(self) -> None:
        self.scheduled: dict[ChannelRef, Subscription] = {}

    def schedule(self, subscription: Subscription, run: RunDigest) -> None:
        self.scheduled[subscription.channel] = subscription

    def unschedule(self, channel: ChannelRef) -> None:
        self.scheduled.pop(channel, None)


@dataclass
class World:
    """Everything one test drives and inspects."""

    sim: DiscordSimulator
    settings: Settings
    core: Services
    bot: Bot
    digests: DigestService
    jobs: RecordingJobs
    adapter: DiscordAdapter
    stack: AsyncExitStack
    publisher: Publisher
    poster: DiscordPoster

    def channel_id(self, name: str) -> int:
        return self.sim.guild.channel(name).id

    def member_id(self, name: str) -> int:
        return self.sim.guild.member(name).id

    def channel_ref(self, name: str, *, guild_id: int | None = None) -> ChannelRef:
        guild = guild_id or self.sim.guild.id
        return ChannelRef("discord", str(guild), str(self.channel_id(name)))

    def user_ref(self, name: str, *, guild_id: int | None = None) -> UserRef:
        guild = guild_id or self.sim.guild.id
        return UserRef("discord", str(guild), str(self.member_id(name)))

    async def command(self, subcommand: str, **options: Any) -> SimInteraction:
        """Send `/papers <subcommand>`; `user`/`channel` name who and where (alice, papers)."""
        user = options.pop("user", "alice")
        channel = options.pop("channel", "papers")
        return await self.sim.send_slash_command(
            "papers",
            subcommand,
            options=options,
            user_id=self.member_id(user),
            channel_id=self.channel_id(channel),
        )

    async def answer(self, interaction: SimInteraction) -> InteractionReply:
        """The reply the user sees: the followup of a deferred answer, else the answer."""
        first = await self.sim.interaction_response(interaction)
        if first.callback_type == 5:
            return (await self.sim.interaction_replies(interaction, 2))[1]
        return first

    async def restart_adapter(self, *, options: DiscordOptions = FAST) -> DiscordAdapter:
        """Stop the adapter and start a new one (a new client, so a new poster and
        publisher, as a new process would have) on the same store."""
        await self.adapter.aclose()
        self.sim.unwatch_client(_task(self.adapter))
        self.poster = discord_poster(self.core, options=options)
        self.publisher = build_publisher(self.core, [self.poster])
        self.adapter = await start_adapter(
            self.sim, self.core, self.bot, self.publisher, self.poster, options=options
        )
        self.stack.push_async_callback(self.adapter.aclose)
        return self.adapter


def _task(adapter: DiscordAdapter) -> Any:
    assert adapter.task is not None
    return adapter.task


def settings_for(sim: DiscordSimulator, store_path: Path, **env: str) -> Settings:
    return load_settings(
        env={
            "DISCORD_TOKEN": sim.token,
            "PAPERBOY_STORE_PATH": str(store_path),
            "PAPERBOY_DISCORD_API_URL": sim.api_url,
            "PAPERBOY_DISCORD_GATEWAY_URL": sim.gateway_url,
            "PAPERBOY_CHAT_CHANNEL_PACE_SECONDS": "0",  # fast tests; pacing has its own
            "PAPERBOY_OPS_PORT": "0",  # any free port: tests run side by side
            **env,
        }
    )


async def start_adapter(
    sim: DiscordSimulator,
    core: Services,
    bot: Bot,
    publisher: Publisher,
    poster: DiscordPoster,
    *,
    options: DiscordOptions = FAST,
) -> DiscordAdapter:
    adapter = discord_adapter(core, bot, publisher, poster, options=options)
    await adapter.start()
    sim.watch_client(_task(adapter))
    return adapter


def featured_papers(day: datetime) -> list[Paper]:
    """Three papers featured on the Daily Papers page that day (the sample has none)."""
    return [
        Paper(
            id=f"2503.0{n}001",
            title=title,
            abstract=f"We study {topic}. Our method improves {topic} on every benchmark.",
            authors=("Ada Lovelace", "Alan Turing"),
            published=day.date() - timedelta(days=1),
            featured=day.date(),
            upvotes=upvotes,
            thumbnail_url=f"https://cdn.example.org/thumbs/2503.0{n}001.png",
        )
        for n, (title, topic, upvotes) in enumerate(
            [
                ("Sparse Mixtures for Retrieval Agents", "retrieval agents", 42),
                ("Diffusion Policies at Scale", "diffusion policies", 30),
                ("Tiny Tokenizers", "tokenizers", 12),
            ],
            start=1,
        )
    ]


async def open_world(
    sim: DiscordSimulator,
    tmp_path: Path,
    clock: Callable[[], datetime],
    *,
    options: DiscordOptions = FAST,
    fetcher: PaperFetcher | None = None,
    **env: str,
) -> tuple[World, AsyncExitStack]:
    stack = AsyncExitStack()
    try:
        return await _fill_world(
            stack, sim, tmp_path, clock, options=options, fetcher=fetcher, **env
        )
    except BaseException:
        await stack.aclose()
        raise


async def _fill_world(
    stack: AsyncExitStack,
    sim: DiscordSimulator,
    tmp_path: Path,
    clock: Callable[[], datetime],
    *,
    options: DiscordOptions,
    fetcher: PaperFetcher | None,
    **env: str,
) -> tuple[World, AsyncExitStack]:
    settings = settings_for(sim, tmp_path / "paperboy.sqlite3", **env)
    core = await stack.enter_async_context(open_library(settings, clock=clock))
    await core.library.add_papers(featured_papers(clock()), at=clock())
    jobs = RecordingJobs()
    poster = discord_poster(core, options=options)
    publisher = build_publisher(core, [poster])
    digests = build_digests(
        core,
        publisher,
        jobs,
        options=replace(digest_options(settings), retry_seconds=0.0),
        weekly_jobs=WeeklyTopJobs(Scheduler(), grace=timedelta(hours=3)),
        foryou_jobs=WeeklyForYouJobs(Scheduler(), grace=timedelta(hours=3)),
    )
    bot = build_bot(core, fetcher=fetcher, digests=digests, command_prefix="/papers ")
    adapter = await start_adapter(sim, core, bot, publisher, poster, options=options)
    stack.push_async_callback(adapter.aclose)
    world = World(sim, settings, core, bot, digests, jobs, adapter, stack, publisher, poster)
    return world, stack


@pytest.fixture
async def sim() -> AsyncIterator[DiscordSimulator]:
    async with DiscordSimulator(timeout=5.0) as simulator:
        with discord_urls(simulator):
            yield simulator


@pytest.fixture
async def world(
    sim: DiscordSimulator, tmp_path: Path, clock: Callable[[], datetime]
) -> AsyncIterator[World]:
    opened, stack = await open_world(sim, tmp_path, clock)
    async with stack:
        yield opened
