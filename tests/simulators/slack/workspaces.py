"""Every simulated workspace, by team id, and which one a token acts in."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .workspace import Identity, Workspace

if TYPE_CHECKING:
    from .tokens import Grant


class Workspaces:
    """The default workspace (the simulator's first) and any added with `add`.

    All share one id counter, so message timestamps and generated ids never repeat across
    workspaces, while channel and user ids may (as two real workspaces' may look alike).
    """

    def __init__(self, identity: Identity, channels: tuple[str, ...]) -> None:
        self._counter = itertools.count(1)
        self.default = Workspace(identity, channels, counter=self._counter)
        self._by_team: dict[str, Workspace] = {identity.team_id: self.default}

    def add(self, identity: Identity, channels: tuple[str, ...]) -> Workspace:
        if identity.team_id in self._by_team:
            raise ValueError(f"workspace {identity.team_id} exists already")
        workspace = Workspace(identity, channels, counter=self._counter)
        self._by_team[identity.team_id] = workspace
        return workspace

    def get(self, team_id: str | None) -> Workspace | None:
        return self.default if team_id is None else self._by_team.get(team_id)

    def require(self, team_id: str | None) -> Workspace:
        """The workspace `team_id` (default: the first); AssertionError naming the known ones."""
        workspace = self.get(team_id)
        if workspace is None:
            raise AssertionError(f"no simulated workspace {team_id}; "
                                 f"known: {sorted(self._by_team)} (add it with add_workspace)")
        return workspace

    def in_enterprise(self, enterprise_id: str | None) -> list[Workspace]:
        return [w for w in self._by_team.values()
                if enterprise_id is not None and w.identity.enterprise_id == enterprise_id]

    def for_grant(self, grant: Grant, channel: object) -> Workspace | None:
        """The workspace a call with `grant`'s token acts in.

        A workspace token acts in its workspace; an org-wide token in whichever workspace
        of its org holds `channel` (else the org's first workspace).
        """
        if grant.team_id is not None:
            return self._by_team.get(grant.team_id)
        members = self.in_enterprise(grant.enterprise_id)
        for workspace in members:
            if isinstance(channel, str) and workspace.channel(channel) is not None:
                return workspace
        return members[0] if members else None
