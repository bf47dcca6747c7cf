"""Where the work in progress comes from, for the log: platform, team, channel, command.

The core sets these while it handles a command, a reaction or a digest
(`handling`); `logs.JsonFormatter` adds them to every line logged meanwhile,
however deep the logger. They live in `contextvars`, so each asyncio task (each
command being answered) sees its own and a worker thread started with
`asyncio.to_thread` inherits its caller's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from paperboy.core.models import ChannelRef

# Module level, as contextvars require (a ContextVar made per call would be a new,
# empty variable each time); what they hold is per task, never shared.
_PLATFORM: ContextVar[str | None] = ContextVar("paperboy_platform", default=None)
_TEAM: ContextVar[str | None] = ContextVar("paperboy_team", default=None)
_CHANNEL: ContextVar[str | None] = ContextVar("paperboy_channel", default=None)
_COMMAND: ContextVar[str | None] = ContextVar("paperboy_command", default=None)

FIELDS = ("platform", "team", "channel", "command")


@contextmanager
def handling(channel: ChannelRef, command: str) -> Iterator[None]:
    """Within the block, log lines say they are about `command` in `channel`."""
    tokens = [
        (_PLATFORM, _PLATFORM.set(channel.platform)),
        (_TEAM, _TEAM.set(channel.workspace)),
        (_CHANNEL, _CHANNEL.set(channel.channel)),
        (_COMMAND, _COMMAND.set(command)),
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str]:
    """The fields known here (none outside a command)."""
    values = {
        "platform": _PLATFORM.get(),
        "team": _TEAM.get(),
        "channel": _CHANNEL.get(),
        "command": _COMMAND.get(),
    }
    return {name: value for name, value in values.items() if value is not None}
