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
from paperboy.adapters.slack.escape import (
    ELLIPSIS,
    bold,
    chunks,
    escape,
    escaped_prefix,
    fit,
    italic,
    link,
    one_line,
    rich,
    rich_chunks,
    safe_url,
    slack_len,
)
from paperboy.core.replies import (
    Card,
    CardAction,
    Confirm,
    FileReply,
    ImageReply,
    Notice,
    PaperList,
    PaperPost,
    Question,
    Reply,
)
from paperboy.core.text import visible_text
from paperboy.search import Snippet

ACTION_SAVE = "paperboy_save"
ACTION_SIMILAR = "paperboy_similar"
ACTION_MORE = "paperboy_more"
ACTION_READ = "paperboy_read"
ACTION_UNSAVE = "paperboy_unsave"
ACTION_MARK = "paperboy_mark"
ACTION_FORGET_ME = "paperboy_forget_me"  # value: the user id the question was asked for
ACTION_PREFIX = "paperboy_"

TITLE_CHARS = 500
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
    if isinstance(reply, Question):
        return render_question(reply)
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
    titles = [f"• {fit(card.title, 200)}" for card in reply.cards[:10]]
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
        blocks.append(context(" · ".join(paper_links(card))))
    buttons = card_buttons(card)
    if buttons is not None:
        blocks.append(buttons)
    return SlackMessage(fallback(fit(card.title, 300)), blocks)


def render_notice(notice: Notice) -> SlackMessage:
    prefix = ":warning: " if notice.error else ""
    pieces = rich_chunks(notice.text, MAX_TEXT - len(prefix), max_chunks=NOTICE_SECTIONS)
    pieces = pieces or [ELLIPSIS]
    pieces[0] = prefix + pieces[0]
    return SlackMessage(fallback(pieces[0]), [section(piece) for piece in pieces])


_CONFIRM_IDS = {Confirm.FORGET_ME: ACTION_FORGET_ME}


def render_question(question: Question) -> SlackMessage:
    """The question's text with its one button, in the danger style (it deletes)."""
    notice = render_notice(Notice(question.text, ephemeral=question.ephemeral))
    confirm = button(
        question.confirm.label,
        _CONFIRM_IDS[question.confirm],
        question.asked_for,
        style="danger",
    )
    buttons = actions(confirm)
    blocks = notice.blocks[: MAX_BLOCKS - 1] + ([buttons] if buttons is not None else [])
    return SlackMessage(notice.text, blocks)


def card_text(card: Card, *, snippet: bool) -> str:
    """Title line, facts line, and (when asked) the snippet; at most MAX_TEXT long."""
    title = bold(link(card.url, card.title, limit=TITLE_CHARS))
    if card.status is not None:
        title += "  " + italic(card.status)
    parts = [title, rich(card.facts)]
    if snippet and card.snippet:
        room = MAX_TEXT - sum(slack_len(p) + 1 for p in parts)
        parts.append(snippet_text(card.snippet, room))
    return "\n".join(p for p in parts if p)


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


_ACTION_IDS = {
    CardAction.SAVE: ACTION_SAVE,
    CardAction.READ: ACTION_READ,
    CardAction.UNSAVE: ACTION_UNSAVE,
    CardAction.SIMILAR: ACTION_SIMILAR,
    CardAction.MARK: ACTION_MARK,
}


def card_buttons(card: Card) -> Block | None:
    """The card's actions as buttons, Save in the primary style."""
    return actions(
        *(
            button(
                action.label,
                _ACTION_IDS[action],
                card.paper.id,
                style="primary" if action is CardAction.SAVE else None,
            )
            for action in card.actions
        )
    )


def paper_links(card: Card) -> list[str]:
    """Links to the paper's pages; stored URLs only when they are plain http(s) ones."""
    return [link(page.url, page.label) for page in card.links if safe_url(page.url) is not None]
