"""Forgetting a workspace: the bot left it (a Slack app uninstalled or its tokens revoked,
a Discord guild that removed the bot or was deleted). Both platforms come here.

Its channels' digests stop and their subscriptions go (the digest service's job), then
everything else stored about the workspace: reading lists, the bot's posts, digest runs,
items, previews, weekly runs. Installing again starts clean.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from paperboy.core.ports import DigestCommands, WorkspaceData

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ForgottenWorkspace:
    channels: int  # channels that had a daily digest or a weekly list
    rows: Mapping[str, int] = field(default_factory=dict)  # other rows deleted, per table


async def forget_workspace(
    platform: str,
    workspace: str,
    *,
    digests: DigestCommands | None,
    data: WorkspaceData | None,
) -> ForgottenWorkspace:
    channels = await digests.forget_workspace(platform, workspace) if digests else 0
    rows = await data.forget(platform, workspace) if data else {}
    log.info(
        "forgot %s workspace %s: subscriptions of %d channels, %s",
        platform,
        workspace,
        channels,
        ", ".join(f"{count} {table}" for table, count in sorted(rows.items())) or "no other rows",
    )
    return ForgottenWorkspace(channels, rows)
