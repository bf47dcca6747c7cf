"""Core replies rendered as Discord messages: embeds, buttons, content and files (pure).

Whatever a reply holds, the result fits Discord's limits (10 embeds, 6000 embed
characters, title 256, description 4096, footer 2048, content 2000, 5 rows of 5
buttons, custom ids of 100 and labels of 80 characters): text is cut with "…",
buttons that do not fit are left out — never a refused API call. Stored text is
escaped (see escape.py); nothing rendered here can ping anyone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from paperboy.adapters.discord.buttons import (
    Button,
    list_buttons,
    paper_buttons,
    question_buttons,
)
from paperboy.adapters.discord.escape import (
    ELLIPSIS,
    escape,
    fit,
    fit_tokens,
    plain,
    rich_tokens,
    tokens,
)
from paperboy.core import rich
from paperboy.core.replies import (
    Card,
    FileReply,
    ImageReply,
    Notice,
    PaperList,
    PaperPost,
    Question,
    Reply,
)
from paperboy.core.text import clean_text, visible_text
from paperboy.search import Snippet

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_TOTAL = 6000
MAX_EMBEDS = 10
CONTENT = 2000
FIELD_VALUE = 1024
LIST_SNIPPET = 1024  # a card in a list stays a card, even with room to spare
NO_SNIPPET = 300  # a card without a snippet (trending) shows the abstract's start
FOOTER = 300
# Characters of an abstract read to fill a description: more than the largest one
# holds. Escaping makes a token of every character; all of a long abstract, on the
# event loop, cost a third of a second per megabyte.
ABSTRACT_READ = 2 * EMBED_DESCRIPTION
TOTAL_MARGIN = 50
ATTACHMENT_DESCRIPTION = 1024  # Discord's limit for an attachment's alt text

COLOR_PAPER = 0xF4A623
COLOR_READ = 0x99AAB5

_SAFE_URL = re.compile(r"https?://[^\s<>()\[\]\"'`]{1,500}")


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    description: str | None = None  # alt text, for images


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message, ready to send. `paper_id` is set when the message shows
    exactly one paper (a reaction on it, once recorded, names that paper)."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    rows: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    ephemeral: bool = True
    paper_id: str | None = None

    def view(self) -> discord.ui.View | None:
        """A fresh View holding the buttons (None without buttons)."""
        if not self.rows:
            return None
        view = discord.ui.View(timeout=None)
        for row_number, row in enumerate(self.rows):
            for button in row:
                view.add_item(
                    discord.ui.Button(
                        label=button.label,
                        custom_id=button.custom_id,
                        style=button.style,
                        emoji=button.emoji,
                        row=row_number,
                    )
                )
        return view

    def file(self) -> discord.File | None:
        """A fresh discord.File (a File can be sent only once)."""
        if self.attachment is None:
            return None
        attachment = self.attachment
        return discord.File(
            io.BytesIO(attachment.content),
            filename=attachment.filename,
            description=attachment.description,
        )


def render(
    reply: Reply,
    *,
    more_id: str | None = None,
    embeds: bool = True,
    save_emoji: str | None = None,
) -> Outgoing:
    """`reply` as a Discord message.

    `more_id` is the custom id of the "More" button when the reply is a list with a
    next page (the caller stores long page references first). Without `embeds` (the
    bot lacks Embed Links in the channel) papers are rendered as plain lines.
    `save_emoji` (the configured one) is shown on Save buttons."""
    match reply:
        case PaperList():
            return _paper_list(reply, more_id, embeds=embeds, save_emoji=save_emoji)
        case PaperPost():
            return _paper_post(reply, embeds=embeds, save_emoji=save_emoji)
        case Notice():
            return Outgoing(content=_content(rich_tokens(reply.text)), ephemeral=reply.ephemeral)
        case Question():
            return Outgoing(
                content=_content(rich_tokens(reply.text)),
                rows=question_buttons(reply),
                ephemeral=reply.ephemeral,
            )
        case FileReply():
            return Outgoing(
                content=_content(tokens(reply.comment)),
                attachment=Attachment(reply.filename, reply.content),
                ephemeral=reply.ephemeral,
            )
        case ImageReply():
            return _image(reply, embeds=embeds)


def _image(reply: ImageReply, *, embeds: bool) -> Outgoing:
    """The picture as an attachment (its alt text as the description), shown in an
    embed titled by it with the summary; as plain text beside it without Embed Links."""
    attachment = Attachment(
        reply.filename, reply.png, plain(reply.alt_text, ATTACHMENT_DESCRIPTION)
    )
    if not embeds:
        return Outgoing(
            content=_content(tokens(clean_text(reply.summary))),
            attachment=attachment,
            ephemeral=reply.ephemeral,
        )
    embed = discord.Embed(
        title=fit(clean_text(reply.title), EMBED_TITLE),
        description=fit_tokens(tokens(clean_text(reply.summary)), EMBED_DESCRIPTION) or None,
        color=COLOR_PAPER,
    )
    embed.set_image(url=f"attachment://{reply.filename}")
    return Outgoing(embeds=(embed,), attachment=attachment, ephemeral=reply.ephemeral)


def _content(parts: Sequence[str]) -> str:
    # Discord refuses an empty message (50006).
    return fit_tokens(parts, CONTENT).strip() or "…"


# -- lists and posts ----------------------------------------------------------------------


def _paper_list(
    reply: PaperList, more_id: str | None, *, embeds: bool, save_emoji: str | None
) -> Outgoing:
    cards = reply.cards[:MAX_EMBEDS]
    rows = list_buttons(cards, more_id, save_emoji)
    if not embeds:
        return Outgoing(
            content=_text_list(reply.title, cards), rows=rows, ephemeral=reply.ephemeral
        )
    budget = (EMBED_TOTAL - TOTAL_MARGIN) // max(1, len(cards))
    return Outgoing(
        content=_content(tokens(clean_text(reply.title))),
        embeds=tuple(
            card_embed(card, number=n, budget=budget) for n, card in enumerate(cards, start=1)
        ),
        rows=rows,
        ephemeral=reply.ephemeral,
    )


def _paper_post(reply: PaperPost, *, embeds: bool, save_emoji: str | None) -> Outgoing:
    card = reply.card
    rows = paper_buttons(card, save_emoji)
    if not embeds:
        return Outgoing(
            content=_text_card(card, None, CONTENT, detail=reply.detail),
            rows=rows,
            ephemeral=reply.ephemeral,
            paper_id=card.paper.id,
        )
    embed = card_embed(card, budget=EMBED_TOTAL - TOTAL_MARGIN, detail=reply.detail)
    return Outgoing(embeds=(embed,), rows=rows, ephemeral=reply.ephemeral, paper_id=card.paper.id)


def card_embed(
    card: Card, *, number: int | None = None, budget: int, detail: bool = False
) -> discord.Embed:
    """One paper as an embed using at most `budget` of the message's 6000 embed characters."""
    paper = card.paper
    name = card.title
    title = fit(f"{number}. {name}" if number else name, min(EMBED_TITLE, budget // 3))
    footer = plain(str(_facts(card)), min(FOOTER, budget // 4))
    links = fit_tokens(_links(card), FIELD_VALUE) if detail else ""
    used = len(title) + len(footer) + (len("Links") + len(links) if links else 0)
    room = min(_description_limit(card, detail=detail), budget - used)
    description = fit_tokens(_description(card, detail=detail), room)
    embed = discord.Embed(
        title=title,
        url=safe_url(card.url),
        description=description or None,
        color=COLOR_READ if card.saved is not None and not card.saved.unread else COLOR_PAPER,
    )
    if links:
        embed.add_field(name="Links", value=links, inline=False)
    if footer:
        embed.set_footer(text=footer)
    if thumbnail := safe_url(paper.thumbnail_url):
        embed.set_thumbnail(url=thumbnail)
    return embed


def _description_limit(card: Card, *, detail: bool) -> int:
    if detail:
        return EMBED_DESCRIPTION
    return LIST_SNIPPET if card.snippet else NO_SNIPPET


def _description(card: Card, *, detail: bool) -> list[str]:
    """The whole abstract (detail), the snippet, or (no snippet) the abstract's start."""
    if card.snippet and not detail:
        return snippet_tokens(card.snippet)
    abstract = card.paper.abstract
    if len(abstract) <= ABSTRACT_READ:
        return tokens(clean_text(abstract))
    return [*tokens(clean_text(abstract[:ABSTRACT_READ])), " ", ELLIPSIS]


def snippet_tokens(snippet: Snippet) -> list[str]:
    """A snippet with its matched words in **bold**; each bold word is one token."""
    found: list[str] = []
    for text, marked in snippet:
        segment = visible_text(text)
        core = segment.strip()
        line_start = not found
        if marked and core and len(core) <= 100:
            lead = segment[: len(segment) - len(segment.lstrip())]
            trail = segment[len(segment.rstrip()) :]
            found += list(lead)
            found.append("**" + escape(core, line_start=False) + "**")
            found += list(trail)
        else:
            found += tokens(segment, line_start=line_start)
    return found


def _facts(card: Card) -> rich.Rich:
    """The card's facts, after its reading-list status ("Unread · …")."""
    if card.status is None:
        return card.facts
    return rich.text(card.status.capitalize(), " · ", card.facts)


def _links(card: Card) -> list[str]:
    safe = [(page.label, safe_url(page.url)) for page in card.links]
    links = [f"[{label}]({url})" for label, url in safe if url]
    return [" · ".join(links)] if links else []


def safe_url(url: str | None) -> str | None:
    """`url` if it is a plain http(s) URL Discord accepts and markdown cannot break."""
    return url if url and _SAFE_URL.fullmatch(url) else None


# -- plain text, for channels where the bot may not embed ------------------------------------


def _text_list(title: str, cards: Sequence[Card]) -> str:
    header = fit(clean_text(title), 200)
    room = (CONTENT - len(header)) // max(1, len(cards)) - 1
    lines = [header] + [_text_card(card, number, room) for number, card in enumerate(cards, 1)]
    return "\n".join(lines)[:CONTENT].strip() or "…"


def _text_card(card: Card, number: int | None, room: int, *, detail: bool = False) -> str:
    paper = card.paper
    url = safe_url(card.url)
    link = f" <{url}>" if url and len(url) < room // 3 else ""
    mark = f"{number}\\. " if number else ""
    title = fit(card.title, max(0, room // 3 - len(mark)))
    first = f"{mark}**{title}**{link}" if title else f"{mark}{link}".strip()
    facts = fit_tokens(rich_tokens(_facts(card)), max(0, min(FOOTER, room // 4)))
    left = room - len(first) - len(facts) - 2
    left = min(left, _description_limit(card, detail=detail))
    body = fit_tokens(_description(card, detail=detail), left) if left > 0 else ""
    text = "\n".join(part for part in (first, facts, body) if part)
    return text if len(text) <= room else fit(visible_text(paper.id), room)
