"""The help as a person reads it on a platform with a command prefix and verbs of its own
(the console's `more`, `quit`): the platform's verbs unprefixed and in their own section,
every other command and example with the prefix, the save emoji named as configured."""

from __future__ import annotations

from paperboy.core.help import HelpEntry, PlatformHelp, help_text, unknown_topic
from paperboy.core.rich import code, text
from tests.marked import marked

CONSOLE = PlatformHelp(
    heading="On the console",
    commands=(
        HelpEntry(
            "more", "more", "the next page of {emoji} papers", "Only after a list.", ("more",)
        ),
        HelpEntry("quit", "quit", text("leave ", code("chat"))),
    ),
    react=text("or ", code("react N"), " here"),
    unreact=text("or ", code("unreact N")),
)


def helped(topic: str = "", *, emoji: str = "🔖") -> str:
    answer = help_text(prefix="/papers ", save_emoji=emoji, topic=topic, platform=CONSOLE)
    assert answer is not None
    return marked(answer)


def test_one_commands_help_has_its_usage_detail_and_examples_with_the_prefix() -> None:
    assert helped("similar") == (
        "`/papers similar <id>`: papers most like that one.\n\nExamples:\n"
        "• `/papers similar 2501.17635`"
    )
    assert helped("search").splitlines()[:2] == [
        "`/papers search <words> [filters]`: find papers by title and abstract.",
        'Filters inside a search: since:7d or since:2025-03-01, until:…, author:"Name",'
        " votes:>=10 (also >, <=, <, =).",
    ]


def test_a_platforms_own_verb_is_helped_without_the_prefix() -> None:
    assert helped(" /MORE ") == (
        "`more`: the next page of 🔖 papers.\nOnly after a list.\n\nExamples:\n• `more`"
    )
    assert helped("quit") == "`quit`: leave `chat`."


def test_the_whole_help_puts_the_platforms_verbs_in_their_own_section() -> None:
    lines = helped(emoji=":star:").splitlines()
    assert lines[0] == "Commands:"
    assert lines[1] == "• `/papers search <words> [filters]`: find papers by title and abstract"
    assert (
        "• `/papers save <id>`: put a paper on your reading list, like a :star: reaction on it"
        in (lines)
    )
    own = lines.index("On the console:")
    assert lines[own - 1 : own + 3] == [
        "",
        "On the console:",
        "• `more`: the next page of :star: papers",
        "• `quit`: leave `chat`",
    ]
    examples = lines.index("Examples:")
    assert lines[examples + 1] == "• `/papers search parameter efficient fine-tuning`"
    assert lines[-1] == (
        "React with :star: (or `react N` here) to any paper I post to save it; remove the"
        " reaction (or `unreact N`) to unsave. `help <command>` says more about one."
    )


def test_without_a_platform_the_help_has_no_section_of_its_own() -> None:
    whole = help_text(save_emoji="🔖")
    assert whole is not None
    lines = marked(whole).splitlines()
    assert lines[1] == "• `search <words> [filters]`: find papers by title and abstract"
    assert lines[-1] == (
        "React with 🔖 to any paper I post to save it; remove the reaction to unsave."
        " `help <command>` says more about one."
    )
    assert help_text(save_emoji="🔖", topic="nonsense") is None


def test_help_for_no_command_suggests_the_closest_one_even_a_platforms() -> None:
    assert marked(unknown_topic("moar", CONSOLE)) == (
        "There is no command `moar`. Did you mean `help more`? `help` lists every command."
    )
    assert marked(unknown_topic("x" * 50)) == (
        f"There is no command `{'x' * 39}…`. `help` lists every command."
    )


def test_long_usages_and_examples_are_shown_whole() -> None:
    """A mention prefix makes the longest example 61 characters; no line of the help is cut."""
    answer = help_text(prefix="@paperboy ", save_emoji="🔖", topic="subscribe")
    assert answer is not None
    lines = marked(answer).splitlines()
    assert lines[0].startswith(
        "`@paperboy subscribe [HH:MM] [timezone] [topics…] [papers:N] [votes:N] [rank:team]"
        " [weekdays]`: "
    )
    assert "• `@paperboy subscribe 08:00 UTC lora papers:3 votes:10 weekdays`" in lines


def test_the_not_for_me_emoji_is_named_as_configured_else_the_thumbs_down() -> None:
    configured = help_text(save_emoji="🔖", mark_emoji="🙈", topic="mark")
    default = help_text(save_emoji="🔖", topic="mark")
    assert configured is not None
    assert default is not None
    assert marked(configured).splitlines()[0] == (
        "`mark <id>`: mark a paper not for you, like a 🙈 reaction on it: foryou leaves it out."
    )
    assert "like a 👎 reaction on it" in marked(default)


def test_the_whole_help_explains_the_search_filters_and_names_an_unnamed_section() -> None:
    unnamed = PlatformHelp(commands=CONSOLE.commands)
    answer = help_text(save_emoji="🔖", platform=unnamed)
    assert answer is not None
    lines = marked(answer).splitlines()
    own = lines.index("Here:")
    assert lines[own + 1] == "• `more`: the next page of 🔖 papers"
    examples = lines.index("Examples:")
    assert lines[examples - 2 : examples] == [
        'Filters inside a search: since:7d or since:2025-03-01, until:…, author:"Name",'
        " votes:>=10 (also >, <=, <, =).",
        "",
    ]


def test_a_topic_is_a_whole_command_name() -> None:
    assert help_text(save_emoji="🔖", topic="xsearch") is None
    assert help_text(save_emoji="🔖", topic="Xsearch") is None
