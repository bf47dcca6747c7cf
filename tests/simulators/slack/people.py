"""Web API methods about people: users.info and conversations.open (the bot's DMs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .workspace import Member, Workspace

Answer = dict[str, Any]


class PeopleMethods:
    """Each method takes the call's arguments and returns Slack's JSON answer.

    Only members added to the workspace exist (the default human and the bot are);
    anyone else is `user_not_found`, as for a mistyped or foreign user id.
    """

    def users_info(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        member = workspace.member(args.get("user"))
        if member is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self._user_object(member, workspace)}

    def conversations_open(self, args: dict[str, Any], workspace: Workspace) -> Answer:
        """A DM between the bot and one person (a multi-person DM is not simulated)."""
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if args.get("channel"):
            return {"ok": False, "error": "not_supported"}
        if len(users) != 1:
            return {"ok": False, "error": "users_list_not_supplied" if not users
                    else "not_supported"}
        member = workspace.member(users[0])
        if member is None:
            return {"ok": False, "error": "user_not_found"}
        if member.is_bot:
            return {"ok": False, "error": "cannot_dm_bot"}
        channel = workspace.direct_channel(member.id)
        return {"ok": True, "channel": {"id": channel.id, "is_im": True, "user": member.id}}

    def _user_object(self, member: Member, workspace: Workspace) -> Answer:
        return {
            "id": member.id,
            "team_id": workspace.identity.team_id,
            "name": member.name,
            "deleted": False,
            "is_admin": member.is_admin or member.is_owner,  # Slack: owners are admins too
            "is_owner": member.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": member.is_bot,
            "profile": {"real_name": member.name, "display_name": member.name},
        }
