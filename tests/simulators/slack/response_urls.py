"""Response URLs: where `respond()` POSTs answers to commands and button presses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .block_kit import message_refusal, parse_blocks
from .records import Message, ResponsePost

if TYPE_CHECKING:
    from .waiting import Changes
    from .workspace import Workspace


@dataclass
class _Target:
    url: str
    workspace: Workspace  # the workspace the command or press came from
    channel: str
    user: str  # who triggered it; ephemeral answers are visible to them only
    original: Message | None  # the message a button sat on, or the last answer posted here
    follows_answers: bool  # a command's URL: each answer becomes the new original


class ResponseUrls:
    """Issues response URLs and turns what is POSTed to them into messages.

    Semantics follow Slack's: `response_type` "in_channel" posts for everyone, anything
    else is ephemeral to the user; `replace_original` edits the original message (the
    one the button was on, or for a command the last answer sent to that URL);
    `delete_original` removes it. Invalid Block Kit gets HTTP 400 `invalid_blocks`.
    """

    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self._targets: dict[str, _Target] = {}
        self.posts: list[ResponsePost] = []
        # Per URL, the posts not yet returned by next_response (so a wait costs O(1), not
        # a scan of every post, however many thousands a load run makes).
        self._unseen: dict[str, list[ResponsePost]] = {}

    def issue(self, base_url: str, *, workspace: Workspace, channel: str, user: str,
              original: Message | None) -> str:
        """A response URL answering into `channel` of `workspace`."""
        response_id = workspace.new_id("R")
        url = f"{base_url}/respond/{response_id}"
        self._targets[response_id] = _Target(url, workspace, channel, user, original,
                                             follows_answers=original is None)
        return url

    async def handle(self, request: web.Request) -> web.Response:
        target = self._targets.get(request.match_info["response_id"])
        text = await request.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        if target is None:
            return self._record(str(request.url), {}, 404, "no_active_hooks", None)
        if not isinstance(body, dict):
            return self._record(target.url, {"raw": text}, 400, "invalid_payload", None,
                                target.workspace)
        refusal = message_refusal(body) if not body.get("delete_original") else None
        if refusal is not None:
            return self._record(target.url, body, 400, str(refusal["error"]), None,
                                target.workspace)
        return self._record(target.url, body, 200, None, self._apply(target, body),
                            target.workspace)

    def _apply(self, target: _Target, body: dict[str, Any]) -> Message | None:
        original = target.original
        if body.get("delete_original") and original is not None:
            original.deleted = True
            return None
        blocks = parse_blocks(body.get("blocks")) or []
        if body.get("replace_original") and original is not None and not original.deleted:
            original.text = str(body.get("text") or "")
            original.blocks = blocks
            original.edits += 1
            return original
        ephemeral = body.get("response_type") != "in_channel"
        message = target.workspace.post(
            channel=target.channel, user=target.workspace.identity.bot_user_id,
            text=str(body.get("text") or ""), blocks=blocks, via="response_url",
            thread_ts=body.get("thread_ts"), visible_to=target.user if ephemeral else None)
        if target.follows_answers:
            target.original = message
        return message

    def _record(self, url: str, body: dict[str, Any], status: int, error: str | None,
                message: Message | None, workspace: Workspace | None = None) -> web.Response:
        post = ResponsePost(url=url, body=body, status=status, error=error, message=message,
                            team_id=workspace.identity.team_id if workspace else None)
        self.posts.append(post)
        self._unseen.setdefault(url, []).append(post)
        self._changes.notify()
        return web.Response(status=status, text=error or "ok")

    async def next_response(self, url: str, *, timeout: float) -> ResponsePost:
        """The first post to `url` not yet returned by this method, awaited up to `timeout`."""

        def first_unseen() -> ResponsePost | None:
            unseen = self._unseen.get(url)
            return unseen.pop(0) if unseen else None

        return await self._changes.until(
            first_unseen, timeout=timeout, what=f"a POST to {url}",
            seen=lambda: f"{len(self.posts)} post(s) to other response URLs")
