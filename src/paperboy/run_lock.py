"""One `paperboy run` per SQLite store file.

Two bots on one SQLite file would each schedule and post every digest, and each
keep its own search index of it. `paperboy run` therefore holds an exclusive lock
on a file beside the store for as long as it runs; a second one finds it held and
refuses to start, naming the process that holds it. The one-shot commands
(search, add, ingest, export) take no lock and may run beside it. The operating
system drops the lock when its process ends, however it ends (SIGKILL too), so a
crashed bot never blocks the next start. Several replicas need PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from paperboy.core.text import clean_text

if sys.platform != "win32":
    import fcntl

_HOLDER_BYTES = 200  # what a lock file may say about its holder; more is not read


class AlreadyRunning(Exception):
    """Another `paperboy run` holds the store."""


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".run-lock")


@contextlib.contextmanager
def run_lock(store_path: Path) -> Iterator[None]:
    """Hold the store for this `paperboy run`; raises AlreadyRunning when another does."""
    if sys.platform == "win32":  # no flock: one bot per store is then up to the operator
        yield
        return
    path = lock_path(store_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            said = os.pread(fd, _HOLDER_BYTES, 0).decode("utf-8", "replace")
            holder = clean_text(said)  # a file anyone could write: no escapes reach a terminal
            raise AlreadyRunning(
                f"another paperboy run uses {store_path} ({holder or 'its process is unknown'})"
                "; stop it first, or run several on PostgreSQL (store.url)"
            ) from None
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        holder = f"pid {os.getpid()} on {socket.gethostname()}, since {started}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode()[:_HOLDER_BYTES], 0)
        yield
    finally:
        os.close(fd)  # drops the lock
