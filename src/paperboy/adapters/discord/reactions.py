"""Reactions on the bot's paper messages: the save emoji saves, removing it unsaves.

Raw reaction events are used (the cached-message events would miss every message
posted before a restart). Which message shows which paper is the store's business:
the Bot ignores reactions on anything else, and emoji that are not the save emoji.
The confirmation goes by DM, if the user accepts DMs; otherwise nothing is said —
never a public message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from paperboy.adapters.discord.render import render
from paperboy.adapters.discord.send import NO_MENTIONS
from paperboy.adapters.in_flight import InFlight
from paperboy.core.bot import Bot
from paperboy.core.models import ChannelRef, Platform, PostRef, UserRef
from paperboy.core.replies import Notice

log = logging.getLogger(__name__)

OpenDM = Callable[[int], Awaitable[discord.DMChannel]]
CANNOT_DM = 50007


def emoji_names(emoji: discord.PartialEmoji) -> list[str]:
    """Every name the save-emoji setting may use for it: the name, and a custom emoji's id."""
    names = [emoji.name] if emoji.name else []
    if emoji.id is not None:
        names.append(str(emoji.id))
    return names


class Reactions:
    def __init__(
        self,
        bot: Bot,
        *,
        bot_user_id: Callable[[], int | None],
        open_dm: OpenDM,
        in_flight: InFlight,
    ) -> None:
        self.bot = bot
        self._in_flight = in_flight
        self._bot_user_id = bot_user_id
        self._open_dm = open_dm

    async def on_reaction(self, event: discord.RawReactionActionEvent, *, added: bool) -> None:
        """Save or unsave for the member who reacted; never raises."""
        with self._in_flight.track():
            await self._on_reaction(event, added=added)

    async def _on_reaction(self, event: discord.RawReactionActionEvent, *, added: bool) -> None:
        try:
            if event.guild_id is None or event.user_id == self._bot_user_id():
                return
            guild = str(event.guild_id)
            platform = Platform.DISCORD.value
            post = PostRef(
                ChannelRef(platform, guild, str(event.channel_id)), str(event.message_id)
            )
            user = UserRef(platform, guild, str(event.user_id))
            notice = await self.bot.on_reaction(post, user, emoji_names(event.emoji), added=added)
            if notice is not None:
                await self._confirm(event.user_id, notice)
        except Exception:
            log.exception("handling a reaction on message %s failed", event.message_id)

    async def _confirm(self, user_id: int, notice: Notice) -> None:
        out = render(notice)
        try:
            channel = await self._open_dm(user_id)
            await channel.send(content=out.content, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            log.debug("user %s does not accept DMs: no confirmation", user_id)
