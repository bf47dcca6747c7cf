"""The composition root: the one place that builds things and wires them together.

`open_library` opens the store and the search index (seeding the sample into
an empty store); the CLI's one-shot commands use just that and `build_bot`.
`App` builds everything `paperboy run` needs — sources, scheduler, ingest,
digests, chat adapters — and runs them on one event loop until it is told to
stop or an adapter stops by itself.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, cast, runtime_checkable

from paperboy.adapters.console import CONSOLE_HELP, ConsoleAdapter, ConsoleScreen
from paperboy.config import ConfigError, OpsSettings, Secrets, Settings, SlackSettings
from paperboy.core.background import in_background
from paperboy.core.bot import NO_DIGESTS, Bot, BotOptions, emoji_glyph
from paperboy.core.follow_alerts import FollowAlerts
from paperboy.core.foryou import ForYouCommands
from paperboy.core.help import PlatformHelp, reaction_hint
from paperboy.core.leased_work import LeasedWork
from paperboy.core.library import Library
from paperboy.core.models import Platform
from paperboy.core.pacing import PostPacing
from paperboy.core.ports import ChannelPoster, Clock, DigestCommands, PaperFetcher, StoreUnavailable
from paperboy.core.publishing import Publisher
from paperboy.core.rich import Rich, code, text
from paperboy.core.telemetry import NO_METRICS, Metrics
from paperboy.core.times import checked_time_of_day
from paperboy.core.zones import zone_info
from paperboy.digest.runner import DigestSchedule
from paperboy.digest.schedule import DailyTrigger
from paperboy.digest.service import (
    DigestOptions,
    DigestService,
    DigestStore,
    WeeklyForYouJobs,
    WeeklyJobs,
)
from paperboy.ops.loop_lag import LoopLag
from paperboy.ops.metrics import PrometheusMetrics, Sample
from paperboy.ops.readiness import Readiness
from paperboy.ops.server import OpsServer
from paperboy.run_lock import run_lock
from paperboy.scheduler import DigestJobs, Scheduler, WeeklyTopJobs
from paperboy.scheduler import WeeklyForYouJobs as WeeklyForYouScheduler
from paperboy.search.memory import return_freed_memory
from paperboy.sources.arxiv import ArxivClient
from paperboy.sources.http import RetryPolicy
from paperboy.sources.huggingface import HuggingFaceClient
from paperboy.sources.ingest import IngestService
from paperboy.sources.sample import load_sample_papers
from paperboy.store import BadStoreUrl, Store, parse_location
from paperboy.store.errors import BadStorePath
from paperboy.store.urls import PostgresLocation, StoreLocation

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from paperboy.adapters.discord import DiscordAdapter, DiscordOptions
    from paperboy.adapters.discord.poster import DiscordPoster
    from paperboy.adapters.slack import SlackAdapter
    from paperboy.adapters.slack.installations import SlackInstallations
    from paperboy.adapters.slack.poster import SlackPoster

log = logging.getLogger(__name__)

# How long a stopping bot lets a digest finish the message it is posting.
DRAIN_SECONDS = 10.0

# The lease under which one replica at a time fetches papers (the daily ingest, the
# start-up catch-up, the refresh before a digest): they fetch the same days.
INGEST_LEASE = "ingest"


def utc_now() -> datetime:
    return datetime.now(UTC)


def store_location(settings: Settings) -> StoreLocation:
    """The database `store.url` names, else the SQLite file at `store.path`.

    Raises ConfigError naming `store.url` (its password masked) when it is not a URL
    of a database paperboy can use."""
    if not settings.store.url.strip():
        return settings.store_path
    try:
        return parse_location(settings.store.url.strip())  # sqlite:///path works too
    except BadStoreUrl as error:
        raise ConfigError(f"store.url: {error}") from None


async def open_store(settings: Settings) -> Store:
    """Open (and migrate) the configured store.

    Raises ConfigError naming `store.path` or `store.url` when no store can live
    there, StoreUnavailable naming `store.url` when its server cannot be reached."""
    location = store_location(settings)
    try:
        return await Store.open(location)
    except BadStorePath as error:
        raise ConfigError(f"store.path: {error}") from None
    except BadStoreUrl as error:
        raise ConfigError(f"store.url: {error}") from None
    except StoreUnavailable as error:
        if isinstance(location, PostgresLocation):
            raise StoreUnavailable(f"store.url: {error}") from None
        raise


def index_path(store_path: Path) -> Path:
    """The saved search index lives beside the SQLite file."""
    return store_path.with_name(store_path.name + ".index")


def log_path(settings: Settings) -> Path:
    """Where the console sends the log (the data directory: beside the store), so that
    log lines never scroll over the prompt."""
    return settings.store_path.with_name("paperboy.log")


def console_history_path(settings: Settings) -> Path:
    """The console's line history, kept between sessions beside the store."""
    return settings.store_path.with_name("console_history")


def adapter_names(settings: Settings) -> tuple[list[str], str]:
    """Which adapters `paperboy run` runs, and why, for the one start-up line."""
    secrets = settings.secrets
    names = []
    if secrets.slack_bot_token or settings.slack.client_id:
        names.append("slack")
    if secrets.discord_token:
        names.append("discord")
    if names:
        return names, "chat tokens are set"
    return ["console"], "no SLACK_BOT_TOKEN or DISCORD_TOKEN is set"


@dataclass(frozen=True, slots=True)
class Services:
    """What `open_library` opened, for the composition root to build the bot and its
    adapters from (not named "Core", so as not to be taken for the `core/` package)."""

    settings: Settings
    store: Store
    library: Library
    clock: Clock


@asynccontextmanager
async def open_library(settings: Settings, *, clock: Clock = utc_now) -> AsyncIterator[Services]:
    """Open the store, load or build the index, seed the sample into an empty store.

    Raises ConfigError naming `store.path` or `store.url` when no store can live there."""
    store_path = settings.store_path
    store = await open_store(settings)
    try:
        library = Library(
            store.papers,
            changes=store.changes,
            index_path=index_path(store_path),
            after_build=return_freed_memory,
        )
        await library.open()
        if settings.sources.load_sample and await store.papers.count() == 0:
            counts = await library.add_papers(load_sample_papers(), at=clock())
            log.info("the store was empty: loaded %d sample papers", counts.inserted)
        try:
            yield Services(settings, store, library, clock)
        finally:
            await library.save_index()
    finally:
        await store.aclose()


@asynccontextmanager
async def following_the_store(
    core: Services, *, follows: FollowAlerts | None = None
) -> AsyncIterator[None]:
    """While inside, the search index takes in what other processes store (`paperboy
    ingest`, `add`, another replica), every `search.follow_seconds`; and `follows`, if
    given, sends every paper new to the index, from this process or another, to the
    follows it matches (the one trigger of follow alerts)."""
    every = core.settings.search.follow_seconds
    async with AsyncExitStack() as stack:
        if follows is not None:
            await stack.enter_async_context(core.library.arrivals.announcing(follows.new_papers))
        async with in_background(core.library.follow(every=every), name="follow-store"):
            yield


@asynccontextmanager
async def digests_in_step(core: Services, digests: DigestService) -> AsyncIterator[None]:
    """While inside, the digest jobs follow the store's subscriptions (another replica's
    `subscribe`, `unsubscribe`), every `digest.sync_seconds`."""
    every = core.settings.digest.sync_seconds
    async with in_background(digests.keep_in_step(every=every), name="digests-in-step"):
        yield


def build_bot(
    core: Services,
    *,
    fetcher: PaperFetcher | None = None,
    digests: DigestCommands | None = None,
    command_prefix: str = "",
    platform_help: PlatformHelp | None = None,
    digests_off: str | Rich = NO_DIGESTS,
    metrics: Metrics = NO_METRICS,
) -> Bot:
    return Bot(
        papers=core.store.papers,
        search=core.library,
        sink=core.library,
        reading_lists=core.store.reading_lists,
        marks=core.store.marks,
        posts=core.store.posts,
        clock=core.clock,
        fetcher=fetcher,
        digests=digests,
        workspaces=core.store.workspaces,
        follows=core.store.follows,
        people=core.store.people,
        metrics=metrics,
        options=bot_options(
            core.settings,
            command_prefix=command_prefix,
            platform_help=platform_help or PlatformHelp(),
            digests_off=digests_off,
        ),
    )


def bot_options(
    settings: Settings,
    *,
    command_prefix: str = "",
    platform_help: PlatformHelp | None = None,
    digests_off: str | Rich = NO_DIGESTS,
) -> BotOptions:
    return BotOptions(
        page_size=settings.search.page_size,
        max_query_chars=settings.search.max_query_chars,
        save_emoji=settings.chat.save_emoji,
        not_for_me_emoji=settings.chat.not_for_me_emoji,
        command_prefix=command_prefix,
        platform_help=platform_help or PlatformHelp(),
        digests_off=digests_off,
    )


def follow_alerts(core: Services, publisher: Publisher) -> FollowAlerts:
    """What sends the papers new to the index (`following_the_store`) to the follows
    they match."""
    return FollowAlerts(
        follows=core.store.follows,
        papers=core.store.papers,
        search=core.library,
        publisher=publisher,
        clock=core.clock,
    )


def build_publisher(core: Services, posters: Iterable[ChannelPoster]) -> Publisher:
    """The one way into channels: through `posters` (each platform's send side), paced
    as `chat.*` says, recording what each post shows."""
    chat = core.settings.chat
    pacing = PostPacing(channel_interval=chat.channel_pace_seconds, rate=chat.posts_per_second)
    return Publisher(posts=core.store.posts, clock=core.clock, pacing=pacing, posters=posters)


def digest_options(settings: Settings) -> DigestOptions:
    digest = settings.digest
    return DigestOptions(
        default_time=checked_time_of_day(digest.default_time),
        default_timezone=digest.default_timezone,
        default_papers=digest.default_papers,
        grace=timedelta(hours=digest.grace_hours),
        announce_empty=digest.announce_empty,
        preview_cooldown=timedelta(seconds=digest.preview_cooldown_seconds),
        claim_lease=timedelta(seconds=digest.claim_lease_seconds),
        save_emoji=emoji_glyph(settings.chat.save_emoji),
    )


def digest_store(store: Store) -> DigestStore:
    return DigestStore(
        subscriptions=store.subscriptions,
        runs=store.digest_runs,
        items=store.digest_items,
        previews=store.previews,
        papers=store.papers,
        weekly=store.weekly_top,
        lookup=store.papers,
        posts=store.posts,
        weekly_foryou=store.weekly_foryou,
        ranks=store.digest_ranks,
    )


def foryou_ranking(core: Services) -> ForYouCommands:
    """The `foryou` ranking the weekly messages send (the same as the command's)."""
    settings = core.settings
    return ForYouCommands(
        papers=core.store.papers,
        search=core.library,
        lists=core.store.reading_lists,
        marks=core.store.marks,
        clock=core.clock,
        page_size=settings.search.page_size,
        react_hint=reaction_hint(emoji_glyph(settings.chat.save_emoji), PlatformHelp()),
    )


def build_digests(
    core: Services,
    publisher: Publisher,
    jobs: DigestSchedule,
    *,
    before_run: Callable[[], Awaitable[None]] | None = None,
    options: DigestOptions | None = None,
    weekly_jobs: WeeklyJobs | None = None,
    metrics: Metrics = NO_METRICS,
    foryou_jobs: WeeklyForYouJobs | None = None,
) -> DigestService:
    return DigestService(
        store=digest_store(core.store),
        topics=core.library,
        publisher=publisher,
        jobs=jobs,
        clock=core.clock,
        options=options or digest_options(core.settings),
        before_run=before_run,
        weekly_jobs=weekly_jobs,
        metrics=metrics,
        foryou=foryou_ranking(core),
        foryou_jobs=foryou_jobs,
        taste=core.library,
    )


def huggingface_client(settings: Settings) -> HuggingFaceClient:
    return HuggingFaceClient(
        settings.sources.huggingface_url,
        timeout=settings.sources.timeout_seconds,
        retry=RetryPolicy(attempts=settings.sources.retries + 1),
    )


def arxiv_client(settings: Settings) -> ArxivClient:
    # A chat user waits on `add`: a short timeout and few retries, then "try later".
    return ArxivClient(
        settings.sources.arxiv_url,
        min_interval=settings.sources.arxiv_min_interval_seconds,
        timeout=min(settings.sources.timeout_seconds, 10.0),
        retry=RetryPolicy(attempts=2),
    )


# The Slack and Discord adapters are imported where they are built: slack-bolt and
# discord.py take about half a second to load, which the one-shot commands (search,
# add, ingest, export) would pay for nothing.


def slack_poster(settings: Settings, *, store: Store | None = None) -> SlackPoster:
    """Slack's send side (the Web API client; in OAuth distribution the installations,
    kept in `store`). Raises ConfigError when a secret the configured mode needs is
    missing."""
    from paperboy.adapters.slack.poster import SlackPoster, web_client

    check_slack_credentials(settings.slack, settings.secrets)
    client = web_client(token=settings.secrets.slack_bot_token, api_url=settings.slack.api_url)
    if not settings.slack.client_id:
        return SlackPoster(client)
    if store is None:
        raise ValueError("OAuth distribution keeps its installations in the store")
    return SlackPoster(client, installations=slack_installations(settings, store, client))


def slack_installations(
    settings: Settings, store: Store, client: AsyncWebClient
) -> SlackInstallations:
    """The workspaces' installations in paperboy's database (OAuth distribution)."""
    from paperboy.adapters.slack.installations import OAuthApp, SlackInstallations
    from paperboy.adapters.slack.oauth import BOT_SCOPES

    slack = settings.slack
    app = OAuthApp(
        client_id=slack.client_id,
        client_secret=settings.secrets.slack_client_secret,
        scopes=BOT_SCOPES,
        authorization_url=slack.authorization_url,
        redirect_url=slack.redirect_url,
    )
    return SlackInstallations(app, engine=store.db.shared_engine(), client=client)


def slack_adapter(
    core: Services, bot: Bot, publisher: Publisher, poster: SlackPoster
) -> SlackAdapter:
    """The Slack adapter as `paperboy run` builds it, on `poster`'s client."""
    from paperboy.adapters.slack import SlackAdapter
    from paperboy.adapters.slack.http_server import HttpLimits, HttpListen

    slack, secrets = core.settings.slack, core.settings.secrets
    listen = HttpListen(
        host=slack.http_host,
        port=slack.http_port,
        path=slack.http_path,
        limits=HttpLimits(
            header_timeout=slack.http_header_timeout_seconds,
            body_timeout=slack.http_body_timeout_seconds,
            idle_timeout=slack.http_idle_timeout_seconds,
            max_connections=slack.http_max_connections,
        ),
    )
    return SlackAdapter(
        bot,
        client=poster.client,
        publisher=publisher,
        app_token=secrets.slack_app_token,
        listen=listen if slack.mode == "http" else None,
        signing_secret=secrets.slack_signing_secret,
        digest_managers=slack.digest_managers,
        installations=poster.installations,
    )


def check_slack_credentials(settings: SlackSettings, secrets: Secrets) -> None:
    """Raise ConfigError (one line naming the variable) when the mode lacks a secret."""
    if settings.client_id:
        check_oauth_credentials(settings, secrets)
        return
    if not secrets.slack_bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN: must be the app's bot token (xoxb-…)")
    if settings.mode == "socket" and not secrets.slack_app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-…) with "
            'connections:write; or set slack.mode = "http"'
        )
    if settings.mode == "http" and not secrets.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET: HTTP mode needs the app's signing secret")


def check_oauth_credentials(settings: SlackSettings, secrets: Secrets) -> None:
    """OAuth distribution: HTTP mode (Slack sends the installs' requests to one URL), the
    client secret, and no single bot token (each workspace's comes from its installation)."""
    if settings.mode != "http":
        raise ConfigError('slack.client_id: OAuth distribution needs slack.mode = "http"')
    if not secrets.slack_client_secret:
        raise ConfigError("SLACK_CLIENT_SECRET: OAuth distribution needs the app's client secret")
    if not secrets.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET: HTTP mode needs the app's signing secret")
    if secrets.slack_bot_token:
        raise ConfigError(
            "SLACK_BOT_TOKEN: unset it with slack.client_id (OAuth distribution takes each "
            "workspace's token from its installation)"
        )


def discord_poster(core: Services, *, options: DiscordOptions | None = None) -> DiscordPoster:
    """Discord's send side: the client (not yet logged in) and the poster on it."""
    from paperboy.adapters.discord import DiscordOptions
    from paperboy.adapters.discord.client import PaperboyClient, ShardedPaperboyClient
    from paperboy.adapters.discord.pages import PageButtons
    from paperboy.adapters.discord.poster import DiscordPoster

    options = options or DiscordOptions()
    settings = core.settings.discord
    common: dict[str, Any] = {
        "sync_guilds": [int(guild) for guild in settings.sync_guilds],
        "guild_ready_timeout": options.guild_ready_timeout,
        "identify_wait": options.identify_wait,
    }
    shard_ids = [int(shard) for shard in settings.shard_ids]
    if settings.shard_count:
        if any(shard >= settings.shard_count for shard in shard_ids):
            raise ConfigError(
                f"discord.shard_ids: each must be below discord.shard_count "
                f"({settings.shard_count}), got {','.join(settings.shard_ids)}"
            )
        client: PaperboyClient = ShardedPaperboyClient(
            shard_count=settings.shard_count, shard_ids=shard_ids, **common
        )
    elif shard_ids:
        raise ConfigError("discord.shard_ids: set discord.shard_count too (the whole bot's)")
    else:
        client = PaperboyClient(**common)
    pages = PageButtons(core.store.page_refs, clock=core.clock)
    return DiscordPoster(client, pages, save_emoji=emoji_glyph(core.settings.chat.save_emoji))


def discord_adapter(
    core: Services,
    bot: Bot,
    publisher: Publisher,
    poster: DiscordPoster,
    *,
    options: DiscordOptions | None = None,
) -> DiscordAdapter:
    from paperboy.adapters.discord import DiscordAdapter

    settings = core.settings
    return DiscordAdapter(
        bot,
        poster=poster,
        publisher=publisher,
        token=settings.secrets.discord_token,
        api_url=settings.discord.api_url,
        gateway_url=settings.discord.gateway_url,
        options=options,
    )


def console_screen(settings: Settings, **terminal: Any) -> ConsoleScreen:
    """The console's send side: its terminal (with its history file), numbering papers."""
    return ConsoleScreen(
        history=console_history_path(settings), files_dir=settings.store_path.parent, **terminal
    )


def console_adapter(core: Services, bot: Bot, screen: ConsoleScreen) -> ConsoleAdapter:
    """A console on its own (`paperboy chat`), posting through its own publisher."""
    return ConsoleAdapter(bot, screen=screen, publisher=build_publisher(core, [screen]))


if TYPE_CHECKING:
    # A platform's send side, from which its adapter is built.
    Poster = ConsoleScreen | SlackPoster | DiscordPoster


def ops_server(
    core: Services,
    adapters: Sequence[Adapter],
    metrics: PrometheusMetrics,
    *,
    settings: OpsSettings,
) -> OpsServer:
    """/livez, /readyz and /metrics over what `paperboy run` runs."""
    max_age = settings.max_ingest_age_hours
    readiness = Readiness(
        ping_store=core.store.ping,
        platforms=adapters,
        last_ingest=lambda: metrics.last_ingest_success,
        clock=core.clock,
        started=core.clock(),
        max_ingest_age=timedelta(hours=max_age) if max_age else None,
        store_timeout=settings.store_timeout_seconds,
    )

    async def sample() -> Sample:
        index = core.library.index
        return Sample(
            papers=await core.store.papers.count(),
            index_papers=len(index),
            index_terms=index.n_terms,
            installations=await installations(adapters),
        )

    return OpsServer(
        host=settings.host,
        port=settings.port,
        readiness=readiness,
        metrics=metrics,
        sample=sample,
        sample_timeout=settings.store_timeout_seconds,
    )


async def installations(adapters: Sequence[Adapter]) -> dict[str, int]:
    """Workspaces or servers served, per platform: a Slack app distributed by OAuth counts
    its installations, Discord the guilds the bot is in; otherwise an adapter counts as
    one (one Slack workspace by its token, the console)."""
    counts = {}
    for adapter in adapters:
        if isinstance(adapter, CountsInstallations):
            counts[adapter.platform] = await adapter.installation_count()
        else:
            counts[adapter.platform] = 1
    return counts


@runtime_checkable
class CountsInstallations(Protocol):
    """An adapter that knows how many workspaces it serves."""

    async def installation_count(self) -> int: ...


class Adapter(Protocol):
    """A chat platform connection, started and stopped by the App.

    `start` connects and returns once messages can be posted; `post` is the
    `ChannelPoster` the publisher posts through (every post into a channel);
    `is_connected` says whether it can take messages now (for /readyz);
    `wait_closed` returns when the adapter stops by itself (the console at end of
    input, a client that died); `aclose` disconnects cleanly and is safe to repeat."""

    name: str
    platform: str

    async def start(self) -> None: ...

    async def wait_closed(self) -> None: ...

    async def is_connected(self) -> bool: ...

    async def aclose(self) -> None: ...


class App:
    """Everything `paperboy run` starts, on one event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._stdin = stdin
        self._stdout = stdout
        self._on_started = on_started  # once everything is up (a failed start stays one line)
        self._stop = asyncio.Event()
        self.metrics = PrometheusMetrics()  # this App's own registry
        self.ops: OpsServer | None = None  # once started (`ops.enabled`)

    def stop(self) -> None:
        self._stop.set()

    def choose_adapters(self) -> tuple[list[str], str]:
        """Which adapters to run, and why, for the one start-up line."""
        return adapter_names(self.settings)

    async def run(self) -> None:
        names, why = self.choose_adapters()
        async with AsyncExitStack() as stack:
            # From the first moment: a SIGTERM while starting (a console answering
            # already, jobs still being scheduled) stops as cleanly as one later.
            stack.enter_context(self._stopping_on_signals())
            core = await stack.enter_async_context(open_library(self.settings, clock=self.clock))
            if not self.settings.store.url:  # one bot per SQLite file; replicas need a server
                stack.enter_context(run_lock(self.settings.store_path))
            hf = await stack.enter_async_context(huggingface_client(self.settings))
            arxiv = await stack.enter_async_context(arxiv_client(self.settings))
            scheduler = Scheduler()
            stack.push_async_callback(scheduler.aclose)
            # Each platform's send side first, so the publisher, the follows (sent for
            # every paper new to the index, whoever stored it), the digests and then the
            # adapters (which receive commands) are each built once, complete.
            posters = [self._build_poster(name, core) for name in names]
            publisher = build_publisher(core, posters)
            alerts = follow_alerts(core, publisher)
            await stack.enter_async_context(following_the_store(core, follows=alerts))
            ingest = self._ingest(core, hf)
            once = LeasedWork(leases=core.store.leases, holder=core.store.holder, clock=self.clock)
            options = digest_options(self.settings)

            async def refresh_before_digest() -> None:
                await once.run(INGEST_LEASE, ingest.refresh_if_stale)

            digests = build_digests(
                core,
                publisher,
                DigestJobs(scheduler, grace=options.grace),
                before_run=refresh_before_digest,
                options=options,
                weekly_jobs=WeeklyTopJobs(scheduler, grace=options.grace),
                metrics=self.metrics,
                foryou_jobs=WeeklyForYouScheduler(scheduler, grace=options.grace),
            )
            papers = await core.store.papers.count()
            adapters = [
                self._build_adapter(poster, core, arxiv, digests, publisher, why=why, papers=papers)
                for poster in posters
            ]
            await self._start_ops(stack, core, adapters)
            await self._start_adapters(stack, adapters, names=names, why=why, papers=papers)
            await self._start_jobs(scheduler, ingest, digests, once)
            await stack.enter_async_context(digests_in_step(core, digests))
            # Missed papers first, then missed digests (which refresh the papers again
            # only if the catch-up left them stale); both in the background.
            console = next((a for a in adapters if isinstance(a, ConsoleAdapter)), None)
            catching_up = self._catch_up(ingest, digests, once, core=core, console=console)
            async with in_background(catching_up, name="catch-up"):
                try:
                    await self._wait_for_stop(adapters)
                finally:
                    await digests.drain(DRAIN_SECONDS)
                    # The follows of papers the index just took in, while the chat
                    # connections are still open (a paper not sent now never is: the
                    # saved index has it, so no later start sees it as new).
                    with suppress(TimeoutError):
                        await asyncio.wait_for(core.library.arrivals.settled(), DRAIN_SECONDS)

    def _ingest(self, core: Services, source: HuggingFaceClient) -> IngestService:
        return IngestService(
            source=source,
            library=core.library,
            ingest_log=core.store.ingest_log,
            clock=self.clock,
            catch_up_days=self.settings.sources.catch_up_days,
            metrics=self.metrics,
        )

    async def _start_ops(
        self, stack: AsyncExitStack, core: Services, adapters: list[Adapter]
    ) -> None:
        """The operations endpoint (and the loop-lag probe it reports), before the
        adapters start: /readyz says "not connected" while they connect. Raises
        ConfigError naming `ops.port` when it cannot listen."""
        settings = self.settings.ops
        if not settings.enabled:
            return
        server = ops_server(core, adapters, self.metrics, settings=settings)
        try:
            await server.start()
        except OSError as error:
            # asyncio's strerror repeats the address; the errno's own words say it all.
            reason = os.strerror(error.errno).lower() if error.errno else str(error)
            raise ConfigError(
                f"ops.port: cannot listen on {settings.host}:{settings.port} ({reason}); "
                "pick another port, or 0 for any free one"
            ) from None
        stack.push_async_callback(server.aclose)
        lag = LoopLag(self.metrics.loop_lag)
        lag.start()
        stack.push_async_callback(lag.aclose)
        self.ops = server

    async def _start_adapters(
        self,
        stack: AsyncExitStack,
        adapters: list[Adapter],
        *,
        names: list[str],
        why: str,
        papers: int,
    ) -> None:
        for adapter in adapters:
            stack.push_async_callback(adapter.aclose)
            await adapter.start()
        log.info(
            "paperboy running %s (%s); store %s with %d papers",
            " + ".join(names),
            why,
            store_location(self.settings),  # a URL without its password
            papers,
        )
        if self._on_started is not None:
            self._on_started()
        # What start-up built lives as long as the process: out of the collector's
        # sight, full collections stop walking it again and again (under load they
        # showed as loop stalls above 100 ms).
        gc.collect()
        gc.freeze()

    async def _start_jobs(
        self,
        scheduler: Scheduler,
        ingest: IngestService,
        digests: DigestService,
        once: LeasedWork,
    ) -> None:
        scheduler.start()
        self._schedule_ingest(scheduler, ingest, once)
        await digests.start()

    def _build_poster(self, name: str, core: Services) -> Poster:
        if name == "console":
            return console_screen(self.settings, stdin=self._stdin, stdout=self._stdout)
        if name == "slack":
            return slack_poster(self.settings, store=core.store)
        if name == "discord":
            return discord_poster(core)
        raise ValueError(f"the {name} adapter is not available in this build")

    def _build_adapter(
        self,
        poster: Poster,
        core: Services,
        fetcher: PaperFetcher,
        digests: DigestCommands,
        publisher: Publisher,
        *,
        why: str,
        papers: int,
    ) -> Adapter:
        if isinstance(poster, ConsoleScreen):
            bot = build_bot(
                core,
                fetcher=fetcher,
                digests=digests,
                platform_help=CONSOLE_HELP,
                metrics=self.metrics,
            )
            greeting = text(
                f"paperboy: this is the console, as {why}; {papers} papers stored. Type ",
                code("help"),
                " for commands, ",
                code("quit"),
                " to leave.",
            )
            return ConsoleAdapter(bot, screen=poster, publisher=publisher, greeting=greeting)
        bot = build_bot(
            core,
            fetcher=fetcher,
            digests=digests,
            command_prefix="/papers ",
            metrics=self.metrics,
        )
        if poster.platform == Platform.SLACK:
            return slack_adapter(core, bot, publisher, cast("SlackPoster", poster))
        return discord_adapter(core, bot, publisher, cast("DiscordPoster", poster))

    async def _catch_up(
        self,
        ingest: IngestService,
        digests: DigestService,
        once: LeasedWork,
        *,
        core: Services,
        console: ConsoleAdapter | None,
    ) -> None:
        # The papers once across replicas (another replica's catch-up stores them for
        # all); the digests on every replica: their claims post each once, and a replica
        # watching a run another holds takes it over if that one dies.
        try:
            results = await once.run(INGEST_LEASE, ingest.catch_up)
        except Exception:
            log.exception("ingest catch-up failed; the daily job will try again")
        else:
            failed = next((result for result in results or () if result.error), None)
            if failed is not None:
                # One line, where a person is watching: the ingest has logged the details.
                sources = self.settings.sources
                line = (
                    f"paperboy: could not fetch new papers ({failed.error}). The "
                    f"{await core.store.papers.count()} papers stored are all searchable; "
                    f"the daily ingest tries again at {sources.ingest_time} "
                    f"{sources.ingest_timezone}."
                )
                log.info("catch-up stopped: %s", failed.error)
                if console is not None:
                    await console.announce(line)
        await digests.catch_up()

    def _schedule_ingest(
        self, scheduler: Scheduler, ingest: IngestService, once: LeasedWork
    ) -> None:
        trigger = DailyTrigger(
            checked_time_of_day(self.settings.sources.ingest_time),
            zone_info(self.settings.sources.ingest_timezone),
        )

        # catch_up, not just refresh_recent: days the source was down for are filled in
        # at the next daily run, not only at the next restart.
        # Every replica's timer fires; the one that gets the lease fetches for all.
        async def daily() -> None:
            await once.run(INGEST_LEASE, ingest.catch_up)

        scheduler.add("ingest:daily", daily, trigger, grace=timedelta(hours=6))
        log.info("daily ingest scheduled %r", trigger)

    async def _until_stopped(self) -> None:
        await self._stop.wait()
        log.info("stopping")

    @staticmethod
    async def _watch(adapter: Adapter) -> None:
        try:
            await adapter.wait_closed()
        except Exception as error:
            log.error("the %s adapter stopped: %s", adapter.name, error)
        else:
            log.info("the %s adapter stopped", adapter.name)

    @contextmanager
    def _stopping_on_signals(self) -> Iterator[None]:
        """SIGINT and SIGTERM stop the App (`stop`) while this is held."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stop)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)

    async def _wait_for_stop(self, adapters: list[Adapter]) -> None:
        waits = [asyncio.create_task(self._watch(a), name=f"adapter-{a.name}") for a in adapters]
        waits.append(asyncio.create_task(self._until_stopped(), name="stop"))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
