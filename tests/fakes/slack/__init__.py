"""A loopback Slack for tests: run the real slack-bolt against `SlackSimulator`."""

from __future__ import annotations

from .block_kit import block_kit_errors
from .records import (
    Ack,
    ApiCall,
    Envelope,
    HttpDelivery,
    Message,
    ResponsePost,
    UploadedFile,
)
from .signing import (
    SignedRequest,
    sign,
    signed_command,
    signed_event,
    signed_interaction,
    slack_signature,
)
from .simulator import SlackSimulator
from .workspace import Identity

__all__ = [
    "Ack",
    "ApiCall",
    "Envelope",
    "HttpDelivery",
    "Identity",
    "Message",
    "ResponsePost",
    "SignedRequest",
    "SlackSimulator",
    "UploadedFile",
    "block_kit_errors",
    "sign",
    "signed_command",
    "signed_event",
    "signed_interaction",
    "slack_signature",
]
