"""Building INTERACTION_CREATE payloads the way Discord does, from what the client synced.

A slash command can only be sent if the client synced it: the simulator looks the command
up in the last recorded ``PUT`` (guild commands first, then global), uses the command's id,
types each option from its synced definition, and refuses input the Discord client would
not let a user submit (unknown or missing required options, out-of-range numbers, values
outside the choices). A button can only be clicked if it is on a stored bot message and
not disabled. Subcommands of a group nest the way discord.py expects::

    {"id": ..., "name": "papers", "type": 1,
     "options": [{"name": "search", "type": 1,
                  "options": [{"name": "query", "type": 3, "value": "..."}]}]}
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any

from tests.simulators.discord.records import SentMessage, SimInteraction

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tests.simulators.discord.state import SimState

JsonDict = dict[str, Any]
OptionValue = str | int | float | bool

APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
SUBCOMMAND_TYPES = (1, 2)


def _typed_value(definition: JsonDict, value: OptionValue) -> OptionValue:
    """``value`` converted to the option's type and checked like the Discord client checks it."""
    name, kind = definition["name"], int(definition["type"])
    converted: OptionValue
    if kind == 3:
        converted = str(value)
        low, high = definition.get("min_length", 0), definition.get("max_length", 6000)
        if not low <= len(converted) <= high:
            raise ValueError(f"option {name!r}: length must be within {low}..{high}")
    elif kind in (4, 10):
        converted = int(value) if kind == 4 else float(value)
        low, high = definition.get("min_value"), definition.get("max_value")
        if (low is not None and converted < low) or (high is not None and converted > high):
            raise ValueError(f"option {name!r}: Discord only accepts {low}..{high}, not {value!r}")
    elif kind == 5:
        converted = bool(value)
    else:
        raise NotImplementedError(f"option {name!r} has type {kind}, which is not simulated")
    choices = [choice["value"] for choice in definition.get("choices") or []]
    if choices and converted not in choices:
        raise ValueError(f"option {name!r}: {value!r} is not one of the choices {choices}")
    return converted


class InteractionFactory:
    """Creates interactions over a SimState (see the module docstring for what is refused)."""

    def __init__(self, state: SimState) -> None:
        self._state = state

    def _command(self, name: str, guild_id: int) -> tuple[JsonDict, int | None]:
        for scope in (guild_id, None):
            for command in self._state.latest_commands(scope):
                if command.get("name") == name and int(command.get("type", 1)) == 1:
                    return command, scope
        synced = [sync.guild_id for sync in self._state.command_syncs]
        raise LookupError(f"/{name} was never synced (syncs so far, by guild id: {synced})")

    def command_data(
        self,
        name: str,
        path: Sequence[str],
        options: Mapping[str, OptionValue],
        *,
        guild_id: int,
        focused: str | None,
    ) -> JsonDict:
        """The ``data`` of an application command (or autocomplete, if ``focused``) interaction."""
        command, scope = self._command(name, guild_id)
        definitions = list(command.get("options") or [])
        chain: list[JsonDict] = []
        for part in path:
            found = [d for d in definitions if d["name"] == part and d["type"] in SUBCOMMAND_TYPES]
            if not found:
                raise LookupError(f"/{name} {' '.join(path)}: no subcommand {part!r} was synced")
            chain.append(found[0])
            definitions = list(found[0].get("options") or [])
        subcommands = [d["name"] for d in definitions if d["type"] in SUBCOMMAND_TYPES]
        if subcommands:
            raise ValueError(f"/{name} {' '.join(path)} needs one of the subcommands {subcommands}")
        by_name = {d["name"]: d for d in definitions}
        built: list[JsonDict] = []
        for option_name, value in options.items():
            if option_name not in by_name:
                raise LookupError(f"no option {option_name!r}; synced options: {sorted(by_name)}")
            definition = by_name[option_name]
            entry: JsonDict = {"name": option_name, "type": definition["type"]}
            if option_name == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = _typed_value(definition, value)
            built.append(entry)
        missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in options]
        if missing and focused is None:
            raise ValueError(f"required options missing: {missing}")
        for parent in reversed(chain):
            built = [{"name": parent["name"], "type": parent["type"], "options": built}]
        data: JsonDict = {"id": str(command["id"]), "name": name, "type": 1, "options": built}
        if scope is not None:
            data["guild_id"] = str(scope)
        return data

    def component_data(
        self, message: SentMessage, custom_id: str, values: Sequence[str]
    ) -> JsonDict:
        """The ``data`` of a click on ``custom_id`` of ``message`` (a button, or a select)."""
        component = message.component(custom_id)
        if component is None:
            raise LookupError(
                f"message {message.id} has no {custom_id!r}; it has {message.custom_ids()}"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; nobody can click it")
        data: JsonDict = {"custom_id": custom_id, "component_type": int(component["type"])}
        if "id" in component:
            data["id"] = component["id"]
        if component["type"] != 2:
            data["values"] = list(values)
        return data

    def envelope(
        self,
        *,
        kind: int,
        data: JsonDict,
        channel_id: int,
        user_id: int,
        locale: str = "en-US",
        message: SentMessage | None = None,
        guild_id: int | None = None,
    ) -> SimInteraction:
        """A full INTERACTION_CREATE payload from a guild text channel, registered in the state
        (``guild_id``: the channel's guild, when two guilds share the channel id)."""
        state = self._state
        found = state.world.find_channel(channel_id, guild_id)
        user = state.world.find_user(user_id)
        if found is None or user is None:
            raise LookupError(
                f"interactions need a simulated guild channel and user ({channel_id}, {user_id})"
            )
        guild, channel = found
        interaction_id = state.ids.next()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: JsonDict = {
            "id": str(interaction_id),
            "application_id": str(state.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "channel_id": str(channel_id),
            "channel": {
                **state.world.channel_payload(guild, channel),
                "permissions": str(state.world.permissions(guild, channel, user)),
            },
            "member": state.world.member_payload(guild, user, channel=channel),
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(state.world.permissions(guild, channel, state.world.bot)),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": state.attachment_size_limit,
        }
        if message is not None:
            payload["message"] = state.message_payload(message)
        interaction = SimInteraction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            channel_id=channel_id,
            guild_id=guild.id,
            user_id=user_id,
            dispatched_at=asyncio.get_running_loop().time(),
            source_message_id=message.id if message is not None else None,
        )
        state.interactions[interaction_id] = interaction
        return interaction
