"""Discord's request limits, checked like the real API so adapter tests catch limit bugs.

Each check returns ``Problem``s; the simulator answers 400 ``{"code": 50035, "message":
"Invalid Form Body", "errors": {...}}`` (the nested error shape discord.py flattens into
``HTTPException.text``) and records every problem as a violation.
Limits from the Discord developer documentation (messages, embeds, components,
application commands, autocomplete).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

JsonDict = dict[str, Any]

COMPONENTS_V2 = 1 << 15
LINK_BUTTON = 5
SELECT_TYPES = {3, 5, 6, 7, 8}
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


@dataclass(frozen=True)
class Problem:
    path: tuple[str, ...]
    code: str
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _length(value: Any, path: tuple[str, ...], limit: int, *, minimum: int = 0) -> list[Problem]:
    if value is None:
        return [Problem(path, "BASE_TYPE_REQUIRED", "This field is required")] if minimum else []
    size = len(str(value))
    if size > limit:
        return [Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")]
    if size < minimum:
        return [Problem(path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length.")]
    return []


def _url(value: Any, path: tuple[str, ...], *, attachments_ok: bool = False) -> list[Problem]:
    if value is None:
        return []
    schemes = (
        ("http://", "https://", "attachment://") if attachments_ok else ("http://", "https://")
    )
    if str(value).startswith(schemes):
        return []
    return [Problem(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")]


def embed_problems(embeds: list[JsonDict]) -> list[Problem]:
    """Per-embed limits, at most 10 embeds, and 6000 characters over all embeds together."""
    problems: list[Problem] = []
    if len(embeds) > 10:
        problems.append(
            Problem(("embeds",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        )
    total = 0
    for index, embed in enumerate(embeds):
        at = ("embeds", str(index))
        problems += _length(embed.get("title"), (*at, "title"), 256)
        problems += _length(embed.get("description"), (*at, "description"), 4096)
        problems += _url(embed.get("url"), (*at, "url"))
        fields = list(embed.get("fields") or [])
        if len(fields) > 25:
            problems.append(
                Problem((*at, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
            )
        for f_index, item in enumerate(fields):
            problems += _length(
                item.get("name"), (*at, "fields", str(f_index), "name"), 256, minimum=1
            )
            problems += _length(
                item.get("value"), (*at, "fields", str(f_index), "value"), 1024, minimum=1
            )
            total += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        problems += _length(footer.get("text"), (*at, "footer", "text"), 2048)
        problems += _length(author.get("name"), (*at, "author", "name"), 256)
        problems += _url(author.get("url"), (*at, "author", "url"))
        for media in ("thumbnail", "image"):
            problems += _url(
                (embed.get(media) or {}).get("url"), (*at, media, "url"), attachments_ok=True
            )
        for part in (
            embed.get("title"),
            embed.get("description"),
            footer.get("text"),
            author.get("name"),
        ):
            total += len(str(part or ""))
    if total > 6000:
        problems.append(
            Problem(
                ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
        )
    return problems


def _walk(
    components: list[JsonDict], at: tuple[str, ...]
) -> Iterator[tuple[JsonDict, tuple[str, ...]]]:
    for index, component in enumerate(components):
        path = (*at, str(index))
        yield component, path
        yield from _walk(list(component.get("components") or []), (*path, "components"))
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"], (*path, "accessory")


def component_problems(components: list[JsonDict], *, flags: int = 0) -> list[Problem]:
    """Rows (5 a message, 5 buttons or one select a row), button and select fields, unique ids."""
    problems: list[Problem] = []
    if not flags & COMPONENTS_V2:
        if len(components) > 5:
            problems.append(
                Problem(("components",), "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
            )
        for index, row in enumerate(components):
            path: tuple[str, ...] = ("components", str(index))
            children = list(row.get("components") or [])
            if row.get("type") != 1:
                problems.append(
                    Problem(
                        (*path, "type"),
                        "UNION_TYPE_CHOICES",
                        "Top-level components must be action rows.",
                    )
                )
            elif len(children) > 5 or not children:
                problems.append(
                    Problem(
                        (*path, "components"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 5 in length.",
                    )
                )
            elif any(c.get("type") in SELECT_TYPES for c in children) and len(children) > 1:
                problems.append(
                    Problem(
                        (*path, "components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "A select menu must be alone in its row.",
                    )
                )
    seen: set[str] = set()
    for component, path in _walk(components, ("components",)):
        kind = component.get("type")
        custom_id = component.get("custom_id")
        if custom_id is not None:
            problems += _length(custom_id, (*path, "custom_id"), 100, minimum=1)
            if custom_id in seen:
                problems.append(
                    Problem(
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen.add(str(custom_id))
        if kind == 2:
            problems += _length(component.get("label"), (*path, "label"), 80)
            if "style" not in component:
                problems.append(
                    Problem((*path, "style"), "BASE_TYPE_REQUIRED", "This field is required")
                )
            if component.get("style") == LINK_BUTTON:
                problems += _url(component.get("url"), (*path, "url"))
                if component.get("url") is None or custom_id is not None:
                    problems.append(
                        Problem(
                            path,
                            "BUTTON_COMPONENT_INVALID",
                            "A link button needs a url and no custom_id.",
                        )
                    )
            elif component.get("style") != 6 and custom_id is None:
                problems.append(
                    Problem((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
                )
            if not component.get("label") and not component.get("emoji"):
                problems.append(
                    Problem(path, "BUTTON_COMPONENT_INVALID", "A button needs a label or an emoji.")
                )
        if kind in SELECT_TYPES:
            problems += _length(component.get("placeholder"), (*path, "placeholder"), 150)
            options = list(component.get("options") or [])
            if len(options) > 25:
                problems.append(
                    Problem(
                        (*path, "options"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                    )
                )
            for o_index, option in enumerate(options):
                for key in ("label", "value", "description"):
                    problems += _length(option.get(key), (*path, "options", str(o_index), key), 100)
    return problems


def message_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Every limit a message create/edit body breaks (content, embeds, components)."""
    problems = _length(body.get("content"), ("content",), 2000)
    problems += embed_problems(list(body.get("embeds") or []))
    problems += component_problems(
        list(body.get("components") or []), flags=int(body.get("flags") or 0)
    )
    return problems


def autocomplete_problems(body: Mapping[str, Any]) -> list[Problem]:
    """At most 25 choices, names 1-100 characters, string values up to 100."""
    choices = list(body.get("choices") or [])
    problems: list[Problem] = []
    if len(choices) > 25:
        problems.append(
            Problem(("choices",), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        )
    for index, choice in enumerate(choices):
        problems += _length(choice.get("name"), ("choices", str(index), "name"), 100, minimum=1)
        if isinstance(choice.get("value"), str):
            problems += _length(choice["value"], ("choices", str(index), "value"), 100)
    return problems


def _name(value: Any, path: tuple[str, ...]) -> list[Problem]:
    text = str(value or "")
    if COMMAND_NAME.match(text) and text == text.lower():
        return []
    return [Problem(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {text!r}")]


def _option_problems(
    options: list[JsonDict], at: tuple[str, ...], parent_type: int
) -> list[Problem]:
    problems: list[Problem] = []
    if len(options) > 25:
        problems.append(Problem(at, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."))
    names = [str(option.get("name")) for option in options]
    if len(set(names)) != len(names):
        problems.append(
            Problem(
                at, "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", "Option names must be unique"
            )
        )
    seen_optional = False
    for index, option in enumerate(options):
        path = (*at, str(index))
        kind = int(option.get("type") or 0)
        problems += _name(option.get("name"), (*path, "name"))
        problems += _length(option.get("description"), (*path, "description"), 100, minimum=1)
        if (
            (kind == 2 and parent_type != 0)
            or (kind == 1 and parent_type == 1)
            or (parent_type == 2 and kind != 1)
        ):
            problems.append(
                Problem(
                    (*path, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Only group > subcommand > options nesting is allowed.",
                )
            )
        if kind in (1, 2):
            problems += _option_problems(
                list(option.get("options") or []), (*path, "options"), kind
            )
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    Problem(
                        path,
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
        choices = list(option.get("choices") or [])
        if len(choices) > 25:
            problems.append(
                Problem(
                    (*path, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            )
        for c_index, choice in enumerate(choices):
            problems += _length(
                choice.get("name"), (*path, "choices", str(c_index), "name"), 100, minimum=1
            )
    return problems


def command_problems(commands: list[JsonDict]) -> list[Problem]:
    """Names (1-32, lowercase), descriptions (1-100), options (25, nesting, order), 100 commands."""
    problems: list[Problem] = []
    if len(commands) > 100:
        problems.append(Problem((), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."))
    keys = [(command.get("name"), command.get("type", 1)) for command in commands]
    if len(set(keys)) != len(keys):
        problems.append(
            Problem(
                (),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        )
    for index, command in enumerate(commands):
        if int(command.get("type", 1)) != 1:
            continue
        problems += _name(command.get("name"), (str(index), "name"))
        problems += _length(command.get("description"), (str(index), "description"), 100, minimum=1)
        problems += _option_problems(list(command.get("options") or []), (str(index), "options"), 0)
    return problems


def errors_body(problems: list[Problem]) -> JsonDict:
    """The 400 body Discord sends, with problems nested under their field paths."""
    errors: JsonDict = {}
    for problem in problems:
        node = errors
        for part in problem.path:
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
