"""The help text: the grammar with examples, shared by every adapter.

An adapter with verbs of its own (the console's `react N`, `more`, `quit`) passes
them as a `PlatformHelp`, and says there how a reaction is made on it, so the
help and every "react with 🔖" hint read right on that platform.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from paperboy.core.text import inline_code


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One command: its name, its grammar, what it does ("{emoji}" is the save
    emoji), more detail for `help <name>`, and examples that work on the sample."""

    name: str
    usage: str
    does: str
    detail: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlatformHelp:
    """What one adapter adds to the help: its own verbs (`commands`, named in
    `heading`), and how a reaction is added or removed there (`react`, `unreact`,
    e.g. "or `react N` here"; empty where people react with the platform's own UI)."""

    heading: str = ""
    commands: tuple[HelpEntry, ...] = ()
    react: str = ""
    unreact: str = ""


_COMMANDS: tuple[HelpEntry, ...] = (
    HelpEntry(
        "search",
        "search <words> [filters]",
        "find papers by title and abstract",
        "Filters inside a search: since:7d or since:2025-03-01, until:…, "
        'author:"Name", votes:>=10 (also >, <=, <, =).',
        (
            "search parameter efficient fine-tuning",
            'search in-context learning author:"Linyi Yang"',
            "search lora since:2025-01-01",
        ),
    ),
    HelpEntry("similar", "similar <id>", "papers most like that one", "", ("similar 2501.17635",)),
    HelpEntry(
        "show",
        "show <id>",
        "one paper with its whole abstract, posted here",
        examples=("show 2501.17635",),
    ),
    HelpEntry(
        "trending",
        "trending [days]",
        "most-upvoted papers of the last days (default 1)",
        "Papers featured on the Hugging Face Daily Papers page in the last 1 to 365 days; "
        "when none are that recent, those of the latest featured day.",
        ("trending", "trending 7"),
    ),
    HelpEntry(
        "trend",
        "trend <topic>[, <topic>, <topic>] [weeks]",
        "a chart of papers per week on up to 3 topics, with their upvotes",
        "Over the last 26 weeks (up to 156), by the day a paper was featured on Daily "
        "Papers, else published; a paper counts for a topic when a search for it finds it.",
        ("trend diffusion, agents, reasoning 156", "trend fine-tuning 52"),
    ),
    HelpEntry(
        "top",
        "top [days]",
        "the papers people here saved most from my posts (default 7 days)",
        "`subscribe top weekly [day] [HH:MM] [timezone]` posts the past week's list here "
        "every week; `unsubscribe top` stops it.",
        ("top", "top 30"),
    ),
    HelpEntry(
        "add",
        "add <arXiv id or link>",
        "fetch a paper from arXiv and keep it",
        "",
        ("add 2106.09685", "add https://arxiv.org/abs/2106.09685"),
    ),
    HelpEntry(
        "save",
        "save <id>",
        "put a paper on your reading list, like a {emoji} reaction on it",
        "",
        ("save 2501.17635",),
    ),
    HelpEntry("saved", "saved", "your reading list, newest first, unread marked", "", ("saved",)),
    HelpEntry(
        "unsave", "unsave <id>", "take a paper off your reading list", "", ("unsave 2501.17635",)
    ),
    HelpEntry("read", "read <id>", "mark a saved paper as read", "", ("read 2501.17635",)),
    HelpEntry("export", "export", "your reading list as a BibTeX file", "", ("export",)),
    HelpEntry(
        "subscribe",
        "subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [weekdays]",
        "a daily digest of trending papers in this channel",
        "HH:MM (24-hour) and an IANA timezone say when; topics keep only papers about those "
        "words; papers:N posts up to N (1 to 10); votes:N only papers with at least N "
        "upvotes; weekdays skips Saturday and Sunday. `subscribe` again changes it.",
        (
            "subscribe",
            "subscribe 09:30 Europe/Berlin retrieval agents",
            "subscribe 08:00 UTC lora papers:3 votes:10 weekdays",
        ),
    ),
    HelpEntry(
        "unsubscribe",
        "unsubscribe [top]",
        "stop this channel's daily digest (or, with top, its weekly list)",
        examples=("unsubscribe", "unsubscribe top"),
    ),
    HelpEntry("digest", "digest", "post a digest here now (a preview)", "", ("digest",)),
    HelpEntry("help", "help [command]", "this text", "", ("help", "help subscribe")),
)

_EXAMPLES = (
    "search parameter efficient fine-tuning",
    'search in-context learning author:"Linyi Yang"',
    "similar 2501.17635",
    "trending 7",
    "trend diffusion, agents, reasoning 52",
    "add https://arxiv.org/abs/2106.09685",
    "subscribe 09:30 Europe/Berlin retrieval agents",
)


def reaction_hint(save_emoji: str, platform: PlatformHelp) -> str:
    """ "react with 🔖", or on the console "react with 🔖 (or `react N` here)"."""
    return f"react with {save_emoji}" + (f" ({platform.react})" if platform.react else "")


def help_text(
    *,
    prefix: str = "",
    save_emoji: str = "🔖",
    topic: str = "",
    platform: PlatformHelp | None = None,
) -> str | None:
    """The whole grammar, or one command's help when `topic` names one; None when
    `topic` names no command.

    `prefix` is how the platform invokes commands (e.g. "/papers ")."""
    platform = platform or PlatformHelp()
    react = reaction_hint(save_emoji, platform)

    def line(entry: HelpEntry, *, own: bool = False) -> str:
        usage = entry.usage if own else prefix + entry.usage
        return f"`{usage}`: {entry.does.format(emoji=save_emoji)}"

    if topic:
        topic = topic.strip().lstrip("/").lower()
        own = {entry.name: entry for entry in platform.commands}
        entry = own.get(topic) or next((e for e in _COMMANDS if e.name == topic), None)
        if entry is None:
            return None
        lines = [line(entry, own=topic in own) + "."]
        if entry.detail:
            lines.append(entry.detail)
        if entry.examples:
            lines += ["", "Examples:"]
            lines += [f"• `{'' if topic in own else prefix}{e}`" for e in entry.examples]
        return "\n".join(lines)

    lines = ["Commands:", *(f"• {line(entry)}" for entry in _COMMANDS)]
    if platform.commands:
        lines += ["", f"{platform.heading or 'Here'}:"]
        lines += [f"• {line(entry, own=True)}" for entry in platform.commands]
    lines += ["", _COMMANDS[0].detail, "", "Examples:"]
    lines += [f"• `{prefix}{example}`" for example in _EXAMPLES]
    unreact = f" ({platform.unreact})" if platform.unreact else ""
    lines += [
        "",
        f"{react[0].upper()}{react[1:]} to any paper I post to save it; "
        f"remove the reaction{unreact} to unsave. `help <command>` says more about one.",
    ]
    return "\n".join(lines)


def unknown_topic(topic: str, platform: PlatformHelp | None = None) -> str:
    """The answer to `help <something that is not a command>`."""
    names = [e.name for e in _COMMANDS] + [e.name for e in (platform or PlatformHelp()).commands]
    close = difflib.get_close_matches(topic.lower(), names, n=1)
    hint = f" Did you mean `help {close[0]}`?" if close else ""
    return f"There is no command {inline_code(topic, 40)}.{hint} `help` lists every command."
