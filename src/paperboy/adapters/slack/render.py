"""Core replies as Slack messages (Block Kit plus fallback text). Pure.

A paper card is a mrkdwn section (the title linked to its page, authors, date,
upvotes, id, and the snippet with the matched words in bold) followed by its
buttons. Every button carries all it needs in its value (a paper id, or an
encoded `PageRef`), so a press on an old message works after a restart.
"""

from __future__ import annotations

from paperboy.adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_TEXT,
    Block,
    SlackMessage,
    actions,
    button,
    context,
    fallback,
    section,
)
from paperboy.adapters.slack.mrkdwn import (
    ELLIPSIS,
    bold,
    chunks,
    code,
    escape,
    escaped_prefix,
    fit,
    lines,
    link,
    one_line,
    safe_url,
    slack_len,
)
from paperboy.core.models import Paper
from paperboy.core.replies import (
    Card,
    FileReply,
    ImageReply,
    Notice,
    PaperList,
    PaperPost,
    Reply,
)
from paperboy.core.team_top import saves_label
from paperboy.core.text import short_authors, visible_text
from paperboy.search import Snippet

ACTION_SAVE = "paperboy_save"
ACTION_SIMILAR = "paperboy_similar"
ACTION_MORE = "paperboy_more"
ACTION_READ = "paperboy_read"
ACTION_UNSAVE = "paperboy_unsave"
ACTION_PREFIX = "paperboy_"

TITLE_CHARS = 500
AUTHORS_CHARS = 300
ABSTRACT_SECTIONS = 4  # `show`: up to 12,000 characters of abstract
NOTICE_SECTIONS = 10


def render(reply: Reply) -> SlackMessage:
    """Any reply as a message. A FileReply renders as its comment, an ImageReply as its
    summary (the file goes apart)."""
    if isinstance(reply, PaperList):
        return render_list(reply)
    if isinstance(reply, PaperPost):
        return render_post(reply)
    if isinstance(reply, FileReply):
        return render_notice(Notice(reply.comment, ephemeral=reply.ephemeral))
    if isinstance(reply, ImageReply):
        return render_notice(Notice(reply.summary, ephemeral=reply.ephemeral))
    return render_notice(reply)


def render_list(reply: PaperList) -> SlackMessage:
    blocks: list[Block] = [section(bold(fit(one_line(reply.title), 1000)))]
    # Two blocks a card; keep room for a "not shown" note and the More button.
    room = (MAX_BLOCKS - len(blocks) - 2) // 2
    shown = reply.cards[:room]
    for card in shown:
        blocks.append(section(card_text(card, snippet=True)))
        buttons = card_buttons(card)
        if buttons is not None:
            blocks.append(buttons)
    if len(shown) < len(reply.cards):
        blocks.append(context(f"{len(reply.cards) - len(shown)} more not shown."))
    if reply.more is not None:
        more = actions(button("More", ACTION_MORE, reply.more.encode()))
        blocks.append(more if more is not None else context("Narrow the search to see more."))
    titles = [f"• {fit(one_line(card.paper.title), 200)}" for card in reply.cards[:10]]
    return SlackMessage(fallback("\n".join([fit(one_line(reply.title), 300), *titles])), blocks)


def render_post(reply: PaperPost) -> SlackMessage:
    """One paper as its own message; `detail` adds the whole abstract and the links."""
    card = reply.card
    blocks: list[Block] = [section(card_text(card, snippet=not reply.detail))]
    if reply.detail:
        abstract = card.paper.abstract[: MAX_TEXT * ABSTRACT_SECTIONS + 1]
        blocks += [
            section(piece)
            for piece in chunks(one_line(abstract), MAX_TEXT, max_chunks=ABSTRACT_SECTIONS)
        ]
        blocks.append(context(" · ".join(paper_links(card.paper))))
    buttons = card_buttons(card)
    if buttons is not None:
        blocks.append(buttons)
    return SlackMessage(fallback(fit(one_line(card.paper.title), 300)), blocks)


def render_notice(notice: Notice) -> SlackMessage:
    prefix = ":warning: " if notice.error else ""
    pieces = chunks(lines(notice.text), MAX_TEXT - len(prefix), max_chunks=NOTICE_SECTIONS)
    pieces = pieces or [ELLIPSIS]
    pieces[0] = prefix + pieces[0]
    return SlackMessage(fallback(pieces[0]), [section(piece) for piece in pieces])


def card_text(card: Card, *, snippet: bool) -> str:
    """Title line, facts line, and (when asked) the snippet; at most MAX_TEXT long."""
    paper = card.paper
    title = bold(link(paper.url, paper.title, limit=TITLE_CHARS))
    if card.saved is not None:
        title += "  _unread_" if card.saved.unread else "  _read_"
    if card.saves is not None:
        title += f"  :bookmark: _{saves_label(card.saves)}_"
    parts = [title, facts(paper)]
    if snippet and card.snippet:
        room = MAX_TEXT - sum(slack_len(p) + 1 for p in parts)
        parts.append(snippet_text(card.snippet, room))
    return "\n".join(p for p in parts if p)


def facts(paper: Paper) -> str:
    items = []
    if paper.authors:
        items.append(fit(one_line(short_authors(paper.authors)), AUTHORS_CHARS))
    if paper.date is not None:
        items.append(paper.date.isoformat())
    if paper.upvotes:
        items.append(f"▲ {paper.upvotes}")
    items.append(code(paper.id))
    return " · ".join(items)


def snippet_text(snippet: Snippet, limit: int) -> str:
    """Matched words in bold, all text escaped, at most `limit` long ("…" when cut)."""
    out = ""
    for raw, marked in snippet:
        text = visible_text(raw)
        bolded = marked and bool(text.strip())
        if bolded:
            lead = " " if text[0] == " " else ""
            trail = " " if text[-1] == " " else ""
            piece = lead + bold(escape(text.strip())) + trail
        else:
            piece = escape(text)
        if slack_len(out) + slack_len(piece) <= limit:
            out += piece
            continue
        room = limit - slack_len(out) - len(ELLIPSIS) - (3 if bolded else 0)
        head = escape(escaped_prefix(text.strip() if bolded else text, max(room, 0))).rstrip()
        if head:
            out += lead + bold(head) if bolded else head
        return out.rstrip() + ELLIPSIS
    return out.strip()


def card_buttons(card: Card) -> Block | None:
    paper_id = card.paper.id
    if card.saved is None:
        return actions(
            button("Save", ACTION_SAVE, paper_id, style="primary"),
            button("Similar", ACTION_SIMILAR, paper_id),
        )
    return actions(
        button("Mark read", ACTION_READ, paper_id) if card.saved.unread else None,
        button("Unsave", ACTION_UNSAVE, paper_id),
        button("Similar", ACTION_SIMILAR, paper_id),
    )


def paper_links(paper: Paper) -> list[str]:
    """Links to the paper's pages; stored URLs only when they are plain http(s) ones."""
    pages = (
        (paper.page_url, "Page"),
        (paper.arxiv_url, "arXiv"),
        (paper.hf_url, "Hugging Face"),
        (paper.github_url, "Code"),
        (paper.project_url, "Project page"),
    )
    return [link(url, label) for url, label in pages if safe_url(url) is not None]
