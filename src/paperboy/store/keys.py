"""A channel's key columns, as a condition and as values: every per-channel table
(posts, subscriptions, digests, previews, weekly lists) is keyed by them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_

from paperboy.core.models import ChannelRef

# The key columns of every per-channel table.
CHANNEL_KEYS = ("platform", "workspace", "channel")


def at_channel(table: Table, channel: ChannelRef) -> ColumnElement[bool]:
    c = table.c
    return and_(
        c.platform == channel.platform,
        c.workspace == channel.workspace,
        c.channel == channel.channel,
    )


def channel_values(channel: ChannelRef) -> dict[str, str]:
    return {
        "platform": channel.platform,
        "workspace": channel.workspace,
        "channel": channel.channel,
    }
