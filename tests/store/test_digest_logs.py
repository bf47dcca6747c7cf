"""A channel's daily digest runs and the papers each sent, on SQLite and PostgreSQL: one
run per channel and local day, a failed one tried again, a missed one skipped (never
over one done); each paper of a channel begun once, in the order posted."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from paperboy.core.models import ChannelRef, Paper
from paperboy.core.ports import HEADER_POSTING, DigestRun
from paperboy.store import Store, parse_location
from paperboy.store.schema import digest_runs
from tests.conftest import NOW

HERE = ChannelRef("slack", "T1", "C1")
NOT_HERE = (
    ChannelRef("slack", "T1", "C2"),
    ChannelRef("slack", "T2", "C1"),
    ChannelRef("discord", "T1", "C1"),
)
DAY = date(2025, 3, 20)
NEXT_DAY = DAY + timedelta(days=1)


def paper(n: int) -> Paper:
    return Paper(f"2503.0000{n}", f"Paper {n}", f"Abstract {n}.", featured=date(2025, 3, 13))


async def attempts(store: Store, channel: ChannelRef, day: date) -> int:
    c = digest_runs.c
    row = await store.db.fetchone(
        select(c.attempts).where(
            c.platform == channel.platform,
            c.workspace == channel.workspace,
            c.channel == channel.channel,
            c.local_date == day.isoformat(),
        )
    )
    assert row is not None
    return int(row[0])


async def test_a_run_is_one_channels_one_day(store: Store) -> None:
    runs = store.digest_runs
    assert await runs.run(HERE, DAY) is None
    assert await runs.claim(HERE, DAY, at=NOW) == DigestRun(HERE, DAY, "claimed", None)

    await runs.finish(HERE, DAY, status="done", at=NOW)
    assert await runs.run(HERE, DAY) == DigestRun(HERE, DAY, "done", None)
    for other in NOT_HERE:
        assert await runs.run(other, DAY) is None
        assert (await runs.claim(other, DAY, at=NOW)).status == "claimed"
    assert await runs.run(HERE, NEXT_DAY) is None
    assert (await runs.claim(HERE, NEXT_DAY, at=NOW)).status == "claimed"


async def test_a_failed_run_is_claimed_again_one_more_attempt_each_time(store: Store) -> None:
    runs = store.digest_runs
    await runs.claim(HERE, DAY, at=NOW)
    await runs.claim(NOT_HERE[0], DAY, at=NOW)
    assert await attempts(store, HERE, DAY) == 1
    await runs.finish(HERE, DAY, status="failed", at=NOW)
    failed = await runs.run(HERE, DAY)
    assert failed is not None
    assert failed.status == "failed"

    again = await runs.claim(HERE, DAY, at=NOW + timedelta(minutes=5))
    assert again.status == "claimed"
    assert await attempts(store, HERE, DAY) == 2
    assert await attempts(store, NOT_HERE[0], DAY) == 1  # another channel's run: untouched
    await runs.finish(HERE, DAY, status="done", at=NOW)
    assert (await runs.claim(HERE, DAY, at=NOW)).status == "done"
    assert await attempts(store, HERE, DAY) == 2  # a done run is not tried again


async def test_a_missed_run_is_skipped_but_a_done_one_stays_done(store: Store) -> None:
    runs = store.digest_runs
    await runs.skip(HERE, DAY, at=NOW)  # never claimed
    await runs.claim(HERE, NEXT_DAY, at=NOW)
    await runs.skip(HERE, NEXT_DAY, at=NOW)  # claimed, never finished
    await runs.claim(NOT_HERE[0], DAY, at=NOW)
    await runs.finish(NOT_HERE[0], DAY, status="done", at=NOW)
    await runs.skip(NOT_HERE[0], DAY, at=NOW)

    for channel, day, status in (
        (HERE, DAY, "skipped"),
        (HERE, NEXT_DAY, "skipped"),
        (NOT_HERE[0], DAY, "done"),
    ):
        run = await runs.run(channel, day)
        assert run is not None
        assert run.status == status
    assert (await runs.claim(HERE, DAY, at=NOW)).finished  # a skipped run is never posted


async def test_the_header_is_begun_once_per_run_and_kept(store: Store) -> None:
    runs = store.digest_runs
    await runs.claim(HERE, DAY, at=NOW)
    await runs.claim(NOT_HERE[0], DAY, at=NOW)
    assert await runs.begin_header(HERE, DAY)
    assert not await runs.begin_header(HERE, DAY)
    posting = await runs.run(HERE, DAY)
    assert posting is not None
    assert posting.header_id == HEADER_POSTING
    await runs.set_header(HERE, DAY, "header-1")

    claimed = await runs.claim(HERE, DAY, at=NOW)  # a restart resumes with the header
    assert claimed.header_id == "header-1"
    other = await runs.run(NOT_HERE[0], DAY)
    assert other is not None
    assert other.header_id is None  # the other channel's header is its own
    assert await runs.begin_header(NOT_HERE[0], DAY)


async def test_a_runs_papers_list_in_posting_order_each_begun_once_per_channel(
    store: Store,
) -> None:
    items = store.digest_items
    await store.papers.upsert([paper(n) for n in range(1, 5)], at=NOW)
    for channel in (HERE, NOT_HERE[0]):
        await store.digest_runs.claim(channel, DAY, at=NOW)
    await store.digest_runs.claim(HERE, NEXT_DAY, at=NOW)
    # begun in another order than posted (a resumed run), neither of them the ids' order
    for n, position in ((3, 1), (1, 2), (2, 0)):
        assert await items.begin(HERE, DAY, paper(n).id, position=position, at=NOW)
    assert not await items.begin(HERE, NEXT_DAY, paper(1).id, position=0, at=NOW)  # sent already
    assert await items.begin(HERE, NEXT_DAY, paper(4).id, position=0, at=NOW)
    assert await items.begin(NOT_HERE[0], DAY, paper(1).id, position=0, at=NOW)
    await items.sent(HERE, paper(1).id, "m1", at=NOW)

    assert await items.items(HERE, DAY) == [
        (paper(2).id, "posting"),
        (paper(3).id, "posting"),
        (paper(1).id, "sent"),
    ]
    assert await items.items(HERE, NEXT_DAY) == [(paper(4).id, "posting")]
    assert await items.items(NOT_HERE[0], DAY) == [(paper(1).id, "posting")]  # not sent there
    assert await items.sent_papers(HERE) == {paper(n).id for n in (1, 2, 3, 4)}
    for other in NOT_HERE[1:]:
        assert await items.sent_papers(other) == set()
        assert await items.items(other, DAY) == []


async def test_a_claim_is_renewed_only_for_its_own_unfinished_run(store: Store) -> None:
    """The holder of several runs renews each apart: a finished one is no longer held,
    whatever other runs the holder still has."""
    runs = store.digest_runs
    await runs.claim(HERE, DAY, at=NOW)
    await runs.claim(NOT_HERE[0], DAY, at=NOW)
    await runs.claim(HERE, NEXT_DAY, at=NOW)
    await runs.finish(HERE, DAY, status="done", at=NOW)

    assert not await runs.renew(HERE, DAY, at=NOW)
    assert await runs.renew(NOT_HERE[0], DAY, at=NOW)
    assert await runs.renew(HERE, NEXT_DAY, at=NOW)


async def test_a_failed_paper_is_forgotten_alone(store: Store) -> None:
    items = store.digest_items
    await store.papers.upsert([paper(1), paper(2)], at=NOW)
    await store.digest_runs.claim(HERE, DAY, at=NOW)
    for position, n in enumerate((1, 2)):
        await items.begin(HERE, DAY, paper(n).id, position=position, at=NOW)

    await items.forget(HERE, paper(1).id)  # refused; the other is still on its way

    assert await items.items(HERE, DAY) == [(paper(2).id, "posting")]


async def test_a_released_claim_is_no_longer_ours_and_frees_only_its_own_run(
    store: Store, store_location: Path | str
) -> None:
    """A graceful stop releases the run it was posting: another process takes that one at
    once, not the holder's other runs, and the holder cannot renew what it gave up."""
    runs = store.digest_runs
    await runs.claim(HERE, DAY, at=NOW)
    await runs.claim(NOT_HERE[0], DAY, at=NOW)
    await runs.claim(HERE, NEXT_DAY, at=NOW)

    await runs.release(HERE, DAY)

    assert not await runs.renew(HERE, DAY, at=NOW)
    location = parse_location(store_location) if isinstance(store_location, str) else store_location
    async with await Store.open(location, holder="replica-2/1/beef") as other:
        assert (await other.digest_runs.claim(HERE, DAY, at=NOW)).status == "claimed"
        held = await other.digest_runs.claim(NOT_HERE[0], DAY, at=NOW)
        assert held == DigestRun(NOT_HERE[0], DAY, "held", None)
        assert (await other.digest_runs.claim(HERE, NEXT_DAY, at=NOW)).held_elsewhere
