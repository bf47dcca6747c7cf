"""The load workload through the Discord simulator (gateway + REST, the real discord.py).

One guild: 50 people (the first owns it, so may subscribe channels), a channel for each
person and the digest channels. A search is timed from the INTERACTION_CREATE dispatch
to the interaction's first answer (Discord allows 3 s; a search defers) and to the
followup with the results; a press the same way; a reaction from the 🔖 to the DM that
confirms it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.simulators.discord.simulator import (
    DiscordSimulator,
    SentMessage,
    SimChannel,
    SimGuild,
    SimInteraction,
    SimUser,
)

from bench.load_workload import ACK_LIMIT, REACTION_PAUSE, Outcome

ANSWER_TIMEOUT = 60.0
GUILD = 1_300_000_000_000_000_001
_FAILED = ("Something went wrong", "unavailable right now")
ACTIONS = {"save": "save", "similar": "similar", "more": "more", "page": "more"}


def load_guild(*, users: int, digest_channels: int) -> SimGuild:
    people = tuple(SimUser(id=GUILD + 1000 + n, username=f"user{n}") for n in range(users))
    channels = tuple(
        [SimChannel(id=GUILD + 10_000 + n, name=f"load-{n}") for n in range(users)]
        + [SimChannel(id=GUILD + 20_000 + n, name=f"digest-{n}") for n in range(digest_channels)]
    )
    return SimGuild(
        id=GUILD,
        name="Load Lab",
        channels=channels,
        members=people,
        owner_id=people[0].id,
        bot_role_id=GUILD + 1,
    )


def user_id(n: int) -> int:
    return GUILD + 1000 + n


def user_channel(n: int) -> int:
    return GUILD + 10_000 + n


def digest_channel(n: int) -> int:
    return GUILD + 20_000 + n


def buttons(message: SentMessage | None) -> dict[str, list[str]]:
    """action -> custom ids of its buttons on the message, in order ("pb:save:<id>" ...)."""
    found: dict[str, list[str]] = {}
    for custom_id in message.custom_ids() if message is not None else []:
        _, action, _ = custom_id.split(":", 2)
        if action in ACTIONS:
            found.setdefault(ACTIONS[action], []).append(custom_id)
    return found


def text_of(message: SentMessage | None, body: dict[str, Any] | None = None) -> str:
    if message is not None:
        body = {"content": message.content, "embeds": message.embeds}
    body = body or {}
    parts = [str(body.get("content") or "")]
    for embed in body.get("embeds") or []:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
    return "\n".join(parts)


class DiscordDriver:
    platform = "discord"

    def __init__(self, sim: DiscordSimulator) -> None:
        self.sim = sim

    @staticmethod
    def simulator(*, users: int, digest_channels: int) -> DiscordSimulator:
        guild = load_guild(users=users, digest_channels=digest_channels)
        return DiscordSimulator(guilds=[guild], timeout=ANSWER_TIMEOUT, heartbeat_interval=5.0)

    def env(self) -> dict[str, str]:
        return {
            "DISCORD_TOKEN": self.sim.token,
            "PAPERBOY_DISCORD_API_URL": self.sim.api_url,
            "PAPERBOY_DISCORD_GATEWAY_URL": self.sim.gateway_url,
            "PAPERBOY_DISCORD_SYNC_GUILDS": str(GUILD),
        }

    async def wait_ready(self, *, seconds: float) -> None:
        await self.sim.wait_ready(timeout=seconds)
        await self.sim.wait_for_command_sync(guild_id=GUILD, timeout=seconds)

    async def _answered(self, kind: str, started: float, interaction: SimInteraction) -> Outcome:
        try:
            first = await self.sim.interaction_response(interaction, timeout=ANSWER_TIMEOUT)
        except AssertionError:
            return Outcome(kind, None, None, note=f"interaction {interaction.id} never answered")
        acked = time.perf_counter() - started
        if acked > ACK_LIMIT:
            acked_within: float | None = None
        else:
            acked_within = acked
        reply = first
        if first.callback_type == 5:
            try:
                reply = (
                    await self.sim.interaction_replies(interaction, 2, timeout=ANSWER_TIMEOUT)
                )[1]
            except AssertionError:
                note = f"interaction {interaction.id} deferred, never followed up: {self._why()}"
                return Outcome(kind, acked_within, None, note=note)
        answered = time.perf_counter() - started
        text = text_of(reply.message, reply.body)
        failed = any(f in text for f in _FAILED)
        return Outcome(kind, acked_within, answered, failed, reply.message, buttons(reply.message))

    def _why(self) -> str:
        """The simulator's latest refusals (late answers, limits), for a lost answer."""
        return "; ".join(f"{v.code} {v.message}" for v in self.sim.violations[-3:]) or "-"

    async def search(self, user: int, text: str) -> Outcome:
        started = time.perf_counter()
        interaction = await self.sim.send_slash_command(
            "papers",
            "search",
            options={"query": text},
            user_id=user_id(user),
            channel_id=user_channel(user),
        )
        return await self._answered("search", started, interaction)

    async def press(self, user: int, answer: Outcome, action: str, value: str) -> Outcome:
        message: SentMessage = answer.handle
        started = time.perf_counter()
        interaction = await self.sim.click_button(message.id, value, user_id=user_id(user))
        return await self._answered("button", started, interaction)

    async def show_and_react(self, user: int, paper_id: str) -> Outcome:
        """`show` posts the paper in the channel; the person reacts 🔖 and waits for the
        DM that confirms the save (timed from the reaction)."""
        paper = paper_id.rsplit(":", 1)[-1]
        shown = await self.sim.send_slash_command(
            "papers",
            "show",
            options={"paper": paper},
            user_id=user_id(user),
            channel_id=user_channel(user),
        )
        try:
            reply = await self.sim.interaction_response(shown, timeout=ANSWER_TIMEOUT)
        except AssertionError:
            return Outcome("reaction", None, None, needs_ack=False, note="`show` never answered")
        if reply.message is None:
            return Outcome("reaction", None, None, needs_ack=False, note="`show` posted nothing")
        await asyncio.sleep(REACTION_PAUSE)
        before = len(self.sim.dm_messages(user_id(user)))
        started = time.perf_counter()
        await self.sim.add_reaction(
            user_channel(user), reply.message.id, "🔖", user_id=user_id(user)
        )
        try:
            note = await self.sim.wait_for(
                lambda: (self.sim.dm_messages(user_id(user))[before:] or [None])[0],
                what="a DM confirming the save",
                timeout=ANSWER_TIMEOUT,
            )
        except AssertionError:
            note = f"no DM after the reaction on message {reply.message.id}"
            return Outcome("reaction", None, None, needs_ack=False, note=note)
        failed = "Saved" not in text_of(note)
        return Outcome("reaction", None, time.perf_counter() - started, failed, needs_ack=False)

    # digests

    async def subscribe(self, channel: int, at: str) -> bool:
        clock, _, topics = at.partition(" ")
        options: dict[str, Any] = {"time": clock, "timezone": "UTC"}
        if topics:
            options["topics"] = topics
        started = time.perf_counter()
        interaction = await self.sim.send_slash_command(
            "papers",
            "subscribe",
            options=options,
            user_id=user_id(0),
            channel_id=digest_channel(channel),
        )
        outcome = await self._answered("subscribe", started, interaction)
        return "Next:" in text_of(outcome.handle)

    def digest_posts(self, channel: int) -> list[tuple[str, str | None]]:
        """The channel's public messages as (text, paper id of its Save button)."""
        posts = []
        for message in self.sim.messages(digest_channel(channel), ephemeral=False):
            saves = buttons(message).get("save") or [None]
            posts.append((text_of(message), saves[0]))
        return posts
