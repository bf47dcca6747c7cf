"""What the Discord simulator recorded, and bounded waits for it (part of DiscordSimulator).

Every wait takes ``timeout=`` seconds (default: the simulator's ``timeout``), re-checks on
each change the simulator records, and fails fast: SimulatorTimeout (an AssertionError
naming what was awaited) at the deadline, ClientTaskEnded the moment a watched client
task dies, SimulatorError if the simulator itself failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from tests.simulators.discord.records import (
    CommandSync,
    DispatchRecord,
    IdentifyRecord,
    InteractionReply,
    RecordedRequest,
    ResumeRecord,
    SentMessage,
    SimInteraction,
    Violation,
)

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable, Sequence

    from tests.simulators.discord.gateway import Gateway
    from tests.simulators.discord.http import Fault
    from tests.simulators.discord.state import SimState
    from tests.simulators.discord.waiting import ChangeFeed

T = TypeVar("T")
JsonDict = dict[str, Any]


class SimulatorQueries:
    """Records and waits over the simulator's state; mixed into DiscordSimulator."""

    timeout: float
    _state: SimState
    _gateway: Gateway
    _feed: ChangeFeed

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request, in order, with path below the API base and status answered."""
        return self._state.requests

    @property
    def unhandled(self) -> list[RecordedRequest]:
        """Requests to routes the simulator does not serve (answered 404)."""
        return self._state.unhandled

    @property
    def violations(self) -> list[Violation]:
        """Requests refused as real Discord would refuse them (limits, late or double answers)."""
        return self._state.violations

    @property
    def command_syncs(self) -> list[CommandSync]:
        return self._state.command_syncs

    @property
    def identifies(self) -> list[IdentifyRecord]:
        return self._gateway.identifies

    @property
    def resumes(self) -> list[ResumeRecord]:
        return self._gateway.resumes

    @property
    def dispatches(self) -> list[DispatchRecord]:
        """Every gateway event sent by a helper or by REST side effects (not READY/GUILD_CREATE)."""
        return self._gateway.dispatches

    @property
    def heartbeats(self) -> int:
        return self._gateway.heartbeats

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """Recorded requests with this method and exact path (e.g. ``/channels/1/messages``)."""
        return [r for r in self._state.requests if r.method == method and r.path == path]

    def messages(
        self, channel_id: int, *, ephemeral: bool | None = None, include_deleted: bool = False
    ) -> list[SentMessage]:
        """Bot messages in a channel, oldest first; ``ephemeral`` filters when not None."""
        return [
            m
            for m in self._state.messages.get(channel_id, [])
            if (ephemeral is None or m.ephemeral == ephemeral)
            and (include_deleted or not m.deleted)
        ]

    def _contents(self, channel_id: int) -> list[str | None]:
        return [message.content for message in self.messages(channel_id)]

    def dm_channel_id(self, user_id: int) -> int | None:
        """The DM channel the bot opened with ``user_id``, if any."""
        return self._state.dm_channels.get(user_id)

    def dm_messages(self, user_id: int) -> list[SentMessage]:
        channel_id = self.dm_channel_id(user_id)
        return [] if channel_id is None else self.messages(channel_id)

    def find_message(self, message_id: int) -> SentMessage | None:
        return self._state.find_message(message_id)

    def interaction(self, interaction_id: int) -> SimInteraction:
        return self._state.interactions[interaction_id]

    def synced_commands(self, guild_id: int | None = None) -> list[JsonDict]:
        """The last synced command list for a guild (None: global), with ids."""
        return self._state.latest_commands(guild_id)

    def pending_faults(self) -> list[Fault]:
        return self._state.faults.pending()

    def watch_client(self, task: asyncio.Task[Any]) -> None:
        """Every wait raises ClientTaskEnded as soon as ``task`` (running ``client.start``) ends."""
        self._feed.watch(task)

    def unwatch_client(self, task: asyncio.Task[Any]) -> None:
        self._feed.unwatch(task)

    async def wait_for(
        self,
        check: Callable[[], T | None],
        *,
        what: str | Callable[[], str],
        timeout: float | None = None,
    ) -> T:
        """The first non-None ``check()``, re-evaluated whenever the simulator records something."""
        return await self._feed.wait_until(
            check, timeout=self.timeout if timeout is None else timeout, what=what
        )

    async def guard(self, awaitable: Awaitable[T], *, what: str, timeout: float | None = None) -> T:
        """Await anything (e.g. an event the test client sets) under the same fail-fast rules."""
        return await self._feed.guard(
            awaitable, timeout=self.timeout if timeout is None else timeout, what=what
        )

    async def wait_ready(self, *, timeout: float | None = None) -> IdentifyRecord:
        """Wait until a client has identified and received READY and every GUILD_CREATE."""

        def ready() -> IdentifyRecord | None:
            ok = self._gateway.identifies and self._gateway.connected
            return self._gateway.identifies[-1] if ok else None

        return await self.wait_for(ready, what="the client to IDENTIFY", timeout=timeout)

    async def wait_shards_ready(
        self,
        shard_count: int,
        *,
        shard_ids: Sequence[int] | None = None,
        timeout: float | None = None,
    ) -> dict[int, int]:
        """Wait until every shard in ``shard_ids`` (default: all of ``shard_count``) has a live
        session identified with that shard count; returns shard id -> count of live ones."""
        wanted = set(range(shard_count) if shard_ids is None else shard_ids)

        def ready() -> dict[int, int] | None:
            live = self._gateway.live_shards()
            done = all(live.get(shard) == shard_count for shard in wanted)
            return live if done else None

        return await self.wait_for(
            ready,
            what=lambda: (
                f"shards {sorted(wanted)} of {shard_count} to IDENTIFY; "
                f"live: {self._gateway.live_shards()}"
            ),
            timeout=timeout,
        )

    async def wait_for_command_sync(
        self,
        *,
        guild_id: int | None = None,
        timeout: float | None = None,
    ) -> CommandSync:
        """The latest command sync for ``guild_id`` (None: global), waiting for one if needed."""

        def synced() -> CommandSync | None:
            found = [s for s in self._state.command_syncs if s.guild_id == guild_id]
            return found[-1] if found else None

        return await self.wait_for(
            synced, what=f"a command sync (guild {guild_id})", timeout=timeout
        )

    async def wait_for_message(
        self,
        channel_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        timeout: float | None = None,
    ) -> SentMessage:
        """The first (oldest) message in the channel matching ``predicate`` (any, if None)."""

        def found() -> SentMessage | None:
            return next(
                (m for m in self.messages(channel_id) if not predicate or predicate(m)), None
            )

        return await self.wait_for(
            found,
            what=lambda: (
                f"a message in {channel_id}; have {[m.content for m in self.messages(channel_id)]}"
            ),
            timeout=timeout,
        )

    async def wait_for_messages(
        self,
        channel_id: int,
        count: int,
        *,
        timeout: float | None = None,
    ) -> list[SentMessage]:
        """The first ``count`` messages of a channel, once there are that many."""

        def enough() -> list[SentMessage] | None:
            found = self.messages(channel_id)
            return found[:count] if len(found) >= count else None

        return await self.wait_for(
            enough, what=f"{count} messages in {channel_id}", timeout=timeout
        )

    async def wait_for_dm(self, user_id: int, *, timeout: float | None = None) -> SentMessage:
        """The first DM the bot sent to ``user_id``."""

        def found() -> SentMessage | None:
            return next(iter(self.dm_messages(user_id)), None)

        return await self.wait_for(found, what=f"a DM to {user_id}", timeout=timeout)

    async def interaction_replies(
        self,
        interaction: SimInteraction | int,
        count: int = 1,
        *,
        timeout: float | None = None,
    ) -> list[InteractionReply]:
        """All replies to the interaction so far, once it has at least ``count``."""
        target = (
            interaction
            if isinstance(interaction, SimInteraction)
            else self.interaction(interaction)
        )

        def enough() -> list[InteractionReply] | None:
            return list(target.replies) if len(target.replies) >= count else None

        return await self.wait_for(
            enough, what=f"{count} replies to interaction {target.id}", timeout=timeout
        )

    async def interaction_response(
        self,
        interaction: SimInteraction | int,
        *,
        timeout: float | None = None,
    ) -> InteractionReply:
        """The callback (first reply) of the interaction."""
        return (await self.interaction_replies(interaction, 1, timeout=timeout))[0]
