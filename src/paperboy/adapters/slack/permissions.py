"""Who manages a channel's digest: may change it (`subscribe`, `unsubscribe`) or
have one posted now (`digest`).

Slack's norm is that anyone in a channel may set up what it receives, so the
default is "anyone". With "admins", only workspace admins and owners may; that is
asked of users.info (scope users:read) and remembered for a few minutes. When
Slack cannot answer, the answer is no: a digest setting is never changed by
someone we could not check.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.core.models import UserRef

log = logging.getLogger(__name__)

ANYONE = "anyone"
ADMINS = "admins"
REMEMBER_SECONDS = 300.0


class ChannelManagers:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        who: str = ANYONE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if who not in (ANYONE, ADMINS):
            raise ValueError(f"who must be {ANYONE!r} or {ADMINS!r}, not {who!r}")
        self.who = who
        self._client = client
        self._clock = clock
        self._known: dict[UserRef, tuple[bool, float]] = {}

    async def can_manage(self, user: UserRef, *, client: AsyncWebClient | None = None) -> bool:
        """`client`: the one authorized for the user's workspace (default: this one's)."""
        if self.who == ANYONE:
            return True
        known = self._known.get(user)
        if known is not None and self._clock() - known[1] < REMEMBER_SECONDS:
            return known[0]
        try:
            response = await (client or self._client).users_info(user=user.user)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("users.info for %s failed (%s): not treating them as an admin", user, error)
            return False
        info = response.get("user")
        allowed = isinstance(info, dict) and any(
            info.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner")
        )
        self._known[user] = (allowed, self._clock())
        return allowed
