"""Injected failures: rate limits, errors, denied channels, refused DMs (DiscordSimulator part)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.simulators.discord.http import Fault

if TYPE_CHECKING:
    from tests.simulators.discord.state import SimState


class SimulatorFaults:
    """Make the next requests fail the way Discord fails; mixed into DiscordSimulator."""

    _state: SimState

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> None:
        """The next ``times`` matching requests get 429 with ``Via`` and ``retry_after``.

        ``path`` is below the API base and may use ``*`` (e.g. ``/channels/*/messages``).
        discord.py sleeps ``retry_after`` and retries, so the request succeeds once.
        """
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self._state.faults.add(Fault(method, path, times, 429, body, headers))

    def fail(
        self, method: str, path: str, *, status: int, code: int, message: str, times: int = 1
    ) -> None:
        """The next ``times`` matching requests get ``status`` with a Discord error body."""
        self._state.faults.add(
            Fault(method, path, times, status, {"code": code, "message": message})
        )

    def lose_answer(self, method: str, path: str, *, times: int = 1) -> None:
        """The next ``times`` matching requests take effect (a message is created), but
        the connection drops before the answer: the client cannot tell whether it worked."""
        self._state.faults.add(Fault(method, path, times, 0, {}, lose_answer=True))

    def deny_channel(self, channel_id: int, *, code: int = 50013) -> None:
        """Posts to the channel get 403: 50013 Missing Permissions or 50001 Missing Access."""
        self._state.denied_channels[channel_id] = code

    def allow_channel(self, channel_id: int) -> None:
        self._state.denied_channels.pop(channel_id, None)

    def refuse_dms(self, user_id: int | None = None) -> None:
        """DMs to ``user_id`` (None: everyone) get 403 50007 Cannot send messages to this user."""
        if user_id is None:
            self._state.refuse_all_dms = True
        else:
            self._state.dm_refusals.add(user_id)
