"""REST routes answering interactions: the callback, followups, and the original response.

Like real Discord (no Authorization header is needed on any of these):
- the callback must come within ``interaction_deadline`` seconds (3 s) and only once, else
  404 10062 Unknown interaction / 400 40060 already acknowledged;
- callback types must fit the interaction (6 and 7 only for components, 8 only for
  autocomplete), else 400 50035;
- followups before the callback get 404 10015 Unknown Webhook; the first followup after a
  deferred (type 5) response fills in the "thinking" message instead of adding a new one.
Every refusal is also recorded as a violation.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.simulators.discord.http import attachments_from, error_response, json_response, read_body
from tests.simulators.discord.limits import autocomplete_problems, errors_body, message_problems
from tests.simulators.discord.records import (
    EPHEMERAL,
    LOADING,
    InteractionReply,
    SentAttachment,
    SentMessage,
    SimInteraction,
)

if TYPE_CHECKING:
    from tests.simulators.discord.state import SimState

JsonDict = dict[str, Any]

ALLOWED_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


def _has_message_body(body: JsonDict, attachments: list[SentAttachment]) -> bool:
    return bool(
        body.get("content")
        or body.get("embeds")
        or attachments
        or body.get("components")
        or body.get("poll")
    )


class InteractionRoutes:
    def __init__(self, state: SimState) -> None:
        self._state = state

    def register(self, app: web.Application, prefix: str) -> None:
        app.router.add_post(
            prefix + "/interactions/{interaction_id}/{token}/callback", self.callback
        )
        webhook = prefix + "/webhooks/{application_id}/{token}"
        app.router.add_post(webhook, self.followup)
        app.router.add_get(webhook + "/messages/{message_id}", self.fetch)
        app.router.add_patch(webhook + "/messages/{message_id}", self.edit)
        app.router.add_delete(webhook + "/messages/{message_id}", self.delete)

    def _reply(self, interaction: SimInteraction, reply: InteractionReply) -> None:
        interaction.replies.append(reply)
        self._state.feed.notify()

    def _refuse(self, route: str, status: int, code: int, name: str, message: str) -> web.Response:
        self._state.violation(route, name, message)
        return error_response(status, code, message)

    def _problems(
        self, route: str, body: JsonDict, attachments: list[SentAttachment]
    ) -> web.Response | None:
        state = self._state
        if any(len(a.data) > state.attachment_size_limit for a in attachments):
            return self._refuse(route, 413, 40005, "ENTITY_TOO_LARGE", "Request entity too large")
        problems = message_problems(body)
        if problems:
            state.record_problems(route, problems)
            return json_response(errors_body(problems), status=400)
        return None

    async def callback(self, request: web.Request) -> web.Response:
        state = self._state
        body, files = await read_body(request)
        self._state.note_body(request, body)
        interaction_id = int(request.match_info["interaction_id"])
        route = f"POST /interactions/{interaction_id}/<token>/callback"
        interaction = state.interactions.get(interaction_id)
        if interaction is None or interaction.token != request.match_info["token"]:
            return self._refuse(route, 404, 10062, "UNKNOWN_INTERACTION", "Unknown interaction")
        if interaction.acknowledged:
            return self._refuse(
                route,
                400,
                40060,
                "ALREADY_ACKNOWLEDGED",
                "Interaction has already been acknowledged.",
            )
        elapsed = asyncio.get_running_loop().time() - interaction.dispatched_at
        if elapsed > state.interaction_deadline:
            late = f"answered after {elapsed:.2f}s; Discord allows {state.interaction_deadline:g}s"
            state.violation(route, "INTERACTION_TIMEOUT", late)
            return error_response(404, 10062, "Unknown interaction")
        callback_type = int(body.get("type", 0))
        data = dict(body.get("data") or {})
        if callback_type not in ALLOWED_CALLBACKS.get(interaction.type, set()):
            text = (
                f"callback type {callback_type} is invalid for interaction type {interaction.type}"
            )
            state.violation(route, "INTERACTION_RESPONSE_TYPE_INVALID", text)
            return json_response(
                {
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {
                        "type": {
                            "_errors": [
                                {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": text}
                            ]
                        }
                    },
                },
                status=400,
            )
        attachments = attachments_from(data, files, state.ids.next)
        if callback_type == 8:
            problems = autocomplete_problems(data)
            if problems:
                state.record_problems(route, problems)
                return json_response(errors_body(problems), status=400)
        elif callback_type in (4, 7) and (refused := self._problems(route, data, attachments)):
            return refused
        message: SentMessage | None = None
        if callback_type == 4:
            if not _has_message_body(data, attachments):
                return self._refuse(
                    route, 400, 50006, "EMPTY_MESSAGE", "Cannot send an empty message"
                )
            message = state.create_message(
                channel_id=interaction.channel_id,
                source="interaction",
                body=data,
                attachments=attachments,
                interaction_id=interaction.id,
            )
        elif callback_type == 5:
            message = state.create_message(
                channel_id=interaction.channel_id,
                source="interaction",
                body={},
                attachments=[],
                interaction_id=interaction.id,
                flags=LOADING | (int(data.get("flags") or 0) & EPHEMERAL),
            )
        elif callback_type in (6, 7) and interaction.source_message_id is not None:
            message = state.find_message(interaction.source_message_id)
            if message is not None and callback_type == 7:
                state.apply_edit(message, data, attachments)
        if message is not None:
            interaction.original_message_id = message.id
        self._reply(
            interaction, InteractionReply("callback", callback_type, data, attachments, message)
        )
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        answer: JsonDict = {"id": str(interaction.id), "type": interaction.type}
        resource: JsonDict = {"type": callback_type}
        if message is not None:
            answer.update(
                response_message_id=str(message.id),
                response_message_loading=callback_type == 5,
                response_message_ephemeral=message.ephemeral,
            )
            if callback_type in (4, 5, 7):
                resource["message"] = state.message_payload(message)
        return json_response({"interaction": answer, "resource": resource})

    def _interaction(self, request: web.Request) -> SimInteraction | None:
        if int(request.match_info["application_id"]) != self._state.application_id:
            return None
        token = request.match_info["token"]
        for interaction in self._state.interactions.values():
            if interaction.token == token:
                return interaction
        return None

    async def followup(self, request: web.Request) -> web.Response:
        state = self._state
        body, files = await read_body(request)
        self._state.note_body(request, body)
        route = "POST /webhooks/<application_id>/<token>"
        interaction = self._interaction(request)
        if interaction is None or not interaction.acknowledged:
            return self._refuse(route, 404, 10015, "UNKNOWN_WEBHOOK", "Unknown Webhook")
        attachments = attachments_from(body, files, state.ids.next)
        if refused := self._problems(route, body, attachments):
            return refused
        if not _has_message_body(body, attachments):
            return self._refuse(route, 400, 50006, "EMPTY_MESSAGE", "Cannot send an empty message")
        original = state.find_message(interaction.original_message_id or 0)
        if original is not None and original.loading:
            state.apply_edit(original, body, attachments)
            message = original
        else:
            message = state.create_message(
                channel_id=interaction.channel_id,
                source="followup",
                body=body,
                attachments=attachments,
                interaction_id=interaction.id,
            )
        self._reply(interaction, InteractionReply("followup", None, body, attachments, message))
        if request.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return json_response(state.message_payload(message))

    def _target(self, request: web.Request, interaction: SimInteraction) -> SentMessage | None:
        """The message named in the URL: ``@original`` or a followup of this interaction."""
        raw = request.match_info["message_id"]
        if raw == "@original":
            message_id = interaction.original_message_id or 0
        elif raw.isdigit():
            message_id = int(raw)
        else:
            return None
        message = self._state.find_message(message_id)
        if message is None or message.deleted:
            return None
        if raw != "@original" and message.interaction_id != interaction.id:
            return None
        return message

    async def fetch(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request)
        if interaction is None:
            return error_response(404, 10015, "Unknown Webhook")
        message = self._target(request, interaction)
        if message is None:
            return error_response(404, 10008, "Unknown Message")
        return json_response(self._state.message_payload(message))

    async def edit(self, request: web.Request) -> web.Response:
        state = self._state
        body, files = await read_body(request)
        self._state.note_body(request, body)
        interaction = self._interaction(request)
        route = (
            f"PATCH /webhooks/<application_id>/<token>/messages/{request.match_info['message_id']}"
        )
        if interaction is None:
            return self._refuse(route, 404, 10015, "UNKNOWN_WEBHOOK", "Unknown Webhook")
        message = self._target(request, interaction)
        if message is None:
            return self._refuse(route, 404, 10008, "UNKNOWN_MESSAGE", "Unknown Message")
        attachments = attachments_from(body, files, state.ids.next)
        if refused := self._problems(route, body, attachments):
            return refused
        state.apply_edit(message, body, attachments)
        kind = (
            "edit_original" if request.match_info["message_id"] == "@original" else "edit_followup"
        )
        self._reply(interaction, InteractionReply(kind, None, body, attachments, message))
        return json_response(state.message_payload(message))

    async def delete(self, request: web.Request) -> web.Response:
        interaction = self._interaction(request)
        if interaction is None:
            return error_response(404, 10015, "Unknown Webhook")
        message = self._target(request, interaction)
        if message is None:
            return error_response(404, 10008, "Unknown Message")
        message.deleted = True
        kind = (
            "delete_original"
            if request.match_info["message_id"] == "@original"
            else "delete_followup"
        )
        self._reply(interaction, InteractionReply(kind, None, {}, [], message))
        return web.Response(status=204)
