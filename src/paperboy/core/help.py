"""The help text: the grammar with examples, shared by every adapter."""

from __future__ import annotations

_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("search", "search <words> [filters]", "find papers by title and abstract"),
    ("similar", "similar <id>", "papers most like that one"),
    ("show", "show <id>", "one paper with its whole abstract, posted here"),
    ("trending", "trending [days]", "most-upvoted papers of the last days (default 1)"),
    ("add", "add <arXiv id or link>", "fetch a paper from arXiv and keep it"),
    ("save", "save <id>", "put a paper on your reading list (or react with {emoji})"),
    ("saved", "saved", "your reading list, newest first, unread marked"),
    ("unsave", "unsave <id>", "take a paper off your reading list"),
    ("read", "read <id>", "mark a saved paper as read"),
    ("export", "export", "your reading list as a BibTeX file"),
    (
        "subscribe",
        "subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [weekdays]",
        "a daily digest of trending papers in this channel",
    ),
    ("unsubscribe", "unsubscribe", "stop this channel's daily digest"),
    ("digest", "digest", "post a digest here now (a preview)"),
    ("help", "help [command]", "this text"),
)

_EXAMPLES = (
    "search parameter efficient fine-tuning",
    'search diffusion since:7d author:"Linyi Yang" votes:>=10',
    "similar 2106.09685",
    "trending 7",
    "add https://arxiv.org/abs/2106.09685",
    "subscribe 09:30 Europe/Berlin retrieval agents",
)

_FILTERS = (
    "Filters inside a search: since:7d or since:2025-03-01, until:…, "
    'author:"Name", votes:>=10 (also >, <=, <, =).'
)


def help_text(*, prefix: str = "", save_emoji: str = "🔖", topic: str = "") -> str:
    """The whole grammar, or one command's line when `topic` names one.

    `prefix` is how the platform invokes commands (e.g. "/papers ")."""
    for name, usage, does in _COMMANDS:
        if topic == name:
            line = f"`{prefix}{usage}`: {does.format(emoji=save_emoji)}."
            return line + (" " + _FILTERS if name == "search" else "")
    lines = ["Commands:"]
    lines += [
        f"• `{prefix}{usage}`: {does.format(emoji=save_emoji)}" for _, usage, does in _COMMANDS
    ]
    lines += ["", _FILTERS, "", "Examples:"]
    lines += [f"• `{prefix}{example}`" for example in _EXAMPLES]
    lines += ["", f"React with {save_emoji} to any paper I post to save it; remove it to unsave."]
    return "\n".join(lines)
