"""`subscribe top weekly`: its grammar, its schedule, and a list posted exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from paperboy.core import log_context
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, PostRef, UserRef, WeeklyTop
from paperboy.core.ports import PostFailed
from paperboy.core.replies import Notice, PaperList, Reply
from paperboy.core.weekly_spec import ParseError, WeeklySpec, parse_weekly_spec
from paperboy.digest.service import DigestService
from paperboy.digest.weekly import (
    WeeklyTrigger,
    last_weekly_fire,
    next_weekly_fire,
)
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports
from tests.digest.test_service import Clock, Poster, service
from tests.marked import marked
from tests.specs import weekly

CHANNEL = ChannelRef("slack", "T1", "C1")
ADMIN = Context(UserRef("slack", "T1", "U1"), CHANNEL, can_post=True, can_manage_channel=True)
FRIDAY = date(2025, 3, 14)
SAVED = "2407.06204"  # a sample paper


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", WeeklySpec(0, time(9, 0), "UTC")),
        ("weekly", WeeklySpec(0, time(9, 0), "UTC")),
        ("weekly friday 16:00 Europe/Berlin", WeeklySpec(4, time(16, 0), "Europe/Berlin")),
        ("weekly Fri 7:05", WeeklySpec(4, time(7, 5), "UTC")),
        ("sunday america/new_york", WeeklySpec(6, time(9, 0), "America/New_York")),
    ],
)
def test_the_weekly_grammar(arguments: str, expected: WeeklySpec) -> None:
    spec = parse_weekly_spec(arguments)
    assert isinstance(spec, WeeklySpec)
    assert spec.with_defaults(time=time(9, 0), zone="UTC") == expected


@pytest.mark.parametrize(
    ("arguments", "answer"),
    [
        ("weekly friday 25:00", "is not a time of day"),
        ("weekly friday 16:00 Mars/Olympus", "I don't know the timezone"),
        ("weekly someday", "I did not understand `someday`"),
        ("weekly 16:00 friday", "I did not understand `friday`"),
    ],
)
def test_bad_weekly_arguments_get_a_short_answer(arguments: str, answer: str) -> None:
    result = parse_weekly_spec(arguments)
    assert isinstance(result, ParseError)
    assert answer in marked(result.message)


def test_a_weekly_list_fires_once_a_week_on_its_local_day_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Sunday 30 March 2025, 02:30 does not exist in Berlin: it fires just after the gap.
    before = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)
    fire = next_weekly_fire(before, 6, time(2, 30), berlin)
    assert fire == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert next_weekly_fire(fire, 6, time(2, 30), berlin) == datetime(2025, 4, 6, 0, 30, tzinfo=UTC)
    assert last_weekly_fire(fire, 6, time(2, 30), berlin) == fire
    assert last_weekly_fire(fire - timedelta(seconds=1), 6, time(2, 30), berlin) == datetime(
        2025, 3, 23, 1, 30, tzinfo=UTC
    )
    trigger = WeeklyTrigger(4, time(16, 0), berlin)
    first = trigger.get_next_fire_time(None, datetime(2025, 3, 13, 9, 0, tzinfo=UTC))
    assert first == datetime(2025, 3, 14, 16, 0, tzinfo=berlin)
    assert trigger.get_next_fire_time(first, first) == datetime(2025, 3, 21, 16, 0, tzinfo=berlin)


@dataclass
class WeeklyJobs:
    scheduled: dict[ChannelRef, WeeklyTop] = field(default_factory=dict)
    runs: dict[ChannelRef, Callable[[ChannelRef], Awaitable[None]]] = field(default_factory=dict)

    def schedule(self, weekly: WeeklyTop, run: Callable[[ChannelRef], Awaitable[None]]) -> None:
        self.scheduled[weekly.channel] = weekly
        self.runs[weekly.channel] = run

    def unschedule(self, channel: ChannelRef) -> None:
        self.scheduled.pop(channel, None)


@pytest.fixture
def wall() -> Clock:
    return Clock(datetime(2025, 3, 13, 9, 0, tzinfo=UTC))  # a Thursday


@pytest.fixture
async def library(store: Store, sample_papers: list[object], wall: Clock) -> Library:
    library = Library(store.papers, changes=store.changes, index_path=None)
    await library.open()
    await library.add_papers(sample_papers, at=wall())  # type: ignore[arg-type]
    return library


def weekly_service(
    store: Store, library: Library, poster: Poster, wall: Clock, jobs: WeeklyJobs
) -> DigestService:
    return service(store, library, poster, wall, weekly_jobs=jobs, save_emoji="⭐")


async def a_save_from_a_post(store: Store, wall: Clock) -> None:
    await store.posts.record(PostRef(CHANNEL, "m0"), SAVED, at=wall() - timedelta(days=2))
    for user in ("U1", "U2"):
        await store.reading_lists.save(UserRef("slack", "T1", user), SAVED, at=wall())


async def test_subscribing_schedules_the_weekly_list_and_says_when(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = weekly_service(store, library, Poster(), wall, jobs)

    reply = await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 Europe/Berlin"))

    assert isinstance(reply, Notice)
    assert not reply.ephemeral
    assert marked(reply.text) == (
        "This channel gets the papers saved most here in the past week every Friday at "
        "16:00 Europe/Berlin. Next: Fri 14 Mar 16:00 Europe/Berlin."
    )
    assert jobs.scheduled[CHANNEL] == WeeklyTop(CHANNEL, 4, time(16, 0), "Europe/Berlin", "U1")
    assert await store.weekly_top.get(CHANNEL) == jobs.scheduled[CHANNEL]
    assert await store.subscriptions.get(CHANNEL) is None  # not a daily digest


async def test_the_next_weekly_list_is_counted_in_the_channels_zone(
    store: Store, library: Library, wall: Clock
) -> None:
    """At 09:00 UTC on Thursday it is 18:00 in Tokyo: Thursday's 10:00 there has passed,
    the next list is a week away (not an hour, as 10:00 UTC would be)."""
    digests = weekly_service(store, library, Poster(), wall, WeeklyJobs())

    reply = await digests.subscribe_weekly(ADMIN, weekly("weekly thursday 10:00 Asia/Tokyo"))

    assert marked(reply.text).endswith(  # type: ignore[union-attr]
        "every Thursday at 10:00 Asia/Tokyo. Next: Thu 20 Mar 10:00 Asia/Tokyo."
    )


async def test_the_weekly_list_is_posted_once_however_often_its_job_fires(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    await a_save_from_a_post(store, wall)
    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    wall.now = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)

    run = jobs.runs[CHANNEL]
    await asyncio.gather(run(CHANNEL), run(CHANNEL))  # e.g. two replicas at once
    await run(CHANNEL)  # and again later
    again = weekly_service(store, library, poster, wall, WeeklyJobs())  # after a restart
    await again.start()
    await again.catch_up()

    (posted,) = poster.sent[CHANNEL]
    assert isinstance(posted, PaperList)
    assert not posted.ephemeral
    assert [(card.paper.id, card.saves) for card in posted.cards] == [(SAVED, 2)]
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "done"


async def test_a_list_that_failed_to_post_is_caught_up_after_a_restart(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    await a_save_from_a_post(store, wall)
    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    wall.now = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    poster.fail[CHANNEL] = PostFailed("Slack is down")
    await jobs.runs[CHANNEL](CHANNEL)
    assert poster.sent == {}

    del poster.fail[CHANNEL]
    wall.now += timedelta(hours=1)  # within the 3-hour grace
    await weekly_service(store, library, poster, wall, WeeklyJobs()).catch_up()

    assert len(poster.sent[CHANNEL]) == 1
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "done"


async def test_a_list_missed_beyond_the_grace_period_is_skipped(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    await weekly_service(store, library, poster, wall, WeeklyJobs()).subscribe_weekly(
        ADMIN, weekly("weekly friday 16:00 UTC")
    )
    wall.now = datetime(2025, 3, 14, 23, 0, tzinfo=UTC)  # 7 hours late

    await weekly_service(store, library, poster, wall, WeeklyJobs()).catch_up()

    assert poster.sent == {}
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "skipped"


async def test_a_week_without_saves_says_so_in_the_channel(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    await digests.subscribe_weekly(ADMIN, weekly("weekly"))

    await digests.weekly_top.run_for_day(CHANNEL, date(2025, 3, 17))  # type: ignore[union-attr]

    assert poster.headers(CHANNEL) == [
        # The configured save emoji, never a hard-coded one.
        "Nobody here saved a paper from my posts in the last 7 days. React with ⭐ to a "
        "paper I post (or press Save) to save it."
    ]


async def test_unsubscribe_top_stops_only_the_weekly_list(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = weekly_service(store, library, Poster(), wall, jobs)
    bot = Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=wall,
        digests=digests,
        options=bot_options_for_tests(),
    )
    await bot.handle("subscribe 09:00 UTC", ADMIN)
    await bot.handle("subscribe top weekly", ADMIN)

    stopped = await bot.handle("unsubscribe top", ADMIN)

    assert isinstance(stopped, Notice)
    assert marked(stopped.text) == "This channel will no longer get a weekly list."
    assert CHANNEL not in jobs.scheduled
    assert await store.weekly_top.get(CHANNEL) is None
    assert await store.subscriptions.get(CHANNEL) is not None
    again = await bot.handle("unsubscribe top", ADMIN)
    assert isinstance(again, Notice)
    assert marked(again.text) == "This channel has no weekly list."


async def test_only_channel_managers_change_the_weekly_list(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = weekly_service(store, library, Poster(), wall, WeeklyJobs())
    member = Context(UserRef("slack", "T1", "U2"), CHANNEL, can_manage_channel=False)

    reply = await digests.subscribe_weekly(member, weekly("weekly"))

    assert isinstance(reply, Notice)
    assert reply.error
    assert await store.weekly_top.get(CHANNEL) is None


async def test_a_bot_without_weekly_jobs_says_so(
    store: Store, library: Library, wall: Clock
) -> None:
    digests = service(store, library, Poster(), wall)

    reply: Reply = await digests.subscribe_weekly(ADMIN, weekly("weekly"))

    assert isinstance(reply, Notice)
    assert marked(reply.text) == "Weekly lists are not set up on this bot."


async def test_a_manager_who_may_not_post_here_is_told_privately(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = weekly_service(store, library, Poster(), wall, jobs)
    quiet = Context(UserRef("slack", "T1", "U3"), CHANNEL, can_manage_channel=True)

    reply = await digests.subscribe_weekly(quiet, weekly("weekly"))

    assert isinstance(reply, Notice)
    assert reply.ephemeral
    assert CHANNEL in jobs.scheduled


def weekly_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "paperboy.digest.weekly_top"]


async def test_the_log_tells_an_operator_what_became_of_each_weeks_list(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="paperboy.digest.weekly_top")
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    await a_save_from_a_post(store, wall)
    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    wall.now = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    poster.fail[CHANNEL] = PostFailed("Slack is down")
    await jobs.runs[CHANNEL](CHANNEL)
    del poster.fail[CHANNEL]
    await jobs.runs[CHANNEL](CHANNEL)
    await jobs.runs[CHANNEL](CHANNEL)

    assert weekly_log(caplog) == [
        f"weekly list for {CHANNEL} on 2025-03-14 not posted: Slack is down",
        f"weekly list for {CHANNEL} on 2025-03-14 posted",
        f"weekly list for {CHANNEL} on 2025-03-14 already posted",
    ]
    (posted,) = poster.sent[CHANNEL]
    assert isinstance(posted, PaperList)
    assert not posted.ephemeral


async def test_a_list_at_the_end_of_the_grace_is_posted_and_one_later_is_logged_skipped(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="paperboy.digest.weekly_top")
    poster = Poster()
    await a_save_from_a_post(store, wall)
    await weekly_service(store, library, poster, wall, WeeklyJobs()).subscribe_weekly(
        ADMIN, weekly("weekly friday 16:00 UTC")
    )
    wall.now = datetime(2025, 3, 14, 19, 0, tzinfo=UTC)  # the 3-hour grace, to the second
    await weekly_service(store, library, poster, wall, WeeklyJobs()).catch_up()
    assert len(poster.sent[CHANNEL]) == 1

    wall.now = datetime(2025, 3, 21, 19, 0, 1, tzinfo=UTC)  # a week on, a second too late
    await weekly_service(store, library, poster, wall, WeeklyJobs()).catch_up()
    assert len(poster.sent[CHANNEL]) == 1
    assert await store.weekly_top.status(CHANNEL, date(2025, 3, 21)) == "skipped"
    assert weekly_log(caplog)[-1] == (
        f"weekly list for {CHANNEL} on 2025-03-21 skipped: due at 2025-03-21 16:00:00+00:00"
    )


async def test_a_tokyo_list_caught_up_after_midnight_utc_is_for_its_local_day(
    store: Store, library: Library, wall: Clock
) -> None:
    """Friday 08:00 in Tokyo is Thursday 23:00 UTC: the week's list is Friday's."""
    poster = Poster()
    await a_save_from_a_post(store, wall)
    await weekly_service(store, library, poster, wall, WeeklyJobs()).subscribe_weekly(
        ADMIN, weekly("weekly friday 08:00 Asia/Tokyo")
    )
    wall.now = datetime(2025, 3, 13, 23, 30, tzinfo=UTC)
    await weekly_service(store, library, poster, wall, WeeklyJobs()).catch_up()

    assert len(poster.sent[CHANNEL]) == 1
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "done"


async def test_a_list_for_a_platform_not_running_is_not_posted_and_logged(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="paperboy.digest.weekly_top")
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    discord = ChannelRef("discord", "G1", "C9")
    await store.weekly_top.put(WeeklyTop(discord, 4, time(16, 0), "UTC", "U1"), at=wall())

    await digests.weekly_top.run_for_day(discord, FRIDAY)  # type: ignore[union-attr]

    assert poster.sent == {}
    assert await store.weekly_top.status(discord, FRIDAY) is None  # not claimed either
    assert weekly_log(caplog) == [
        f"weekly list for {discord} not posted: its adapter is not running"
    ]


async def test_an_empty_week_is_posted_by_no_one_when_not_announced(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), WeeklyJobs()
    digests = service(store, library, poster, wall, weekly_jobs=jobs, announce_empty=False)
    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))

    await digests.weekly_top.run_for_day(CHANNEL, FRIDAY)  # type: ignore[union-attr]
    await digests.weekly_top.run_for_day(CHANNEL, FRIDAY)  # type: ignore[union-attr]

    assert poster.sent == {}
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "done"


async def test_after_close_no_new_list_starts_and_an_unsubscribed_one_never_runs(
    store: Store, library: Library, wall: Clock
) -> None:
    poster, jobs = Poster(), WeeklyJobs()
    digests = weekly_service(store, library, poster, wall, jobs)
    await a_save_from_a_post(store, wall)
    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    run = jobs.runs[CHANNEL]
    await digests.unsubscribe(ADMIN, "top")
    wall.now = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    await run(CHANNEL)
    assert poster.sent == {}

    await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
    digests.weekly_top.close()  # type: ignore[union-attr]
    await jobs.runs[CHANNEL](CHANNEL)
    assert poster.sent == {}
    assert await store.weekly_top.status(CHANNEL, FRIDAY) is None


def test_a_weekly_trigger_asked_at_its_fire_time_fires_then_and_just_after_next_week() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    trigger = WeeklyTrigger(4, time(16, 0), berlin)
    fire = datetime(2025, 3, 14, 16, 0, tzinfo=berlin)
    assert trigger.get_next_fire_time(None, fire) == fire
    just_after = fire + timedelta(microseconds=1)
    assert trigger.get_next_fire_time(None, just_after) == fire + timedelta(days=7)
    # Asked earlier on the day it fires, it fires that day.
    morning = datetime(2025, 3, 14, 8, 0, tzinfo=UTC)
    assert next_weekly_fire(morning, 4, time(16, 0), berlin) == fire


async def test_a_weekly_list_without_a_time_takes_the_configured_default_and_says_it(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = service(store, library, Poster(), wall, weekly_jobs=jobs, default_time=time(7, 30))

    reply = await digests.subscribe_weekly(ADMIN, weekly("weekly"))

    assert marked(reply.text) == (  # type: ignore[union-attr]
        "This channel gets the papers saved most here in the past week every Monday at "
        "07:30 UTC. Next: Mon 17 Mar 07:30 UTC."
    )
    assert jobs.scheduled[CHANNEL].time == time(7, 30)


async def test_a_weekly_list_from_a_platform_not_running_is_refused_and_not_stored(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = weekly_service(store, library, Poster(), wall, jobs)
    discord = Context(
        UserRef("discord", "G1", "U1"), ChannelRef("discord", "G1", "C9"), can_manage_channel=True
    )

    reply = await digests.subscribe_weekly(discord, weekly("weekly"))

    assert reply == Notice("Weekly lists cannot be posted from here.", error=True)
    assert jobs.scheduled == {}
    assert await store.weekly_top.active() == []


async def test_stopping_the_weekly_list_is_said_in_the_channel_or_privately(
    store: Store, library: Library, wall: Clock
) -> None:
    """As the subscribing answer: in the channel when the person may post there."""
    digests = weekly_service(store, library, Poster(), wall, WeeklyJobs())
    quiet = Context(UserRef("slack", "T1", "U3"), CHANNEL, can_manage_channel=True)
    await digests.subscribe_weekly(ADMIN, weekly("weekly"))
    public = await digests.unsubscribe(ADMIN, "top")
    await digests.subscribe_weekly(ADMIN, weekly("weekly"))
    private = await digests.unsubscribe(quiet, "top")

    assert public == Notice("This channel will no longer get a weekly list.", ephemeral=False)
    assert private == Notice("This channel will no longer get a weekly list.", ephemeral=True)


async def test_a_weekly_lists_log_lines_name_its_channel_and_command(
    store: Store, library: Library, wall: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The lines a run logs carry (in the log context) its channel and `weekly_top`, so
    an operator can tell them from a digest's; an unexpected failure is one line naming
    the list and the day."""

    class Broken(Poster):
        async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
            raise RuntimeError("the platform answered nonsense")

    contexts: list[dict[str, str]] = []

    class ContextOfEachLine(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == "paperboy.digest.weekly_top":
                contexts.append(log_context.current())

    caplog.set_level("INFO", logger="paperboy.digest.weekly_top")
    await a_save_from_a_post(store, wall)
    handler = ContextOfEachLine()
    logging.getLogger("paperboy.digest.weekly_top").addHandler(handler)
    try:
        digests = weekly_service(store, library, Poster(), wall, WeeklyJobs())
        await digests.subscribe_weekly(ADMIN, weekly("weekly friday 16:00 UTC"))
        await digests.weekly_top.run_for_day(CHANNEL, FRIDAY)  # type: ignore[union-attr]
        broken = weekly_service(store, library, Broken(), wall, WeeklyJobs())
        await broken.weekly_top.run_for_day(CHANNEL, FRIDAY + timedelta(days=7))  # type: ignore[union-attr]
    finally:
        logging.getLogger("paperboy.digest.weekly_top").removeHandler(handler)

    assert weekly_log(caplog) == [
        f"weekly list for {CHANNEL} on 2025-03-14 posted",
        f"weekly list for {CHANNEL} on 2025-03-21 failed",
    ]
    assert contexts[0] == {
        "platform": "slack",
        "team": "T1",
        "channel": "C1",
        "command": "weekly_top",
    }


async def test_forgetting_a_workspace_stops_its_weekly_lists_jobs_and_counts_them(
    store: Store, library: Library, wall: Clock
) -> None:
    jobs = WeeklyJobs()
    digests = weekly_service(store, library, Poster(), wall, jobs)
    other_team = ChannelRef("slack", "T2", "C1")
    await digests.subscribe_weekly(ADMIN, weekly("weekly"))
    await digests.subscribe_weekly(dataclasses.replace(ADMIN, channel=other_team), weekly("weekly"))

    forgotten = await digests.forget_workspace("slack", "T1")

    assert forgotten == 1
    assert list(jobs.scheduled) == [other_team]
    assert [w.channel for w in await store.weekly_top.active()] == [other_team]


async def test_a_list_started_again_after_a_restart_runs_when_its_job_fires(
    store: Store, library: Library, wall: Clock
) -> None:
    poster = Poster()
    await a_save_from_a_post(store, wall)
    await weekly_service(store, library, poster, wall, WeeklyJobs()).subscribe_weekly(
        ADMIN, weekly("weekly friday 16:00 UTC")
    )
    jobs = WeeklyJobs()
    await weekly_service(store, library, poster, wall, jobs).start()  # a restart
    wall.now = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)

    await jobs.runs[CHANNEL](CHANNEL)

    assert len(poster.sent[CHANNEL]) == 1
    assert await store.weekly_top.status(CHANNEL, FRIDAY) == "done"
