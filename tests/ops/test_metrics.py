"""/metrics: what the core counts, in Prometheus's text format, on a registry per App,
with no team, channel or user id anywhere in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from paperboy.core import commands as c
from paperboy.core.bot import Bot
from paperboy.core.library import Library
from paperboy.core.models import ChannelRef, Context, UserRef
from paperboy.ops.metrics import PrometheusMetrics, Sample
from paperboy.store import Store
from tests.conftest import bot_options_for_tests, library_ports

TEAM, CHANNEL, USER = "T0SECRETTEAM", "C0SECRETCHAN", "U0SECRETUSER"
HERE = Context(UserRef("slack", TEAM, USER), ChannelRef("slack", TEAM, CHANNEL))


def samples(metrics: PrometheusMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample by name and labels, parsed as Prometheus parses them."""
    text = metrics.exposition().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def bot_counting(
    metrics: PrometheusMetrics, store: Store, library: Library, clock: Callable[[], datetime]
) -> Bot:
    return Bot(
        **library_ports(library),
        reading_lists=store.reading_lists,
        marks=store.marks,
        posts=store.posts,
        clock=clock,
        options=bot_options_for_tests(),
        metrics=metrics,
    )


async def test_commands_are_counted_by_platform_and_name_with_their_latency(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    metrics = PrometheusMetrics()
    bot = bot_counting(metrics, store, library, clock)
    await bot.handle("search lora", HERE)
    await bot.handle("search agents", HERE)
    await bot.handle("subscribe top weekly", HERE)  # digests are off: answered all the same
    await bot.handle("frobnicate", HERE)
    await bot.run(c.Saved(0), HERE)

    counted = samples(metrics)
    count = {
        labels: value
        for (name, labels), value in counted.items()
        if name == "paperboy_commands_total"
    }
    assert count == {
        (("command", "search"), ("platform", "slack")): 2.0,
        (("command", "subscribe_weekly"), ("platform", "slack")): 1.0,
        (("command", "unparsed"), ("platform", "slack")): 1.0,
        (("command", "saved"), ("platform", "slack")): 1.0,
    }
    latency = (("command", "search"), ("platform", "slack"))
    assert counted[("paperboy_command_seconds_count", latency)] == 2.0
    assert counted[("paperboy_command_seconds_sum", latency)] > 0


async def test_no_team_channel_or_user_id_is_ever_a_label(
    store: Store, library: Library, clock: Callable[[], datetime]
) -> None:
    metrics = PrometheusMetrics()
    bot = bot_counting(metrics, store, library, clock)
    await bot.handle("search lora", HERE)
    metrics.digest_posted(platform="slack")
    text = metrics.exposition().decode()
    for secret in (TEAM, CHANNEL, USER, "lora"):
        assert secret not in text


def test_digests_ingest_and_sampled_figures_are_exported() -> None:
    metrics = PrometheusMetrics()
    metrics.digest_posted(platform="discord")
    metrics.digest_posted(platform="discord")
    metrics.digest_failed(platform="slack")
    at = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    metrics.ingest_succeeded(source="daily_papers", at=at)
    metrics.record_sample(
        Sample(papers=120, index_papers=118, index_terms=5000, installations={"slack": 1})
    )
    counted = samples(metrics)
    assert counted[("paperboy_digests_posted_total", (("platform", "discord"),))] == 2.0
    assert counted[("paperboy_digests_failed_total", (("platform", "slack"),))] == 1.0
    assert (
        counted[("paperboy_ingest_last_success_timestamp_seconds", (("source", "daily_papers"),))]
        == at.timestamp()
    )
    assert counted[("paperboy_papers", ())] == 120
    assert counted[("paperboy_index_papers", ())] == 118
    assert counted[("paperboy_index_terms", ())] == 5000
    assert counted[("paperboy_installations", (("platform", "slack"),))] == 1
    assert metrics.last_ingest_success == at


def test_each_app_counts_on_its_own_registry() -> None:
    first, second = PrometheusMetrics(), PrometheusMetrics()
    first.digest_posted(platform="slack")
    assert ("paperboy_digests_posted_total", (("platform", "slack"),)) not in samples(second)
