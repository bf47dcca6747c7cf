"""Shared state of the Discord simulator: stored messages, DM channels, interactions, records."""

from __future__ import annotations

import datetime
import time
from typing import TYPE_CHECKING, Any

from tests.simulators.discord.http import FaultPlan
from tests.simulators.discord.records import (
    LOADING,
    CommandSync,
    RecordedRequest,
    SentAttachment,
    SentMessage,
    SimInteraction,
    Violation,
)
from tests.simulators.discord.world import EMBED_LINKS, Snowflakes, World

# How long Discord holds a nonce for `enforce_nonce` ("a few minutes").
NONCE_MINUTES = 5

if TYPE_CHECKING:
    from tests.simulators.discord.gateway import Gateway
    from tests.simulators.discord.limits import Problem
    from tests.simulators.discord.waiting import ChangeFeed

JsonDict = dict[str, Any]

CHAT_INPUT_REPLY = 20
"""Message type of an interaction's response to a slash command."""


class SimState:
    """Everything the REST routes and the test helpers read and write.

    ``base_url`` (``http://127.0.0.1:PORT``) is set when the server has bound its port.
    """

    def __init__(
        self,
        *,
        world: World,
        token: str,
        application_id: int,
        attachment_size_limit: int,
        interaction_deadline: float,
        gateway: Gateway,
        feed: ChangeFeed,
    ) -> None:
        self.world = world
        self.token = token
        self.application_id = application_id
        self.attachment_size_limit = attachment_size_limit
        self.interaction_deadline = interaction_deadline
        self.gateway = gateway
        self.feed = feed
        self.ids = Snowflakes()
        self.base_url = ""
        self.messages: dict[int, list[SentMessage]] = {}
        self.dm_channels: dict[int, int] = {}
        """user id -> DM channel id, for DM channels the bot opened."""
        self.interactions: dict[int, SimInteraction] = {}
        self.command_syncs: list[CommandSync] = []
        self.command_ids: dict[tuple[int | None, str, int], int] = {}
        self.violations: list[Violation] = []
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.in_flight: dict[int, RecordedRequest] = {}
        """id(request) -> its record, while the request is being handled."""
        self.faults = FaultPlan()
        self.denied_channels: dict[int, int] = {}
        """channel id -> Discord error code (50001 or 50013) every post there gets."""
        self.dm_refusals: set[int] = set()
        self.refuse_all_dms = False
        self.nonces: dict[tuple[int, str], tuple[float, SentMessage]] = {}
        """(channel id, nonce) -> when, and the message a create with that nonce made."""

    def note_body(self, request: object, body: Any) -> None:
        """Attach the parsed body to the record of ``request`` (called by route handlers)."""
        record = self.in_flight.get(id(request))
        if record is not None:
            record.body = body

    def record_problems(self, route: str, problems: list[Problem]) -> None:
        for problem in problems:
            self.violations.append(Violation(route, problem.dotted, problem.code, problem.message))
        self.feed.notify()

    def violation(self, route: str, code: str, message: str) -> None:
        self.violations.append(Violation(route, "", code, message))
        self.feed.notify()

    def store(self, message: SentMessage) -> None:
        self.messages.setdefault(message.channel_id, []).append(message)
        self.feed.notify()

    def find_message(self, message_id: int) -> SentMessage | None:
        for messages in self.messages.values():
            for message in messages:
                if message.id == message_id:
                    return message
        return None

    def dm_user(self, channel_id: int) -> int | None:
        """The user a DM channel belongs to, or None if ``channel_id`` is no DM channel."""
        for user_id, dm_id in self.dm_channels.items():
            if dm_id == channel_id:
                return user_id
        return None

    def latest_commands(self, guild_id: int | None) -> list[JsonDict]:
        """The command list of the last sync for ``guild_id`` (None: global), as answered."""
        for sync in reversed(self.command_syncs):
            if sync.guild_id == guild_id:
                return sync.commands
        return []

    def attachment_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"

    def message_payload(self, message: SentMessage) -> JsonDict:
        """The Discord message object for ``message`` (as REST answers and events carry it)."""
        created = datetime.datetime.fromtimestamp(
            ((message.id >> 22) + 1_420_070_400_000) / 1000, tz=datetime.UTC
        )
        payload: JsonDict = {
            "id": str(message.id),
            "channel_id": str(message.channel_id),
            "type": CHAT_INPUT_REPLY if message.interaction_id else 0,
            "content": message.content or "",
            "author": self.world.bot.payload(),
            "embeds": message.embeds if message.embeds_visible else [],
            "components": message.components,
            "attachments": [
                {
                    "id": str(a.id),
                    "filename": a.filename,
                    "size": len(a.data),
                    "url": self.attachment_url(message.channel_id, a.id, a.filename),
                    "proxy_url": self.attachment_url(message.channel_id, a.id, a.filename),
                    "content_type": a.content_type,
                    "description": a.description,
                }
                for a in message.attachments
            ],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": created.isoformat(),
            "edited_timestamp": None,
            "flags": message.flags,
        }
        if message.guild_id is not None:
            payload["guild_id"] = str(message.guild_id)
        if message.interaction_id is not None:
            payload["webhook_id"] = str(self.application_id)
            payload["application_id"] = str(self.application_id)
        return payload

    def create_message(
        self,
        *,
        channel_id: int,
        source: str,
        body: JsonDict,
        attachments: list[SentAttachment],
        interaction_id: int | None = None,
        flags: int | None = None,
    ) -> SentMessage:
        """Store a new bot message built from a create body; returns it."""
        found = self.world.find_channel(channel_id)
        embeds_visible = True
        if found is not None:
            guild, channel = found
            perms = self.world.permissions(guild, channel, self.world.bot)
            embeds_visible = bool(perms & EMBED_LINKS)
        message = SentMessage(
            id=self.ids.next(),
            channel_id=channel_id,
            guild_id=found[0].id if found else None,
            author_id=self.world.bot.id,
            source=source,
            content=body.get("content"),
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            allowed_mentions=body.get("allowed_mentions"),
            attachments=attachments,
            flags=int(body.get("flags") or 0) if flags is None else flags,
            body=body,
            interaction_id=interaction_id,
            embeds_visible=embeds_visible,
        )
        self.store(message)
        if body.get("nonce") is not None:
            self.nonces[(channel_id, str(body["nonce"]))] = (time.monotonic(), message)
        return message

    def repeated_nonce(self, channel_id: int, body: JsonDict) -> SentMessage | None:
        """As Discord with `enforce_nonce`: the message an earlier create in the channel
        made with the same nonce, within the last few minutes (then nothing new is made)."""
        if not body.get("enforce_nonce") or body.get("nonce") is None:
            return None
        found = self.nonces.get((channel_id, str(body["nonce"])))
        if found is None or time.monotonic() - found[0] > NONCE_MINUTES * 60:
            return None
        return found[1]

    def apply_edit(self, message: SentMessage, body: JsonDict, new: list[SentAttachment]) -> None:
        """Apply an edit body: given fields replace, ``attachments`` lists the ones kept."""
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                setattr(
                    message,
                    key,
                    body[key] if key in ("content", "allowed_mentions") else list(body[key] or []),
                )
        if "attachments" in body:
            kept = {str(item.get("id")) for item in body["attachments"] or []}
            message.attachments = [a for a in message.attachments if str(a.id) in kept]
        message.attachments += new
        message.flags &= ~LOADING
        message.edits.append(body)
        self.feed.notify()

    async def emit(self, event: str, data: JsonDict, *, guild_intent: int, dm_intent: int) -> None:
        """Dispatch ``event`` if the session asked for the matching intent (guild or DM)."""
        intent = guild_intent if "guild_id" in data else dm_intent
        guild_id = int(data["guild_id"]) if "guild_id" in data else None
        if self.gateway.intents_for(guild_id) & intent:
            await self.gateway.dispatch(event, data, intent=intent)

    def reaction_event(
        self, *, channel_id: int, message_id: int, user_id: int, emoji: JsonDict, added: bool
    ) -> JsonDict:
        """MESSAGE_REACTION_ADD/REMOVE data; ``member`` is added for a guild reaction add."""
        data: JsonDict = {
            "user_id": str(user_id),
            "channel_id": str(channel_id),
            "message_id": str(message_id),
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        found = self.world.find_channel(channel_id)
        if found is not None:
            guild = found[0]
            data["guild_id"] = str(guild.id)
            user = self.world.find_user(user_id)
            if added and user is not None:
                data["member"] = self.world.member_payload(guild, user)
        message = self.find_message(message_id)
        if added:
            data["burst_colors"] = []
        if added and message is not None:
            data["message_author_id"] = str(message.author_id)
        return data


def parse_emoji(text: str) -> JsonDict:
    """``name:id`` (custom emoji, as in reaction URLs) or a unicode emoji, as an emoji object."""
    name, _, emoji_id = text.partition(":")
    if emoji_id.isdigit():
        return {"id": emoji_id, "name": name, "animated": False}
    return {"id": None, "name": text}
