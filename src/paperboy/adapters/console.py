"""The console adapter: the bot on stdin/stdout, for a fresh machine, demos, scripts.

Every paper it prints is numbered like a chat message, so `react 2` saves the
second one (as a reaction with the save emoji would) and `unreact 2` unsaves it. `more` pages
the last list. Lines come through a `Terminal`: from a pipe as they come, from a
person with line editing, history and a prompt that nothing is printed over. A
chart (`trend`) is written as a PNG into `files_dir` (the data directory, as the
app builds it) and its path printed with its summary.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from paperboy.adapters.terminal import Terminal
from paperboy.core.bot import Bot
from paperboy.core.help import HelpEntry, PlatformHelp
from paperboy.core.models import ChannelRef, Context, Platform, PostRef, UserRef
from paperboy.core.publishing import Publisher
from paperboy.core.replies import (
    Card,
    FileReply,
    ImageReply,
    Notice,
    PageRef,
    PaperList,
    PaperPost,
    Question,
    Reply,
)
from paperboy.core.rich import Rich, code, text
from paperboy.core.text import clean_text, terminal_text
from paperboy.search import Snippet

log = logging.getLogger(__name__)

WORKSPACE = "local"
CHANNEL = ChannelRef(Platform.CONSOLE.value, WORKSPACE, "console")
_QUIT = {"quit", "exit", ":q"}
GREETING = text("paperboy: type ", code("help"), " for commands, ", code("quit"), " to leave.")

# The console's own verbs, for `help`: a reaction here is typed.
CONSOLE_HELP = PlatformHelp(
    heading="On this console, every paper printed is numbered [N]",
    commands=(
        HelpEntry(
            "react",
            "react N",
            "save paper [N] to your reading list, as a {emoji} reaction would",
            text(
                "With an emoji, react as that emoji would: ",
                code("react 2 {mark}"),
                " marks it not for you (",
                code("unreact 2 {mark}"),
                " undoes it).",
            ),
            examples=("react 2",),
        ),
        HelpEntry(
            "unreact",
            "unreact N",
            "take paper [N] off your reading list, as removing the reaction would",
            examples=("unreact 2",),
        ),
        HelpEntry("more", "more", "the next page of the last list", examples=("more",)),
        HelpEntry(
            "quit",
            "quit",
            text("leave (also ", code("exit"), " or Ctrl-D)"),
            examples=("quit",),
        ),
    ),
    react=text("or ", code("react N"), " here"),
    unreact=text("or ", code("unreact N"), " here"),
    buttons=False,
)


class ConsoleScreen:
    """The console's send side, built before the adapter: prints replies on the
    terminal and numbers every paper it prints, so `react N` can name one.

    It is the console's ChannelPoster (the Publisher posts a digest or a public
    `show` through it), unpaced: a terminal has no rate limit."""

    platform = Platform.CONSOLE.value
    paced = False

    def __init__(
        self,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        history: Path | None = None,
        session: str = "",
        files_dir: Path | None = None,
    ) -> None:
        self.terminal = Terminal(
            stdin=stdin or sys.stdin, stdout=stdout or sys.stdout, history=history
        )
        # Message ids must not collide with an earlier session's in the store.
        self._session = session or str(os.getpid())
        self.files_dir = files_dir if files_dir is not None else Path.cwd()
        self._posts: list[PostRef] = []
        self._write_lock = asyncio.Lock()

    async def post(self, channel: ChannelRef, reply: Reply, *, key: str = "") -> str:
        """Print a message (a digest header or paper); return its number's message id
        (a print cannot fail half-way: `key` is not needed)."""
        last, _ = await self.print(reply)
        return last

    async def direct_channel(self, user: UserRef) -> ChannelRef:
        """The console is one person's, so their direct messages are it."""
        return CHANNEL

    def numbered(self, number: int) -> PostRef | None:
        """The message printed as [number], if there is one."""
        return self._posts[number - 1] if 1 <= number <= len(self._posts) else None

    @property
    def printed(self) -> int:
        return len(self._posts)

    async def print(self, reply: Reply) -> tuple[str, list[tuple[PostRef, str]]]:
        """Print `reply`; the message id of its last numbered paper, and the (message,
        paper) of each card of a list (each a message of its own here)."""
        if isinstance(reply, ImageReply):
            await self.write(await asyncio.to_thread(self._save_image, reply))
            return "", []
        async with self._write_lock:
            last = ""
            shown: list[tuple[PostRef, str]] = []
            parts: list[str] = []
            if isinstance(reply, PaperList):
                parts.append(reply.title + "\n")
                for card in reply.cards:
                    number, last = self._number()
                    shown.append((PostRef(CHANNEL, last), card.paper.id))
                    parts.append(render_card(card, number))
                if reply.more is not None:
                    parts.append(plain_text(text("More: type ", code("more"), ".\n")))
            elif isinstance(reply, PaperPost):
                number, last = self._number()  # recorded by the publisher
                parts.append(render_card(reply.card, number, detail=reply.detail))
            elif isinstance(reply, FileReply):
                parts.append(f"{reply.comment} ({reply.filename}):\n")
                parts.append(reply.content.decode("utf-8", "replace"))
            elif isinstance(reply, Notice | Question):  # a question says what to type
                parts.append(plain_text(reply.text) + "\n")
            self._emit("".join(parts))
            return last, shown

    def _save_image(self, image: ImageReply) -> str:
        """Write the picture into `files_dir` under a name not taken yet (an earlier chart
        is never overwritten); returns the lines to print."""
        stem, suffix = os.path.splitext(image.filename)
        n = 1
        try:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            while True:
                path = self.files_dir / (image.filename if n == 1 else f"{stem}-{n}{suffix}")
                n += 1
                with contextlib.suppress(FileExistsError), path.open("xb") as file:
                    file.write(image.png)
                    return f"{image.summary}\nChart: {path}"
        except OSError as error:
            where = self.files_dir
            return f"{image.summary}\nCould not save the chart in {where}: {error.strerror}."

    def _number(self) -> tuple[int, str]:
        """The next number on this console, and the message id it stands for."""
        number = len(self._posts) + 1
        post = PostRef(CHANNEL, f"{self._session}-{number}")
        self._posts.append(post)
        return number, post.message_id

    async def write(self, text: str) -> None:
        async with self._write_lock:
            self._emit(text + "\n")

    def _emit(self, text: str) -> None:
        # Stored text (an author's name, a title quoted in a notice, a BibTeX file) may
        # hold escape sequences or bidi overrides: never send them to a terminal.
        self.terminal.write(terminal_text(text))


class ConsoleAdapter:
    name = "console"
    platform = Platform.CONSOLE.value

    def __init__(
        self,
        bot: Bot,
        *,
        screen: ConsoleScreen,
        publisher: Publisher,
        user: str | None = None,
        greeting: str | Rich = "",
    ) -> None:
        """Answer lines typed on `screen`'s terminal; a public post goes through
        `publisher` (which prints it on `screen`)."""
        self.bot = bot
        self.screen = screen
        self.publisher = publisher
        self.user = UserRef(self.platform, WORKSPACE, user or os.environ.get("USER") or "you")
        # One local person at their own terminal: the console is theirs to post in and manage.
        self.context = Context(
            user=self.user, channel=CHANNEL, can_post=True, can_manage_channel=True
        )
        self._greeting = greeting or GREETING
        self._last_more: PageRef | None = None
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Answer lines until end of input or `quit`."""
        try:
            await self.start()
            await self.wait_closed()
        finally:
            await self.aclose()

    async def start(self) -> None:
        """Start reading lines (on a daemon thread) and answering each one."""
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def deliver(line: str | None) -> None:
            loop.call_soon_threadsafe(lines.put_nowait, line)

        self.screen.terminal.start(deliver)
        self._task = asyncio.create_task(self._answer_lines(lines), name="console")

    async def wait_closed(self) -> None:
        if self._task is not None:
            await self._task

    async def is_connected(self) -> bool:
        """Answering lines (started, and input has not ended)."""
        return self._task is not None and not self._task.done()

    async def _answer_lines(self, lines: asyncio.Queue[str | None]) -> None:
        await self.screen.write(plain_text(self._greeting))
        while True:
            self.screen.terminal.ready()
            line = await lines.get()
            if line is None or line.strip().lower() in _QUIT:
                return
            if line.strip():
                await self.answer(line)

    async def aclose(self) -> None:
        """Stop answering and give the terminal back as it was; the reading thread is
        a daemon and needs no stopping. Safe to repeat."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.screen.terminal.close()

    async def announce(self, text: str) -> None:
        """A line from the bot itself (not an answer), e.g. that the feed is unreachable."""
        await self.screen.write(text)

    async def answer(self, line: str) -> None:
        """Run one line: a console verb (react, unreact, more) or a bot command."""
        word, _, rest = line.strip().partition(" ")
        verb = word.lower()
        if verb in ("react", "unreact"):
            await self._react(rest, added=verb == "react")
        elif verb == "more" and not rest:
            if self._last_more is None:
                await self.screen.write("Nothing more to show.")
            else:
                await self.show(await self.bot.page(self._last_more, self.context))
        else:
            await self.show(await self.bot.handle(line, self.context))

    async def show(self, reply: Reply) -> None:
        if isinstance(reply, PaperList):
            self._last_more = reply.more
        if isinstance(reply, PaperPost) and not reply.ephemeral:
            # Posted in the console's one channel, as a `show` is on a chat platform.
            await self.publisher.publish(CHANNEL, reply)
            return
        _, shown = await self.screen.print(reply)
        for post, paper_id in shown:
            await self.publisher.shown(post, paper_id)

    async def _react(self, rest: str, *, added: bool) -> None:
        number, _, emoji = rest.strip().partition(" ")
        post = self.screen.numbered(int(number)) if number.isdigit() else None
        if post is None:
            printed = self.screen.printed
            await self.screen.write(
                f"Which paper? Give the number shown in brackets, 1 to {printed}."
                if printed
                else "There is no paper to react to yet: search first."
            )
            return
        names = [emoji.strip()] if emoji.strip() else [self.bot.save_emoji]
        reply = await self.bot.on_reaction(post, self.user, names, added=added)
        if reply is not None:
            await self.screen.print(reply)
        elif self.bot.is_save_emoji(names):
            await self.screen.write(
                "Nothing changed." if added else "It was not on your reading list."
            )


def plain_text(value: str | Rich) -> str:
    """Typed text for a terminal: the words as they are, code without marks (a
    person types what it shows), no other platform's syntax."""
    return str(value)


def render_card(card: Card, number: int, *, detail: bool = False) -> str:
    paper = card.paper
    mark = f" ({card.status})" if card.status else ""
    lines = [f"[{number}] {card.title}{mark}", "    " + _one_line(plain_text(card.facts))]
    if detail:
        lines.append("    " + _one_line(paper.abstract))
    elif card.snippet:
        lines.append("    " + render_snippet(card.snippet))
    if card.url:
        lines.append("    " + _one_line(card.url))
    return "\n".join(lines) + "\n"


def render_snippet(snippet: Snippet) -> str:
    return _one_line("".join(f"*{text}*" if marked else text for text, marked in snippet))


def _one_line(text: str) -> str:
    # Stored text may hold escape sequences or bidi overrides: never send them to a terminal.
    return clean_text(text)
