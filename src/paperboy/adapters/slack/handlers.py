"""The bolt listeners: translate the payload, ask the core, render, send. Thin.

Each listener acks first (Slack wants an ack within 3 seconds; a search must not
delay it), then does the work. No exception ever leaves a listener: it is logged
and the user gets a short "something went wrong".
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from paperboy.adapters.in_flight import InFlight
from paperboy.adapters.slack import translate
from paperboy.adapters.slack.answers import Answers
from paperboy.adapters.slack.permissions import ChannelManagers
from paperboy.adapters.slack.render import ACTION_PREFIX, render
from paperboy.adapters.slack.send import SlackSender
from paperboy.core.bot import Bot
from paperboy.core.channel_rules import needs_manager_check
from paperboy.core.publishing import Publisher
from paperboy.core.replies import Notice, PageRef, Reply

log = logging.getLogger(__name__)

COMMAND = "/papers"
STALE_BUTTON = Notice("That button no longer works; run the command again.", error=True)
_RECENT_EVENTS = 5000


class SlackHandlers:
    def __init__(
        self,
        bot: Bot,
        sender: SlackSender,
        managers: ChannelManagers,
        *,
        publisher: Publisher,
        bot_mention: str,
    ) -> None:
        self.bot = bot
        self.sender = sender
        self.managers = managers
        self.publisher = publisher
        self.bot_mention = bot_mention
        self.answers = Answers(publisher, sender, bot_mention=bot_mention)
        self._recent_events: OrderedDict[str, None] = OrderedDict()
        self.in_flight = InFlight()  # every listener's work, for `drain`

    def register(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)
        app.action(re.compile(f"^{ACTION_PREFIX}"))(self.on_action)
        app.event("reaction_added")(self.on_reaction)
        app.event("reaction_removed")(self.on_reaction)

    async def drain(self, seconds: float) -> None:
        """Let answers in progress finish (bounded), e.g. before the store closes."""
        await self.in_flight.drain(seconds)

    def _answers(self, client: AsyncWebClient) -> Answers:
        """Answers through `client`, which bolt authorized for the request's workspace
        (its own bot token; in single-workspace mode the one token)."""
        return Answers(self.publisher, SlackSender(client), bot_mention=self.bot_mention)

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        async with self._work("/papers command", respond):
            context = translate.command_context(command)
            if context is None:
                log.warning("a slash command without team, user or channel: ignored")
                return
            # Parsed once, by the core's grammar; the core says whether the answer
            # depends on who manages the channel, which costs Slack a request to know.
            parsed = self.bot.parse(translate.command_text(command))
            if needs_manager_check(parsed):
                allowed = await self.managers.can_manage(context.user, client=client)
                context = replace(context, can_manage_channel=allowed)
            reply = await self.bot.run(parsed, context)
            await self._answers(client).send(reply, context, respond)

    async def on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        async with self._work("button press", respond):
            pressed = translate.press(body)
            if pressed is None:
                log.warning("a button press without team, user, channel or action: ignored")
                return
            reply: Reply
            if pressed.action is None:
                reply = STALE_BUTTON
            elif isinstance(pressed.action, PageRef):
                reply = await self.bot.page(pressed.action, pressed.context)
            else:
                reply = await self.bot.run(pressed.action, pressed.context)
            await self._answers(client).send(reply, pressed.context, respond)

    async def on_reaction(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        """Save or unsave for the reacting user; confirm ephemerally when something changed."""
        async with self._work("reaction", None):
            reaction = translate.reaction(body)
            if reaction is None or not self._first_delivery(reaction.event_id):
                return
            try:
                notice = await self.bot.on_reaction(
                    reaction.post, reaction.user, [reaction.emoji], added=reaction.added
                )
            except BaseException:
                self._recent_events.pop(reaction.event_id, None)  # let a redelivery try again
                raise
            if notice is not None:
                await SlackSender(client).post_ephemeral(
                    reaction.post.channel.channel, reaction.user.user, render(notice)
                )

    def _first_delivery(self, event_id: str) -> bool:
        """False for an event id seen lately (Slack delivers at least once)."""
        if not event_id:
            return True
        if event_id in self._recent_events:
            log.info("event %s delivered again: ignored", event_id)
            return False
        self._recent_events[event_id] = None
        while len(self._recent_events) > _RECENT_EVENTS:
            self._recent_events.popitem(last=False)
        return True

    @asynccontextmanager
    async def _work(self, what: str, respond: AsyncRespond | None) -> AsyncIterator[None]:
        with self.in_flight.track():
            try:
                yield
            except Exception:
                log.exception("answering a %s failed", what)
                if respond is not None:
                    await self.answers.apologise(respond)
