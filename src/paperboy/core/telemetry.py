"""What the core tells an operator: the `Metrics` port and the names it counts under.

The core calls a `Metrics` at the few places an operator cares about (a command
answered, a digest posted or failed, an ingest that succeeded); the composition
root hands it the Prometheus one (`ops/metrics.py`) and everything else gets
`NO_METRICS`. Labels are bounded by design: a platform, a command's name, a
source's name; never a team, channel or user id.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

from paperboy.core import commands as c


class Metrics(Protocol):
    """Counts what happened; every method returns at once and never raises."""

    def command_handled(self, *, platform: str, command: str, seconds: float) -> None:
        """A command was answered (well or not) after `seconds`."""
        ...

    def digest_posted(self, *, platform: str) -> None:
        """A channel's daily digest was posted whole."""
        ...

    def digest_failed(self, *, platform: str) -> None:
        """A channel's daily digest could not be posted (it is retried or paused)."""
        ...

    def ingest_succeeded(self, *, source: str, at: datetime) -> None:
        """`source` (e.g. "daily_papers") delivered a day and it was stored."""
        ...


class NoMetrics:
    """Counts nothing: for one-shot commands and tests that do not look."""

    def command_handled(self, *, platform: str, command: str, seconds: float) -> None:
        pass

    def digest_posted(self, *, platform: str) -> None:
        pass

    def digest_failed(self, *, platform: str) -> None:
        pass

    def ingest_succeeded(self, *, source: str, at: datetime) -> None:
        pass


NO_METRICS: Metrics = NoMetrics()  # stateless: safe to share

UNPARSED = "unparsed"  # a line that was no command (answered with what is wrong)


def command_name(command: c.Command | c.ParseError) -> str:
    """The command's name as a label: `SubscribeWeekly` → "subscribe_weekly"; a line
    that did not parse is "unparsed" (never the text itself, which is unbounded)."""
    if isinstance(command, c.ParseError):
        return UNPARSED
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__).lower()
