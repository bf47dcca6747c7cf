"""The Prometheus side of the core's `Metrics` port, on a registry of its own.

Each App gets its own `CollectorRegistry` (never prometheus_client's global default
one): two Apps in one process, as in tests, count apart. Labels are bounded: a
platform, a command's name, a source's name; never a team, channel or user id.

What only the store and the index know (papers, index size, installations) is
sampled when Prometheus scrapes (`record_sample`), not kept up to date by the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

# The text format every Prometheus version reads.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# A command is a store read or two and a search: milliseconds; `add` waits on arXiv and
# `trend` draws a chart: seconds.
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Healthy is well under a millisecond; 100 ms is a stall people notice.
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass(frozen=True, slots=True)
class Sample:
    """What is counted at scrape time, from the store and the index."""

    papers: int
    index_papers: int
    index_terms: int
    # Workspaces (Slack) and servers (Discord) served, per platform: Slack's stored
    # installations (OAuth distribution; else its one workspace), Discord's guilds.
    installations: Mapping[str, int] = field(default_factory=dict)


class PrometheusMetrics:
    """The core's `Metrics` (core/telemetry.py), exported in Prometheus's text format."""

    def __init__(self) -> None:
        registry = self.registry = CollectorRegistry()
        self.last_ingest_success: datetime | None = None  # any source; for /readyz
        self._commands = Counter(
            "paperboy_commands",
            "Commands answered, by platform and command.",
            ["platform", "command"],
            registry=registry,
        )
        self._latency = Histogram(
            "paperboy_command_seconds",
            "Time from a command's arrival in the core to its answer.",
            ["platform", "command"],
            buckets=COMMAND_BUCKETS,
            registry=registry,
        )
        self._digests_posted = Counter(
            "paperboy_digests_posted",
            "Daily digests posted whole, by platform.",
            ["platform"],
            registry=registry,
        )
        self._digests_failed = Counter(
            "paperboy_digests_failed",
            "Daily digests that could not be posted (retried next day, or paused), by platform.",
            ["platform"],
            registry=registry,
        )
        self._ingest_success = Gauge(
            "paperboy_ingest_last_success_timestamp_seconds",
            "When a paper source last delivered a day that was stored (Unix time), by source.",
            ["source"],
            registry=registry,
        )
        self._installations = Gauge(
            "paperboy_installations",
            "Workspaces or servers served, by platform.",
            ["platform"],
            registry=registry,
        )
        self._papers = Gauge("paperboy_papers", "Papers in the store.", registry=registry)
        self._index_papers = Gauge(
            "paperboy_index_papers", "Papers in the search index.", registry=registry
        )
        self._index_terms = Gauge(
            "paperboy_index_terms", "Distinct terms in the search index.", registry=registry
        )
        self._loop_lag = Histogram(
            "paperboy_event_loop_lag_seconds",
            "How late the event loop ran a timer that was due (measured periodically).",
            buckets=LAG_BUCKETS,
            registry=registry,
        )

    # -- the core's Metrics port ------------------------------------------------------

    def command_handled(self, *, platform: str, command: str, seconds: float) -> None:
        self._commands.labels(platform=platform, command=command).inc()
        self._latency.labels(platform=platform, command=command).observe(seconds)

    def digest_posted(self, *, platform: str) -> None:
        self._digests_posted.labels(platform=platform).inc()

    def digest_failed(self, *, platform: str) -> None:
        self._digests_failed.labels(platform=platform).inc()

    def ingest_succeeded(self, *, source: str, at: datetime) -> None:
        self._ingest_success.labels(source=source).set(at.timestamp())
        if self.last_ingest_success is None or at > self.last_ingest_success:
            self.last_ingest_success = at

    # -- the ops side -----------------------------------------------------------------

    def loop_lag(self, seconds: float) -> None:
        self._loop_lag.observe(seconds)

    def record_sample(self, sample: Sample) -> None:
        self._papers.set(sample.papers)
        self._index_papers.set(sample.index_papers)
        self._index_terms.set(sample.index_terms)
        for platform, count in sample.installations.items():
            self._installations.labels(platform=platform).set(count)

    def exposition(self) -> bytes:
        """Everything, in Prometheus's text format (`CONTENT_TYPE`)."""
        return generate_latest(self.registry)
