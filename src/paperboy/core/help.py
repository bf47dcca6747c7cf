"""The help text: the grammar with examples, shared by every adapter.

An adapter with verbs of its own (the console's `react N`, `more`, `quit`) passes
them as a `PlatformHelp`, and says there how a reaction is made on it, so the
help and every "react with 🔖" hint read right on that platform.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from paperboy.core.rich import EMPTY, Plain, Rich, code, join, sentence_start, text

# A usage line is the grammar, never cut.
USAGE_CHARS = 200


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One command: its name, its grammar, what it does ("{emoji}" is the save
    emoji, "{mark}" the not-for-me one), more detail for `help <name>`, and examples
    that work on the sample."""

    name: str
    usage: str
    does: str | Rich
    detail: str | Rich = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlatformHelp:
    """What one adapter adds to the help: its own verbs (`commands`, named in
    `heading`), and how a reaction is added or removed there (`react`, `unreact`,
    e.g. "or `react N` here"; empty where people react with the platform's own UI), and
    whether its replies carry buttons."""

    heading: str = ""
    commands: tuple[HelpEntry, ...] = ()
    react: Rich = EMPTY
    unreact: Rich = EMPTY
    buttons: bool = True  # whether replies carry buttons there (the console's do not)


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
        text(
            code("subscribe top weekly [day] [HH:MM] [timezone]"),
            " posts the past week's list here every week; ",
            code("unsubscribe top"),
            " stops it.",
        ),
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
        "foryou",
        "foryou [days|all]",
        "papers ranked for you by what you saved (default: the last 7 days)",
        text(
            "Learned from your reading list (what you like) and the papers you marked not "
            "for you (a {mark} reaction, the Not for me button or ",
            code("mark <id>"),
            "); papers you saved or marked are left out. With fewer than 3 saves, the papers "
            "most like the ones you saved. ",
            code("foryou all"),
            " ranks every paper I have. ",
            code("foryou weekly [day] [HH:MM] [timezone]"),
            " sends you the week's top 5 by direct message once a week (default Monday 09:00); ",
            code("foryou stop"),
            " stops it.",
        ),
        ("foryou", "foryou 30", "foryou all", "foryou weekly friday 16:00 Europe/Berlin"),
    ),
    HelpEntry(
        "mark",
        "mark <id>",
        "mark a paper not for you, like a {mark} reaction on it: foryou leaves it out",
        examples=("mark 2501.17635",),
    ),
    HelpEntry(
        "unmark", "unmark <id>", "take the mark off a paper", examples=("unmark 2501.17635",)
    ),
    HelpEntry(
        "follow",
        'follow [here] author:"Name" | follow [here] <words>',
        "new papers by an author or about some words, sent to you after each ingest",
        text(
            "One direct message per ingest lists every new paper that matches; a paper is "
            "never sent twice. Names match however they are written (Y. LeCun, Yann Lecún); "
            "words match papers about them, not those that only mention them. With here, "
            "someone who manages this channel has them posted here instead. Up to 20 follows. ",
            code("following"),
            " lists them; ",
            code("unfollow N"),
            " stops one.",
        ),
        (
            'follow author:"Yann LeCun"',
            "follow graph neural networks",
            "follow here retrieval augmented generation",
        ),
    ),
    HelpEntry("following", "following", "your follows, numbered", "", ("following",)),
    HelpEntry(
        "unfollow",
        "unfollow <N>",
        "stop a follow (N as following numbers it)",
        "",
        ("unfollow 1",),
    ),
    HelpEntry(
        "forget",
        "forget me",
        "delete everything I keep about you in this workspace (I ask first)",
        text(
            "Your reading list, your not-for-me marks, your follows and what they sent you, "
            "your weekly foryou message and what it sent; a channel digest you set up keeps "
            "running without your id. The answer, only for you, says what would go and how "
            "to confirm: the Forget me button under it on Slack and Discord, or ",
            code("forget me confirm"),
            ". Nothing is deleted before that, and only you can confirm. Another "
            "workspace keeps what it has.",
        ),
        ("forget me", "forget me confirm"),
    ),
    HelpEntry(
        "subscribe",
        "subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [rank:team] [weekdays]",
        "a daily digest of trending papers in this channel",
        text(
            "HH:MM (24-hour) and an IANA timezone say when; topics keep only papers about those "
            "words; papers:N posts up to N (1 to 10); votes:N only papers with at least N "
            "upvotes; rank:team puts first the papers like those people here saved from my "
            "posts (by upvotes until they saved 3; rank:votes, by upvotes, is the default); "
            "weekdays skips Saturday and Sunday. ",
            code("subscribe"),
            " again changes it.",
        ),
        (
            "subscribe",
            "subscribe 09:30 Europe/Berlin retrieval agents",
            "subscribe 08:00 UTC lora papers:3 votes:10 weekdays",
            "subscribe 09:00 UTC rank:team",
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


def reaction_hint(save_emoji: str, platform: PlatformHelp) -> Rich:
    """ "react with 🔖", or on the console "react with 🔖 (or `react N` here)"."""
    own = text(" (", platform.react, ")") if platform.react else text()
    return text(f"react with {save_emoji}", own)


def help_text(
    *,
    prefix: str = "",
    save_emoji: str,
    mark_emoji: str = "👎",
    topic: str = "",
    platform: PlatformHelp | None = None,
) -> Rich | None:
    """The whole grammar, or one command's help when `topic` names one; None when
    `topic` names no command.

    `prefix` is how the platform invokes commands (e.g. "/papers ")."""
    platform = platform or PlatformHelp()
    react = reaction_hint(save_emoji, platform)

    def fill(value: str | Rich) -> Rich:
        """`value` with "{emoji}" and "{mark}" spelled as configured, in every span."""
        spans = value.spans if isinstance(value, Rich) else (Plain(value),)
        return Rich(
            tuple(
                replace(span, text=span.text.format(emoji=save_emoji, mark=mark_emoji))
                for span in spans
            )
        )

    def line(entry: HelpEntry, *, own: bool = False) -> Rich:
        usage = entry.usage if own else prefix + entry.usage
        return text(code(usage, USAGE_CHARS), ": ", fill(entry.does))

    def example(typed: str) -> Rich:
        return text("• ", code(typed, USAGE_CHARS))

    if topic:
        topic = topic.strip().lstrip("/").lower()
        own = {entry.name: entry for entry in platform.commands}
        entry = own.get(topic) or next((e for e in _COMMANDS if e.name == topic), None)
        if entry is None:
            return None
        lines = [text(line(entry, own=topic in own), ".")]
        if entry.detail:
            lines.append(fill(entry.detail))
        if entry.examples:
            lines += [text(), text("Examples:")]
            lines += [example(f"{'' if topic in own else prefix}{e}") for e in entry.examples]
        return join("\n", lines)

    lines = [text("Commands:"), *(text("• ", line(entry)) for entry in _COMMANDS)]
    if platform.commands:
        lines += [text(), text(f"{platform.heading or 'Here'}:")]
        lines += [text("• ", line(entry, own=True)) for entry in platform.commands]
    lines += [text(), text(_COMMANDS[0].detail), text(), text("Examples:")]
    lines += [example(f"{prefix}{typed}") for typed in _EXAMPLES]
    unreact = text(" (", platform.unreact, ")") if platform.unreact else text()
    lines += [
        text(),
        text(
            sentence_start(react),
            " to any paper I post to save it; remove the reaction",
            unreact,
            " to unsave. ",
            code("help <command>"),
            " says more about one.",
        ),
    ]
    return join("\n", lines)


def unknown_topic(topic: str, platform: PlatformHelp | None = None) -> Rich:
    """The answer to `help <something that is not a command>`."""
    names = [e.name for e in _COMMANDS] + [e.name for e in (platform or PlatformHelp()).commands]
    close = difflib.get_close_matches(topic.lower(), names, n=1)
    hint = text(" Did you mean ", code(f"help {close[0]}"), "?") if close else text()
    return text(
        "There is no command ",
        code(topic, 40),
        ".",
        hint,
        " ",
        code("help"),
        " lists every command.",
    )
