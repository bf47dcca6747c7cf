"""`follow`, `following`, `unfollow`, and `mark`/`unmark`, through the Bot: the answers
people read and what is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

import pytest

from paperboy.core.bot import Bot
from paperboy.core.follows import MAX_FOLLOWS
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, PostRef
from paperboy.core.replies import Notice, Reply
from paperboy.core.text import quote_title
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, store_bot
from tests.marked import marked
from tests.people import ALICE, BOB

MANAGER = dataclasses.replace(ALICE, can_manage_channel=True)
LORA_PAPER = "2308.10462"


@pytest.fixture
def bot(store: Store, library: Library, clock: Callable[[], datetime]) -> Bot:
    return store_bot(store, library, clock, follows=store.follows)


def notice(reply: Reply) -> Notice:
    assert isinstance(reply, Notice), reply
    return reply


async def test_a_follow_is_stored_confirmed_privately_and_listed(bot: Bot, store: Store) -> None:
    answer = notice(await bot.handle('follow author:"Yann LeCun"', ALICE))
    assert marked(answer.text) == (
        "Following author _Yann LeCun_: new papers that match come to you by direct "
        "message after each ingest. `following` lists your follows."
    )
    assert answer.ephemeral
    assert not answer.error
    words = notice(await bot.handle("follow graph neural networks", ALICE))
    assert marked(words.text).startswith("Following words _graph neural networks_: ")
    [author, topic] = await store.follows.of(ALICE.user)
    assert (author.kind, author.query, author.channel) == ("author", "Yann LeCun", "")
    assert (topic.kind, topic.query, topic.channel) == ("words", "graph neural networks", "")
    listed = notice(await bot.handle("following", ALICE))
    assert marked(listed.text) == (
        "Your follows:\n1. author _Yann LeCun_\n2. words _graph neural networks_\n"
        "`unfollow 1` stops the first."
    )
    # Bob's follows are his own.
    assert marked(notice(await bot.handle("following", BOB)).text) == (
        'You follow nothing yet. Try `follow author:"Yann LeCun"` or '
        "`follow graph neural networks`."
    )


async def test_the_same_follow_twice_is_kept_once(bot: Bot, store: Store) -> None:
    await bot.handle("follow author:LeCun", ALICE)
    again = notice(await bot.handle("follow author:LeCun", ALICE))
    assert marked(again.text) == "You already follow author _LeCun_."
    assert len(await store.follows.of(ALICE.user)) == 1


async def test_a_follow_here_posts_in_the_channel_and_only_a_manager_may_set_it(
    bot: Bot, store: Store
) -> None:
    refused = notice(await bot.handle("follow here diffusion models", ALICE))
    assert refused.error
    assert marked(refused.text) == (
        "Only people who can manage this channel can set a follow that posts here; "
        "without here, a follow comes to you by direct message."
    )
    silent = dataclasses.replace(MANAGER, can_post=False)
    cannot_post = notice(await bot.handle("follow here diffusion models", silent))
    assert cannot_post.error
    assert marked(cannot_post.text) == (
        "You may not post messages in this channel, so I will not post follows here for you."
    )
    assert await store.follows.of(ALICE.user) == []
    answer = notice(await bot.handle("follow here diffusion models", MANAGER))
    assert marked(answer.text) == (
        "Following words _diffusion models_ (posts in a channel): new papers that match "
        "come in this channel after each ingest. `following` lists your follows."
    )
    assert not answer.ephemeral
    [follow] = await store.follows.of(ALICE.user)
    assert follow.channel == ALICE.channel.channel
    assert marked(notice(await bot.handle("following", ALICE)).text).startswith(
        "Your follows:\n1. words _diffusion models_ (posts in a channel)\n"
    )


async def test_words_that_cannot_be_searched_are_not_followed(bot: Bot, store: Store) -> None:
    answer = notice(await bot.handle("follow the of and", ALICE))
    assert answer.error
    assert marked(answer.text) == (
        "None of those words can be searched (too common, or too short). "
        "Try `follow graph neural networks`."
    )
    assert await store.follows.of(ALICE.user) == []


async def test_at_most_max_follows_are_kept(bot: Bot, store: Store) -> None:
    for n in range(MAX_FOLLOWS):
        assert not notice(await bot.handle(f"follow author:Person{n} Name{n}", ALICE)).error
    over = notice(await bot.handle("follow author:One More", ALICE))
    assert over.error
    assert marked(over.text) == (
        f"You follow {MAX_FOLLOWS} authors and topics already, the most I keep. "
        "`following` lists them; `unfollow 1` stops one."
    )
    assert len(await store.follows.of(ALICE.user)) == MAX_FOLLOWS


async def test_unfollow_stops_the_numbered_follow(bot: Bot, store: Store) -> None:
    nothing = notice(await bot.handle("unfollow 1", ALICE))
    assert nothing.error
    assert marked(nothing.text) == "You follow nothing, so there is nothing to unfollow."
    await bot.handle("follow author:LeCun", ALICE)
    await bot.handle("follow graph neural networks", ALICE)
    out_of_range = notice(await bot.handle("unfollow 3", ALICE))
    assert out_of_range.error
    assert marked(out_of_range.text) == (
        "You have 2 follows, numbered 1 to 2; `following` lists them."
    )
    assert len(await store.follows.of(ALICE.user)) == 2
    done = notice(await bot.handle("unfollow 2", ALICE))
    assert marked(done.text) == "You no longer follow words _graph neural networks_."
    assert [f.query for f in await store.follows.of(ALICE.user)] == ["LeCun"]
    first = notice(await bot.handle("unfollow 1", ALICE))
    assert marked(first.text) == "You no longer follow author _LeCun_."
    assert await store.follows.of(ALICE.user) == []


async def test_follow_commands_say_when_follows_are_off(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    off = store_bot(
        store,
        library,
        clock,
        options=bot_options_for_tests(),
    )
    for line in ("follow author:LeCun", "following", "unfollow 1"):
        answer = notice(await off.handle(line, ALICE))
        assert answer.error
        assert marked(answer.text) == "Follows are not set up on this bot."


async def test_mark_and_unmark_a_paper_not_for_me(bot: Bot, store: Store) -> None:
    paper = await store.papers.get(LORA_PAPER)
    assert paper is not None
    title = quote_title(paper)
    marked_answer = notice(await bot.handle(f"mark {LORA_PAPER}", ALICE))
    assert marked(marked_answer.text) == (
        f"Marked {title} not for you: `foryou` leaves it out and suggests fewer like it. "
        f"`unmark {LORA_PAPER}` undoes it."
    )
    assert await store.marks.marked(ALICE.user) == [LORA_PAPER]
    assert await store.marks.marked(BOB.user) == []
    again = notice(await bot.handle(f"mark {LORA_PAPER}", ALICE))
    assert marked(again.text) == f"{title} is already marked not for you."
    unmarked = notice(await bot.handle(f"unmark {LORA_PAPER}", ALICE))
    assert marked(unmarked.text) == f"Unmarked {title}: `foryou` may suggest it again."
    assert await store.marks.marked(ALICE.user) == []
    not_marked = notice(await bot.handle(f"unmark {LORA_PAPER}", ALICE))
    assert not_marked.error
    assert marked(not_marked.text) == f"{LORA_PAPER} is not marked not for you."
    unknown = notice(await bot.handle("mark 2401.99999", ALICE))
    assert "2401.99999" in marked(unknown.text)
    assert await store.marks.marked(ALICE.user) == []


async def test_a_not_for_me_reaction_marks_and_its_removal_unmarks(bot: Bot, store: Store) -> None:
    post = PostRef(ChannelRef("slack", "T1", "C1"), "1700000000.000100")
    await store.posts.record(post, LORA_PAPER, at=bot.clock())
    paper = await store.papers.get(LORA_PAPER)
    assert paper is not None
    added = await bot.on_reaction(post, ALICE.user, ["-1"], added=True)
    assert added is not None
    assert marked(added.text) == (
        f"Marked {quote_title(paper)} not for you; remove the reaction to undo."
    )
    assert await store.marks.marked(ALICE.user) == [LORA_PAPER]
    assert await bot.on_reaction(post, ALICE.user, ["-1"], added=True) is None  # redelivered
    removed = await bot.on_reaction(post, ALICE.user, ["-1"], added=False)
    assert removed is not None
    assert marked(removed.text) == f"Unmarked {quote_title(paper)}."
    assert await store.marks.marked(ALICE.user) == []
    assert await bot.on_reaction(post, ALICE.user, ["-1"], added=False) is None
