"""`top`: the papers this channel's people saved most from the bot's posts lately."""

from __future__ import annotations

from datetime import timedelta

import pytest

from paperboy.core.bot import Bot
from paperboy.core.models import ChannelRef, Context, PostRef, UserRef
from paperboy.core.replies import ListKind, Notice, PageRef, PaperList
from paperboy.core.team_top import TeamTop
from paperboy.store import Store
from tests.conftest import NOW
from tests.marked import marked
from tests.people import ALICE

HERE = ALICE.channel  # slack T1 C1
ELSEWHERE = ChannelRef("slack", "T1", "C2")
P1, P2, P3, P4 = "2407.06204", "2005.14165", "2104.08027", "2308.10462"


def person(name: str, workspace: str = "T1") -> UserRef:
    return UserRef("slack", workspace, name)


@pytest.fixture
async def saves(store: Store, bot: Bot) -> Store:
    """Posts in two channels of one workspace, and saves made before and after them."""
    days = lambda n: NOW - timedelta(days=n)  # noqa: E731
    for channel, message, paper, at in (
        (HERE, "m1", P1, days(3)),
        (HERE, "m2", P2, days(2)),
        (ELSEWHERE, "m3", P3, days(2)),
        (HERE, "m4", P4, NOW - timedelta(hours=1)),
        (HERE, "m5", P1, days(1)),  # posted again: still one paper
    ):
        await store.posts.record(PostRef(channel, message), paper, at=at)
    lists = store.reading_lists
    for name in ("u1", "u2", "u3"):
        await lists.save(person(name), P1, at=days(2))
    await lists.save(person("u1"), P2, at=days(1))
    await lists.save(person("u2"), P2, at=days(10))  # before the window (and the post)
    await lists.save(person("u1"), P3, at=days(1))  # posted in another channel only
    await lists.save(person("u1"), P4, at=days(2))  # saved before the bot posted it here
    await lists.save(person("u9", workspace="T2"), P1, at=days(1))  # another workspace
    return store


async def test_counts_saves_after_the_bot_posted_here_within_the_days(saves: Store) -> None:
    assert await saves.posts.most_saved(HERE, since=NOW - timedelta(days=7), limit=10) == [
        (P1, 3),
        (P2, 1),
    ]
    assert await saves.posts.most_saved(HERE, since=NOW - timedelta(days=1), limit=10) == [(P2, 1)]
    assert await saves.posts.most_saved(ELSEWHERE, since=NOW - timedelta(days=7), limit=10) == [
        (P3, 1)
    ]
    assert await saves.posts.most_saved(HERE, since=NOW - timedelta(days=7), limit=1) == [(P1, 3)]


async def test_top_shows_cards_with_their_save_counts(saves: Store, bot: Bot) -> None:
    reply = await bot.handle("top", ALICE)

    assert isinstance(reply, PaperList)
    assert reply.kind is ListKind.TOP
    assert reply.title == "Most saved here in the last 7 days"
    assert [(card.paper.id, card.saves) for card in reply.cards] == [(P1, 3), (P2, 1)]
    assert reply.more is None


async def test_a_channel_where_nothing_was_saved_gets_a_sentence(saves: Store, bot: Bot) -> None:
    quiet = Context(ALICE.user, ChannelRef("slack", "T1", "C3"))

    reply = await bot.handle("top 30", quiet)

    assert isinstance(reply, Notice)
    assert marked(reply.text).startswith(
        "Nobody here saved a paper from my posts in the last 30 days."
    )


async def test_a_forged_page_of_top_is_just_top(saves: Store, bot: Bot) -> None:
    reply = await bot.page(PageRef(ListKind.TOP, "1", 5), ALICE)

    assert isinstance(reply, PaperList)
    assert [(card.paper.id, card.saves) for card in reply.cards] == [(P2, 1)]


async def test_top_of_one_day_says_the_last_day_and_only_the_asker_sees_it(
    saves: Store, bot: Bot
) -> None:
    reply = await bot.handle("top 1", ALICE)

    assert isinstance(reply, PaperList)
    assert reply.title == "Most saved here in the last day"
    assert reply.ephemeral


async def test_an_empty_top_says_how_to_save_word_for_word(store: Store, bot: Bot) -> None:
    reply = await bot.handle("top", ALICE)
    assert reply == Notice(
        "Nobody here saved a paper from my posts in the last 7 days. React with 🔖 to a paper"
        " I post (or press Save) to save it.",
        ephemeral=True,
    )
    no_emoji = TeamTop(papers=store.papers, posts=store.posts, clock=lambda: NOW, save_emoji="")
    answer = await no_emoji.top(HERE, 1)
    assert isinstance(answer, Notice)
    assert marked(answer.text) == (
        "Nobody here saved a paper from my posts in the last day. React with the save emoji"
        " to a paper I post (or press Save) to save it."
    )


async def test_top_for_the_channel_itself_is_not_private(saves: Store) -> None:
    """The weekly list posts `top` for everyone in the channel, found or not."""
    team_top = TeamTop(papers=saves.papers, posts=saves.posts, clock=lambda: NOW, save_emoji="🔖")

    found = await team_top.top(HERE, 7, ephemeral=False)
    nothing = await team_top.top(ChannelRef("slack", "T1", "C3"), 7, ephemeral=False)

    assert isinstance(found, PaperList)
    assert not found.ephemeral
    assert isinstance(nothing, Notice)
    assert not nothing.ephemeral
