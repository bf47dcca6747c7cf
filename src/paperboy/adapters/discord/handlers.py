"""Thin handlers for interactions: a /papers command line, or a press on one of our buttons.

Each translates the interaction into a core command (or page), awaits the Bot,
renders the reply and sends it. Work that may be slow is deferred first, so Discord's
3-second limit is never missed. Nothing escapes: a failure is logged and the user gets
a short "something went wrong" that only they see — never a traceback in a channel.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from paperboy.adapters.discord.custom_ids import Action, Pressed, parse_custom_id
from paperboy.adapters.discord.pages import PageButtons
from paperboy.adapters.discord.render import render
from paperboy.adapters.discord.send import answer
from paperboy.adapters.in_flight import InFlight
from paperboy.core import commands as c
from paperboy.core import rich
from paperboy.core.bot import Bot
from paperboy.core.channel_rules import posts_publicly
from paperboy.core.models import ChannelRef, Context, Platform, PostRef, UserRef
from paperboy.core.publishing import Publisher
from paperboy.core.replies import SOMETHING_WENT_WRONG, Notice, PaperList, Reply

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]

GUILDS_ONLY = Notice(
    rich.text("paperboy works in server channels: use ", rich.code("/papers"), " there."),
    error=True,
)
EXPIRED = Notice("That list is no longer available; run the command again.", error=True)
_THREADS = frozenset(
    {
        discord.ChannelType.public_thread,
        discord.ChannelType.private_thread,
        discord.ChannelType.news_thread,
    }
)
# Presses whose work may take a while (a search) are deferred first.
_SLOW_PRESSES = frozenset({Action.SIMILAR, Action.MORE, Action.PAGE})


def context_of(interaction: Interaction) -> Context | None:
    """Who asked where, and what the member may do there (`interaction.permissions` is
    theirs in this channel, overwrites included); None outside a guild (paperboy's
    lists are per guild)."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    guild = str(interaction.guild_id)
    platform = Platform.DISCORD.value
    permissions = interaction.permissions
    # In a thread, Discord asks for Send Messages in Threads instead of Send Messages.
    in_thread = getattr(interaction.channel, "type", None) in _THREADS
    return Context(
        user=UserRef(platform, guild, str(interaction.user.id)),
        channel=ChannelRef(platform, guild, str(interaction.channel_id)),
        can_post=permissions.send_messages_in_threads if in_thread else permissions.send_messages,
        can_manage_channel=permissions.manage_channels,
    )


def missing_permissions_hint(permissions: discord.Permissions) -> str | None:
    """What the bot lacks to post digests here, as a hint for the user; None if nothing."""
    needed = {
        "View Channel": permissions.view_channel,
        "Send Messages": permissions.send_messages,
        "Embed Links": permissions.embed_links,
    }
    missing = [name for name, granted in needed.items() if not granted]
    if not missing:
        return None
    return (
        f"Note: I lack {', '.join(missing)} in this channel, so digests cannot be posted "
        "properly here. Ask someone who manages the channel to grant them."
    )


class Interactions:
    def __init__(
        self, bot: Bot, pages: PageButtons, publisher: Publisher, in_flight: InFlight
    ) -> None:
        self.bot = bot
        self.pages = pages
        self.publisher = publisher
        self.in_flight = in_flight

    async def run(
        self,
        interaction: Interaction,
        command: c.Command | c.ParseError,
        *,
        defer: bool = False,
        public: bool = False,
        check_permissions: bool = False,
    ) -> None:
        """Run one command (built from the interaction's options) for the user and answer.

        `defer` for slow work (the answer is then private, unless `public`: a chart is
        for the channel); `check_permissions` adds a private hint when the bot could
        not post digests in this channel."""
        with self.in_flight.track():
            await self._run(
                interaction,
                command,
                defer=defer,
                public=public,
                check_permissions=check_permissions,
            )

    async def _run(
        self,
        interaction: Interaction,
        command: c.Command | c.ParseError,
        *,
        defer: bool,
        public: bool,
        check_permissions: bool,
    ) -> None:
        try:
            context = context_of(interaction)
            if context is None:
                await self.send(interaction, GUILDS_ONLY)
                return
            if defer:
                # Public only for someone who may post here (the core decides the same).
                private = not (public and posts_publicly(context))
                await interaction.response.defer(ephemeral=private, thinking=True)
            reply = await self.bot.run(command, context)
            await self.send(interaction, reply, context)
            if check_permissions and not (isinstance(reply, Notice) and reply.error):
                hint = missing_permissions_hint(interaction.app_permissions)
                if hint is not None:
                    await self.send(interaction, Notice(hint))
        except Exception:
            log.exception("/papers %s failed", type(command).__name__.lower())
            await apologise(interaction)

    async def press(self, interaction: Interaction) -> None:
        """A press on a button; presses on anything not ours are left alone."""
        data: dict[str, Any] = dict(interaction.data or {})
        raw = data.get("custom_id")
        pressed = parse_custom_id(raw) if isinstance(raw, str) else None
        if pressed is None:
            return
        with self.in_flight.track():
            await self._press(interaction, pressed)

    async def _press(self, interaction: Interaction, pressed: Pressed) -> None:
        try:
            context = context_of(interaction)
            if context is None:
                await self.send(interaction, GUILDS_ONLY)
                return
            if pressed.action in _SLOW_PRESSES:
                await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await self._pressed(pressed, context)
            await self.send(interaction, reply, context)
        except Exception:
            log.exception("button %s failed", pressed.action)
            await apologise(interaction)

    async def _pressed(self, pressed: Pressed, context: Context) -> Reply:
        if pressed.action in (Action.MORE, Action.PAGE):
            ref = await self.pages.resolve(pressed)
            return EXPIRED if ref is None else await self.bot.page(ref, context)
        if pressed.action is Action.FORGET_ME:
            return await self.bot.run(
                c.ForgetMe(confirmed=True, asked_for=pressed.argument), context
            )
        # The other actions are named after the paper commands they stand for.
        return await self.bot.run(c.PAPER_COMMANDS[pressed.action](pressed.argument), context)

    async def send(
        self, interaction: Interaction, reply: Reply, context: Context | None = None
    ) -> None:
        """Render and send a reply; a public post of one paper is recorded for reactions
        (an interaction's answer is a message in the channel, not a `ChannelPoster` post)."""
        more_id = None
        if isinstance(reply, PaperList) and reply.more is not None:
            more_id = await self.pages.custom_id_for(reply.more)
        out = render(
            reply,
            more_id=more_id,
            embeds=interaction.app_permissions.embed_links,
            save_emoji=self.bot.save_emoji_glyph,
        )
        message_id = await answer(interaction, out)
        if out.paper_id and not out.ephemeral and message_id is not None and context:
            await self.publisher.shown(PostRef(context.channel, str(message_id)), out.paper_id)


async def apologise(interaction: Interaction) -> None:
    """Tell the user, privately, that something failed; never raises."""
    try:
        await answer(interaction, render(SOMETHING_WENT_WRONG))
    except Exception:
        log.exception("could not even tell the user that something went wrong")
