"""`forget me` on the console: asking says what would go and to type `forget me confirm`
(there are no buttons here), deletes nothing; the typed confirmation deletes the person's
data and nobody else's."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest

from paperboy.adapters.console import CONSOLE_HELP, ConsoleAdapter
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import UserRef
from paperboy.store import Store
from tests.conftest import NOW, bot_options_for_tests, console_for, store_bot

PAPERS = ("2407.06204", "2501.17635")


@pytest.fixture
def console_bot(store: Store, library: Library, clock: Callable[[], datetime]) -> Bot:
    """The bot as `paperboy chat` builds it: the console's help, the store's people."""
    return store_bot(
        store,
        library,
        clock,
        follows=store.follows,
        people=store.people,
        options=bot_options_for_tests(page_size=5, platform_help=CONSOLE_HELP),
    )


def typed(console: ConsoleAdapter, out: io.StringIO) -> Callable[[str], Awaitable[str]]:
    """What the console prints in answer to one line."""

    async def answer(line: str) -> str:
        start = len(out.getvalue())
        await console.answer(line)
        return out.getvalue()[start:]

    return answer


async def saved(store: Store, user: UserRef) -> list[str]:
    return [s.paper.id for s in await store.reading_lists.list(user, limit=10)]


async def test_forget_me_asks_first_and_the_typed_confirmation_forgets(
    console_bot: Bot, store: Store
) -> None:
    out = io.StringIO()
    console = console_for(console_bot, store, stdout=out)
    me = console.user
    bob = UserRef(me.platform, me.workspace, "bob")  # someone else at this console's store
    elsewhere = UserRef("slack", "T1", me.user)  # the same id in another workspace
    for user in (bob, elsewhere):
        await store.reading_lists.save(user, PAPERS[0], at=NOW)
    for line in (*(f"save {p}" for p in PAPERS), f"mark {PAPERS[0]}", "follow author:Ada"):
        await console.answer(line)

    asked = await typed(console, out)("forget me")

    assert "2 papers on your reading list" in asked
    assert "1 paper you marked not for you" in asked
    assert "1 follow" in asked
    assert "Nothing is deleted yet" in asked
    assert "type forget me confirm." in asked
    assert "press" not in asked  # no button on a terminal
    assert sorted(await saved(store, me)) == sorted(PAPERS)

    done = await typed(console, out)("forget me confirm")

    assert done.startswith("Done: I deleted everything I kept about you in this workspace:")
    assert "2 papers on your reading list" in done
    assert await saved(store, me) == []
    assert await store.marks.marked(me) == []
    assert await store.follows.of(me) == []
    assert await saved(store, bob) == [PAPERS[0]]
    assert await saved(store, elsewhere) == [PAPERS[0]]
    again = await typed(console, out)("forget me")
    assert again.startswith("I keep nothing about you in this workspace")


async def test_forget_without_me_explains_and_deletes_nothing(
    console_bot: Bot, store: Store
) -> None:
    out = io.StringIO()
    console = console_for(console_bot, store, stdout=out)
    await console.answer(f"save {PAPERS[0]}")

    for line in ("forget", "forget everything", "forget me now", "forget me confirm please"):
        answer = await typed(console, out)(line)
        assert "forget me deletes everything I keep about you here" in answer, line

    assert await saved(store, console.user) == [PAPERS[0]]
