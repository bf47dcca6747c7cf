"""The "More" button's custom id for a page reference, and back.

A short reference rides in the custom id itself (`pb:more:search|5|lora`); one too long
for Discord's 100 characters is stored and the button carries its key (`pb:page:<key>`).
Both survive a restart, so "More" on an old message keeps working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from paperboy.adapters.discord.custom_ids import Action, Pressed, custom_id
from paperboy.core.ports import Clock
from paperboy.core.replies import PageRef


class PageRefStore(Protocol):
    """Keeps encoded page references under short keys (store/page_refs.py)."""

    async def shorten(self, ref_text: str, *, at: datetime) -> str: ...

    async def expand(self, key: str) -> str | None: ...


class PageButtons:
    def __init__(self, refs: PageRefStore, *, clock: Clock) -> None:
        self._refs = refs
        self._clock = clock

    async def custom_id_for(self, ref: PageRef) -> str | None:
        """The custom id of a "More" button continuing at `ref`."""
        encoded = ref.encode()
        inline = custom_id(Action.MORE, encoded)
        if inline is not None:
            return inline
        return custom_id(Action.PAGE, await self._refs.shorten(encoded, at=self._clock()))

    async def resolve(self, pressed: Pressed) -> PageRef | None:
        """The page a "More" press asks for; None when it cannot be found (any more)."""
        if pressed.action is Action.MORE:
            return PageRef.decode(pressed.argument)
        if pressed.action is Action.PAGE:
            encoded = await self._refs.expand(pressed.argument)
            return PageRef.decode(encoded) if encoded is not None else None
        return None
