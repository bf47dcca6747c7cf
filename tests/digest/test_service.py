"""The digest service: subscriptions, exactly-once posting, resume, grace, failures."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time as os_time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from paperboy.app import digest_options, digest_store
from paperboy.config import Settings
from paperboy.core import log_context
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import (
    ChannelRef,
    Context,
    Paper,
    PostRef,
    Subscription,
    UserRef,
    WeeklyForYou,
    WeeklyTop,
)
from paperboy.core.pacing import PostPacing
from paperboy.core.ports import PostFailed, Recommender
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice, PaperPost, Reply
from paperboy.core.telemetry import NO_METRICS, Metrics
from paperboy.digest.service import DigestService, WeeklyJobs
from paperboy.digest.weekly_foryou import ForYouRanking, WeeklyForYouJobs
from paperboy.ops.metrics import PrometheusMetrics
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.marked import marked
from tests.specs import spec

DAY = date(2025, 3, 13)  # a Thursday
CHANNEL = ChannelRef("slack", "T1", "C1")
OTHER = ChannelRef("slack", "T1", "C2")
ADMIN = Context(UserRef("slack", "T1", "U1"), CHANNEL, can_post=True, can_manage_channel=True)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Poster:
    """The ChannelPoster port, recording what each channel got."""

    platform: str = "slack"
    paced: bool = True
    sent: dict[ChannelRef, list[Reply]] = field(default_factory=dict)
    fail: dict[ChannelRef, PostFailed] = field(default_factory=dict)
    crash_after: int | None = None  # raise CancelledError (a kill) after this many posts
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # set at every post

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        if channel in self.fail:
            raise self.fail[channel]
        if self.crash_after is not None and sum(map(len, self.sent.values())) >= self.crash_after:
            raise asyncio.CancelledError
        self.sent.setdefault(channel, []).append(reply)
        self.changed.set()
        return f"m{sum(map(len, self.sent.values()))}"

    async def until(self, condition: Callable[[], bool]) -> None:
        """Wait, posts or pauses at a time (see `Pauses`), until `condition` holds."""
        async with asyncio.timeout(10):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    def papers(self, channel: ChannelRef) -> list[str]:
        return [r.card.paper.id for r in self.sent.get(channel, []) if isinstance(r, PaperPost)]

    def headers(self, channel: ChannelRef) -> list[str]:
        return [marked(r.text) for r in self.sent.get(channel, []) if isinstance(r, Notice)]


@dataclass
class AnswersLost(Poster):
    """A platform whose first answer to every message is lost (the message was posted
    all the same), and that posts a message sent again under the same key only once, as
    Slack and Discord do: a retry must carry the key of its first attempt."""

    posted: dict[str, str] = field(default_factory=dict)  # key -> message id

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        if key in self.posted:
            return self.posted[key]
        self.posted[key] = await super().post(channel, reply, key=key)
        raise PostFailed("timed out", maybe_posted=True)


class Pauses:
    """The pacing's sleep, counting (and telling `poster`) the pauses under way; the
    first `free` pauses last no time, the others until the test lets them go."""

    def __init__(self, poster: Poster, *, free: int) -> None:
        self.poster = poster
        self.free = free
        self.pausing = 0
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    async def __call__(self, seconds: float) -> None:
        if self.free > 0:
            self.free -= 1
            return
        self.pausing += 1
        self.poster.changed.set()
        try:
            await self._released.wait()
        finally:
            self.pausing -= 1


@dataclass
class Jobs:
    scheduled: dict[ChannelRef, Subscription] = field(default_factory=dict)
    runs: dict[ChannelRef, Callable[[ChannelRef], Awaitable[None]]] = field(default_factory=dict)

    def schedule(
        self, subscription: Subscription, run: Callable[[ChannelRef], Awaitable[None]]
    ) -> None:
        self.scheduled[subscription.channel] = subscription
        self.runs[subscription.channel] = run

    def unschedule(self, channel: ChannelRef) -> None:
        self.scheduled.pop(channel, None)


def featured(pid: str, votes: int, title: str, day: date = DAY) -> Paper:
    return Paper(
        id=pid, title=title, abstract=f"{title}. An abstract.", featured=day, upvotes=votes
    )


PAPERS = [
    featured("2503.00001", 90, "Diffusion transformers for video"),
    featured("2503.00002", 70, "Retrieval agents that browse"),
    featured("2503.00003", 50, "Diffusion policies for robots"),
    featured("2503.00004", 30, "A benchmark of web agents"),
    featured("2503.00005", 10, "Sparse attention kernels"),
    featured("2503.00006", 5, "Tokenizers revisited"),
    featured("2503.00007", 200, "Last week's hit", DAY - timedelta(days=6)),
]


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 9, 0, 30, tzinfo=UTC))


@pytest.fixture
async def library(store: Store, sample_papers: list[Paper], wall: Clock) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers([*sample_papers, *PAPERS], at=wall())
    return library


def service(
    store: Store,
    library: Library,
    poster: Poster,
    wall: Clock,
    jobs: Jobs | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    weekly_jobs: WeeklyJobs | None = None,
    metrics: Metrics = NO_METRICS,
    foryou: ForYouRanking | None = None,
    foryou_jobs: WeeklyForYouJobs | None = None,
    taste: Recommender | None = None,
    before_run: Callable[[], Awaitable[None]] | None = None,
    **options: object,
) -> DigestService:
    pace = float(options.pop("pace_seconds", 0))  # type: ignore[arg-type]
    rate = float(options.pop("posts_per_second", 0))  # type: ignore[arg-type]
    monotonic = options.pop("monotonic", None)  # the pacing's clock; the loop's by default
    publisher = Publisher(
        posts=store.posts,
        clock=wall,
        pacing=PostPacing(
            channel_interval=pace,
            rate=rate,
            sleep=sleep,
            clock=monotonic,  # type: ignore[arg-type]
        ),
        posters=[poster],
    )
    return DigestService(
        store=digest_store(store),
        topics=library,
        publisher=publisher,
        jobs=jobs or Jobs(),
        clock=wall,
        options=dataclasses.replace(
            digest_options(Settings()),
            **{"retry_seconds": 0, **options},  # type: ignore[arg-type]
        ),
        sleep=sleep,
        weekly_jobs=weekly_jobs,
        metrics=metrics,
        foryou=foryou,
        foryou_jobs=foryou_jobs,
        taste=taste,
        before_run=before_run,
    )


async def subscribe(
    digests: DigestService, arguments: str = "09:00 UTC", channel: ChannelRef = CHANNEL
) -> Reply:
    return await digests.subscribe(dataclasses.replace(ADMIN, channel=channel), spec(arguments))


async def test_subscribing_stores_schedules_and_says_the_settings(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    digests = service(store, library, Poster(), wall, jobs)
    reply = await subscribe(digests, "07:30 Europe/Berlin diffusion papers:3 votes:20 weekdays")
    assert isinstance(reply, Notice)
    assert not reply.ephemeral
    assert marked(reply.text) == (
        "This channel gets a daily digest weekdays at 07:30 Europe/Berlin, up to 3 papers, "
        "with at least 20 upvotes, about “diffusion”. Next: Fri 14 Mar 07:30 Europe/Berlin. "
        "Today's would hold 2 papers; `digest` previews it here now."
    )
    stored = await store.subscriptions.get(CHANNEL)
    assert stored is not None
    assert (stored.time, stored.timezone, stored.topics, stored.max_papers) == (
        time(7, 30),
        "Europe/Berlin",
        "diffusion",
        3,
    )
    assert stored.created_by == "U1"  # the person who set it up (see store/people.py)
    assert jobs.scheduled[CHANNEL] == stored
    again = await subscribe(digests, "18:00")
    assert "every day at 18:00 UTC" in marked(again.text)  # type: ignore[union-attr]
    assert (await store.subscriptions.get(CHANNEL)).time == time(18, 0)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("arguments", "zone", "upcoming"),
    [
        ("09:30 CET", "CET", "Fri 14 Mar 09:30"),  # 10:00 there now
        ("09:30 UTC+2", "UTC+02:00", "Fri 14 Mar 09:30"),
        ("09:30 +05:30", "UTC+05:30", "Fri 14 Mar 09:30"),
        ("09:30 UTC-5", "UTC-05:00", "Thu 13 Mar 09:30"),  # 04:00 there now
    ],
)
async def test_zone_names_and_utc_offsets_are_timezones_that_survive_the_store(
    store: Store, library: Library, wall: Clock, arguments: str, zone: str, upcoming: str
) -> None:
    jobs = Jobs()
    digests = service(store, library, Poster(), wall, jobs)
    reply = await subscribe(digests, arguments)
    assert isinstance(reply, Notice)
    assert marked(reply.text).startswith(
        f"This channel gets a daily digest every day at 09:30 {zone}, up to 5 papers, "
        f"on any topic. Next: {upcoming} {zone}."
    )
    stored = await store.subscriptions.get(CHANNEL)
    assert stored is not None
    assert (stored.timezone, stored.topics) == (zone, "")
    assert jobs.scheduled[CHANNEL] == stored


async def test_a_digest_in_a_utc_offset_zone_is_posted_for_that_zones_day(
    store: Store, library: Library, wall: Clock
) -> None:
    """At 23:00 UTC on the 12th it is already 04:30 on the 13th at UTC+05:30: the
    04:00 digest missed during a restart is that day's, and is posted once."""
    wall.now = datetime(2025, 3, 12, 23, 0, tzinfo=UTC)
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "04:00 UTC+05:30 papers:2")
    await digests.catch_up()
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]
    run = await store.digest_runs.run(CHANNEL, DAY)
    assert run is not None
    assert run.finished


async def test_subscribing_says_when_nothing_lately_matches(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    reply = await subscribe(digests, "09:00 UTC diffusion votes:1000")
    assert isinstance(reply, Notice)
    assert marked(reply.text).endswith("No paper featured lately matches it yet.")


async def only_the_sample(store: Store, sample_papers: list[Paper], wall: Clock) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=wall())
    return library


# A year after the bundled sample's Daily Papers day, as on a fresh install today.
FRESH_INSTALL = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)


async def test_subscribing_again_counts_todays_papers_even_those_already_posted(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    await subscribe(digests, "09:00 UTC papers:2 diffusion")  # 2503.00001 and 2503.00003
    await digests.run_for_day(CHANNEL, DAY)

    reply = await subscribe(digests, "09:00 UTC papers:10 diffusion votes:60")  # 2503.00001

    assert isinstance(reply, Notice)
    assert marked(reply.text).endswith("Today's would hold 1 paper; `digest` previews it here now.")


async def test_subscribing_before_any_paper_came_says_digests_wait_for_the_ingest(
    store: Store, wall: Clock
) -> None:
    empty = Library(store.papers, changes=store.changes, index_path=None)
    await empty.open()
    reply = await subscribe(service(store, empty, Poster(), wall))
    assert isinstance(reply, Notice)
    assert marked(reply.text).endswith(
        " I have no Daily Papers yet: digests start once the daily ingest brings some."
    )


async def test_on_the_bundled_sample_alone_subscribe_says_why_digests_stay_empty(
    store: Store, sample_papers: list[Paper]
) -> None:
    wall = Clock(FRESH_INSTALL)
    digests = service(store, await only_the_sample(store, sample_papers, wall), Poster(), wall)
    reply = await subscribe(digests)
    assert isinstance(reply, Notice)
    assert "The latest papers I have were featured on Thu 13 Mar 2025." in marked(reply.text)
    assert "stays empty until the Daily Papers feed brings newer ones" in marked(reply.text)
    assert marked(reply.text).endswith("`digest` shows what one looks like.")


async def test_on_the_bundled_sample_alone_a_preview_shows_its_day_and_names_it(
    store: Store, sample_papers: list[Paper]
) -> None:
    wall = Clock(FRESH_INSTALL)
    poster = Poster()
    digests = service(store, await only_the_sample(store, sample_papers, wall), poster, wall)
    answer = await digests.preview(ADMIN)
    assert isinstance(answer, Notice)
    assert marked(answer.text).startswith(
        "Posted a preview digest of 5 papers from Thu 13 Mar 2025, the latest featured day I have."
    )
    assert poster.headers(CHANNEL) == ["Preview · Trending papers — Thu 13 Mar · 5 papers"]
    sample_ids = {paper.id for paper in sample_papers}
    assert len(poster.papers(CHANNEL)) == 5
    assert set(poster.papers(CHANNEL)) <= sample_ids
    # The scheduled digest stays as it was: nothing that old is posted as today's.
    await subscribe(digests)
    await digests.run_for_day(CHANNEL, FRESH_INSTALL.date())
    assert len(poster.papers(CHANNEL)) == 5


async def test_on_the_bundled_sample_alone_a_preview_shows_papers_a_digest_already_sent(
    store: Store, sample_papers: list[Paper]
) -> None:
    """As on a fresh day's preview: the channel's digest of the sample's own day sent
    those papers, and the preview of that latest day shows them all the same."""
    wall = Clock(FRESH_INSTALL)
    poster = Poster()
    digests = service(store, await only_the_sample(store, sample_papers, wall), poster, wall)
    await subscribe(digests)
    await digests.run_for_day(CHANNEL, date(2025, 3, 13))  # the sample's Daily Papers day
    sent = poster.papers(CHANNEL)
    assert len(sent) == 5

    await digests.preview(ADMIN)

    assert poster.headers(CHANNEL)[-1] == "Preview · Trending papers — Thu 13 Mar · 5 papers"
    assert poster.papers(CHANNEL) == sent * 2


async def test_unsubscribe_stops_it(store: Store, library: Library, wall: Clock) -> None:
    jobs = Jobs()
    digests = service(store, library, Poster(), wall, jobs)
    await subscribe(digests)
    assert "no longer" in marked((await digests.unsubscribe(ADMIN)).text)  # type: ignore[union-attr]
    assert await store.subscriptions.get(CHANNEL) is None
    assert CHANNEL not in jobs.scheduled
    assert "has no daily digest" in marked((await digests.unsubscribe(ADMIN)).text)  # type: ignore[union-attr]


async def test_forgetting_a_workspace_removes_its_channels_digests_and_no_others(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = Jobs()
    digests = service(store, library, Poster(), wall, jobs)
    elsewhere = ChannelRef("slack", "T2", "C1")  # the same channel id, another workspace
    for channel in (CHANNEL, OTHER, elsewhere):
        await subscribe(digests, channel=channel)
    # A paused subscription goes too: it is not "active", but it is the workspace's.
    for _ in range(3):
        await store.subscriptions.record_failure(OTHER, pause_after=3, at=wall())
    weekly = WeeklyTop(CHANNEL, weekday=4, time=time(16), timezone="UTC")
    await store.weekly_top.put(weekly, at=wall())

    assert await digests.forget_workspace("slack", "T1") == 2

    assert await store.subscriptions.get(CHANNEL) is None
    assert await store.subscriptions.get(OTHER) is None
    assert await store.weekly_top.get(CHANNEL) is None
    assert set(jobs.scheduled) == {elsewhere}
    assert await store.subscriptions.get(elsewhere) is not None
    assert await digests.forget_workspace("slack", "T1") == 0


async def test_digests_posted_and_failed_are_counted_by_platform(
    store: Store, library: Library, wall: Clock
) -> None:
    metrics = PrometheusMetrics()
    poster = Poster(fail={OTHER: PostFailed("channel_not_found", permanent=True)})
    digests = service(store, library, poster, wall, metrics=metrics)
    await subscribe(digests, "09:00 UTC papers:2")
    await subscribe(digests, "09:00 UTC papers:2", channel=OTHER)
    await digests.run_for_day(CHANNEL, DAY)
    await digests.run_for_day(OTHER, DAY)
    await digests.run_for_day(CHANNEL, DAY)  # already done: not posted again, not counted

    text = metrics.exposition().decode()
    assert 'paperboy_digests_posted_total{platform="slack"} 1.0' in text
    assert 'paperboy_digests_failed_total{platform="slack"} 1.0' in text


# A bad time or timezone never reaches the service: the spec refuses it when built
# (tests/core/test_digest_spec.py). Topics without a searchable word only the library knows.
@pytest.mark.parametrize(
    ("arguments", "platform", "answer"),
    [
        (
            "09:00 UTC the of and",
            "slack",
            "The topics “the of and” have no searchable words; name a subject, e.g. "
            "`subscribe 09:00 UTC retrieval agents`.",
        ),
        ("09:00 UTC", "discord", "Digests cannot be posted from here."),  # no adapter posts
    ],
)
async def test_bad_subscriptions_are_answered_and_change_nothing(
    store: Store, library: Library, wall: Clock, arguments: str, platform: str, answer: str
) -> None:
    digests = service(store, library, Poster(platform=platform), wall)
    reply = await subscribe(digests, arguments)
    assert isinstance(reply, Notice)
    assert reply.error
    assert marked(reply.text) == answer
    assert await store.subscriptions.get(CHANNEL) is None


async def test_only_channel_managers_may_change_the_digest_when_the_platform_says_so(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    guest = Context(UserRef("discord", "G1", "U2"), CHANNEL, can_manage_channel=False)
    assert "Only people who can manage" in marked((await digests.subscribe(guest, spec(""))).text)  # type: ignore[union-attr]
    assert await store.subscriptions.get(CHANNEL) is None


async def test_the_digest_is_a_header_then_one_message_per_paper_ranked_by_upvotes(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC papers:3")
    await digests.run_for_day(CHANNEL, DAY)
    assert poster.headers(CHANNEL) == ["Trending papers — Thu 13 Mar · 3 papers"]
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002", "2503.00003"]
    header = poster.sent[CHANNEL][0]
    assert isinstance(header, Notice)
    assert not header.ephemeral  # for the whole channel to see


async def test_topics_and_threshold_choose_the_papers(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC diffusion votes:60")
    await digests.run_for_day(CHANNEL, DAY)
    assert poster.papers(CHANNEL) == ["2503.00001"]
    assert poster.headers(CHANNEL) == ["Trending papers — Thu 13 Mar · 1 paper · topics: diffusion"]


async def test_a_reaction_on_a_digest_paper_saves_it(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC papers:2")
    await digests.run_for_day(CHANNEL, DAY)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=wall,
        options=bot_options_for_tests(),
    )
    reply = await bot.on_reaction(PostRef(CHANNEL, "m3"), ADMIN.user, ["bookmark"], added=True)
    assert reply is not None
    assert [s.paper.id for s in await store.reading_lists.list(ADMIN.user, limit=5)] == [
        "2503.00002"
    ]


async def test_each_channel_gets_the_days_digest_exactly_once(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests)
    await asyncio.gather(*(digests.run_for_day(CHANNEL, DAY) for _ in range(3)))
    await digests.run_for_day(CHANNEL, DAY)
    assert len(poster.headers(CHANNEL)) == 1
    assert len(poster.papers(CHANNEL)) == 5


async def test_channels_due_together_share_an_even_pace_of_posts(
    store: Store, library: Library, wall: Clock
) -> None:
    """Two channels at the same minute, 40 messages a second: the k-th of the 12
    messages goes out no sooner than k/40 s after the start (no burst, however the two
    channels interleave), and both channels get their whole digest. The pacing runs on
    a clock that only its waits move, so a loaded machine cannot change the answer."""
    elapsed = 0.0

    async def wait(seconds: float) -> None:
        nonlocal elapsed
        elapsed += max(0.0, seconds)
        await asyncio.sleep(0)

    times: list[float] = []

    class TimedPoster(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            times.append(elapsed)
            return await super().post(channel, reply, key=key)

    poster = TimedPoster()
    digests = service(
        store, library, poster, wall, sleep=wait, posts_per_second=40, monotonic=lambda: elapsed
    )
    for channel in (CHANNEL, OTHER):
        await subscribe(digests, channel=channel)
    await asyncio.gather(*(digests.run_for_day(c, DAY) for c in (CHANNEL, OTHER)))
    assert [len(poster.papers(c)) for c in (CHANNEL, OTHER)] == [5, 5]
    assert len(times) == 12
    assert all(t >= k / 40 - 1e-9 for k, t in enumerate(times)), times


async def test_a_paper_is_never_sent_to_a_channel_twice_across_days(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC papers:3")
    await digests.run_for_day(CHANNEL, DAY)
    wall.now += timedelta(days=1)
    await digests.run_for_day(CHANNEL, DAY + timedelta(days=1))
    papers = poster.papers(CHANNEL)
    assert len(papers) == len(set(papers)) == 6


async def test_an_interrupted_digest_finishes_the_rest_without_repeats(
    store: Store, library: Library, wall: Clock
) -> None:
    """Killed while pacing between papers: the restart posts only what is missing."""
    pauses = 0

    async def killed_on_the_second_pause(seconds: float) -> None:
        nonlocal pauses
        pauses += 1
        if pauses == 2:
            raise asyncio.CancelledError

    first = Poster()
    digests = service(store, library, first, wall, sleep=killed_on_the_second_pause, pace_seconds=1)
    await subscribe(digests)
    with pytest.raises(asyncio.CancelledError):
        await digests.run_for_day(CHANNEL, DAY)
    # The channel's pace holds after the header too: killed before the second paper.
    assert first.papers(CHANNEL) == ["2503.00001"]
    second = Poster()
    await service(store, library, second, wall).run_for_day(CHANNEL, DAY)
    assert second.headers(CHANNEL) == []  # the header was already posted
    assert second.papers(CHANNEL) == ["2503.00002", "2503.00003", "2503.00004", "2503.00005"]


async def test_a_paper_in_flight_when_the_process_dies_is_never_sent_twice(
    store: Store, library: Library, wall: Clock
) -> None:
    """Whether that message got out is unknowable: at most once, never a duplicate."""
    dying = Poster(crash_after=3)  # header + 2 papers, then killed during the third post
    digests = service(store, library, dying, wall)
    await subscribe(digests)
    with pytest.raises(asyncio.CancelledError):
        await digests.run_for_day(CHANNEL, DAY)
    restarted = Poster()
    await service(store, library, restarted, wall).run_for_day(CHANNEL, DAY)
    assert restarted.papers(CHANNEL) == ["2503.00004", "2503.00005"]
    assert "2503.00003" not in restarted.papers(CHANNEL)


@dataclass
class DiesAsItPosts(Poster):
    """The message goes out and the process is killed before it hears back."""

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        await super().post(channel, reply, key=key)
        raise asyncio.CancelledError


async def test_a_header_in_flight_when_the_process_dies_is_never_posted_twice(
    store: Store, library: Library, wall: Clock
) -> None:
    """As for a paper: whether it got out is unknowable, so at most once. Found by
    tests/cli/test_replicas.py: replicas busy with 200 digests had posted 120 headers
    none of which was recorded yet when one of them was killed."""
    dying = DiesAsItPosts()
    digests = service(store, library, dying, wall)
    await subscribe(digests)
    with pytest.raises(asyncio.CancelledError):
        await digests.run_for_day(CHANNEL, DAY)
    assert len(dying.headers(CHANNEL)) == 1
    restarted = Poster()
    await service(store, library, restarted, wall).run_for_day(CHANNEL, DAY)
    assert restarted.headers(CHANNEL) == []
    assert restarted.papers(CHANNEL) == [p.id for p in PAPERS[:5]]


async def test_a_process_killed_while_its_header_waits_for_its_turn_posts_it_at_the_restart(
    store: Store, library: Library, wall: Clock
) -> None:
    """Nothing was on its way yet: the restart posts the header, and every paper."""

    async def killed_while_waiting(seconds: float) -> None:
        raise asyncio.CancelledError

    first = Poster()
    digests = service(store, library, first, wall, sleep=killed_while_waiting, posts_per_second=1)
    await subscribe(digests)
    with pytest.raises(asyncio.CancelledError):
        await digests.run_for_day(CHANNEL, DAY)
    assert first.sent == {}
    restarted = Poster()
    await service(store, library, restarted, wall).run_for_day(CHANNEL, DAY)
    assert len(restarted.headers(CHANNEL)) == 1
    assert restarted.papers(CHANNEL) == [p.id for p in PAPERS[:5]]


async def test_a_nothing_new_notice_in_flight_when_the_process_dies_is_never_posted_twice(
    store: Store, library: Library, wall: Clock
) -> None:
    dying = DiesAsItPosts()
    digests = service(store, library, dying, wall)
    await subscribe(digests, "09:00 UTC zeppelins")  # no paper of the day is about them
    with pytest.raises(asyncio.CancelledError):
        await digests.run_for_day(CHANNEL, DAY)
    assert len(dying.headers(CHANNEL)) == 1
    restarted = Poster()
    await service(store, library, restarted, wall).run_for_day(CHANNEL, DAY)
    assert restarted.sent == {}
    run = await store.digest_runs.run(CHANNEL, DAY)
    assert run is not None
    assert run.finished


async def test_a_header_that_may_have_gone_out_is_not_posted_again(
    store: Store, library: Library, wall: Clock
) -> None:
    """Its answer was lost and the platform could not tell: it counts as posted."""
    unsure = Poster(fail={CHANNEL: PostFailed("answer lost", maybe_posted=True)})
    digests = service(store, library, unsure, wall)
    await subscribe(digests)
    await digests.run_for_day(CHANNEL, DAY)
    retried = Poster()
    await service(store, library, retried, wall).run_for_day(CHANNEL, DAY)
    assert retried.headers(CHANNEL) == []
    assert retried.papers(CHANNEL) == [p.id for p in PAPERS[:5]]


async def test_a_header_that_failed_for_certain_is_posted_at_the_next_attempt(
    store: Store, library: Library, wall: Clock
) -> None:
    """A refusal is no doubt: the header did not go out, and the retry posts it."""
    refusing = Poster(fail={CHANNEL: PostFailed("channel_not_found", permanent=True)})
    digests = service(store, library, refusing, wall)
    await subscribe(digests)
    await digests.run_for_day(CHANNEL, DAY)
    assert refusing.sent == {}
    retried = Poster()
    await service(store, library, retried, wall).run_for_day(CHANNEL, DAY)
    assert len(retried.headers(CHANNEL)) == 1
    assert retried.papers(CHANNEL) == [p.id for p in PAPERS[:5]]


async def test_a_digest_missed_while_down_is_posted_within_the_grace_period(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    await subscribe(service(store, library, poster, wall), "08:00 UTC")
    wall.now = datetime(2025, 3, 13, 10, 30, tzinfo=UTC)  # 2.5 h late, grace 3 h
    digests = service(store, library, poster, wall)
    await digests.start()
    await digests.catch_up()
    assert len(poster.headers(CHANNEL)) == 1


async def test_a_digest_missed_beyond_the_grace_period_is_skipped_with_a_log_line(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = Poster()
    await subscribe(service(store, library, poster, wall), "05:00 UTC")
    wall.now = datetime(2025, 3, 13, 10, 30, tzinfo=UTC)
    with caplog.at_level(logging.INFO):
        digests = service(store, library, poster, wall)
        await digests.start()
        await digests.catch_up()
    assert poster.sent == {}
    assert "skipped" in caplog.text
    run = await store.digest_runs.run(CHANNEL, DAY)
    assert run is not None
    assert run.status == "skipped"


async def test_a_channel_that_refuses_posts_is_paused_after_a_few_runs_and_others_go_on(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = Poster(fail={CHANNEL: PostFailed("channel_not_found", permanent=True)})
    jobs = Jobs()
    digests = service(store, library, poster, wall, jobs)
    await subscribe(digests)
    await subscribe(digests, channel=OTHER)
    for offset in range(3):
        await asyncio.gather(
            digests.run_for_day(CHANNEL, DAY + timedelta(days=offset)),
            digests.run_for_day(OTHER, DAY + timedelta(days=offset)),
        )
    assert CHANNEL not in jobs.scheduled
    assert OTHER in jobs.scheduled
    assert len(poster.headers(OTHER)) == 3
    assert "paused after 3 failed runs" in caplog.text
    assert [s.channel for s in await store.subscriptions.active()] == [OTHER]


async def test_a_transient_failure_is_retried_within_the_run(
    store: Store, library: Library, wall: Clock
) -> None:
    class Flaky(Poster):
        failures = 1

        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if self.failures:
                self.failures -= 1
                raise PostFailed("HTTP 503")
            return await super().post(channel, reply, key=key)

    poster = Flaky()
    digests = service(store, library, poster, wall)
    await subscribe(digests)
    await digests.run_for_day(CHANNEL, DAY)
    assert len(poster.papers(CHANNEL)) == 5


async def test_an_empty_day_says_so_once_or_stays_silent(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC quantum chromodynamics")
    await digests.run_for_day(CHANNEL, DAY)
    assert poster.headers(CHANNEL) == ["No new papers matching “quantum chromodynamics” today."]
    [said] = poster.sent[CHANNEL]
    assert said.ephemeral is False  # in the channel, for everyone
    await digests.run_for_day(CHANNEL, DAY)  # that day is done: said once
    assert len(poster.sent[CHANNEL]) == 1
    await subscribe(digests, "09:00 UTC votes:1000")  # no topics: nothing to name
    await digests.run_for_day(CHANNEL, DAY + timedelta(days=1))
    assert poster.headers(CHANNEL)[-1] == "No new papers today."
    silent = Poster()
    quiet = service(store, library, silent, wall, announce_empty=False)
    await subscribe(quiet, "09:00 UTC quantum chromodynamics", channel=OTHER)
    await quiet.run_for_day(OTHER, DAY)
    assert silent.sent == {}
    for channel in (CHANNEL, OTHER):  # each day's run is done: none is tried again
        run = await store.digest_runs.run(channel, DAY)
        assert run is not None
        assert run.status == "done"


async def test_a_preview_does_not_count_as_the_days_digest(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC papers:2")
    answer = await digests.preview(ADMIN)
    assert "Posted a preview digest of 2 papers" in marked(answer.text)  # type: ignore[union-attr]
    await digests.run_for_day(CHANNEL, DAY)
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"] * 2


async def test_a_graceful_stop_lets_a_running_digest_finish(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    pauses = Pauses(poster, free=1)
    digests = service(store, library, poster, wall, sleep=pauses, pace_seconds=60)
    await subscribe(digests)
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)  # header and a paper are out
    assert len(poster.papers(CHANNEL)) == 1
    draining = asyncio.create_task(digests.drain(5))
    await asyncio.sleep(0)  # the stop has begun ...
    pauses.release()  # ... and the rest of the digest comes in time
    await draining
    assert running.done()
    assert len(poster.papers(CHANNEL)) == 5
    await digests.run_for_day(OTHER, DAY)  # nothing new starts once stopping
    assert OTHER not in poster.sent


async def test_a_digest_too_slow_for_the_stop_stops_between_papers_and_resumes(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    pauses = Pauses(poster, free=1)  # the pause after the first paper never ends
    digests = service(store, library, poster, wall, sleep=pauses, pace_seconds=60)
    await subscribe(digests)
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)
    await digests.drain(0.2)
    assert running.done()
    assert poster.papers(CHANNEL) == ["2503.00001"]
    await service(store, library, poster, wall).run_for_day(CHANNEL, DAY)
    assert len(poster.papers(CHANNEL)) == len(set(poster.papers(CHANNEL))) == 5


async def test_a_digest_still_waiting_for_its_turn_when_the_stop_begins_never_starts(
    store: Store, library: Library, wall: Clock
) -> None:
    """Channels due together wait their turn; a stop meanwhile means no half digest."""
    poster = Poster()
    pauses = Pauses(poster, free=2)  # the first channel's header and first paper
    digests = service(store, library, poster, wall, sleep=pauses, posts_per_second=4)
    for channel in (CHANNEL, OTHER):
        await subscribe(digests, channel=channel)
    first = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)  # the first channel has started
    assert poster.headers(CHANNEL)
    second = asyncio.create_task(digests.run_for_day(OTHER, DAY))
    await poster.until(lambda: pauses.pausing == 2)  # the second waits its turn
    draining = asyncio.create_task(digests.drain(10))
    await asyncio.sleep(0)  # the stop has begun ...
    pauses.release()  # ... before the second channel's turn comes
    await draining
    await asyncio.gather(first, second)
    assert poster.headers(CHANNEL)
    assert OTHER not in poster.sent


@pytest.mark.parametrize(
    ("arguments", "down_until", "local_day"),
    [
        # 08:00 in Tokyo on the 14th is 23:00 UTC on the 13th; restarted half an hour later.
        ("08:00 Asia/Tokyo", datetime(2025, 3, 13, 23, 30, tzinfo=UTC), date(2025, 3, 14)),
        # 14:00 in Honolulu on the 13th is 00:00 UTC on the 14th; restarted half an hour later.
        ("14:00 Pacific/Honolulu", datetime(2025, 3, 14, 0, 30, tzinfo=UTC), date(2025, 3, 13)),
    ],
)
async def test_a_digest_missed_across_the_utc_date_line_is_caught_up_for_its_local_day(
    store: Store,
    library: Library,
    wall: Clock,
    arguments: str,
    down_until: datetime,
    local_day: date,
) -> None:
    poster = Poster()
    await subscribe(service(store, library, poster, wall), arguments)
    wall.now = down_until  # the clock is UTC, as in production
    restarted = service(store, library, poster, wall)
    await restarted.start()
    await restarted.catch_up()
    assert len(poster.headers(CHANNEL)) == 1
    run = await store.digest_runs.run(CHANNEL, local_day)
    assert run is not None
    assert run.finished
    await restarted.catch_up()  # a second look changes nothing
    assert len(poster.headers(CHANNEL)) == 1


async def test_forgetting_a_workspace_removes_its_weekly_foryou_messages_and_digest_orders(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    here, elsewhere = UserRef("slack", "T1", "U1"), UserRef("slack", "T2", "U1")
    for user in (here, elsewhere):
        await store.weekly_foryou.put(WeeklyForYou(user, 4, time(16), "UTC"), at=wall())
    await store.digest_ranks.put(CHANNEL, "team")
    await store.digest_ranks.put(ChannelRef("slack", "T2", "C1"), "team")

    await digests.forget_workspace("slack", "T1")

    assert await store.weekly_foryou.active() == [WeeklyForYou(elsewhere, 4, time(16), "UTC")]
    assert await store.digest_ranks.get(CHANNEL) == "votes"
    assert await store.digest_ranks.get(ChannelRef("slack", "T2", "C1")) == "team"


def runner_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "paperboy.digest.runner"]


@pytest.fixture
def server_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone (what a server's TZ sets) is New York's."""
    monkeypatch.setenv("TZ", "America/New_York")
    os_time.tzset()
    yield
    monkeypatch.undo()
    os_time.tzset()


@pytest.mark.usefixtures("server_in_new_york")
async def test_the_logs_due_times_are_in_utc_whatever_the_servers_zone(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    await subscribe(service(store, library, Poster(), wall), "07:00 Europe/Paris")
    wall.now = datetime(2025, 3, 13, 8, 0, tzinfo=UTC)

    await service(store, library, Poster(), wall).catch_up()

    assert runner_log(caplog)[0] == (
        "digest for slack:T1/C1 on 2025-03-13 was due at 2025-03-13 06:00:00+00:00: posting it now"
    )


async def test_the_log_tells_an_operator_what_became_of_each_days_digest(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Caught up exactly at the end of the grace period, skipped a second after it, then
    failing until paused: each step one log line that names the channel and the day."""
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    poster = Poster()
    await subscribe(service(store, library, poster, wall), "07:00 UTC")
    await subscribe(service(store, library, poster, wall), "06:59 UTC", OTHER)
    wall.now = datetime(2025, 3, 13, 10, 0, tzinfo=UTC)  # 3 h after 07:00, 3 h 1 min after 06:59
    await service(store, library, poster, wall).catch_up()
    assert len(poster.headers(CHANNEL)) == 1
    assert OTHER not in poster.sent
    name = "slack:T1/C1"
    assert runner_log(caplog) == [
        f"digest for {name} on 2025-03-13 was due at 2025-03-13 07:00:00+00:00: posting it now",
        "digest for slack:T1/C2 on 2025-03-13 skipped: due at 2025-03-13 06:59:00+00:00, "
        "beyond the 3:00:00 grace period",
        f"digest for {name} on 2025-03-13 posted: 5 papers",
        "digest catch-up done: 1 posted or resumed",
    ]

    caplog.clear()
    poster.fail[CHANNEL] = PostFailed("channel_not_found", permanent=True)
    digests = service(store, library, poster, wall)
    for offset in range(1, 4):
        await digests.run_for_day(CHANNEL, DAY + timedelta(days=offset))
    await digests.run_for_day(OTHER, DAY)
    assert runner_log(caplog) == [
        f"digest for {name} on 2025-03-14 failed (channel_not_found); attempt 1",
        f"digest for {name} on 2025-03-15 failed (channel_not_found); attempt 2",
        f"digest for {name} paused after 3 failed runs (last: channel_not_found); "
        "`subscribe` again there to resume",
        "digest for slack:T1/C2 on 2025-03-13 already done",
    ]


async def test_a_graceful_stop_gives_up_on_a_post_that_never_returns(
    store: Store, library: Library, wall: Clock
) -> None:
    """The stop takes about its `seconds` even when a platform call hangs: the process
    can exit (the digest resumes at the next start)."""
    hung = asyncio.Event()

    class Hanging(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if self.sent.get(channel):
                hung.set()
                await asyncio.Event().wait()  # a call that never returns
            return await super().post(channel, reply, key=key)

    poster = Hanging()
    digests = service(store, library, poster, wall)
    await subscribe(digests)
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await hung.wait()

    async with asyncio.timeout(5):
        await digests.drain(0.2)

    assert not running.done()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert poster.papers(CHANNEL) == []


async def test_stopping_the_daily_digest_is_said_in_the_channel_or_privately(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)
    quiet = Context(UserRef("slack", "T1", "U3"), CHANNEL, can_manage_channel=True)
    await subscribe(digests)
    public = await digests.unsubscribe(ADMIN)
    await subscribe(digests)
    private = await digests.unsubscribe(quiet)

    assert public == Notice("This channel will no longer get a daily digest.", ephemeral=False)
    assert private == Notice("This channel will no longer get a daily digest.", ephemeral=True)


async def test_a_preview_without_a_subscription_takes_the_configured_number_of_papers(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall, default_papers=2)

    answer = await digests.preview(ADMIN)

    assert answer == Notice("Posted a preview digest of 2 papers.")
    assert poster.headers(CHANNEL) == ["Preview · Trending papers — Thu 13 Mar · 2 papers"]
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]


async def test_a_preview_shows_the_papers_even_when_the_days_digest_sent_them(
    store: Store, library: Library, wall: Clock
) -> None:
    """A preview shows what the digest looks like; unlike the digest, it repeats papers."""
    poster = Poster()
    digests = service(store, library, poster, wall, preview_cooldown=timedelta(0))
    await subscribe(digests, "09:00 UTC papers:2 diffusion")
    await digests.run_for_day(CHANNEL, DAY)

    await digests.preview(ADMIN)

    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00003"] * 2
    assert poster.headers(CHANNEL)[-1] == (
        "Preview · Trending papers — Thu 13 Mar · 2 papers · topics: diffusion"
    )


async def test_a_preview_is_of_the_channels_local_day(
    store: Store, library: Library, wall: Clock
) -> None:
    """At 23:30 UTC on Thursday it is Friday in Tokyo: a Tokyo channel's preview is
    Friday's digest (Thursday's papers, the latest, fill it)."""
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 Asia/Tokyo papers:1")
    wall.now = datetime(2025, 3, 13, 23, 30, tzinfo=UTC)

    await digests.preview(ADMIN)

    assert poster.headers(CHANNEL) == ["Preview · Trending papers — Fri 14 Mar · 1 paper"]


async def test_a_digest_whose_job_fires_late_is_for_the_local_day_it_was_due(
    store: Store, library: Library, wall: Clock
) -> None:
    """23:30 in Honolulu on Wednesday is Thursday 09:30 UTC; the job, 40 minutes late,
    runs on Thursday there: the digest is still Wednesday's (nothing was featured yet on
    Wednesday), and Thursday's is still to come."""
    poster, jobs = Poster(), Jobs()
    digests = service(store, library, poster, wall, jobs)
    await subscribe(digests, "23:30 Pacific/Honolulu")
    wall.now = datetime(2025, 3, 13, 10, 10, tzinfo=UTC)  # Thursday 00:10 in Honolulu

    await jobs.runs[CHANNEL](CHANNEL)

    assert poster.headers(CHANNEL) == ["No new papers today."]
    assert await store.digest_runs.run(CHANNEL, date(2025, 3, 12)) is not None
    assert await store.digest_runs.run(CHANNEL, date(2025, 3, 13)) is None


async def test_a_job_that_fires_after_unsubscribing_posts_nothing(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), Jobs()
    digests = service(store, library, poster, wall, jobs)
    await subscribe(digests)
    run = jobs.runs[CHANNEL]
    await digests.unsubscribe(ADMIN)

    await run(CHANNEL)
    await digests.run_for_day(CHANNEL, DAY)  # as a job already past its first look

    assert poster.sent == {}
    assert await store.digest_runs.run(CHANNEL, DAY) is None  # not even claimed


async def test_a_weekdays_only_digest_fired_late_on_monday_is_fridays(
    store: Store, library: Library, wall: Clock
) -> None:
    """Weekdays only: the last fire before Saturday 01:00 UTC is Friday's (for a
    New York 19:30 digest, Saturday 00:30 UTC), and the job running late says Friday."""
    poster, jobs = Poster(), Jobs()
    digests = service(store, library, poster, wall, jobs)
    await subscribe(digests, "19:30 America/New_York weekdays")
    wall.now = datetime(2025, 3, 15, 1, 0, tzinfo=UTC)  # Friday 21:00 in New York

    await jobs.runs[CHANNEL](CHANNEL)

    assert poster.headers(CHANNEL)[0].startswith("Trending papers — Fri 14 Mar")


# Saved from the channel's posts last week: papers on sparse attention.
TEAM_SAVES = [
    featured("2503.00101", 1, "Sparse attention kernels for long context", DAY - timedelta(days=7)),
    featured("2503.00102", 1, "Block-sparse attention kernels on GPUs", DAY - timedelta(days=7)),
    featured("2503.00103", 1, "Sparse attention kernels, revisited", DAY - timedelta(days=7)),
]


async def saved_from_the_channel(store: Store, library: Library, wall: Clock, n: int) -> None:
    await library.add_papers(TEAM_SAVES, at=wall())
    for number, paper in enumerate(TEAM_SAVES[:n]):
        await store.posts.record(PostRef(CHANNEL, f"p{number}"), paper.id, at=wall())
        await store.reading_lists.save(UserRef("slack", "T1", f"U{number}"), paper.id, at=wall())


@pytest.mark.parametrize(
    ("saves", "said", "first"),
    [
        (
            2,
            "It is ordered by upvotes until people here have saved 3 papers from my posts "
            "(2 so far), then by what they save.",
            "2503.00001",  # 90 upvotes
        ),
        (3, "It is ordered by what people here saved from my posts (3 papers).", "2503.00005"),
    ],
)
async def test_a_team_ranked_digest_is_ordered_by_the_teams_saves_from_three_on(
    store: Store, library: Library, wall: Clock, saves: int, said: str, first: str
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall, taste=library, preview_cooldown=timedelta(0))
    await saved_from_the_channel(store, library, wall, saves)

    answer = await subscribe(digests, "09:00 UTC papers:3 rank:team")
    preview = await digests.preview(ADMIN)
    await digests.run_for_day(CHANNEL, DAY)

    assert said in marked(answer.text)  # type: ignore[union-attr]
    assert marked(preview.text) == f"Posted a preview digest of 3 papers. {said}"  # type: ignore[union-attr]
    assert poster.papers(CHANNEL)[0] == first  # the preview's
    assert poster.papers(CHANNEL)[3] == first  # the digest's
    # Upvotes (90, 70, 50 ...) until 3 saves; then the model's side of the saves first,
    # in its order, and the papers on the other side after them by upvotes.
    order = {
        2: ["2503.00001", "2503.00002", "2503.00003"],
        3: ["2503.00005", "2503.00006", "2503.00001"],
    }
    assert poster.papers(CHANNEL) == order[saves] * 2
    assert await store.digest_ranks.get(CHANNEL) == "team"


async def test_a_digest_ordered_by_upvotes_stays_so_however_much_the_team_saved(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall, taste=library)
    await saved_from_the_channel(store, library, wall, 3)
    await subscribe(digests, "09:00 UTC papers:3")

    await digests.run_for_day(CHANNEL, DAY)

    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002", "2503.00003"]


async def test_a_digest_killed_as_its_last_paper_goes_out_posts_nothing_more_at_the_restart(
    store: Store, library: Library, wall: Clock
) -> None:
    class DiesAtTheLast(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            await super().post(channel, reply, key=key)
            if len(self.papers(channel)) == 2:
                raise asyncio.CancelledError
            return "m1"

    dying = DiesAtTheLast()
    await subscribe(service(store, library, dying, wall), "09:00 UTC papers:2")
    with pytest.raises(asyncio.CancelledError):
        await service(store, library, dying, wall).run_for_day(CHANNEL, DAY)

    restarted = Poster()
    await service(store, library, restarted, wall).run_for_day(CHANNEL, DAY)

    assert dying.papers(CHANNEL) == ["2503.00001", "2503.00002"]
    assert restarted.sent == {}
    run = await store.digest_runs.run(CHANNEL, DAY)
    assert run is not None
    assert run.status == "done"


async def test_a_bot_without_the_teams_model_says_rank_team_is_off(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)

    answer = await subscribe(digests, "09:00 UTC rank:team")

    assert answer == Notice("Digests ordered by the team's saves are not set up on this bot.")
    assert await store.subscriptions.get(CHANNEL) is None


async def test_a_digest_that_raises_is_one_log_line_and_counted_failed(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected error: the operator sees which channel's digest of which day failed,
    the failure is counted for its platform, and a graceful stop does not wait for it."""

    class Broken(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            raise RuntimeError("the platform answered nonsense")

    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    metrics = PrometheusMetrics()
    digests = service(store, library, Broken(), wall, metrics=metrics)
    await subscribe(digests)

    await digests.run_for_day(CHANNEL, DAY)

    assert runner_log(caplog) == ["digest for slack:T1/C1 on 2025-03-13 failed"]
    assert 'paperboy_digests_failed_total{platform="slack"} 1.0' in metrics.exposition().decode()


async def test_a_digests_log_lines_carry_its_channel_and_command(
    store: Store, library: Library, wall: Clock
) -> None:
    lines: list[dict[str, str]] = []

    class ContextOfEachLine(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(log_context.current())

    runner = logging.getLogger("paperboy.digest.runner")
    handler = ContextOfEachLine(level=logging.INFO)
    runner.addHandler(handler)
    level = runner.level
    runner.setLevel(logging.INFO)
    try:
        digests = service(store, library, Poster(), wall)
        await subscribe(digests)
        await digests.run_for_day(CHANNEL, DAY)
    finally:
        runner.removeHandler(handler)
        runner.setLevel(level)

    assert lines == [{"platform": "slack", "team": "T1", "channel": "C1", "command": "digest"}]


async def test_a_paper_that_failed_to_post_comes_in_the_next_run(
    store: Store, library: Library, wall: Clock
) -> None:
    """A paper whose post failed was not sent: it is not counted as sent, and the next
    run (the next day's, or a catch-up) posts it."""

    class FailsThird(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if isinstance(reply, PaperPost) and reply.card.paper.id == "2503.00003":
                raise PostFailed("channel_is_archived", permanent=True)
            return await super().post(channel, reply, key=key)

    failing = FailsThird()
    await subscribe(service(store, library, failing, wall), "09:00 UTC papers:4")
    await service(store, library, failing, wall).run_for_day(CHANNEL, DAY)
    assert failing.papers(CHANNEL) == ["2503.00001", "2503.00002"]

    poster = Poster()
    await service(store, library, poster, wall).run_for_day(CHANNEL, DAY + timedelta(days=1))

    assert poster.papers(CHANNEL)[:2] == ["2503.00003", "2503.00004"]


async def test_a_post_whose_answer_was_lost_is_retried_under_its_key_and_shown_once(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = AnswersLost()
    digests = service(store, library, poster, wall, preview_cooldown=timedelta(0))
    await subscribe(digests, "09:00 UTC papers:2")

    await digests.run_for_day(CHANNEL, DAY)
    await digests.preview(ADMIN)

    assert poster.headers(CHANNEL) == [
        "Trending papers — Thu 13 Mar · 2 papers",
        "Preview · Trending papers — Thu 13 Mar · 2 papers",
    ]
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"] * 2


async def test_a_post_that_keeps_failing_is_tried_three_times_waiting_longer_each_time(
    store: Store, library: Library, wall: Clock
) -> None:
    attempts: list[str] = []
    waits: list[float] = []

    class Down(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            attempts.append(key)
            raise PostFailed("HTTP 503")

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    digests = service(store, library, Down(), wall, sleep=wait, retry_seconds=2.0)
    await subscribe(digests)

    await digests.run_for_day(CHANNEL, DAY)

    assert len(attempts) == 3  # the header's, then the run gives up
    assert len(set(attempts)) == 1
    assert waits == [2.0, 4.0]


async def test_a_failed_refresh_before_the_digest_is_logged_and_the_stored_papers_posted(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    async def refresh() -> None:
        raise RuntimeError("the feed is down")

    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    poster = Poster()
    digests = service(store, library, poster, wall, before_run=refresh)
    await subscribe(digests, "09:00 UTC papers:2")

    await digests.run_for_day(CHANNEL, DAY)

    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]
    assert runner_log(caplog) == [
        "refreshing papers before the digest failed; using what is stored",
        "digest for slack:T1/C1 on 2025-03-13 posted: 2 papers",
    ]


async def test_a_transient_failure_of_a_paper_is_retried_and_logged_with_its_channel(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    class FlakyPaper(Poster):
        failures = 1

        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if isinstance(reply, PaperPost) and self.failures:
                self.failures -= 1
                raise PostFailed("HTTP 503")
            return await super().post(channel, reply, key=key)

    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    poster = FlakyPaper()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC papers:2")

    await digests.run_for_day(CHANNEL, DAY)

    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]
    assert runner_log(caplog)[0] == "posting to slack:T1/C1 failed (HTTP 503); retrying"


async def test_a_stop_before_the_last_paper_leaves_it_for_the_restart(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    pauses = Pauses(poster, free=1)  # the pause before the second (last) paper never ends
    digests = service(store, library, poster, wall, sleep=pauses, pace_seconds=60)
    await subscribe(digests, "09:00 UTC papers:2")
    running = asyncio.create_task(digests.run_for_day(CHANNEL, DAY))
    await poster.until(lambda: pauses.pausing == 1)

    await digests.drain(0.2)

    assert running.done()
    assert poster.papers(CHANNEL) == ["2503.00001"]
    await service(store, library, poster, wall).run_for_day(CHANNEL, DAY)
    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]


async def test_a_stop_that_begins_while_a_paper_goes_out_leaves_the_rest_for_the_restart(
    store: Store, library: Library, wall: Clock
) -> None:
    digests: DigestService

    class StopsAtSecond(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            if len(self.papers(channel)) == 1:
                await asyncio.create_task(digests.drain(0))  # the bot begins to stop
            return await super().post(channel, reply, key=key)

    poster = StopsAtSecond()
    digests = service(store, library, poster, wall)
    await subscribe(digests)

    await digests.run_for_day(CHANNEL, DAY)

    assert poster.papers(CHANNEL) == ["2503.00001", "2503.00002"]
    run = await store.digest_runs.run(CHANNEL, DAY)
    assert run is not None
    assert not run.finished
    await service(store, library, poster, wall).run_for_day(CHANNEL, DAY)
    assert poster.papers(CHANNEL) == [p.id for p in PAPERS[:5]]


async def test_the_catch_up_posts_every_missed_digest_past_one_already_done(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    poster = Poster()
    digests = service(store, library, poster, wall)
    await subscribe(digests, "09:00 UTC")
    await subscribe(digests, "09:00 UTC", OTHER)
    await digests.run_for_day(CHANNEL, DAY)  # posted before the restart
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")

    await service(store, library, poster, wall).catch_up()

    assert len(poster.headers(CHANNEL)) == 1
    assert len(poster.headers(OTHER)) == 1
    assert runner_log(caplog)[-1] == "digest catch-up done: 1 posted or resumed"


async def test_a_digest_started_again_after_a_restart_runs_when_its_job_fires(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    await subscribe(service(store, library, poster, wall), "09:00 UTC")
    jobs = Jobs()
    await service(store, library, poster, wall, jobs).start()  # a restart

    await jobs.runs[CHANNEL](CHANNEL)

    assert len(poster.papers(CHANNEL)) == 5


async def test_a_weekdays_digest_missed_over_the_weekend_is_fridays_and_skipped(
    store: Store, library: Library, wall: Clock
) -> None:
    """Sunday 20:00 in New York: the last weekday digest was Friday's (19:30), two days
    ago, beyond the grace period; Sunday's 19:30 is not one of its times."""
    poster = Poster()
    await subscribe(service(store, library, poster, wall), "19:30 America/New_York weekdays")
    wall.now = datetime(2025, 3, 17, 0, 0, tzinfo=UTC)  # Sunday 20:00 in New York

    await service(store, library, poster, wall).catch_up()

    assert poster.sent == {}
    skipped = await store.digest_runs.run(CHANNEL, date(2025, 3, 14))
    assert skipped is not None
    assert await store.digest_runs.run(CHANNEL, date(2025, 3, 16)) is None


async def test_a_digest_for_a_platform_not_running_is_not_posted_and_logged(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="paperboy.digest.runner")
    discord = ChannelRef("discord", "G1", "C9")
    await store.subscriptions.put(Subscription(discord, time(9, 0), "UTC"), at=wall())

    await service(store, library, Poster(), wall).run_for_day(discord, DAY)

    assert runner_log(caplog) == [
        "digest for discord:G1/C9 not posted: the discord adapter is not running"
    ]
    assert await store.digest_runs.run(discord, DAY) is None
