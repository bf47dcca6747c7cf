"""What the Discord simulator records, for tests to assert on.

Every record is a plain dataclass holding the JSON the client sent (``body``) plus a
few convenience properties. Attachment bytes are kept so tests can parse them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class SentAttachment:
    """A file the client uploaded (multipart ``files[n]``), with its bytes."""

    id: int
    filename: str
    content_type: str | None
    data: bytes
    description: str | None = None

    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class SentMessage:
    """A message the bot created in a channel, a DM, or as an interaction response/followup.

    ``source`` is "channel" (REST post to a guild channel), "dm", "interaction" (the original
    response of an interaction) or "followup". Edits replace the fields they carry and are kept
    in ``edits``; a deleted message stays listed with ``deleted=True``.
    """

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    source: str
    content: str | None
    embeds: list[JsonDict]
    components: list[JsonDict]
    allowed_mentions: JsonDict | None
    attachments: list[SentAttachment]
    flags: int
    body: JsonDict
    interaction_id: int | None = None
    embeds_visible: bool = True
    """False when the bot lacked Embed Links in the channel: Discord does not show the embeds."""
    edits: list[JsonDict] = field(default_factory=list)
    deleted: bool = False
    bot_reactions: list[str] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while this is a deferred ("thinking") response not yet filled in."""
        return bool(self.flags & LOADING)

    def pings(self) -> Mentions:
        """Who this message would notify, from its content and ``allowed_mentions``.

        Without ``allowed_mentions`` Discord parses everything. Embeds never notify anyone.
        """
        return mentions_in(self.content or "", self.allowed_mentions)

    def custom_ids(self) -> list[str]:
        """Every component custom_id on the message, in order (nested rows flattened)."""
        return [str(c["custom_id"]) for c in iter_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> JsonDict | None:
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None


USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass(frozen=True)
class Mentions:
    everyone: bool
    user_ids: tuple[int, ...]
    role_ids: tuple[int, ...]

    @property
    def anyone(self) -> bool:
        return self.everyone or bool(self.user_ids) or bool(self.role_ids)


def mentions_in(content: str, allowed: JsonDict | None) -> Mentions:
    """The mentions in ``content`` that ``allowed`` (an allowed_mentions object) lets through."""
    parse = ["users", "roles", "everyone"] if allowed is None else list(allowed.get("parse") or [])
    users = [int(found) for found in USER_MENTION.findall(content)]
    roles = [int(found) for found in ROLE_MENTION.findall(content)]
    allowed_users = {int(u) for u in (allowed or {}).get("users") or []}
    allowed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
    return Mentions(
        everyone="everyone" in parse and ("@everyone" in content or "@here" in content),
        user_ids=tuple(u for u in users if "users" in parse or u in allowed_users),
        role_ids=tuple(r for r in roles if "roles" in parse or r in allowed_roles),
    )


def iter_components(components: list[JsonDict]) -> list[JsonDict]:
    """All components, depth first (action rows, their children, section accessories)."""
    found: list[JsonDict] = []
    for component in components:
        found.append(component)
        found.extend(iter_components(list(component.get("components", []))))
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            found.append(accessory)
    return found


@dataclass
class InteractionReply:
    """One answer the client gave to an interaction, in the order received.

    ``kind``: "callback" (``POST /interactions/{id}/{token}/callback``; ``callback_type`` is
    4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete result, 9 modal),
    "followup" (``POST /webhooks/{app}/{token}``), "edit_original", "delete_original",
    "edit_followup", "delete_followup". ``body`` is the callback's ``data`` object or the
    webhook JSON body; ``message`` is the message created or edited, if any.
    """

    kind: str
    callback_type: int | None
    body: JsonDict
    attachments: list[SentAttachment]
    message: SentMessage | None

    @property
    def ephemeral(self) -> bool:
        """Whether only the user sees the result (the message's flags win over the body's)."""
        if self.message is not None:
            return self.message.ephemeral
        return bool(int(self.body.get("flags") or 0) & EPHEMERAL)

    @property
    def content(self) -> str | None:
        value = self.body.get("content")
        return None if value is None else str(value)

    @property
    def embeds(self) -> list[JsonDict]:
        return list(self.body.get("embeds") or [])

    @property
    def components(self) -> list[JsonDict]:
        return list(self.body.get("components") or [])

    def pings(self) -> Mentions:
        """Who this reply would notify (see ``SentMessage.pings``)."""
        return mentions_in(self.content or "", self.body.get("allowed_mentions"))

    @property
    def choices(self) -> list[JsonDict]:
        """Autocomplete choices (callback type 8)."""
        return list(self.body.get("choices") or [])


@dataclass
class SimInteraction:
    """An INTERACTION_CREATE the simulator dispatched, and the replies it got."""

    id: int
    token: str
    type: int
    payload: JsonDict
    channel_id: int
    guild_id: int | None
    user_id: int
    dispatched_at: float
    replies: list[InteractionReply] = field(default_factory=list)
    original_message_id: int | None = None
    source_message_id: int | None = None
    """For a component interaction: the message whose button was clicked."""

    @property
    def acknowledged(self) -> bool:
        return any(reply.kind == "callback" for reply in self.replies)


@dataclass
class RecordedRequest:
    """One REST request: method, path below the API base (e.g. ``/channels/1/messages``)."""

    method: str
    path: str
    query: dict[str, str]
    status: int = 0
    body: Any = None


@dataclass(frozen=True)
class CommandSync:
    """A ``PUT`` of the application's command list; ``guild_id`` None for global commands.

    ``body`` is the list exactly as sent; ``commands`` is the answer: the same commands with
    ``id``, ``application_id`` and ``version`` added (ids stay stable across syncs).
    """

    guild_id: int | None
    commands: list[JsonDict]
    body: list[JsonDict]

    def command(self, name: str) -> JsonDict:
        """The synced command called ``name`` (KeyError if the sync did not hold it)."""
        for command in self.commands:
            if command.get("name") == name:
                return command
        raise KeyError(f"sync has no command {name!r}: {[c.get('name') for c in self.commands]}")


@dataclass(frozen=True)
class IdentifyRecord:
    """An IDENTIFY (op 2) the gateway accepted, starting a new session."""

    session_id: str
    intents: int
    token: str
    shard_id: int = 0
    shard_count: int = 1


@dataclass(frozen=True)
class ResumeRecord:
    """A RESUME (op 6): the sequence the client had, and how many events were replayed."""

    session_id: str
    client_sequence: int | None
    replayed: int


@dataclass(frozen=True)
class Violation:
    """A request real Discord would refuse (limits, protocol misuse), recorded as it was refused.

    ``route`` is "METHOD /path"; ``path`` names the offending field (e.g. ``embeds.0.title``).
    """

    route: str
    path: str
    code: str
    message: str


@dataclass(frozen=True)
class DispatchRecord:
    """A gateway event the simulator sent; ``seq`` None means it was withheld (intent missing,
    or no session for its shard). ``shard`` is the shard it went to."""

    event: str
    seq: int | None
    data: JsonDict
    shard: int | None = 0
