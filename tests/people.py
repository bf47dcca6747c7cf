"""Who is asking, and where, in core tests."""

from __future__ import annotations

from paperboy.core.models import ChannelRef, Context, UserRef

# Members of a channel they may post in (as a Slack slash command tells).
ALICE = Context(UserRef("slack", "T1", "alice"), ChannelRef("slack", "T1", "C1"), can_post=True)
BOB = Context(UserRef("slack", "T1", "bob"), ChannelRef("slack", "T1", "C1"), can_post=True)
