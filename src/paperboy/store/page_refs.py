"""Page references kept under short keys, for chat buttons that can carry only a few bytes.

A Discord button's custom id holds at most 100 characters; an encoded `PageRef` for a
long search does not fit. `shorten` stores it under a key derived from its text (the
same reference always gets the same key, so storing it again changes nothing) and
`expand` reads it back — also after a restart, so "More" on an old message still works.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from sqlalchemy import select

from paperboy.store.database import Database
from paperboy.store.schema import page_refs

KEY_CHARS = 22  # 132 bits of SHA-256: collisions are not a practical concern


def page_key(ref_text: str) -> str:
    """The short key for an encoded page reference (URL-safe base64, no padding)."""
    digest = hashlib.sha256(ref_text.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:KEY_CHARS]


class PageRefRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def shorten(self, ref_text: str, *, at: datetime) -> str:
        """Keep `ref_text` and return its key; idempotent."""
        key = page_key(ref_text)
        statement = self._db.insert(page_refs).values(
            key=key, ref=ref_text, created_at=at.isoformat()
        )
        async with self._db.transaction() as conn:
            await conn.execute(statement.on_conflict_do_nothing())
        return key

    async def expand(self, key: str) -> str | None:
        """The reference stored under `key`, or None when there is none."""
        row = await self._db.fetchone(select(page_refs.c.ref).where(page_refs.c.key == key))
        return str(row[0]) if row else None
