"""The papers new to the index sent to the follows they match (core/follow_alerts.py), in
process: which place gets which papers, once, in what words, and what is logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from paperboy.core.follow_alerts import MAX_LISTED, FollowAlerts
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Paper, UserRef
from paperboy.core.pacing import PostPacing
from paperboy.core.ports import PostFailed
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice, Reply
from paperboy.store import Store
from tests.marked import marked

ALICE = UserRef("slack", "T1", "alice")
BOB = UserRef("slack", "T1", "bob")
CAROL = UserRef("discord", "G1", "carol")  # a platform that is not running


@dataclass
class Poster:
    platform: str = "slack"
    paced: bool = False
    sent: list[tuple[ChannelRef, Reply]] = field(default_factory=list)
    no_dms_for: set[str] = field(default_factory=set)

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        self.sent.append((channel, reply))
        return f"m{len(self.sent)}"

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        if user.user in self.no_dms_for:
            raise PostFailed("direct messages are closed", permanent=True)
        return ChannelRef(user.platform, user.workspace, f"D-{user.user}")

    def texts(self) -> list[tuple[str, str]]:
        return [(c.channel, marked(r.text)) for c, r in self.sent if isinstance(r, Notice)]


def new(paper_id: str, title: str, *authors: str, abstract: str = "") -> Paper:
    return Paper(
        paper_id,
        title,
        abstract or f"{title}. An abstract.",
        authors=authors,
        published=date(2025, 3, 19),
    )


@pytest.fixture
def poster() -> Poster:
    return Poster()


def follow_alerts(
    store: Store, poster: Poster, now: datetime, *, search: Any, **options: Any
) -> FollowAlerts:
    """Follow alerts on `store` that post through `poster` without pacing, matching with
    `search` (the library, or a stand-in)."""
    publisher = Publisher(
        posts=store.posts,
        clock=lambda: now,
        pacing=PostPacing(channel_interval=0, rate=0),
        posters=[poster],
    )
    return FollowAlerts(
        follows=store.follows,
        papers=store.papers,
        search=search,
        publisher=publisher,
        clock=lambda: now,
        **options,
    )


@pytest.fixture
def alerts(store: Store, library: Library, poster: Poster, now: datetime) -> FollowAlerts:
    return follow_alerts(store, poster, now, search=library)


async def test_each_place_gets_one_message_of_its_matches_once(
    alerts: FollowAlerts,
    store: Store,
    library: Library,
    poster: Poster,
    now: datetime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="paperboy.core.follow_alerts")
    await store.follows.add(ALICE, "author", "Yann LeCun", at=now)
    await store.follows.add(ALICE, "words", "quantum error correction", at=now)
    await store.follows.add(ALICE, "author", "Y. LeCun", at=now)  # the same paper: listed once
    await store.follows.add(BOB, "author", "LeCun", channel="C9", at=now)
    await store.follows.add(CAROL, "author", "LeCun", at=now)
    papers = [
        new("2503.90001", "Energy-based world models", "Y. LeCun", "A. Other"),
        new("2503.90002", "Quantum error correction with surface codes", "Q. Bit"),
        new("2503.90003", "Cooking robots", "C. Chef", abstract="Cooking, and quantum once."),
    ]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    assert poster.texts() == [
        (
            "D-alice",
            "2 new papers for what you follow:\n"
            "1. _Energy-based world models_ (2503.90001), by Yann LeCun"
            " — https://arxiv.org/abs/2503.90001\n"
            "2. _Quantum error correction with surface codes_ (2503.90002), about quantum "
            "error correction — https://arxiv.org/abs/2503.90002",
        ),
        (
            "C9",
            "1 new paper for what you follow:\n"
            "1. _Energy-based world models_ (2503.90001), by LeCun"
            " — https://arxiv.org/abs/2503.90001",
        ),
    ]
    assert not any(reply.ephemeral for _, reply in poster.sent)  # type: ignore[attr-defined]
    assert caplog.messages == [
        "follows sent 2 papers to user:alice",
        "follows sent 1 papers to channel:C9",
    ]
    # The next ingest brings them again (another process stored them too): nothing twice.
    await alerts.new_papers([paper.id for paper in papers])
    assert len(poster.sent) == 2


async def test_a_long_list_is_cut_and_counted(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    await store.follows.add(ALICE, "author", "Ada Lovelace", at=now)
    long_title = "A study " + "of engines " * 12
    papers = [new(f"2503.9{n:04d}", f"{long_title}{n}", "Ada Lovelace") for n in range(10)]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    [(channel, said)] = poster.texts()
    assert channel == "D-alice"
    lines = said.split("\n")
    assert lines[0] == "10 new papers for what you follow:"
    assert len(lines) == 1 + MAX_LISTED + 1
    assert lines[1] == (
        "1. _A study of engines of engines of engines of engines of engines of engines of "
        "engines of engines of…_ (2503.90000), by Ada Lovelace — https://arxiv.org/abs/2503.90000"
    )
    assert lines[MAX_LISTED].startswith(f"{MAX_LISTED}. _A study ")
    assert lines[-1] == "… and 2 more; `search` finds them, `following` lists your follows."


async def test_a_place_that_cannot_be_reached_is_logged_and_not_retried(
    alerts: FollowAlerts,
    store: Store,
    library: Library,
    poster: Poster,
    now: datetime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    poster.no_dms_for.add("alice")
    await store.follows.add(ALICE, "author", "LeCun", at=now)
    await store.follows.add(BOB, "author", "LeCun", at=now)
    paper = new("2503.90001", "Energy-based world models", "Y. LeCun")
    await library.add_papers([paper], at=now)
    caplog.set_level(logging.INFO, logger="paperboy.core.follow_alerts")
    await alerts.new_papers([paper.id])
    assert [channel for channel, _ in poster.texts()] == ["D-bob"]
    assert caplog.messages == [
        "follows not sent to user:alice: direct messages are closed",
        "follows sent 1 papers to user:bob",
    ]
    poster.no_dms_for.clear()
    await alerts.new_papers([paper.id])
    assert [channel for channel, _ in poster.texts()] == ["D-bob"]


async def test_nothing_new_or_no_follows_sends_nothing_and_a_failure_is_one_log_line(
    store: Store, library: Library, poster: Poster, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        async def search(self, query: str, *, limit: int, among: object = None) -> list[object]:
            raise RuntimeError("index gone")

    alerts = follow_alerts(store, poster, now, search=Broken())
    paper = new("2503.90001", "Quantum error correction", "Q. Bit")
    await library.add_papers([paper], at=now)
    await alerts.new_papers([paper.id])  # no follows yet
    await store.follows.add(ALICE, "words", "quantum error correction", at=now)
    await alerts.new_papers([])
    assert poster.sent == []
    caplog.set_level(logging.INFO, logger="paperboy.core.follow_alerts")
    await alerts.new_papers([paper.id])
    assert poster.sent == []
    [record] = caplog.records
    assert record.getMessage() == "follows after the ingest of 1 new papers failed"
    assert record.levelno == logging.ERROR


async def test_an_author_follow_matches_authors_not_words(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    await store.follows.add(ALICE, "author", "LeCun", at=now)
    papers = [
        new("2503.90001", "Energy-based world models", "Y. LeCun"),
        new("2503.90002", "A reply to LeCun on world models", "A. Critic"),
    ]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    assert poster.texts() == [
        (
            "D-alice",
            "1 new paper for what you follow:\n"
            "1. _Energy-based world models_ (2503.90001), by LeCun"
            " — https://arxiv.org/abs/2503.90001",
        )
    ]


async def test_words_that_match_nothing_stored_leave_the_other_follows_their_papers(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    await store.follows.add(ALICE, "words", "zebra quagga", at=now)
    await store.follows.add(BOB, "words", "language", at=now)  # a common word: low scores
    paper = new("2503.90001", "Language and more language", "A. Writer")
    await library.add_papers([paper], at=now)
    await alerts.new_papers([paper.id])
    assert [channel for channel, _ in poster.texts()] == ["D-bob"]


async def test_words_are_matched_among_the_new_papers_against_the_best_stored_one(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    older = new("2503.90001", "Zebra quagga zebra quagga", "A. Zoologist")
    await library.add_papers([older], at=now)
    await store.follows.add(ALICE, "words", "zebra quagga", at=now)
    papers = [
        new("2503.90002", "Zebra quagga zebra quagga", "B. Zoologist"),
        new("2503.90003", "Zebra stripes, and a quagga once, among many other words", "C. Z"),
    ]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    [(_, said)] = poster.texts()
    assert "(2503.90002)" in said
    assert "(2503.90001)" not in said  # not new: sent when it was


async def test_a_threshold_of_one_sends_the_best_match_itself(
    store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    alerts = follow_alerts(store, poster, now, search=library, threshold=1.0)
    await store.follows.add(ALICE, "words", "zebra quagga", at=now)
    papers = [
        new("2503.90002", "Zebra quagga zebra quagga", "B. Zoologist"),
        new("2503.90003", "Zebra stripes, and a quagga once, among many other words", "C. Z"),
    ]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    [(_, said)] = poster.texts()
    assert said.startswith(
        "1 new paper for what you follow:\n1. _Zebra quagga zebra quagga_ (2503.90002)"
    )


async def test_a_paper_without_a_page_and_a_list_of_exactly_the_most_shown(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    await store.follows.add(ALICE, "author", "Ada Lovelace", at=now)
    papers = [
        Paper(f"team-00{n}", f"Engines {n}", "Notes on engines.", authors=("Ada Lovelace",))
        for n in range(1, MAX_LISTED + 1)
    ]
    await library.add_papers(papers, at=now)
    await alerts.new_papers([paper.id for paper in papers])
    [(_, said)] = poster.texts()
    lines = said.split("\n")
    assert len(lines) == 1 + MAX_LISTED  # no "… and 0 more"
    assert "1. _Engines 1_ (team-001), by Ada Lovelace" in lines


async def test_a_place_already_sent_its_papers_does_not_stop_the_next_place(
    alerts: FollowAlerts, store: Store, library: Library, poster: Poster, now: datetime
) -> None:
    await store.follows.add(ALICE, "author", "LeCun", at=now)
    paper = new("2503.90001", "Energy-based world models", "Y. LeCun")
    await library.add_papers([paper], at=now)
    await alerts.new_papers([paper.id])
    await store.follows.add(BOB, "author", "LeCun", at=now)
    await alerts.new_papers([paper.id])  # another process stored it again
    assert [channel for channel, _ in poster.texts()] == ["D-alice", "D-bob"]
