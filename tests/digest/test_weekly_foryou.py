"""`foryou weekly`: a person's top papers of the week by direct message, as the digest
service runs it: what the person is told, what the message holds, exactly once, and a run
cut short that resumes with only the rest (the adapters' tests show it on Slack and
Discord; these run in-process with a controllable clock)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, Paper, PostRef, UserRef, WeeklyForYou
from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice, PaperPost, Reply
from paperboy.digest.service import DigestService
from paperboy.digest.weekly_foryou import RunWeekly
from paperboy.search import Recommendation
from paperboy.store import Store
from tests.digest.test_service import PAPERS, AnswersLost, Clock, Pauses, Poster, service
from tests.marked import marked
from tests.specs import weekly

PERSON = UserRef("slack", "T1", "U7")
NEIGHBOUR = UserRef("slack", "T1", "U8")
ELSEWHERE = UserRef("slack", "T2", "U7")
DM = ChannelRef("slack", "T1", "D-U7")
THURSDAY = date(2025, 3, 13)
SAVED = PAPERS[0]  # the paper the person saved, that the others are like
CHOSEN = [PAPERS[1].id, PAPERS[2].id, PAPERS[3].id]  # the ranking's order


@dataclass
class DirectPoster(Poster):
    """The Poster of the digest tests, with direct messages: D-<user> is each person's."""

    no_direct: set[UserRef] = field(default_factory=set)

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        if user in self.no_direct:
            raise PostFailed("messages to this person are turned off", permanent=True)
        return ChannelRef(user.platform, user.workspace, f"D-{user.user}")


@dataclass
class DirectAnswersLost(AnswersLost, DirectPoster):
    """Direct messages on a platform that loses the first answer to each (see AnswersLost)."""


@dataclass
class Ranking:
    """The `foryou` ranking port: the papers given, each like the person's saved one, or
    a Notice when there is nothing to rank from; records what it was asked."""

    found: list[str] | Notice = field(default_factory=lambda: list(CHOSEN))
    asked: list[tuple[UserRef, int | None, int]] = field(default_factory=list)
    like: str = SAVED.id

    async def ranked(
        self, user: UserRef, days: int | None, *, limit: int, offset: int = 0
    ) -> tuple[list[Recommendation], bool] | Notice:
        self.asked.append((user, days, limit))
        if isinstance(self.found, Notice):
            return self.found
        return [
            Recommendation(pid, 1.0 / (n + 1), self.like) for n, pid in enumerate(self.found)
        ], True


@dataclass
class Jobs:
    scheduled: dict[UserRef, WeeklyForYou] = field(default_factory=dict)
    runs: dict[UserRef, RunWeekly] = field(default_factory=dict)

    def schedule(self, weekly: WeeklyForYou, run: RunWeekly) -> None:
        self.scheduled[weekly.user] = weekly
        self.runs[weekly.user] = run

    def unschedule(self, user: UserRef) -> None:
        self.scheduled.pop(user, None)


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 9, 0, tzinfo=UTC))  # a Thursday


@pytest.fixture
async def library(store: Store, wall: Clock) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(PAPERS, at=wall())
    return library


def messages(
    store: Store,
    library: Library,
    poster: Poster,
    wall: Clock,
    *,
    ranking: Ranking | None = None,
    jobs: Jobs | None = None,
    **options: object,
) -> DigestService:
    return service(
        store,
        library,
        poster,
        wall,
        foryou=ranking or Ranking(),
        foryou_jobs=jobs or Jobs(),
        **options,
    )


def context(user: UserRef) -> Context:
    return Context(user, ChannelRef(user.platform, user.workspace, "C1"))


async def test_asking_for_a_weekly_message_stores_schedules_and_says_when(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    digests = messages(store, library, DirectPoster(), wall, jobs=jobs)

    reply = await digests.foryou_weekly(context(PERSON), weekly("friday 16:00 Europe/Berlin"))
    default = await digests.foryou_weekly(context(NEIGHBOUR), weekly(""))

    assert isinstance(reply, Notice)
    assert not reply.error
    assert marked(reply.text) == (
        "You get your top papers of the week by direct message every Friday at 16:00 "
        "Europe/Berlin. Next: Fri 14 Mar 16:00 Europe/Berlin. `foryou stop` stops it."
    )
    expected = WeeklyForYou(PERSON, 4, time(16, 0), "Europe/Berlin")
    assert jobs.scheduled[PERSON] == expected
    assert await store.weekly_foryou.get(PERSON) == expected
    # Without a time or zone, the digests' defaults (09:00 UTC); Monday's is next week.
    assert marked(default.text) == (  # type: ignore[union-attr]
        "You get your top papers of the week by direct message every Monday at 09:00 "
        "UTC. Next: Mon 17 Mar 09:00 UTC. `foryou stop` stops it."
    )
    assert await store.weekly_foryou.get(NEIGHBOUR) == WeeklyForYou(NEIGHBOUR, 0, time(9, 0), "UTC")


async def test_the_next_weekly_message_is_counted_in_the_persons_zone(
    store: Store, library: Library, wall: Clock
) -> None:
    """At the tests' Thursday 09:00 UTC it is already evening in Tokyo: Thursday's 10:00
    there has passed, the next message is a week away."""
    digests = messages(store, library, DirectPoster(), wall)

    reply = await digests.foryou_weekly(context(PERSON), weekly("thursday 10:00 Asia/Tokyo"))

    assert marked(reply.text).startswith(  # type: ignore[union-attr]
        "You get your top papers of the week by direct message every Thursday at 10:00 "
        "Asia/Tokyo. Next: Thu 20 Mar 10:00 Asia/Tokyo."
    )


async def test_a_weekly_message_that_cannot_reach_the_person_is_refused_and_not_stored(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    poster = DirectPoster(no_direct={PERSON})
    digests = messages(store, library, poster, wall, jobs=jobs)
    elsewhere = UserRef("discord", "G1", "U7")  # no Discord adapter runs

    refused = await digests.foryou_weekly(context(PERSON), weekly("friday 16:00"))
    unreachable = await digests.foryou_weekly(context(elsewhere), weekly("friday 16:00"))

    assert refused == Notice(
        "I cannot send you direct messages here, so I cannot send a weekly one.", error=True
    )
    assert unreachable == Notice("Weekly messages cannot be sent from here.", error=True)
    assert await store.weekly_foryou.active() == []
    assert jobs.scheduled == {}


async def test_foryou_stop_stops_it_and_says_so_once(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    digests = messages(store, library, DirectPoster(), wall, jobs=jobs)
    await digests.foryou_weekly(context(PERSON), weekly("friday 16:00"))
    await digests.foryou_weekly(context(NEIGHBOUR), weekly("friday 16:00"))

    stopped = await digests.foryou_stop(context(PERSON))
    again = await digests.foryou_stop(context(PERSON))

    assert stopped == Notice("You will no longer get a weekly message of papers for you.")
    assert isinstance(again, Notice)
    assert marked(again.text) == "You get no weekly message; `foryou weekly` starts one."
    assert list(jobs.scheduled) == [NEIGHBOUR]
    assert await store.weekly_foryou.active() == [WeeklyForYou(NEIGHBOUR, 4, time(16, 0), "UTC")]


async def test_a_bot_without_weekly_messages_says_so(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    digests = service(store, library, poster, wall)  # no ranking, no jobs
    off = Notice("Weekly foryou messages are not set up on this bot.", error=True)

    assert await digests.foryou_weekly(context(PERSON), weekly("friday 16:00")) == off
    assert await digests.foryou_stop(context(PERSON)) == off
    await digests.run_foryou_for_day(PERSON, THURSDAY)
    assert poster.sent == {}


async def test_the_weekly_message_is_a_header_then_each_paper_once_however_often_it_fires(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs, ranking = DirectPoster(), Jobs(), Ranking()
    digests = messages(store, library, poster, wall, jobs=jobs, ranking=ranking)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 10:00 Asia/Tokyo"))
    # Thursday 10:00 in Tokyo is 01:00 UTC: the job fires at 01:00 and again later.
    wall.now = datetime(2025, 3, 13, 1, 0, tzinfo=UTC)

    run = jobs.runs[PERSON]
    await asyncio.gather(run(PERSON), run(PERSON))
    wall.now += timedelta(hours=1)
    await run(PERSON)
    await digests.run_foryou_for_day(PERSON, THURSDAY)

    header, *papers = poster.sent[DM]
    assert isinstance(header, Notice)
    assert not header.ephemeral
    assert marked(header.text) == (
        "Your top papers of the week, Thursday 13 Mar: 3 chosen from what you saved"
    )
    assert all(isinstance(post, PaperPost) for post in papers)
    assert poster.papers(DM) == CHOSEN
    assert {post.card.because for post in papers} == {SAVED.title}  # type: ignore[attr-defined]
    assert all(post.card.snippet is not None for post in papers)  # type: ignore[attr-defined]
    assert ranking.asked == [(PERSON, 7, 5)]  # the last 7 days, the best 5
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"
    # Each paper's message is recorded as showing it: a save reaction on it saves it.
    shown = [await store.posts.paper_for(PostRef(DM, f"m{n}")) for n in (2, 3, 4)]
    assert shown == CHOSEN


@pytest.mark.parametrize(
    ("found", "header"),
    [
        (
            Notice("Save a paper first: `save ID`."),
            "Your papers of the week: none this time. Save a paper first: `save ID`.",
        ),
        (
            [],
            "Your papers of the week: none this time, you saved or marked every paper of it.",
        ),
    ],
)
async def test_a_week_with_nothing_to_send_says_so_once(
    store: Store, library: Library, wall: Clock, found: list[str] | Notice, header: str
) -> None:
    poster = DirectPoster()
    digests = messages(store, library, poster, wall, ranking=Ranking(found=found))
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    await digests.run_foryou_for_day(PERSON, THURSDAY)
    await digests.run_foryou_for_day(PERSON, THURSDAY)

    (said,) = poster.sent[DM]
    assert isinstance(said, Notice)
    assert not said.ephemeral
    assert marked(said.text) == header
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


async def test_a_paper_gone_from_the_store_since_it_was_chosen_is_left_out(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    gone = "2503.09999"  # ranked, never stored
    ranking = Ranking(found=[CHOSEN[0], gone, CHOSEN[1]])
    digests = messages(store, library, poster, wall, ranking=ranking)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    await digests.run_foryou_for_day(PERSON, THURSDAY)

    assert poster.papers(DM) == [CHOSEN[0], CHOSEN[1]]
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


async def test_a_failed_weekly_message_is_sent_whole_at_the_catch_up_and_logged(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = DirectPoster()
    digests = messages(store, library, poster, wall)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    poster.fail[DM] = PostFailed("Slack is down")

    with caplog.at_level(logging.INFO, logger="paperboy.digest.weekly_foryou"):
        await digests.run_foryou_for_day(PERSON, THURSDAY)
    assert poster.sent == {}
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "claimed"
    assert [
        r.getMessage() for r in caplog.records if r.name == "paperboy.digest.weekly_foryou"
    ] == [f"weekly foryou for {PERSON} on {THURSDAY} not sent: Slack is down"]

    del poster.fail[DM]
    wall.now += timedelta(hours=1)  # 10:00, within the grace period of the 08:00 run
    await messages(store, library, poster, wall).catch_up()

    assert len(poster.headers(DM)) == 1
    assert poster.papers(DM) == CHOSEN
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


async def test_a_weekly_message_whose_answers_were_lost_is_retried_under_its_keys_once(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectAnswersLost()
    digests = messages(store, library, poster, wall)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    await digests.run_foryou_for_day(PERSON, THURSDAY)

    assert len(poster.headers(DM)) == 1
    assert poster.papers(DM) == CHOSEN
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


@pytest.mark.parametrize(
    ("found", "after_restart"),
    [(CHOSEN, CHOSEN), ([], [])],  # a week with nothing to send: the header is all of it
)
async def test_a_header_in_flight_when_the_process_dies_is_never_sent_twice(
    store: Store, library: Library, wall: Clock, found: list[str], after_restart: list[str]
) -> None:
    class DiesAsItPosts(DirectPoster):  # the header goes out, the process is killed
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            await super().post(channel, reply, key=key)
            raise asyncio.CancelledError

    dying = DiesAsItPosts()
    digests = messages(store, library, dying, wall, ranking=Ranking(found=found))
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    with pytest.raises(asyncio.CancelledError):
        await digests.run_foryou_for_day(PERSON, THURSDAY)
    assert len(dying.headers(DM)) == 1

    restarted = DirectPoster()  # the ranking finds papers now: too late for an empty week
    await messages(store, library, restarted, wall).catch_up()

    assert restarted.headers(DM) == []
    assert restarted.papers(DM) == after_restart
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


async def test_a_paper_that_fails_mid_message_is_sent_at_the_catch_up_and_no_other_twice(
    store: Store, library: Library, wall: Clock
) -> None:
    class Failing(DirectPoster):  # the header and one paper go out, then a failure
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if len(self.sent.get(channel, [])) >= 2:
                raise PostFailed("Slack is down")
            return await super().post(channel, reply, key=key)

    failing = Failing()
    digests = messages(store, library, failing, wall)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    await digests.run_foryou_for_day(PERSON, THURSDAY)
    assert failing.papers(DM) == CHOSEN[:1]

    poster = DirectPoster(sent=failing.sent)
    await messages(store, library, poster, wall).catch_up()

    assert len(poster.headers(DM)) == 1
    assert poster.papers(DM) == CHOSEN  # the failed paper and the rest, none twice
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"


async def test_a_graceful_stop_between_papers_leaves_the_rest_for_the_next_start(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    pauses = Pauses(poster, free=1)  # the header and the first paper, then a pause
    digests = messages(store, library, poster, wall, sleep=pauses, pace_seconds=1)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    run = asyncio.create_task(digests.run_foryou_for_day(PERSON, THURSDAY))
    await poster.until(lambda: pauses.pausing > 0)
    await digests.drain(0)
    pauses.release()
    await run
    cut = poster.papers(DM)
    assert 0 < len(cut) < len(CHOSEN)
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "claimed"

    again = messages(store, library, poster, wall)
    await again.catch_up()
    assert len(poster.headers(DM)) == 1
    assert poster.papers(DM) == CHOSEN


async def test_a_stopping_bot_starts_no_weekly_message(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    digests = messages(store, library, poster, wall)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    await digests.drain(0)

    await digests.run_foryou_for_day(PERSON, THURSDAY)

    assert poster.sent == {}
    assert await store.weekly_foryou.status(PERSON, THURSDAY) is None


async def test_a_weekly_message_whose_adapter_is_not_running_waits_unclaimed(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    away = UserRef("discord", "G1", "U7")
    await store.weekly_foryou.put(WeeklyForYou(away, 3, time(8, 0), "UTC"), at=wall())
    digests = messages(store, library, DirectPoster(), wall)

    with caplog.at_level(logging.INFO, logger="paperboy.digest.weekly_foryou"):
        await digests.run_foryou_for_day(away, THURSDAY)

    assert await store.weekly_foryou.status(away, THURSDAY) is None
    assert [r.getMessage() for r in caplog.records] == [
        f"weekly foryou for {away} not sent: its adapter is not running"
    ]


async def test_a_run_that_raises_is_logged_and_another_persons_run_goes_on(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = DirectPoster()

    class Broken(Ranking):
        async def ranked(self, user: UserRef, days: int | None, **kwargs: int):  # type: ignore[override]
            if user == PERSON:
                raise RuntimeError("the index is gone")
            return await super().ranked(user, days, **kwargs)

    digests = messages(store, library, poster, wall, ranking=Broken())
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    await digests.foryou_weekly(context(NEIGHBOUR), weekly("thursday 08:00"))

    with caplog.at_level(logging.ERROR, logger="paperboy.digest.weekly_foryou"):
        await digests.run_foryou_for_day(PERSON, THURSDAY)
        await digests.run_foryou_for_day(NEIGHBOUR, THURSDAY)

    assert [r.getMessage() for r in caplog.records] == [
        f"weekly foryou for {PERSON} on {THURSDAY} failed"
    ]
    assert poster.papers(ChannelRef("slack", "T1", "D-U8")) == CHOSEN


async def test_forgetting_a_workspace_unschedules_its_peoples_weekly_messages(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    digests = messages(store, library, DirectPoster(), wall, jobs=jobs)
    for user in (PERSON, NEIGHBOUR, ELSEWHERE):
        await digests.foryou_weekly(context(user), weekly("friday 16:00"))

    await digests.forget_workspace("slack", "T1")

    assert list(jobs.scheduled) == [ELSEWHERE]
    assert await store.weekly_foryou.active() == [WeeklyForYou(ELSEWHERE, 4, time(16), "UTC")]


async def test_forgetting_a_person_stops_and_deletes_their_weekly_message_alone(
    store: Store, library: Library, wall: Clock
) -> None:
    """`forget me`: the person's weekly message goes, with its job; whether there was one
    is what the answer counts. Without weekly messages set up, the stored one still goes."""
    jobs = Jobs()
    digests = messages(store, library, DirectPoster(), wall, jobs=jobs)
    for user in (PERSON, NEIGHBOUR):
        await digests.foryou_weekly(context(user), weekly("friday 16:00"))

    assert await digests.forget_person(PERSON) is True
    assert await digests.forget_person(PERSON) is False

    assert list(jobs.scheduled) == [NEIGHBOUR]
    assert await store.weekly_foryou.active() == [WeeklyForYou(NEIGHBOUR, 4, time(16), "UTC")]
    off = service(store, library, DirectPoster(), wall)  # no weekly messages set up
    assert await off.forget_person(NEIGHBOUR) is True
    assert await store.weekly_foryou.active() == []
    assert list(jobs.scheduled) == [NEIGHBOUR]  # that bot had no job of it to stop


async def test_the_weekly_paper_posts_are_ordinary_papers_of_the_store(
    store: Store, library: Library, wall: Clock
) -> None:
    """The papers sent are the stored ones (title, abstract), not the ranking's ids."""
    poster = DirectPoster()
    digests = messages(store, library, poster, wall)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    await digests.run_foryou_for_day(PERSON, THURSDAY)

    stored: dict[str, Paper] = {paper.id: paper for paper in PAPERS}
    for post in poster.sent[DM][1:]:
        assert isinstance(post, PaperPost)
        assert post.card.paper.title == stored[post.card.paper.id].title


async def test_a_message_whose_job_fires_late_is_for_the_local_day_it_was_due(
    store: Store, library: Library, wall: Clock
) -> None:
    """Wednesday 23:30 in Honolulu is Thursday 09:30 UTC; the job, 40 minutes late, runs
    on Thursday there: the message is still Wednesday's, and says so."""
    poster, jobs = DirectPoster(), Jobs()
    digests = messages(store, library, poster, wall, jobs=jobs)
    await digests.foryou_weekly(context(PERSON), weekly("wednesday 23:30 Pacific/Honolulu"))
    wall.now = datetime(2025, 3, 13, 10, 10, tzinfo=UTC)  # Thursday 00:10 in Honolulu

    await jobs.runs[PERSON](PERSON)

    assert poster.headers(DM) == [
        "Your top papers of the week, Wednesday 12 Mar: 3 chosen from what you saved"
    ]
    assert await store.weekly_foryou.status(PERSON, date(2025, 3, 12)) == "done"


async def test_the_catch_up_sends_every_missed_message_past_one_already_sent(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    digests = messages(store, library, poster, wall)
    for user in (PERSON, NEIGHBOUR):
        await digests.foryou_weekly(context(user), weekly("thursday 08:00"))
    await digests.run_foryou_for_day(PERSON, THURSDAY)  # sent before the restart

    await messages(store, library, poster, wall).catch_up()

    assert len(poster.headers(DM)) == 1
    assert poster.papers(ChannelRef("slack", "T1", "D-U8")) == CHOSEN


async def test_a_message_started_again_after_a_restart_runs_when_its_job_fires(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    await messages(store, library, poster, wall).foryou_weekly(
        context(PERSON), weekly("thursday 10:00")
    )
    jobs = Jobs()
    await messages(store, library, poster, wall, jobs=jobs).start()  # a restart
    wall.now = datetime(2025, 3, 13, 10, 0, tzinfo=UTC)

    await jobs.runs[PERSON](PERSON)

    assert poster.papers(DM) == CHOSEN


async def test_the_log_tells_an_operator_what_became_of_each_weekly_message(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = DirectPoster(no_direct={NEIGHBOUR})
    digests = messages(store, library, poster, wall)
    caplog.set_level(logging.INFO, logger="paperboy.digest.weekly_foryou")
    await digests.foryou_weekly(context(NEIGHBOUR), weekly("thursday 08:00"))
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    await digests.run_foryou_for_day(PERSON, THURSDAY)
    await digests.run_foryou_for_day(PERSON, THURSDAY)

    assert [r.getMessage() for r in caplog.records] == [
        f"no direct messages with {NEIGHBOUR}: messages to this person are turned off",
        f"weekly foryou for {PERSON} on {THURSDAY} sent: 3 papers",
        f"weekly foryou for {PERSON} on {THURSDAY} already sent",
    ]
    # Each paper is recorded as sent, so none is sent again.
    assert [status for _, _, status in await store.weekly_foryou.planned(PERSON, THURSDAY)] == [
        "sent"
    ] * 3


async def test_a_weekly_message_without_a_time_takes_the_configured_default(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = messages(store, library, DirectPoster(), wall, default_time=time(7, 30))

    reply = await digests.foryou_weekly(context(PERSON), weekly("friday"))

    assert marked(reply.text).startswith(  # type: ignore[union-attr]
        "You get your top papers of the week by direct message every Friday at 07:30 UTC."
        " Next: Fri 14 Mar 07:30 UTC."
    )


async def test_the_papers_chosen_before_a_failed_header_are_the_ones_sent_later(
    store: Store, library: Library, wall: Clock
) -> None:
    """Chosen once and written down: a ranking that changes before the catch-up changes
    nothing of that week's message."""
    poster, ranking = DirectPoster(), Ranking()
    digests = messages(store, library, poster, wall, ranking=ranking)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    poster.fail[DM] = PostFailed("Slack is down")
    await digests.run_foryou_for_day(PERSON, THURSDAY)
    del poster.fail[DM]
    ranking.found = [PAPERS[4].id, PAPERS[5].id]

    await messages(store, library, poster, wall, ranking=ranking).catch_up()

    assert poster.papers(DM) == CHOSEN
    assert len(ranking.asked) == 1


async def test_a_paper_like_a_save_since_deleted_is_sent_without_the_because(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = DirectPoster()
    ranking = Ranking(like="2503.09998")  # saved once, gone from the store since
    digests = messages(store, library, poster, wall, ranking=ranking)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))

    await digests.run_foryou_for_day(PERSON, THURSDAY)

    assert poster.papers(DM) == CHOSEN
    assert {post.card.because for post in poster.sent[DM][1:]} == {None}  # type: ignore[attr-defined]


async def test_a_paper_another_process_began_meanwhile_is_left_to_it_and_the_rest_is_sent(
    store: Store, library: Library, wall: Clock
) -> None:
    """Another replica begins sending the second paper while this one waits for its
    turn: this one leaves that paper to it and sends the third, then ends the message."""
    poster = DirectPoster()
    pauses = Pauses(poster, free=1)  # the header and the first paper, then a pause
    digests = messages(store, library, poster, wall, sleep=pauses, pace_seconds=1)
    await digests.foryou_weekly(context(PERSON), weekly("thursday 08:00"))
    run = asyncio.create_task(digests.run_foryou_for_day(PERSON, THURSDAY))
    await poster.until(lambda: pauses.pausing > 0)
    assert poster.papers(DM) == CHOSEN[:1]

    assert await store.weekly_foryou.begin(PERSON, THURSDAY, CHOSEN[1])  # the other replica
    pauses.release()
    await run

    assert poster.papers(DM) == [CHOSEN[0], CHOSEN[2]]
    assert await store.weekly_foryou.status(PERSON, THURSDAY) == "done"
