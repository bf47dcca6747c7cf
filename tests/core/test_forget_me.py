"""`forget me` through the Bot: what it counts, asks, deletes, and logs."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

import pytest

from paperboy.core.bot import Bot
from paperboy.core.commands import ForgetMe
from paperboy.core.library import Library
from paperboy.core.models import PersonalData, UserRef
from paperboy.core.people import PersonCommands
from paperboy.core.replies import Confirm, Notice, Question
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports, store_bot
from tests.marked import marked
from tests.people import ALICE, BOB

PAPERS = ("2407.06204", "2501.17635")
MARKED = "2308.10462"


@pytest.fixture
def bot(store: Store, library: Library, clock: Callable[[], datetime]) -> Bot:
    return store_bot(store, library, clock, follows=store.follows, people=store.people)


async def test_forget_me_counts_asks_then_deletes_only_the_askers_data(
    bot: Bot, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    nothing = await bot.handle("forget me", ALICE)
    assert isinstance(nothing, Notice)
    assert marked(nothing.text) == (
        "I keep nothing about you in this workspace: there is nothing to forget."
    )
    for paper_id in PAPERS:
        await bot.handle(f"save {paper_id}", ALICE)
        await bot.handle(f"save {paper_id}", BOB)
    await bot.handle(f"mark {MARKED}", ALICE)
    await bot.handle("follow author:LeCun", ALICE)
    asked = await bot.handle("forget me", ALICE)
    assert isinstance(asked, Question)
    assert (asked.confirm, asked.asked_for, asked.ephemeral) == (Confirm.FORGET_ME, "alice", True)
    assert marked(asked.text) == (
        "Forgetting you deletes everything I keep about you in this workspace:\n"
        "• 2 papers on your reading list\n"
        "• 1 paper you marked not for you\n"
        "• 1 follow\n"
        "Nothing is deleted yet. To delete it for good, press Forget me below, or type "
        "`forget me confirm`."
    )
    assert len(await store.reading_lists.titles(ALICE.user)) == 2  # nothing deleted yet
    # Bob pressing Alice's button deletes nothing.
    pressed = await bot.run(ForgetMe(confirmed=True, asked_for="alice"), BOB)
    assert isinstance(pressed, Notice)
    assert pressed.error
    assert marked(pressed.text) == (
        "That button is for the person who asked to be forgotten. To be forgotten "
        "yourself, use `forget me`."
    )
    assert len(await store.reading_lists.titles(BOB.user)) == 2
    caplog.set_level(logging.INFO, logger="paperboy.core.people")
    done = await bot.run(ForgetMe(confirmed=True, asked_for="alice"), ALICE)
    assert isinstance(done, Notice)
    assert marked(done.text) == (
        "Done: I deleted everything I kept about you in this workspace:\n"
        "• 2 papers on your reading list\n"
        "• 1 paper you marked not for you\n"
        "• 1 follow"
    )
    assert caplog.messages == [
        "forgot a person of slack workspace T1: 1 follows, 1 marks, 2 reading_list"
    ]
    assert await store.reading_lists.titles(ALICE.user) == []
    assert await store.marks.marked(ALICE.user) == []
    assert await store.follows.of(ALICE.user) == []
    assert len(await store.reading_lists.titles(BOB.user)) == 2
    again = await bot.handle("forget me confirm", ALICE)
    assert isinstance(again, Notice)
    assert marked(again.text) == (
        "I kept nothing about you in this workspace: nothing was deleted."
    )
    assert caplog.messages[-1] == "forgot a person of slack workspace T1: nothing"


async def test_without_buttons_forget_me_says_what_to_type_with_the_prefix(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    options = bot_options_for_tests()
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        people=store.people,
        options=dataclasses.replace(
            options,
            command_prefix="/papers ",
            platform_help=dataclasses.replace(options.platform_help, buttons=False),
        ),
    )
    await bot.handle(f"save {PAPERS[0]}", ALICE)
    asked = await bot.handle("forget me", ALICE)
    assert isinstance(asked, Question)
    assert marked(asked.text).endswith(
        "• 1 paper on your reading list\n"
        "Nothing is deleted yet. To delete it for good, type `/papers forget me confirm`."
    )
    pressed = await bot.run(ForgetMe(confirmed=True, asked_for="alice"), BOB)
    assert marked(pressed.text).endswith("use `/papers forget me`.")  # type: ignore[union-attr]


async def test_forget_me_says_when_it_is_not_set_up(
    bot: Bot, store: Store, library: Library
) -> None:
    off = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=bot.clock,
        options=bot_options_for_tests(),
    )
    answer = await off.handle("forget me confirm", ALICE)
    assert isinstance(answer, Notice)
    assert answer.error
    assert marked(answer.text) == "Forgetting people is not set up on this bot."
    # Nor is a workspace's data: leaving it deletes nothing and says so.
    left = await off.left_workspace("slack", "T1")
    assert (left.channels, dict(left.rows)) == (0, {})


async def test_leaving_a_workspace_deletes_its_data_and_logs_what(
    store: Store, library: Library, clock: Callable[[], datetime], caplog: pytest.LogCaptureFixture
) -> None:
    bot = store_bot(
        store,
        library,
        clock,
        follows=store.follows,
        workspaces=store.workspaces,
        options=bot_options_for_tests(),
    )
    elsewhere = dataclasses.replace(ALICE, user=dataclasses.replace(ALICE.user, workspace="T2"))
    for paper_id in PAPERS:
        await bot.handle(f"save {paper_id}", ALICE)
    await bot.handle(f"save {PAPERS[0]}", elsewhere)
    await bot.handle("follow author:LeCun", ALICE)
    caplog.set_level(logging.INFO, logger="paperboy.core.workspaces")
    forgotten = await bot.left_workspace("slack", "T1")
    assert forgotten.channels == 0
    assert dict(forgotten.rows) == {"saved_papers": 2, "follows": 1}
    assert caplog.messages == [
        "forgot slack workspace T1: subscriptions of 0 channels, 1 follows, 2 saved_papers"
    ]
    assert await store.reading_lists.titles(ALICE.user) == []
    assert await store.follows.of(ALICE.user) == []
    assert len(await store.reading_lists.titles(elsewhere.user)) == 1
    again = await bot.left_workspace("slack", "T1")
    assert (again.channels, dict(again.rows)) == (0, {})
    assert caplog.messages[-1] == (
        "forgot slack workspace T1: subscriptions of 0 channels, no other rows"
    )


class Digests:
    """The digest side of forgetting (DigestService's): what it was asked to forget."""

    def __init__(self, *, channels: int = 0, weekly: bool = False) -> None:
        self.channels = channels
        self.weekly = weekly
        self.forgotten: list[object] = []

    async def forget_workspace(self, platform: str, workspace: str) -> int:
        self.forgotten.append((platform, workspace))
        return self.channels

    async def forget_person(self, user: UserRef) -> bool:
        self.forgotten.append(user)
        return self.weekly


async def test_forgetting_stops_the_persons_weekly_message_and_the_workspaces_digests(
    store: Store, library: Library, clock: Callable[[], datetime], caplog: pytest.LogCaptureFixture
) -> None:
    digests = Digests(channels=2, weekly=True)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        people=store.people,
        workspaces=store.workspaces,
        digests=digests,  # type: ignore[arg-type]
        options=bot_options_for_tests(),
    )
    await bot.handle(f"save {PAPERS[0]}", ALICE)
    caplog.set_level(logging.INFO, logger="paperboy.core")
    done = await bot.handle("forget me confirm", ALICE)
    assert marked(done.text) == (  # type: ignore[union-attr]
        "Done: I deleted everything I kept about you in this workspace:\n"
        "• 1 paper on your reading list\n"
        "• your weekly foryou message"
    )
    assert digests.forgotten == [ALICE.user]
    forgotten = await bot.left_workspace("slack", "T1")
    assert digests.forgotten[-1] == ("slack", "T1")
    assert forgotten.channels == 2
    assert caplog.messages == [
        "forgot a person of slack workspace T1: 1 reading_list, 1 weekly",
        "forgot slack workspace T1: subscriptions of 2 channels, no other rows",
    ]


class CountedPerson:
    """A person store holding one saved paper and two digests the person set up."""

    async def count(self, user: UserRef) -> dict[PersonalData, int]:
        return {PersonalData.READING_LIST: 1, PersonalData.SET_UP: 2}

    async def forget(self, user: UserRef) -> dict[PersonalData, int]:
        return await self.count(user)


async def test_forget_me_names_the_digests_a_person_set_up_that_the_channel_keeps() -> None:
    commands = PersonCommands(people=CountedPerson(), digests=None)  # buttons, no prefix

    asked = await commands.forget_me(ALICE.user, ForgetMe())

    assert isinstance(asked, Question)
    assert marked(asked.text) == (
        "Forgetting you deletes everything I keep about you in this workspace:\n"
        "• 1 paper on your reading list\n"
        "• your user id on 2 channel digests or weekly lists you set up (the channel keeps it)\n"
        "Nothing is deleted yet. To delete it for good, press Forget me below, or type "
        "`forget me confirm`."
    )
