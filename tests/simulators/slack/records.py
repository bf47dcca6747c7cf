"""What the Slack simulator records: API calls, messages, envelopes, acks, responses, files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as the simulator received and answered it.

    `body` merges the query string with the JSON or form body, because slack_sdk sends
    some methods' arguments (`params=`) in the query string and others as JSON.
    """

    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int
    response: dict[str, Any]
    at: float  # time.monotonic() when the call arrived
    peer: object = None  # the client's (host, port): one per TCP connection
    token: str | None = None  # the token the call carried (Bearer header or `token` field)
    team_id: str | None = None  # the workspace the call acted in (its token's), None if refused
    enterprise_id: str | None = None  # the token's Grid org, if any

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        """Slack's error code for a failed call (`ratelimited` for a 429), else None."""
        value = self.response.get("error")
        return value if isinstance(value, str) else None


@dataclass
class Message:
    """A message as a Slack user would see it; chat.update and replace_original edit it."""

    channel: str
    ts: str
    user: str  # author's user id
    text: str
    blocks: list[dict[str, Any]]
    via: str  # chat.postMessage | chat.postEphemeral | response_url | human
    thread_ts: str | None = None
    visible_to: str | None = None  # the one user who sees an ephemeral message
    edits: int = 0
    deleted: bool = False
    reactions: dict[str, list[str]] = field(default_factory=dict)  # emoji name -> user ids
    team: str = ""  # the workspace (team id) whose channel holds the message
    metadata: dict[str, Any] | None = None  # chat.postMessage's `metadata` (type, payload)

    @property
    def ephemeral(self) -> bool:
        return self.visible_to is not None

    def payload(self) -> dict[str, Any]:
        """The message object Slack embeds in interaction payloads."""
        body: dict[str, Any] = {"type": "message", "user": self.user, "ts": self.ts,
                                "text": self.text, "blocks": self.blocks}
        if self.thread_ts is not None:
            body["thread_ts"] = self.thread_ts
        return body


@dataclass(frozen=True)
class Envelope:
    """A Socket Mode envelope. Slack redelivers with the same id and a higher retry_attempt."""

    envelope_id: str
    type: str  # slash_commands | events_api | interactive
    payload: dict[str, Any]
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            body["retry_attempt"] = self.retry_attempt
            body["retry_reason"] = self.retry_reason
        return body

    def redelivery(self, reason: str = "timeout") -> Envelope:
        """The same envelope (same envelope_id, same payload and event_id), retried."""
        return replace(self, retry_attempt=self.retry_attempt + 1, retry_reason=reason)


@dataclass(frozen=True)
class Ack:
    """The client's acknowledgement of one delivery."""

    envelope: Envelope
    payload: dict[str, Any] | None  # what the listener passed to ack(), if anything
    seconds: float  # from sending the envelope to receiving the ack
    connection: int = 0  # the number of the Socket Mode connection it was delivered on

    @property
    def response_url(self) -> str:
        """The delivered payload's response_url (commands and interactions only)."""
        url = self.envelope.payload.get("response_url")
        if not isinstance(url, str):
            raise AssertionError(f"{self.envelope.type} envelope has no response_url")
        return url


@dataclass(frozen=True)
class ResponsePost:
    """One JSON body POSTed to a response_url and what it did to the conversation."""

    url: str
    body: dict[str, Any]
    status: int  # 200, or 4xx when Slack would refuse it
    error: str | None  # e.g. invalid_blocks
    message: Message | None  # the message created or replaced; None when refused or deleted
    team_id: str | None = None  # the workspace the URL answers in (None: an unknown URL)


@dataclass
class UploadedFile:
    """A file sent through files.getUploadURLExternal, the upload URL, completeUploadExternal."""

    file_id: str
    filename: str
    length: int  # as declared to getUploadURLExternal
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None  # None until the bytes are POSTed to the upload URL
    title: str | None = None
    channels: tuple[str, ...] = ()
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False
    team: str = ""  # the workspace whose token uploaded it
    enterprise: str | None = None  # that workspace's Grid org


@dataclass(frozen=True)
class HttpDelivery:
    """The bot's answer to a request the simulator POSTed to it (HTTP mode)."""

    status: int
    text: str
    headers: dict[str, str]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.text)
