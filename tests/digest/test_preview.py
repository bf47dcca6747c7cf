"""Who may have a digest posted in a channel now (`digest`) or change it, and how often."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from paperboy.core.library import Library
from paperboy.core.models import Context, Paper, UserRef
from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice, Reply
from paperboy.store import Store
from tests.digest.test_service import ADMIN, CHANNEL, OTHER, PAPERS, Clock, Poster, service
from tests.marked import marked
from tests.specs import spec

MEMBER = Context(UserRef("discord", "G1", "U2"), CHANNEL, can_post=True)  # not a manager
MUTED_MANAGER = dataclasses.replace(ADMIN, can_post=False)  # manages, may not post here
UNKNOWN = Context(UserRef("slack", "T1", "U3"), CHANNEL)  # no adapter said anything


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 9, 0, 30, tzinfo=UTC))


@pytest.fixture
async def library(store: Store, sample_papers: list[Paper], wall: Clock) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers([*sample_papers, *PAPERS], at=wall())
    return library


def text(reply: Reply) -> str:
    assert isinstance(reply, Notice), reply
    return marked(reply.text)


@pytest.mark.parametrize(
    ("who", "answer"),
    [
        (MEMBER, "Only people who can manage this channel can post its digest."),
        (UNKNOWN, "Only people who can manage this channel can post its digest."),
        (MUTED_MANAGER, "You may not post messages in this channel, so I will not post"),
    ],
)
async def test_a_preview_is_refused_to_anyone_who_does_not_manage_or_may_not_post_in_the_channel(
    store: Store, library: Library, wall: Clock, who: Context, answer: str
) -> None:
    poster = Poster()
    reply = await service(store, library, poster, wall).preview(who)

    assert isinstance(reply, Notice)
    assert reply.error
    assert reply.ephemeral
    assert marked(reply.text).startswith(answer)
    assert poster.sent == {}


async def test_without_word_from_the_adapter_nobody_changes_a_digest(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)

    refused = await digests.subscribe(UNKNOWN, spec("09:00 UTC"))

    assert text(refused) == "Only people who can manage this channel can change its digest."
    assert await store.subscriptions.get(CHANNEL) is None


async def test_a_manager_who_may_not_post_here_is_answered_privately_not_in_the_channel(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)

    subscribed = await digests.subscribe(MUTED_MANAGER, spec("09:00 UTC"))
    unsubscribed = await digests.unsubscribe(MUTED_MANAGER)

    assert text(subscribed).startswith("This channel gets a daily digest")
    assert subscribed.ephemeral
    assert text(unsubscribed) == "This channel will no longer get a daily digest."
    assert unsubscribed.ephemeral
    assert not (await digests.subscribe(ADMIN, spec("09:00 UTC"))).ephemeral  # may post: for all


async def test_a_second_preview_within_the_cooldown_is_refused_and_allowed_after_it(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall, preview_cooldown=timedelta(minutes=5))
    assert text(await digests.preview(ADMIN)).startswith("Posted a preview digest of 5 papers")
    first = len(poster.sent[CHANNEL])

    wall.now += timedelta(seconds=70)
    refused = await digests.preview(ADMIN)
    other_channel = await digests.preview(dataclasses.replace(ADMIN, channel=OTHER))

    assert text(refused) == "A preview was posted here 1 min 10 s ago; try again in 3 min 50 s."
    assert refused.error  # type: ignore[union-attr]
    assert len(poster.sent[CHANNEL]) == first  # nothing more in that channel
    assert text(other_channel).startswith("Posted a preview")  # the cooldown is per channel
    wall.now += timedelta(seconds=229)
    assert "try again in 1 s" in text(await digests.preview(ADMIN))
    wall.now += timedelta(seconds=1)
    assert text(await digests.preview(ADMIN)).startswith("Posted a preview digest")
    assert len(poster.sent[CHANNEL]) == 2 * first


async def test_the_cooldown_holds_across_processes_sharing_the_store(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    one = service(store, library, poster, wall)
    another = service(store, library, poster, wall)  # a second replica on the same database

    await one.preview(ADMIN)
    wall.now += timedelta(seconds=5)
    refused = await another.preview(ADMIN)

    assert text(refused) == "A preview was posted here 5 s ago; try again in 4 min 55 s."


async def test_a_preview_that_posted_nothing_does_not_start_the_cooldown(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster(fail={CHANNEL: PostFailed("I am not in this channel", permanent=True)})
    digests = service(store, library, poster, wall)
    failed = await digests.preview(ADMIN)
    quiet = dataclasses.replace(ADMIN, channel=OTHER)
    await digests.subscribe(quiet, spec("09:00 UTC quantum chromodynamics"))
    nothing = await digests.preview(quiet)

    poster.fail.clear()  # the bot was invited; the topics were changed
    await digests.subscribe(quiet, spec("09:00 UTC diffusion"))

    assert text(failed).startswith("I could not post here: I am not in this channel")
    assert text(nothing) == "No new papers matching “quantum chromodynamics” today."
    assert text(await digests.preview(ADMIN)).startswith("Posted a preview digest")
    assert text(await digests.preview(quiet)).startswith("Posted a preview digest")


async def test_a_cooldown_of_zero_allows_every_preview(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall, preview_cooldown=timedelta(0))

    answers = [text(await digests.preview(ADMIN)) for _ in range(2)]

    assert all(a.startswith("Posted a preview digest") for a in answers)


async def test_a_one_paper_preview_starts_the_cooldown_and_its_header_is_for_everyone(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await digests.subscribe(ADMIN, spec("09:00 UTC papers:1"))

    assert text(await digests.preview(ADMIN)) == "Posted a preview digest of 1 paper."
    header, _paper = poster.sent[CHANNEL]
    assert isinstance(header, Notice)
    assert not header.ephemeral
    assert marked(header.text).startswith("Preview · ")
    wall.now += timedelta(seconds=5)
    assert text(await digests.preview(ADMIN)).startswith("A preview was posted here 5 s ago")


async def test_a_preview_where_no_adapter_runs_is_refused_as_an_error(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    elsewhere = dataclasses.replace(ADMIN, channel=dataclasses.replace(CHANNEL, platform="discord"))
    refused = await digests.preview(elsewhere)
    assert refused == Notice("Digests cannot be posted from here.", error=True)
    failed = await service(
        store, library, Poster(fail={OTHER: PostFailed("no access", permanent=True)}), wall
    ).preview(dataclasses.replace(ADMIN, channel=OTHER))
    assert failed == Notice("I could not post here: no access", error=True)
