"""Shared fixtures: a real SQLite store in a temp dir, a real PostgreSQL server (one per
session, a fresh database per test that asks), a fixed clock, the sample papers."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from paperboy.adapters.console import ConsoleAdapter, ConsoleScreen
from paperboy.app import bot_options
from paperboy.config import Settings
from paperboy.core.bot import Bot, BotOptions
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.pacing import PostPacing
from paperboy.core.publishing import Publisher
from paperboy.sources.sample import load_sample_papers
from paperboy.store import Store
from tests.mutmut_plugin import QuickVerdicts
from tests.postgres import PostgresServer, postgres_server, run_async
from tests.processes import paperboy_command
from tests.simulators.sources.servers import PaperSourceSimulator


def pytest_configure(config: pytest.Config) -> None:
    """Under mutmut (scripts/mutation.py), each mutant's tests run in a process forked
    from one that collected them: importing scikit-learn and matplotlib there, once,
    spares every mutant whose tests train a `foryou` or `rank:team` model (3 to 5 s) or
    draw a `trend` chart (2 s) that import (both are imported lazily, see
    search/recommend.py and charts.py, so a test run pays it at the first). Likewise
    the search kernels are loaded from numba's cache there, once: a forked run that
    builds an index took 0.29 s to load them, 0.01 s after. And each mutant's tests run
    fastest first, each stopped once far past its clean time (tests/mutmut_plugin.py)."""
    if "mutmut" in sys.modules:
        import matplotlib.figure  # noqa: F401
        import sklearn.svm  # noqa: F401

        from paperboy.search import warm_up

        warm_up()  # compiled code only (search/kernels.py): mutmut mutates none of it

        config.pluginmanager.register(QuickVerdicts(), "paperboy-quick-verdicts")


# The fixtures that start or use the session's PostgreSQL server.
_POSTGRES_FIXTURES = {"postgres", "postgres_url", "migrated_template"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks `postgresql` each test that runs on a PostgreSQL server: one that asks for it,
    or the PostgreSQL case of a test parametrized over both stores. `-m "not postgresql"`
    leaves out exactly those (the mutation runs do); `-k` on the name would also drop the
    SQLite tests whose names mention PostgreSQL."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec is not None else ()
        if _POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())) or any(
            value == "postgresql" for value in params
        ):
            item.add_marker(pytest.mark.postgresql)


# A week after the bundled sample's Daily Papers day (2025-03-13): "today's" papers in a test
# are the ones it features, not the sample's.
NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture(scope="session")
def sample_papers() -> list[Paper]:
    return load_sample_papers()


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with every migration applied, made once per test process: a test's
    store is a copy of it (opening a new file migrates it, about three times the time of
    opening a copy, and most tests take a store)."""
    path = tmp_path_factory.mktemp("migrated") / "paperboy.sqlite3"

    async def migrate() -> None:
        store = await Store.open(path)
        await store.aclose()

    run_async(migrate())
    return path


def copy_of(migrated: Path, where: Path) -> Path:
    """`where`, a copy of the migrated store file (the template's WAL was checkpointed
    into it when it closed)."""
    shutil.copyfile(migrated, where)
    return where


@pytest.fixture
async def store(tmp_path: Path, migrated_sqlite_file: Path) -> AsyncIterator[Store]:
    path = copy_of(migrated_sqlite_file, tmp_path / "paperboy.sqlite3")
    async with await Store.open(path) as opened:
        yield opened


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (started in under a second)."""
    with postgres_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """A new, empty PostgreSQL database of this test's own, as a `store.url`."""
    name = postgres.create_database()
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.fixture
async def library(store: Store, sample_papers: list[Paper], now: datetime) -> Library:
    """The sample papers, stored and indexed."""
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=now)
    return library


def library_ports(library: Library) -> dict[str, Any]:
    """The Bot's paper ports, all served by one library (as the composition root does)."""
    return {"papers": library.papers, "search": library, "sink": library}


def store_bot(
    store: Store,
    library: Library,
    clock: Callable[[], datetime],
    *,
    options: BotOptions | None = None,
    **ports: Any,
) -> Bot:
    """A Bot on the library's and the store's reading-list ports, and any other `ports`
    given (follows, people, ...); five papers a page unless `options` say otherwise."""
    return Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        options=options or bot_options_for_tests(page_size=5),
        **ports,
    )


@pytest.fixture
def bot(store: Store, library: Library, clock: Callable[[], datetime]) -> Bot:
    return store_bot(store, library, clock)


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """No chat tokens, a store in a temp dir, sources on a closed port (no network)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("PAPERBOY_", "SLACK_", "DISCORD_"))
    }
    clean.update(
        PAPERBOY_STORE_PATH=str(tmp_path / "data" / "paperboy.sqlite3"),
        PAPERBOY_SOURCES_HUGGINGFACE_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_ARXIV_URL="http://127.0.0.1:9",
        PAPERBOY_SOURCES_RETRIES="0",
        PAPERBOY_SOURCES_CATCH_UP_DAYS="0",
        PAPERBOY_OPS_PORT="0",  # any free port: tests run side by side
        USER="ada",  # the console user
    )
    return clean


@pytest.fixture
def run(cli_env: dict[str, str], tmp_path: Path) -> Run:
    def invoke(
        *args: str,
        stdin: str = "",
        timeout: float = 60,
        as_a_user: bool = False,
        max_file_bytes: int = 0,
    ) -> subprocess.CompletedProcess[str]:
        """`paperboy ARGS`; `as_a_user`: file permissions apply even to root;
        `max_file_bytes`: no file it writes may grow past that (see tests.processes)."""
        return subprocess.run(
            paperboy_command(*args, as_a_user=as_a_user, max_file_bytes=max_file_bytes),
            input=stdin,
            capture_output=True,
            text=True,
            env=cli_env,
            cwd=tmp_path,
            timeout=timeout,
            check=False,
        )

    return invoke


@pytest.fixture
async def sources() -> AsyncIterator[PaperSourceSimulator]:
    """The Hugging Face and arXiv APIs, simulated on a loopback port."""
    async with PaperSourceSimulator() as simulator:
        yield simulator


def bot_options_for_tests(**changes: Any) -> BotOptions:
    """The options `paperboy run` gives the bot with default settings, with `changes`."""
    return dataclasses.replace(bot_options(Settings()), **changes)


def console_for(bot: Bot, store: Store, **terminal: Any) -> ConsoleAdapter:
    """A console as `paperboy chat` builds it, posting through its own publisher, on a
    terminal made with `terminal` (stdin, stdout, files_dir, …)."""
    screen = ConsoleScreen(**terminal)
    publisher = Publisher(
        posts=store.posts,
        clock=bot.clock,
        pacing=PostPacing(channel_interval=0, rate=0),
        posters=[screen],
    )
    return ConsoleAdapter(bot, screen=screen, publisher=publisher)
