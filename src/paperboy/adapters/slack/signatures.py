"""Is this request Slack's? Decided on the raw bytes and two headers, before anything parses,
decodes or logs the body.

Slack signs `v0:{timestamp}:{body}` with the app's signing secret (HMAC-SHA256, sent as
`X-Slack-Signature: v0=` and 64 hex digits beside `X-Slack-Request-Timestamp`) and
slack_sdk's `SignatureVerifier`, which checks it, refuses a timestamp more than five minutes
from our clock. The headers' shapes are checked first: slack_sdk would raise (not refuse) on
a timestamp `int()` cannot read (`²`, 4,301 digits) or a signature that is not ASCII.

A refusal carries a status and a reason that quotes nothing the sender wrote, so it is safe
to log and to answer with.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.signature import SignatureVerifier

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# slack_sdk's SignatureVerifier refuses a timestamp further than this from its clock.
WINDOW_SECONDS = 5 * 60

# Unix seconds. [0-9], not \d: in a str pattern \d also takes "²" and "٣".
_TIMESTAMP = re.compile(r"[0-9]{1,10}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_UTF8_NAMES = ("utf-8", "utf8")


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    reason: str  # fixed text, never a part of the request


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A request Slack signed: its body as text, and what identifies this delivery of it."""

    body: str
    signature: str
    timestamp: int


class SignatureCheck:
    """The one gate between the network and bolt: `check` says Slack sent it, or why not."""

    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)

    def check(
        self, raw: bytes, headers: Mapping[str, str], *, charset: str | None
    ) -> SignedRequest | Refusal:
        """`raw` is the body exactly as it arrived, `headers` the request's (looked up
        case-insensitively, as aiohttp's are), `charset` the Content-Type's, if any."""
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not _TIMESTAMP.fullmatch(timestamp):
            return Refusal(401, f"no valid {TIMESTAMP_HEADER} header")
        if not _SIGNATURE.fullmatch(signature):
            return Refusal(401, f"no valid {SIGNATURE_HEADER} header")
        if abs(time.time() - int(timestamp)) > WINDOW_SECONDS:
            return Refusal(401, "timestamp more than 5 minutes from our clock (check the clock)")
        try:
            # slack_sdk decodes the body as UTF-8 to sign it; Slack sends nothing else.
            genuine = self._verifier.is_valid(raw, timestamp, signature)
        except UnicodeDecodeError:
            return Refusal(400, "body is not UTF-8")
        if not genuine:
            return Refusal(401, "signature does not match (check SLACK_SIGNING_SECRET)")
        if charset is not None and charset.lower() not in _UTF8_NAMES:
            return Refusal(400, "body is not in UTF-8")
        return SignedRequest(raw.decode(), signature, int(timestamp))
