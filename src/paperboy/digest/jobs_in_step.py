"""A process's timer jobs, kept in step with the store.

The store is the source of truth for what is scheduled (daily digests, weekly lists,
weekly foryou messages); each process's APScheduler is only a local timer. A change
made through this process (subscribe, unsubscribe, a pause) schedules or unschedules
here at once; `sync` brings in what other replicas changed: it schedules what is new
or was moved to another time, and unschedules what is gone or paused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)  # whose job: a channel, a person
S = TypeVar("S")  # what is scheduled: a subscription, a weekly message
S_in = TypeVar("S_in", contravariant=True)


class Jobs(Protocol[K, S_in]):
    """The timer: one job per key, replaced when scheduled again."""

    def schedule(self, item: S_in, run: Callable[[K], Awaitable[None]], /) -> None: ...

    def unschedule(self, key: K, /) -> None: ...


class JobsInStep(Generic[K, S]):
    def __init__(
        self,
        jobs: Jobs[K, S],
        *,
        key: Callable[[S], K],
        timing: Callable[[S], Hashable],
    ) -> None:
        """`key` says whose job an item is; `timing` what of it the trigger depends on
        (a change elsewhere, e.g. a failure count, reschedules nothing)."""
        self._jobs = jobs
        self._key = key
        self._timing = timing
        self._scheduled: dict[K, Hashable] = {}
        self._changes = 0  # local changes so far
        self._changed_at: dict[K, int] = {}  # the change that last touched each key

    def schedule(self, item: S, run: Callable[[K], Awaitable[None]]) -> None:
        key = self._key(item)
        self._jobs.schedule(item, run)
        self._scheduled[key] = self._timing(item)
        self._touch(key)

    def unschedule(self, key: K) -> None:
        self._jobs.unschedule(key)
        self._scheduled.pop(key, None)
        self._touch(key)

    def _touch(self, key: K) -> None:
        self._changes += 1
        self._changed_at[key] = self._changes

    async def sync(
        self,
        read: Callable[[], Awaitable[Iterable[S]]],
        run: Callable[[K], Awaitable[None]],
    ) -> tuple[list[K], list[K]]:
        """Schedule every item `read` gives that is new or timed differently, unschedule
        every key it no longer gives; the keys (scheduled, unscheduled).

        A key this process changed while `read` was reading is left as it is: its
        change is newer than what was read."""
        before = self._changes
        wanted = {self._key(item): item for item in await read()}

        def untouched(key: K) -> bool:
            return self._changed_at.get(key, 0) <= before

        added = [
            key
            for key, item in wanted.items()
            if untouched(key) and self._scheduled.get(key) != self._timing(item)
        ]
        removed = [key for key in self._scheduled if key not in wanted and untouched(key)]
        for key in added:
            self.schedule(wanted[key], run)
        for key in removed:
            self.unschedule(key)
        return added, removed
