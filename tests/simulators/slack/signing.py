"""Requests signed the way Slack signs what it POSTs to an app in HTTP mode.

The signature is `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`),
sent in `X-Slack-Signature` beside `X-Slack-Request-Timestamp`. bolt answers 401 to a
wrong signature or a timestamp more than 5 minutes away from its clock: pass another
`signing_secret` or an old `timestamp` to build such requests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class SignedRequest:
    """A body and the headers to POST it with (Content-Type and the two signature headers)."""

    body: bytes
    headers: dict[str, str]


def slack_signature(signing_secret: str, timestamp: int, body: bytes) -> str:
    """The X-Slack-Signature value for `body` sent at `timestamp` (Unix seconds)."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def sign(body: bytes, content_type: str, *, signing_secret: str,
         timestamp: int | None = None) -> SignedRequest:
    """Sign `body`; `timestamp` defaults to now."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return SignedRequest(body=body, headers={
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": slack_signature(signing_secret, stamp, body),
    })


def signed_command(payload: Mapping[str, str], *, signing_secret: str,
                   timestamp: int | None = None) -> SignedRequest:
    """A slash command as Slack POSTs it: form-encoded fields."""
    return sign(urlencode(payload).encode(), "application/x-www-form-urlencoded",
                signing_secret=signing_secret, timestamp=timestamp)


def signed_interaction(payload: Mapping[str, Any], *, signing_secret: str,
                       timestamp: int | None = None) -> SignedRequest:
    """An interaction (e.g. block_actions) as Slack POSTs it: JSON in a `payload=` form field."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return sign(body, "application/x-www-form-urlencoded",
                signing_secret=signing_secret, timestamp=timestamp)


def signed_event(payload: Mapping[str, Any], *, signing_secret: str,
                 timestamp: int | None = None) -> SignedRequest:
    """An Events API callback as Slack POSTs it: a JSON body."""
    return sign(json.dumps(payload).encode(), "application/json",
                signing_secret=signing_secret, timestamp=timestamp)
