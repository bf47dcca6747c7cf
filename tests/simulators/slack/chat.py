"""Web API methods on messages: chat.postMessage/postEphemeral/update/delete, reactions.add."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .block_kit import message_refusal, parse_blocks

if TYPE_CHECKING:
    from .records import Message
    from .tokens import Grant
    from .workspace import Workspace

Answer = dict[str, Any]


class ChatMethods:
    """Each method takes the call's arguments and returns Slack's JSON answer."""

    def _refusal(self, args: dict[str, Any], workspace: Workspace) -> Answer | None:
        error = workspace.posting_error(args.get("channel"))
        if error is not None:
            return {"ok": False, "error": error}
        return message_refusal(args)

    def _message_object(self, message: Message, workspace: Workspace) -> Answer:
        identity = workspace.identity
        return {**message.payload(), "bot_id": identity.bot_id, "team": identity.team_id}

    def post_message(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        refusal = self._refusal(args, workspace)
        if refusal is not None:
            return refusal
        message = workspace.post(
            channel=args["channel"], user=workspace.identity.bot_user_id,
            text=str(args.get("text") or ""), blocks=parse_blocks(args.get("blocks")) or [],
            via="chat.postMessage", thread_ts=args.get("thread_ts") or None,
            metadata=_metadata(args.get("metadata")))
        return {"ok": True, "channel": message.channel, "ts": message.ts,
                "message": self._message_object(message, workspace)}

    def history(self, args: dict[str, Any], workspace: Workspace, grant: Grant) -> Answer:
        """conversations.history: the channel's messages after `oldest`, newest first (no
        thread replies); their metadata with `include_all_metadata`. A token granted scopes
        (an OAuth install) needs channels:history."""
        if grant.scope and "channels:history" not in grant.scope.split(","):
            return {"ok": False, "error": "missing_scope", "needed": "channels:history"}
        channel = args.get("channel")
        error = workspace.posting_error(channel)
        if error is not None and error != "is_archived":
            return {"ok": False, "error": error}
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata")).lower() in ("true", "1")
        found = [m for m in reversed(workspace.history(str(channel)))
                 if float(m.ts) > oldest and m.thread_ts in (None, m.ts)]
        messages = []
        for message in found[:limit]:
            body = self._message_object(message, workspace)
            if with_metadata and message.metadata is not None:
                body["metadata"] = message.metadata
            messages.append(body)
        return {"ok": True, "messages": messages, "has_more": len(found) > limit}

    def post_ephemeral(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        refusal = self._refusal(args, workspace)
        if refusal is not None:
            return refusal
        message = workspace.post(
            channel=args["channel"], user=workspace.identity.bot_user_id,
            text=str(args.get("text") or ""), blocks=parse_blocks(args.get("blocks")) or [],
            via="chat.postEphemeral", thread_ts=args.get("thread_ts") or None,
            visible_to=str(args["user"]))
        return {"ok": True, "message_ts": message.ts}

    def _existing_message(self, args: dict[str, Any], ts_key: str,
                          workspace: Workspace) -> Message | Answer:
        error = workspace.posting_error(args.get("channel"))
        if error is not None:
            return {"ok": False, "error": error}
        message = workspace.find(str(args["channel"]), str(args.get(ts_key)))
        if message is None or message.ephemeral:
            return {"ok": False, "error": "message_not_found"}
        return message

    def update(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        found = self._existing_message(args, "ts", workspace)
        if isinstance(found, dict):
            return found
        if found.user != workspace.identity.bot_user_id:
            return {"ok": False, "error": "cant_update_message"}
        refusal = message_refusal(args)
        if refusal is not None:
            return refusal
        found.text = str(args.get("text") or "")
        if "blocks" in args:
            found.blocks = parse_blocks(args.get("blocks")) or []
        found.edits += 1
        return {"ok": True, "channel": found.channel, "ts": found.ts, "text": found.text,
                "message": self._message_object(found, workspace)}

    def delete(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        found = self._existing_message(args, "ts", workspace)
        if isinstance(found, dict):
            return found
        if found.user != workspace.identity.bot_user_id:
            return {"ok": False, "error": "cant_delete_message"}
        found.deleted = True
        return {"ok": True, "channel": found.channel, "ts": found.ts}

    def add_reaction(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        found = self._existing_message(args, "timestamp", workspace)
        if isinstance(found, dict):
            return found
        name = args.get("name")
        if not isinstance(name, str) or not name:
            return {"ok": False, "error": "invalid_name"}
        users = found.reactions.setdefault(name, [])
        if workspace.identity.bot_user_id in users:
            return {"ok": False, "error": "already_reacted"}
        users.append(workspace.identity.bot_user_id)
        return {"ok": True}


def _metadata(value: Any) -> dict[str, Any] | None:
    """chat.postMessage's `metadata`: an object in a JSON body, JSON text in a form."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None
