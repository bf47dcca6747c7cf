"""Block Kit pieces, each built within Slack's limits so no API call fails on one.

Slack refuses a whole message (`invalid_blocks`) when one limit is broken; these
builders cut text with "…" instead, and leave out a button whose value cannot fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperboy.adapters.slack.escape import ELLIPSIS, slack_len

MAX_BLOCKS = 50
MAX_TEXT = 3000  # section text, context element text
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_HEADER_TEXT = 150
# The message's `text` (notifications, screen readers). Slack takes 40,000 but
# advises staying under 4,000; a summary never needs more.
MAX_FALLBACK_TEXT = 3000

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What chat.postMessage, chat.postEphemeral or a response URL is given."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def _limited(text: str, limit: int) -> str:
    """`text` (mrkdwn) cut to `limit` with "…", never leaving half an escape or a link."""
    if slack_len(text) <= limit:
        return text
    used = 0
    end = 0
    for end, ch in enumerate(text):  # noqa: B007 - `end` is the cut position after the loop
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit - len(ELLIPSIS):
            break
    head = text[:end]
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):
        head = head[: head.rfind("&")]
    return head.rstrip() + ELLIPSIS


def section(mrkdwn: str) -> Block:
    """A mrkdwn section. `mrkdwn` is escaped already; cut here only as a last resort."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _text(mrkdwn, MAX_TEXT)}}


def context(*mrkdwn: str) -> Block:
    items = [t for t in mrkdwn if t.strip()][:MAX_CONTEXT_ELEMENTS]
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _text(t, MAX_TEXT)} for t in items]
        or [{"type": "mrkdwn", "text": ELLIPSIS}],
    }


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block | None:
    """A button, or None when `value` is too long to carry (the press could not work)."""
    if len(value) > MAX_BUTTON_VALUE or len(action_id) > MAX_ACTION_ID:
        return None
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": _limited(label, MAX_BUTTON_TEXT)},
    }
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: Block | None) -> Block | None:
    """An actions block of the buttons that could be built, or None when there are none."""
    present = [e for e in elements if e is not None][:MAX_ACTIONS_ELEMENTS]
    return {"type": "actions", "elements": present} if present else None


def fallback(text: str) -> str:
    return _text(text, MAX_FALLBACK_TEXT)


def _text(text: str, limit: int) -> str:
    """Slack refuses an empty (or blank) text: such a text becomes "…"."""
    return _limited(text, limit) if text.strip() else ELLIPSIS
