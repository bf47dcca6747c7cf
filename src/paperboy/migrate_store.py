"""`paperboy migrate-store --from … --to …`: copy a deployment's store into another
(SQLite to PostgreSQL, typically) with a progress bar, then print each table's counts.

Resumable: run it again after an interruption and it continues, never duplicating a
row (store/copy.py). A count that differs after the copy exits 1 naming the table.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from typing import TextIO

from paperboy.core.ports import StoreUnavailable
from paperboy.progress import Progress
from paperboy.store import BadStoreUrl, Store, parse_location
from paperboy.store.copy import CopyProgress, CountMismatch, copy_store
from paperboy.store.errors import BadStorePath

log = logging.getLogger(__name__)


class MigrateUsageError(Exception):
    """A --from or --to that names no usable store: exit 2 with this message."""


async def migrate_store(
    source: str, target: str, *, batch: int, out: TextIO, progress_to: TextIO
) -> int:
    """Copy, verify, print the counts; 0 when every table matches, else 1."""
    async with AsyncExitStack() as stack:
        stores = []
        for option, given in (("--from", source), ("--to", target)):
            try:
                location = parse_location(given)
                store = await Store.open(location)
            except (BadStoreUrl, BadStorePath) as error:
                raise MigrateUsageError(f"{option}: {error}") from None
            except StoreUnavailable as error:
                raise StoreUnavailable(f"{option}: {error}") from None
            stack.push_async_callback(store.aclose)
            stores.append(store)
        with Progress(progress_to, label="migrate-store") as bar:

            def show(step: CopyProgress) -> None:
                bar.show(
                    step.rows_done,
                    step.rows_total,
                    f"rows {step.rows_done:,}/{step.rows_total:,} · {step.table}",
                )

            try:
                copies = await copy_store(stores[0].db, stores[1].db, batch=batch, on_progress=show)
            except CountMismatch as error:
                bad = error.copy
                out.write(f"{bad.table}: {bad.source_rows:,} → {bad.target_rows:,}\n")
                progress_to.write(f"paperboy: migrate-store: {error}\n")
                return 1
    width = max(len(copy.table) for copy in copies)
    for copy in copies:
        out.write(f"{copy.table:<{width}}  {copy.source_rows:>10,} → {copy.target_rows:,}\n")
    out.write(f"copied {stores[0].db.path} → {stores[1].db.path}: every table's count matches\n")
    return 0
