"""`paperboy migrate-store --from sqlite:///… --to postgresql://…` copies every table of a
deployment's store, resumes after an interruption without a duplicate, and checks each
table's count. The real command line in this process; a real PostgreSQL database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import select

from paperboy import cli
from paperboy.core.models import (
    ChannelRef,
    Paper,
    PostRef,
    Subscription,
    UserRef,
    WeeklyForYou,
    WeeklyTop,
)
from paperboy.store import Store, parse_location
from paperboy.store.copy import CopyProgress, copy_store
from paperboy.store.schema import DATA_TABLES
from tests.postgres import run_async

CHANNEL = ChannelRef("slack", "T1", "C1")
ADA = UserRef("slack", "T1", "ada")


async def a_deployment(path: Path, papers: list[Paper], now: datetime) -> None:
    """A SQLite store with rows in every table."""
    async with await Store.open(path) as store:
        await store.papers.upsert(papers, at=now)
        for n, paper in enumerate(papers[:5]):
            await store.reading_lists.save(ADA, paper.id, at=now)
            await store.posts.record(PostRef(CHANNEL, f"17000.{n}"), paper.id, at=now)
        await store.reading_lists.mark_read(ADA, papers[0].id, at=now)
        await store.subscriptions.put(Subscription(CHANNEL, time(9), "UTC", topics="lora"), at=now)
        await store.digest_runs.claim(CHANNEL, now.date(), at=now)
        await store.digest_items.begin(CHANNEL, now.date(), papers[0].id, position=0, at=now)
        await store.ingest_log.mark_done(date(2025, 3, 13), papers=len(papers), at=now)
        await store.page_refs.shorten("search lora page 2", at=now)
        await store.previews.claim(CHANNEL, at=now, cooldown=timedelta(minutes=5))
        await store.weekly_top.put(WeeklyTop(CHANNEL, 0, time(10), "UTC"), at=now)
        await store.weekly_top.begin(CHANNEL, now.date(), at=now)
        await store.leases.try_acquire("ingest", "replica-1", now=now, ttl=timedelta(minutes=5))
        await store.marks.mark(ADA, papers[5].id, at=now)
        await store.weekly_foryou.put(WeeklyForYou(ADA, 0, time(8), "UTC"), at=now)
        await store.weekly_foryou.claim(ADA, now.date(), at=now)
        await store.weekly_foryou.plan(ADA, now.date(), [(papers[6].id, papers[0].id)])
        await store.digest_ranks.put(CHANNEL, "team")
        await slack_installations(store).async_save(installation("T1", now))
        await store.follows.add(ADA, "author", "Yann LeCun", at=now)
        await store.follows.claim("slack", "T1", "user:ada", [papers[7].id], at=now)


def slack_installations(store: Store) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(client_id="1.2", engine=store.db.shared_engine())


def installation(team_id: str, at: datetime) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team_id,
        user_id="U1",
        bot_token=f"xoxb-{team_id}",
        bot_id="B1",
        bot_user_id="U0BOT",
        installed_at=at.timestamp(),
    )


async def every_row(location: Path | str) -> dict[str, list[tuple[object, ...]]]:
    where = parse_location(location) if isinstance(location, str) else location
    async with await Store.open(where) as store:
        return {
            table.name: [
                tuple(row)
                for row in await store.db.fetchall(
                    select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in DATA_TABLES
        }


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return tmp_path / "paperboy.sqlite3"


@pytest.fixture
def deployment(source: Path, sample_papers: list[Paper], now: datetime) -> Path:
    run_async(a_deployment(source, sample_papers, now))
    return source


def migrate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["migrate-store", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_table_is_copied_and_its_count_shown(
    deployment: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = migrate(capsys, "--from", f"sqlite:///{deployment}", "--to", postgres_url)

    assert code == 0, err
    source_rows = run_async(every_row(deployment))
    assert run_async(every_row(postgres_url)) == source_rows
    assert all(source_rows.values())  # every table had rows to copy
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [table.name for table in DATA_TABLES]
    assert lines[0].split() == [
        "papers",
        str(len(source_rows["papers"])),
        "→",
        str(len(source_rows["papers"])),
    ]
    assert lines[-1].endswith("every table's count matches")
    assert "migrate-store: rows" in err  # the progress, off a terminal: one line a batch


def test_a_workspace_installed_after_the_copy_gets_its_own_row(
    deployment: Path, postgres_url: str, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    code, _, err = migrate(capsys, "--from", f"sqlite:///{deployment}", "--to", postgres_url)

    async def install_another() -> list[str | None]:
        async with await Store.open(parse_location(postgres_url)) as store:
            installations = slack_installations(store)
            await installations.async_save(installation("T2", now))
            found = [
                await installations.async_find_bot(enterprise_id=None, team_id=team)
                for team in ("T1", "T2")
            ]
            return [bot.bot_token if bot else None for bot in found]

    assert code == 0, err
    assert run_async(install_another()) == ["xoxb-T1", "xoxb-T2"]


def test_a_copy_run_again_after_an_interruption_finishes_without_duplicates(
    deployment: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    class Interrupted(Exception):
        pass

    def stop_after_three_batches(progress: CopyProgress) -> None:
        if progress.rows_done >= 30:
            raise Interrupted

    async def interrupted_copy() -> None:
        source = await Store.open(deployment)
        target = await Store.open(parse_location(postgres_url))
        try:
            with pytest.raises(Interrupted):
                await copy_store(
                    source.db, target.db, batch=10, on_progress=stop_after_three_batches
                )
        finally:
            await source.aclose()
            await target.aclose()

    run_async(interrupted_copy())
    assert 0 < len(run_async(every_row(postgres_url))["papers"]) < 74

    code, _, err = migrate(
        capsys, "--from", f"sqlite:///{deployment}", "--to", postgres_url, "--batch", "7"
    )

    assert code == 0, err
    assert run_async(every_row(postgres_url)) == run_async(every_row(deployment))


def test_a_table_whose_counts_differ_after_the_copy_exits_1_naming_it(
    deployment: Path, postgres_url: str, now: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    async def a_target_with_more() -> None:
        async with await Store.open(parse_location(postgres_url)) as target:
            await target.page_refs.shorten("a page only the target has", at=now)

    run_async(a_target_with_more())

    code, _, err = migrate(capsys, "--from", f"sqlite:///{deployment}", "--to", postgres_url)

    assert code == 1
    assert err.splitlines()[-1] == (
        "paperboy: migrate-store: page_refs: 1 row in the source, 2 in the target"
    )


@pytest.mark.usefixtures("deployment")
def test_a_target_that_is_not_a_store_url_is_one_line_exit_2_without_the_password(
    source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = migrate(
        capsys, "--from", f"sqlite:///{source}", "--to", "mysql://ada:s3cret@db/papers"
    )
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "paperboy: migrate-store --to: mysql://ada:***@db/papers: "
        "use postgresql://user:password@host:port/database"
    )
