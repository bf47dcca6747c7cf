"""Discord's send side, built before the adapter: the client and the Publisher's poster.

The core's Publisher posts digests and public answers through `DiscordPoster`
(render, send, return the message id) on the same `PaperboyClient` the adapter
later connects and serves commands with.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from paperboy.adapters.discord.client import PaperboyClient
from paperboy.adapters.discord.pages import PageButtons
from paperboy.adapters.discord.render import render
from paperboy.adapters.discord.send import GuildMessageable, Postable, send_to_channel
from paperboy.core.models import ChannelRef, Platform, UserRef
from paperboy.core.ports import PostFailed
from paperboy.core.replies import PaperList, Reply

log = logging.getLogger(__name__)


class DiscordPoster:
    """ChannelPoster: one message into a guild's text channel (or a member's DMs,
    `direct_channel`); returns its id.

    Raises PostFailed: permanent when the channel is gone, hidden or not a text
    channel of the guild named; transient while the client is not connected."""

    platform = Platform.DISCORD.value
    paced = True

    def __init__(self, client: PaperboyClient, pages: PageButtons, *, save_emoji: str) -> None:
        self.client = client
        self.pages = pages  # "More" buttons' ids, shared with the adapter's answers
        self._save_emoji = save_emoji

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str | None = None) -> str:
        target = await self._channel(channel)
        me = None if isinstance(target, discord.DMChannel) else target.guild.me
        embeds = me is None or target.permissions_for(me).embed_links
        more_id = None
        if isinstance(reply, PaperList) and reply.more is not None:
            more_id = await self.pages.custom_id_for(reply.more)
        out = render(reply, more_id=more_id, embeds=embeds, save_emoji=self._save_emoji)
        # The key as the nonce Discord enforces: a retry of a message that did land
        # (its answer lost) gets that message back instead of posting it again.
        message = await send_to_channel(target, out, nonce=key)
        return str(message.id)

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The bot's DM channel with a member (discord.py keeps it, so `post` finds it),
        named within the member's guild."""
        client = self.client
        if client.is_closed() or not client.is_ready():
            raise PostFailed("the Discord client is not connected")
        if user.platform != self.platform or not (user.user + user.workspace).isdigit():
            raise PostFailed(f"not a Discord member: {user}", permanent=True)
        try:
            dm = await client.create_dm(discord.Object(id=int(user.user)))
        except (discord.NotFound, discord.Forbidden) as error:
            raise PostFailed(f"no direct messages with {user.user}", permanent=True) from error
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError) as error:
            raise PostFailed(f"could not open direct messages with {user.user}") from error
        return ChannelRef(self.platform, user.workspace, str(dm.id))

    async def _channel(self, ref: ChannelRef) -> Postable:
        client = self.client
        if client.is_closed() or not client.is_ready():
            raise PostFailed("the Discord client is not connected")
        if ref.platform != self.platform or not (ref.channel + ref.workspace).isdigit():
            raise PostFailed(f"not a Discord channel: {ref}", permanent=True)
        # Looked up within its guild first: a digest is for one guild's channel, whatever
        # another guild the client is in holds; then among every channel (a DM).
        guild = client.get_guild(int(ref.workspace))
        channel: object = (
            guild.get_channel_or_thread(int(ref.channel)) if guild is not None else None
        ) or client.get_channel(int(ref.channel))
        if channel is None:
            try:
                channel = await client.fetch_channel(int(ref.channel))
            except (discord.NotFound, discord.Forbidden) as error:
                log.error("cannot post in channel %s: %s", ref.channel, error.text)
                raise PostFailed(
                    f"channel {ref.channel} is gone or hidden", permanent=True
                ) from error
            except discord.HTTPException as error:
                raise PostFailed(f"could not look up channel {ref.channel}") from error
        if isinstance(channel, discord.DMChannel):
            return channel  # opened by `direct_channel`
        if not isinstance(channel, GuildMessageable) or channel.guild.id != int(ref.workspace):
            raise PostFailed(f"{ref} is not a text channel of that guild", permanent=True)
        return channel
