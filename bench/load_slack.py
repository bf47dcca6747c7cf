"""The load workload through the Slack simulator, in Socket Mode.

Each simulated person has their own channel (so Slack's one-message-a-second pacing
of public posts is per person, as in real workspaces). A search is timed from the
envelope's dispatch to its ack and to the answer at the response URL; a button press
the same way; a reaction from the `show` command to the 🔖 confirmation.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tests.simulators.slack import Message, SlackSimulator

from bench.load_workload import ACK_LIMIT, REACTION_PAUSE, Outcome

ANSWER_TIMEOUT = 60.0
ACTIONS = {"save": "paperboy_save", "similar": "paperboy_similar", "more": "paperboy_more"}
_FAILED = ("Something went wrong", "unavailable right now")


def user_id(n: int) -> str:
    return f"UL{n:04d}"


def user_channel(n: int) -> str:
    return f"CL{n:04d}"


def digest_channel(n: int) -> str:
    return f"CD{n:04d}"


def buttons(message: Message | None) -> dict[str, list[str]]:
    """action -> the values of its buttons on the message, in order."""
    found: dict[str, list[str]] = {}
    for block in message.blocks if message is not None else []:
        for element in block.get("elements") or []:
            for name, action_id in ACTIONS.items():
                if element.get("action_id") == action_id:
                    found.setdefault(name, []).append(str(element.get("value")))
    return found


class SlackDriver:
    platform = "slack"

    def __init__(self, sim: SlackSimulator, *, users: int, digest_channels: int) -> None:
        self.sim = sim
        for n in range(users):
            sim.add_channel(user_channel(n), name=f"load-{n}")
        for n in range(digest_channels):
            sim.add_channel(digest_channel(n), name=f"digest-{n}")

    def env(self) -> dict[str, str]:
        return {
            "SLACK_BOT_TOKEN": self.sim.bot_token,
            "SLACK_APP_TOKEN": self.sim.app_token,
            "PAPERBOY_SLACK_API_URL": self.sim.api_url,
        }

    async def wait_ready(self, *, seconds: float) -> None:
        await self.sim.wait_for_connection(timeout=seconds)

    async def _deliver(self, kind: str, envelope: str, payload: dict[str, Any]) -> Outcome:
        url = payload["response_url"]
        started = time.perf_counter()
        acked = await self._ack(envelope, payload)
        try:
            post = await self.sim.next_response(url, timeout=ANSWER_TIMEOUT)
        except AssertionError:
            return Outcome(kind, acked, None)
        answered = time.perf_counter() - started
        text = post.message.text if post.message is not None else ""
        failed = post.status != 200 or any(f in text for f in _FAILED)
        return Outcome(kind, acked, answered, failed, post.message, buttons(post.message))

    async def _ack(self, envelope: str, payload: dict[str, Any]) -> float | None:
        try:
            ack = await self.sim.deliver(envelope, payload, timeout=ACK_LIMIT)
        except AssertionError:
            return None
        return ack.seconds

    async def search(self, user: int, text: str) -> Outcome:
        payload = self.sim.payloads.command(
            f"search {text}", user_id=user_id(user), channel_id=user_channel(user)
        )
        return await self._deliver("search", "slash_commands", payload)

    async def press(self, user: int, answer: Outcome, action: str, value: str) -> Outcome:
        payload = self.sim.payloads.block_actions(
            answer.handle, ACTIONS[action], value=value, user_id=user_id(user)
        )
        return await self._deliver("button", "interactive", payload)

    async def show_and_react(self, user: int, paper_id: str) -> Outcome:
        """`show` posts the paper in the channel; the person reacts 🔖 and waits for the
        confirmation (timed from the reaction)."""
        who, channel = user_id(user), user_channel(user)
        shown = await self.search_like(f"show {paper_id}", who, channel)
        if shown is None:
            return Outcome("reaction", None, None)
        await asyncio.sleep(REACTION_PAUSE)
        payload = self.sim.payloads.reaction(shown, "bookmark", user_id=who)
        started = time.perf_counter()
        acked = await self._ack("events_api", payload)
        try:
            note = await self.sim.wait_for_call(
                "chat.postEphemeral",
                where=lambda call: (
                    call.body.get("user") == who and call.body.get("channel") == channel
                ),
                timeout=ANSWER_TIMEOUT,
            )
        except AssertionError:
            return Outcome("reaction", acked, None)
        text = str(note.body.get("text") or "")
        return Outcome("reaction", acked, time.perf_counter() - started, "Saved" not in text)

    async def search_like(self, text: str, who: str, channel: str) -> Message | None:
        """Run a command whose answer is posted in the channel; that message."""
        payload = self.sim.payloads.command(text, user_id=who, channel_id=channel)
        await self._ack("slash_commands", payload)
        try:
            call = await self.sim.wait_for_call(
                "chat.postMessage",
                where=lambda call: call.body.get("channel") == channel,
                timeout=ANSWER_TIMEOUT,
            )
        except AssertionError:
            return None
        return self.sim.message(channel, str(call.response.get("ts")))

    # digests

    async def subscribe(self, channel: int, at: str) -> bool:
        payload = self.sim.payloads.command(
            f"subscribe {at} UTC", user_id=user_id(0), channel_id=digest_channel(channel)
        )
        outcome = await self._deliver("subscribe", "slash_commands", payload)
        return outcome.handle is not None and "Next:" in outcome.handle.text

    def digest_posts(self, channel: int) -> list[tuple[str, str | None]]:
        """The channel's public messages as (text, paper id of its Save button)."""
        return [
            (message.text, (buttons(message).get("save") or [None])[0])
            for message in self.sim.messages(digest_channel(channel))
        ]
