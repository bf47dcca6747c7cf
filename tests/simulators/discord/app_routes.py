"""REST routes discord.py calls at start-up: login, application info, command sync, gateway URL."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.simulators.discord.http import error_response, json_response
from tests.simulators.discord.limits import command_problems, errors_body
from tests.simulators.discord.records import CommandSync

if TYPE_CHECKING:
    from aiohttp import web

    from tests.simulators.discord.state import SimState

JsonDict = dict[str, Any]


class AppRoutes:
    def __init__(self, state: SimState) -> None:
        self._state = state
        self._prefix = ""

    def register(self, app: web.Application, prefix: str) -> None:
        self._prefix = prefix
        app.router.add_get(prefix + "/users/@me", self.me)
        app.router.add_get(prefix + "/oauth2/applications/@me", self.application)
        app.router.add_get(prefix + "/gateway", self.gateway)
        app.router.add_get(prefix + "/gateway/bot", self.gateway_bot)
        for path in (
            "/applications/{application_id}/commands",
            "/applications/{application_id}/guilds/{guild_id}/commands",
        ):
            app.router.add_put(prefix + path, self.sync_commands)
            app.router.add_get(prefix + path, self.list_commands)

    async def me(self, request: web.Request) -> web.Response:
        bot = self._state.world.bot.payload()
        return json_response(
            {**bot, "verified": True, "mfa_enabled": False, "flags": 0, "email": None}
        )

    async def application(self, request: web.Request) -> web.Response:
        state = self._state
        owner = state.world.guilds[0].owner_id if state.world.guilds else state.world.bot.id
        owner_user = state.world.find_user(owner) or state.world.bot
        return json_response(
            {
                "id": str(state.application_id),
                "name": state.world.bot.username,
                "description": "simulated application",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner_user.payload(),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
                "interactions_endpoint_url": None,
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._state.gateway.url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response(
            {
                "url": self._state.gateway.url,
                "shards": self._state.gateway.recommended_shards,
                "session_start_limit": limit,
            }
        )

    def _scope(self, request: web.Request) -> int | None:
        raw = request.match_info.get("guild_id")
        return None if raw is None else int(raw)

    async def sync_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: record the list, give each command a stable id, answer the list."""
        state = self._state
        raw = await request.read()
        body = json.loads(raw) if raw else None
        self._state.note_body(request, body)
        if int(request.match_info["application_id"]) != state.application_id:
            return error_response(403, 50001, "Missing Access")
        guild_id = self._scope(request)
        route = f"PUT {request.path.removeprefix(self._prefix)}"
        commands: list[JsonDict] = list(body) if isinstance(body, list) else []
        problems = command_problems(commands)
        if problems:
            state.record_problems(route, problems)
            return json_response(errors_body(problems), status=400)
        answered = []
        for command in commands:
            key = (guild_id, str(command["name"]), int(command.get("type", 1)))
            command_id = state.command_ids.setdefault(key, state.ids.next())
            stored: JsonDict = {
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(command_id),
                "application_id": str(state.application_id),
                "version": str(state.ids.next()),
            }
            if guild_id is not None:
                stored["guild_id"] = str(guild_id)
            answered.append(stored)
        state.command_syncs.append(CommandSync(guild_id, answered, commands))
        state.feed.notify()
        return json_response(answered)

    async def list_commands(self, request: web.Request) -> web.Response:
        return json_response(self._state.latest_commands(self._scope(request)))
