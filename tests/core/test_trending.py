"""`trending` reads back the window it covers: today, the last N days, or the latest
featured day when nothing is newer, and says so when a page runs past the end."""

from __future__ import annotations

from datetime import datetime, timedelta

from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import Paper
from paperboy.core.replies import ListKind, Notice, PageRef, PaperList, Reply
from tests.marked import marked
from tests.people import ALICE


def listed(reply: Reply) -> tuple[str, list[str]]:
    assert isinstance(reply, PaperList), reply
    return reply.title, [card.paper.id for card in reply.cards]


async def test_each_window_counts_today_as_its_first_day(
    bot: Bot, library: Library, now: datetime
) -> None:
    today = now.date()
    await library.add_papers(
        [
            Paper(id="2503.00001", title="Today", abstract="x", featured=today, upvotes=1),
            Paper(id="2503.00002", title="Yesterday", abstract="x", featured=today - timedelta(1)),
            Paper(
                id="2503.00003", title="Two days ago", abstract="x", featured=today - timedelta(2)
            ),
        ],
        at=now,
    )
    assert listed(await bot.handle("trending", ALICE)) == (
        "Trending papers from today (1–1)",
        ["2503.00001"],
    )
    assert listed(await bot.handle("trending 2", ALICE)) == (
        "Trending papers from the last 2 days (1–2)",
        ["2503.00001", "2503.00002"],
    )
    assert listed(await bot.handle("trending 3", ALICE))[0] == (
        "Trending papers from the last 3 days (1–3)"
    )
    assert await bot.page(PageRef(ListKind.TRENDING, "1", 5), ALICE) == Notice(
        "No more trending papers from today."
    )


async def test_digest_commands_are_refused_as_an_error_when_digests_are_off(bot: Bot) -> None:
    for line in ("subscribe", "subscribe top", "unsubscribe", "digest"):
        answer = await bot.handle(line, ALICE)
        assert isinstance(answer, Notice)
        assert answer.error, line
        assert marked(answer.text) == "Daily digests are not set up on this bot."
