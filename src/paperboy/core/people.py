"""Forgetting a person: `forget me` deletes everything stored about the person asking, in
the workspace they ask from, once they confirm.

Asking (`forget me`) deletes nothing: the answer, for their eyes only, counts what would
go and asks them to confirm (the Forget me button where replies carry buttons, or
`forget me confirm`). Confirming stops their weekly foryou message (the digest service's
job) and then deletes the rest in one transaction (store/people.py lists every table).
A channel's digest they set up keeps running, without their id. The same user id in
another workspace, and everyone else here, keep theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from paperboy.core.commands import ForgetMe
from paperboy.core.models import PersonalData, UserRef
from paperboy.core.ports import DigestCommands, PersonStore
from paperboy.core.replies import Confirm, Notice, Question, Reply
from paperboy.core.rich import Rich, code, join, text

log = logging.getLogger(__name__)


class PersonCommands:
    def __init__(
        self,
        *,
        people: PersonStore,
        digests: DigestCommands | None,
        prefix: str = "",
        buttons: bool = True,
    ) -> None:
        """`prefix` is how the platform invokes commands ("/papers "); `buttons` whether
        its replies carry buttons (the console's do not)."""
        self.people = people
        self._digests = digests
        self._prefix = prefix
        self._buttons = buttons

    async def forget_me(self, user: UserRef, command: ForgetMe) -> Reply:
        if command.asked_for is not None and command.asked_for != user.user:
            return Notice(
                text(
                    "That button is for the person who asked to be forgotten. To be "
                    "forgotten yourself, use ",
                    code(f"{self._prefix}forget me"),
                    ".",
                ),
                error=True,
            )
        if not command.confirmed:
            return await self._ask(user)
        return await self._forget(user)

    async def _ask(self, user: UserRef) -> Reply:
        counts = await self.people.count(user)
        if not counts:
            return Notice("I keep nothing about you in this workspace: there is nothing to forget.")
        confirm = code(f"{self._prefix}forget me confirm")
        how = (
            text("press Forget me below, or type ", confirm)
            if self._buttons
            else text("type ", confirm)
        )
        return Question(
            text(
                "Forgetting you deletes everything I keep about you in this workspace:\n",
                _listed(counts),
                "\nNothing is deleted yet. To delete it for good, ",
                how,
                ".",
            ),
            Confirm.FORGET_ME,
            user.user,
        )

    async def _forget(self, user: UserRef) -> Notice:
        weekly = await self._digests.forget_person(user) if self._digests else False
        done = await self.people.forget(user)
        if weekly:
            done[PersonalData.WEEKLY] = 1
        # Who it was is left out of the log on purpose: that is what they asked us to drop.
        log.info(
            "forgot a person of %s workspace %s: %s",
            user.platform,
            user.workspace,
            ", ".join(f"{count} {kind}" for kind, count in sorted(done.items())) or "nothing",
        )
        if not done:
            return Notice("I kept nothing about you in this workspace: nothing was deleted.")
        return Notice(
            text(
                "Done: I deleted everything I kept about you in this workspace:\n",
                _listed(done),
            )
        )


def _listed(counts: Mapping[PersonalData, int]) -> Rich:
    return join("\n", (text("• ", _what(kind, counts[kind])) for kind in _ORDER if kind in counts))


_ORDER = tuple(PersonalData)


def _what(kind: PersonalData, n: int) -> str:
    s = "" if n == 1 else "s"
    match kind:
        case PersonalData.READING_LIST:
            return f"{n} paper{s} on your reading list"
        case PersonalData.MARKS:
            return f"{n} paper{s} you marked not for you"
        case PersonalData.FOLLOWS:
            return f"{n} follow{s}"
        case PersonalData.FOLLOW_SENT:
            return f"the record of {n} paper{s} your follows sent you"
        case PersonalData.WEEKLY:
            return "your weekly foryou message"
        case PersonalData.WEEKLY_SENT:
            return f"the record of {n} weekly message{s} sent to you"
        case PersonalData.WEEKLY_PAPERS:
            return f"the record of {n} paper{s} your weekly messages listed"
        case PersonalData.SET_UP:
            return (
                f"your user id on {n} channel digest{s} or weekly list{s} you set up "
                "(the channel keeps it)"
            )
