"""REST routes for channel messages, DMs, the bot's own reactions, and attachment downloads.

Refusals follow real Discord: 404 10003 Unknown Channel, 403 50001 Missing Access (cannot
view), 403 50013 Missing Permissions (cannot send, or attach files), 403 50007 for a user
who does not accept DMs, 400 50006 for an empty message, 400 50035 for broken limits,
413 40005 for a file over the size limit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import discord
from aiohttp import web

from tests.simulators.discord.http import attachments_from, error_response, json_response, read_body
from tests.simulators.discord.limits import errors_body, message_problems
from tests.simulators.discord.state import SimState, parse_emoji
from tests.simulators.discord.world import (
    ATTACH_FILES,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
)

JsonDict = dict[str, Any]

GUILD_MESSAGES = discord.Intents(guild_messages=True).value
DM_MESSAGES = discord.Intents(dm_messages=True).value
GUILD_REACTIONS = discord.Intents(guild_reactions=True).value
DM_REACTIONS = discord.Intents(dm_reactions=True).value
DENIALS = {50001: "Missing Access", 50013: "Missing Permissions"}


class MessageRoutes:
    """Handlers over a SimState; ``register`` adds them under the API prefix."""

    def __init__(self, state: SimState) -> None:
        self._state = state

    def register(self, app: web.Application, prefix: str) -> None:
        messages = prefix + "/channels/{channel_id}/messages"
        message = messages + "/{message_id}"
        app.router.add_post(messages, self.create)
        app.router.add_get(message, self.fetch)
        app.router.add_patch(message, self.edit)
        app.router.add_delete(message, self.delete)
        app.router.add_put(message + "/reactions/{emoji}/@me", self.react)
        app.router.add_delete(message + "/reactions/{emoji}/@me", self.unreact)
        app.router.add_get(prefix + "/channels/{channel_id}", self.channel)
        app.router.add_post(prefix + "/users/@me/channels", self.open_dm)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self.download)

    def refusal(self, channel_id: int, *, with_files: bool) -> web.Response | None:
        """The error real Discord gives the bot for posting here, or None if it may post."""
        state = self._state
        if channel_id in state.denied_channels:
            code = state.denied_channels[channel_id]
            return error_response(403, code, DENIALS.get(code, "Forbidden"))
        found = state.world.find_channel(channel_id)
        if found is not None:
            perms = state.world.permissions(*found, state.world.bot)
            send = SEND_MESSAGES if found[1].parent is None else SEND_MESSAGES_IN_THREADS
            if not perms & VIEW_CHANNEL:
                return error_response(403, 50001, "Missing Access")
            if not perms & send or (with_files and not perms & ATTACH_FILES):
                return error_response(403, 50013, "Missing Permissions")
            return None
        user_id = state.dm_user(channel_id)
        if user_id is None:
            return error_response(404, 10003, "Unknown Channel")
        if state.refuse_all_dms or user_id in state.dm_refusals:
            return error_response(403, 50007, "Cannot send messages to this user")
        return None

    def invalid(self, route: str, body: JsonDict, sizes: list[int]) -> web.Response | None:
        """400/413 for a body real Discord rejects; each problem is recorded as a violation."""
        state = self._state
        if any(size > state.attachment_size_limit for size in sizes):
            state.violation(route, "ENTITY_TOO_LARGE", "attachment over attachment_size_limit")
            return error_response(413, 40005, "Request entity too large")
        problems = message_problems(body)
        if problems:
            state.record_problems(route, problems)
            return json_response(errors_body(problems), status=400)
        return None

    async def create(self, request: web.Request) -> web.Response:
        state = self._state
        channel_id = int(request.match_info["channel_id"])
        body, files = await read_body(request)
        self._state.note_body(request, body)
        route = f"POST /channels/{channel_id}/messages"
        refused = self.refusal(channel_id, with_files=bool(files))
        if refused is not None:
            return refused
        if invalid := self.invalid(route, body, [len(f.data) for f in files.values()]):
            return invalid
        if (repeated := state.repeated_nonce(channel_id, body)) is not None:
            return json_response(state.message_payload(repeated))
        if not (
            body.get("content")
            or body.get("embeds")
            or files
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
        ):
            state.violation(route, "EMPTY_MESSAGE", "Cannot send an empty message")
            return error_response(400, 50006, "Cannot send an empty message")
        message = state.create_message(
            channel_id=channel_id,
            source="dm" if state.dm_user(channel_id) is not None else "channel",
            body=body,
            attachments=attachments_from(body, files, state.ids.next),
        )
        payload = state.message_payload(message)
        await state.emit(
            "MESSAGE_CREATE", payload, guild_intent=GUILD_MESSAGES, dm_intent=DM_MESSAGES
        )
        return json_response(payload)

    def _bot_message(self, request: web.Request) -> Any:
        message = self._state.find_message(int(request.match_info["message_id"]))
        if message is None or message.channel_id != int(request.match_info["channel_id"]):
            return error_response(404, 10008, "Unknown Message")
        if message.deleted:
            return error_response(404, 10008, "Unknown Message")
        return message

    async def fetch(self, request: web.Request) -> web.Response:
        message = self._bot_message(request)
        if isinstance(message, web.Response):
            return message
        return json_response(self._state.message_payload(message))

    async def edit(self, request: web.Request) -> web.Response:
        state = self._state
        body, files = await read_body(request)
        self._state.note_body(request, body)
        message = self._bot_message(request)
        if isinstance(message, web.Response):
            return message
        route = f"PATCH /channels/{message.channel_id}/messages/{message.id}"
        if invalid := self.invalid(route, body, [len(f.data) for f in files.values()]):
            return invalid
        state.apply_edit(message, body, attachments_from(body, files, state.ids.next))
        payload = state.message_payload(message)
        await state.emit(
            "MESSAGE_UPDATE", payload, guild_intent=GUILD_MESSAGES, dm_intent=DM_MESSAGES
        )
        return json_response(payload)

    async def delete(self, request: web.Request) -> web.Response:
        message = self._bot_message(request)
        if isinstance(message, web.Response):
            return message
        message.deleted = True
        self._state.feed.notify()
        data: JsonDict = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        await self._state.emit(
            "MESSAGE_DELETE", data, guild_intent=GUILD_MESSAGES, dm_intent=DM_MESSAGES
        )
        return web.Response(status=204)

    async def react(self, request: web.Request) -> web.Response:
        return await self._reaction(request, added=True)

    async def unreact(self, request: web.Request) -> web.Response:
        return await self._reaction(request, added=False)

    async def _reaction(self, request: web.Request, *, added: bool) -> web.Response:
        """The bot reacting itself: Discord echoes it to the gateway like anyone's reaction."""
        state = self._state
        message = self._bot_message(request)
        if isinstance(message, web.Response):
            return message
        emoji_text = unquote(request.match_info["emoji"])
        if added and emoji_text not in message.bot_reactions:
            message.bot_reactions.append(emoji_text)
        elif not added and emoji_text in message.bot_reactions:
            message.bot_reactions.remove(emoji_text)
        state.feed.notify()
        data = state.reaction_event(
            channel_id=message.channel_id,
            message_id=message.id,
            user_id=state.world.bot.id,
            emoji=parse_emoji(emoji_text),
            added=added,
        )
        event = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        await state.emit(event, data, guild_intent=GUILD_REACTIONS, dm_intent=DM_REACTIONS)
        return web.Response(status=204)

    async def channel(self, request: web.Request) -> web.Response:
        state = self._state
        channel_id = int(request.match_info["channel_id"])
        found = state.world.find_channel(channel_id)
        if found is not None:
            return json_response(state.world.channel_payload(*found))
        user_id = state.dm_user(channel_id)
        if user_id is None:
            return error_response(404, 10003, "Unknown Channel")
        return json_response(self._dm_payload(channel_id, user_id))

    def _dm_payload(self, channel_id: int, user_id: int) -> JsonDict:
        user = self._state.world.find_user(user_id)
        assert user is not None
        return {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.payload()],
        }

    async def open_dm(self, request: web.Request) -> web.Response:
        """``POST /users/@me/channels``: opening always works; sending may get 50007."""
        state = self._state
        body, _ = await read_body(request)
        self._state.note_body(request, body)
        user_id = int(body.get("recipient_id", 0))
        if state.world.find_user(user_id) is None:
            return error_response(404, 10013, "Unknown User")
        channel_id = state.dm_channels.setdefault(user_id, state.ids.next())
        state.feed.notify()
        return json_response(self._dm_payload(channel_id, user_id))

    async def download(self, request: web.Request) -> web.Response:
        attachment_id = int(request.match_info["attachment_id"])
        for message in self._state.messages.get(int(request.match_info["channel_id"]), []):
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    content_type = attachment.content_type or "application/octet-stream"
                    return web.Response(
                        body=attachment.data, headers={"Content-Type": content_type}
                    )
        return web.Response(status=404)
