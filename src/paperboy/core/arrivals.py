"""Papers the search index took in for the first time, waiting to be announced.

The one trigger for follows (`core/follow_alerts.py`). Whichever process stored a
paper (this one's ingest or `add`, `paperboy ingest`, `paperboy add`, another
replica), a running bot learns of it when its index catches up with the store's
change log (`Library.catch_up`), and notes it here if its index did not have it: a
paper written again (new upvotes) is not new. Only papers noted while someone
announces are kept: a one-shot command, or a bot's catch-up as it starts, keeps none.

`announcing` hands the papers noted to its callback, one call at a time; papers noted
while a call runs wait and go together in the next one, and so do the papers noted
while `gathered` (one ingest of several days, say) holds them: one message per place
for a whole ingest, not one per day. Every replica announces every paper it sees: the
follows' claims in the store (`FollowRepository.claim`) let one of them send it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager

from paperboy.core.background import in_background

Announce = Callable[[Sequence[str]], Awaitable[None]]


class Arrivals:
    def __init__(self) -> None:
        self._waiting: dict[str, None] = {}  # ids in the order they arrived
        self._listeners = 0
        self._holds = 0
        self._noted = asyncio.Event()
        self._settled = asyncio.Event()
        self._settled.set()

    @property
    def listening(self) -> bool:
        """Whether papers noted now would be announced (else noting them is wasted)."""
        return self._listeners > 0

    def note(self, paper_ids: Iterable[str]) -> None:
        """The index took these papers in for the first time."""
        if not self._listeners:
            return
        before = len(self._waiting)
        self._waiting.update(dict.fromkeys(paper_ids))
        if len(self._waiting) > before:
            self._settled.clear()
            if not self._holds:
                self._noted.set()

    @asynccontextmanager
    async def gathered(self) -> AsyncIterator[None]:
        """Papers noted while inside are handed over together, at the exit."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if not self._holds and self._waiting:
                self._noted.set()

    @asynccontextmanager
    async def announcing(self, to: Announce) -> AsyncIterator[None]:
        """While inside, hand every paper noted to `to` (from the moment this is
        entered), one call at a time. `to` must not raise (FollowAlerts.new_papers logs
        its own failures). Papers noted but not yet handed over at the exit are dropped:
        wait for `settled` first to send them."""
        self._listeners += 1
        try:
            async with in_background(self._announce(to), name="announce-arrivals"):
                yield
        finally:
            self._listeners -= 1
            if not self._listeners:
                self._waiting.clear()
                self._settled.set()

    async def _announce(self, to: Announce) -> None:
        while True:
            await self._noted.wait()
            self._noted.clear()
            batch, self._waiting = list(self._waiting), {}
            try:
                await to(batch)
            finally:
                if not self._waiting:
                    self._settled.set()

    async def settled(self) -> None:
        """Return once every paper noted so far has been announced (a stopping bot waits
        for this, briefly, before it closes its chat connections)."""
        await self._settled.wait()
