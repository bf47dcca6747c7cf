"""The bot posts in a Discord channel for a member only where the member may post:
`digest`, `show` and a digest's confirmation, on the real discord.py client against the
loopback simulator, whose interactions carry the member's permissions in the channel."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import discord
import pytest

from paperboy.app import App, open_library
from tests.adapters.discord.conftest import World, featured_papers, open_world, settings_for
from tests.conftest import NOW
from tests.simulators.discord.client import discord_urls
from tests.simulators.discord.simulator import DiscordSimulator, SentMessage
from tests.simulators.discord.world import (
    EVERYONE_PERMISSIONS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    SimChannel,
    SimGuild,
    default_guild,
)

MANAGE_CHANNELS = discord.Permissions(manage_channels=True).value
NO_SEND = "You may not post messages in this channel, so I will not post a digest here for you."


class Clock:
    """The bot's wall clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def moderated_guild() -> SimGuild:
    """Every member manages channels. In #announcements only the bot may post (an
    @everyone deny of Send Messages, and an allow for the bot), but anyone may talk in
    its thread; in #lounge anyone may post, but not in its thread."""
    guild = default_guild()
    announcements = SimChannel(
        id=1_100_000_000_000_000_105,
        name="announcements",
        everyone_denied=SEND_MESSAGES,
        bot_allowed=SEND_MESSAGES,
    )
    lounge = SimChannel(
        id=1_100_000_000_000_000_106, name="lounge", everyone_denied=SEND_MESSAGES_IN_THREADS
    )
    threads = (
        SimChannel(id=1_100_000_000_000_000_107, name="release-chat", parent=announcements.id),
        SimChannel(id=1_100_000_000_000_000_108, name="lounge-thread", parent=lounge.id),
    )
    return dataclasses.replace(
        guild,
        channels=(*guild.channels, announcements, lounge, *threads),
        everyone_permissions=EVERYONE_PERMISSIONS | MANAGE_CHANNELS | SEND_MESSAGES_IN_THREADS,
    )


@pytest.fixture
async def moderated(tmp_path: Path, clock: Clock) -> AsyncIterator[World]:
    async with DiscordSimulator(timeout=5.0, guilds=(moderated_guild(),)) as sim:
        with discord_urls(sim):
            opened, stack = await open_world(sim, tmp_path, clock)
            async with stack:
                yield opened


def channel_posts(world: World, channel: str) -> list[SentMessage]:
    """Everything the bot put in the channel for everyone to see."""
    return world.sim.messages(world.channel_id(channel), ephemeral=False)


async def test_a_member_who_may_not_send_messages_here_gets_a_refusal_and_nothing_is_posted(
    moderated: World,
) -> None:
    refused = await moderated.answer(
        await moderated.command("digest", user="bob", channel="announcements")
    )

    assert refused.ephemeral
    assert refused.content == NO_SEND
    assert channel_posts(moderated, "announcements") == []
    # The bot itself may post there: the owner (who may send) gets the preview.
    posted = await moderated.answer(
        await moderated.command("digest", user="alice", channel="announcements")
    )
    assert posted.content == "Posted a preview digest of 3 papers."
    assert len(channel_posts(moderated, "announcements")) == 4


async def test_show_where_the_member_may_not_send_messages_is_shown_only_to_them(
    moderated: World,
) -> None:
    private = await moderated.answer(
        await moderated.command("show", paper="2503.01001", user="bob", channel="announcements")
    )
    public = await moderated.answer(
        await moderated.command("show", paper="2503.01001", user="bob", channel="papers")
    )

    assert private.ephemeral
    assert private.embeds[0]["url"] == "https://huggingface.co/papers/2503.01001"
    assert channel_posts(moderated, "announcements") == []
    assert not public.ephemeral  # where bob may post, everyone sees it
    assert [m.embeds[0]["url"] for m in channel_posts(moderated, "papers")] == [
        "https://huggingface.co/papers/2503.01001"
    ]


async def test_in_a_thread_it_is_send_messages_in_threads_that_counts(moderated: World) -> None:
    async def show(channel: str) -> bool:
        interaction = await moderated.command(
            "show", paper="2503.01001", user="bob", channel=channel
        )
        return (await moderated.answer(interaction)).ephemeral

    assert not await show("release-chat")  # a thread of #announcements, open to all
    assert await show("lounge-thread")  # #lounge is open, its threads are not
    assert len(channel_posts(moderated, "release-chat")) == 1
    assert channel_posts(moderated, "lounge-thread") == []


async def test_a_manager_who_may_not_send_messages_here_is_told_of_a_digest_privately(
    moderated: World,
) -> None:
    subscribed = await moderated.answer(
        await moderated.command("subscribe", time="08:00", user="bob", channel="announcements")
    )
    unsubscribed = await moderated.answer(
        await moderated.command("unsubscribe", user="bob", channel="announcements")
    )

    assert subscribed.ephemeral
    assert subscribed.content is not None
    assert subscribed.content.startswith("This channel gets a daily digest every day at 08:00")
    assert unsubscribed.ephemeral
    assert unsubscribed.content == "This channel will no longer get a daily digest."
    assert channel_posts(moderated, "announcements") == []


async def test_a_member_without_manage_channels_cannot_post_a_preview(world: World) -> None:
    refused = await world.answer(await world.command("digest", user="bob"))

    assert refused.ephemeral
    assert refused.content == "Only people who can manage this channel can post its digest."
    assert channel_posts(world, "papers") == []


async def test_a_second_preview_is_refused_until_the_cooldown_has_passed(
    world: World, clock: Clock
) -> None:
    first = await world.answer(await world.command("digest"))
    clock.now += timedelta(seconds=30)
    second = await world.answer(await world.command("digest"))
    after_second = len(channel_posts(world, "papers"))
    clock.now += timedelta(minutes=4, seconds=30)
    third = await world.answer(await world.command("digest"))

    assert first.content == "Posted a preview digest of 3 papers."
    assert second.ephemeral
    assert second.content == "A preview was posted here 30 s ago; try again in 4 min 30 s."
    assert after_second == 4  # the first preview's header and three papers, nothing more
    assert third.content == "Posted a preview digest of 3 papers."
    assert len(channel_posts(world, "papers")) == 8


async def test_paperboy_run_takes_the_preview_cooldown_from_its_settings(
    sim: DiscordSimulator, tmp_path: Path, clock: Clock
) -> None:
    settings = settings_for(
        sim,
        tmp_path / "paperboy.sqlite3",
        PAPERBOY_DIGEST_PREVIEW_COOLDOWN_SECONDS="90",
        PAPERBOY_CHAT_CHANNEL_PACE_SECONDS="0",
        PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        PAPERBOY_SOURCES_RETRIES="0",
    )
    async with open_library(settings, clock=clock) as core:
        await core.library.add_papers(featured_papers(clock()), at=clock())
    app = App(settings, clock=clock)
    running = asyncio.create_task(app.run())
    try:
        await sim.wait_ready(timeout=10)
        await sim.wait_for_command_sync()
        papers = sim.guild.channel("papers").id
        answers = []
        for _ in range(2):
            asked = await sim.send_slash_command("papers", "digest", channel_id=papers)
            answers.append((await sim.interaction_replies(asked, 2, timeout=10))[1].content)
    finally:
        app.stop()
        await asyncio.wait_for(running, timeout=10)

    assert answers == [
        "Posted a preview digest of 3 papers.",
        "A preview was posted here 0 s ago; try again in 1 min 30 s.",
    ]


async def test_a_trend_chart_where_the_member_may_not_send_messages_is_shown_only_to_them(
    moderated: World,
) -> None:
    interaction = await moderated.command(
        "trend", topics="fine-tuning", weeks=52, user="bob", channel="announcements"
    )
    deferred = await moderated.sim.interaction_response(interaction)
    private = await moderated.answer(interaction)

    assert deferred.ephemeral
    assert private.ephemeral
    (attachment,) = private.attachments
    assert attachment.filename == "trend-fine-tuning.png"
    assert channel_posts(moderated, "announcements") == []
