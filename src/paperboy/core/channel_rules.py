"""Who may make the bot post in a channel, and who may change what a channel receives.

Adapters only supply facts, in the `Context`: whether the person may post in the
channel themselves (`can_post`) and whether they may manage it
(`can_manage_channel`). These rules decide, the same on every platform:

- An answer meant for the whole channel (`show`, a digest's confirmation) is
  posted there only for someone who may post there themselves; anyone else gets
  the same answer privately. The bot never speaks where the person may not.
- A follow that posts in the channel (`follow here …`) is a channel's too: only
  those who manage the channel may set it, and only where they may post.
- A channel's digest belongs to those who manage the channel: they alone may
  change it (`subscribe`, `unsubscribe`) or have one posted now (`digest`), and
  the latter also only where they may post.
"""

from __future__ import annotations

from paperboy.core import commands as c
from paperboy.core.models import Context
from paperboy.core.replies import Notice

# The commands whose answer depends on whether the person manages the channel: an
# adapter for which that fact costs a request (Slack's users.info) asks only for these.
_MANAGER_COMMANDS = (c.Subscribe, c.SubscribeWeekly, c.Unsubscribe, c.DigestNow)


def needs_manager_check(command: c.Command | c.ParseError) -> bool:
    """Whether running `command` depends on `Context.can_manage_channel`."""
    return isinstance(command, _MANAGER_COMMANDS) or (
        isinstance(command, c.Follow) and command.here
    )


def posts_publicly(context: Context) -> bool:
    """Whether an answer meant for the whole channel may be posted there for this person."""
    return context.can_post


def digest_change_refused(context: Context) -> Notice | None:
    """Why this person may not change the channel's digest; None when they may."""
    if context.can_manage_channel:
        return None
    return Notice("Only people who can manage this channel can change its digest.", error=True)


def digest_post_refused(context: Context) -> Notice | None:
    """Why this person may not have a digest posted here now; None when they may."""
    if not context.can_manage_channel:
        return Notice("Only people who can manage this channel can post its digest.", error=True)
    if not context.can_post:
        return Notice(
            "You may not post messages in this channel, so I will not post a digest here for you.",
            error=True,
        )
    return None


def follow_here_refused(context: Context) -> Notice | None:
    """Why this person may not set a follow that posts in this channel; None when they may."""
    if not context.can_manage_channel:
        return Notice(
            "Only people who can manage this channel can set a follow that posts here; "
            "without here, a follow comes to you by direct message.",
            error=True,
        )
    if not context.can_post:
        return Notice(
            "You may not post messages in this channel, so I will not post follows here for you.",
            error=True,
        )
    return None
