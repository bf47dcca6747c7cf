"""Who may call the Web API: every token Slack issued, for which workspace, and its state.

A bot token belongs to one installation: a workspace (team id), or a whole Enterprise
Grid org (an org-wide install, team id None). Tokens can be revoked (uninstall,
tokens_revoked), rotated away (token rotation hands out a new one and the old one stops
working) or expired; Slack's answer to each differs.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from typing import Literal

TokenState = Literal["active", "revoked", "rotated", "expired"]

# Slack's error for a call made with a token in each state but "active".
REFUSALS: dict[str, str] = {
    "revoked": "token_revoked",
    "rotated": "invalid_auth",
    "expired": "token_expired",
}


@dataclass
class Grant:
    """One issued token and the installation it speaks for."""

    token: str
    kind: Literal["bot", "app"]
    team_id: str | None  # None for an org-wide install (the whole Grid org)
    enterprise_id: str | None = None
    scope: str = ""
    installer: str | None = None  # the user who approved the install
    refresh_token: str | None = None  # set when token rotation is on
    state: TokenState = "active"

    def covers(self, *, team_id: str, enterprise_id: str | None) -> bool:
        """Whether the token may act in that workspace."""
        if self.team_id is not None:
            return self.team_id == team_id
        return enterprise_id is not None and enterprise_id == self.enterprise_id


class Tokens:
    """Issues, finds, revokes and rotates tokens; each token string is unique."""

    def __init__(self) -> None:
        self._grants: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}
        self._numbers = itertools.count(1)

    def add(self, grant: Grant) -> Grant:
        self._grants[grant.token] = grant
        if grant.refresh_token is not None:
            self._by_refresh[grant.refresh_token] = grant
        return grant

    def issue_bot(self, *, team_id: str | None, enterprise_id: str | None, scope: str = "",
                  installer: str | None = None, rotating: bool = False) -> Grant:
        """A new bot token (and a refresh token with rotation on) for one installation."""
        number = next(self._numbers)
        owner = team_id or enterprise_id or "none"
        return self.add(Grant(
            token=f"xoxb-{owner}-{number}-{secrets.token_hex(6)}", kind="bot", team_id=team_id,
            enterprise_id=enterprise_id, scope=scope, installer=installer,
            refresh_token=f"xoxe-1-{owner}-{number}-{secrets.token_hex(6)}" if rotating else None))

    def find(self, token: str) -> Grant | None:
        return self._grants.get(token)

    def by_refresh_token(self, refresh_token: str) -> Grant | None:
        return self._by_refresh.get(refresh_token)

    def rotate(self, old: Grant) -> Grant:
        """Token rotation: a new token and refresh token; the old pair stops working."""
        old.state = "rotated"
        if old.refresh_token is not None:
            self._by_refresh.pop(old.refresh_token, None)
        return self.issue_bot(team_id=old.team_id, enterprise_id=old.enterprise_id,
                              scope=old.scope, installer=old.installer, rotating=True)

    def active_bot(self, *, team_id: str, enterprise_id: str | None) -> Grant | None:
        """The newest working bot token that may act in that workspace."""
        for grant in reversed(self._grants.values()):
            if (grant.kind == "bot" and grant.state == "active"
                    and grant.covers(team_id=team_id, enterprise_id=enterprise_id)):
                return grant
        return None

    def revoke(self, *, team_id: str | None, enterprise_id: str | None) -> list[Grant]:
        """Revoke every working bot token of that installation (workspace or org)."""
        revoked = []
        for grant in self._grants.values():
            if (grant.kind == "bot" and grant.state == "active"
                    and grant.team_id == team_id
                    and (team_id is not None or grant.enterprise_id == enterprise_id)):
                grant.state = "revoked"
                if grant.refresh_token is not None:
                    self._by_refresh.pop(grant.refresh_token, None)
                revoked.append(grant)
        return revoked
