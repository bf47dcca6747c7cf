"""The Block Kit limits Slack enforces on messages, reported the way Slack reports them.

Slack refuses a whole message with `invalid_blocks` when any block breaks a limit and
lists the reasons with a JSON pointer, e.g.
`must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_BLOCKS = 50
MAX_BLOCK_ID = 255
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_URL = 3000
MAX_ALT_TEXT = 2000
MAX_MESSAGE_TEXT = 40000

_TEXT_TYPES = {"plain_text", "mrkdwn"}
_UNCHECKED_BLOCKS = {"divider", "rich_text", "markdown", "file", "video", "input"}


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, pointer: str, reason: str) -> None:
        self.errors.append(f"{reason} [json-pointer:{pointer}]")

    def length(self, pointer: str, value: object, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(pointer, f"must be less than {limit + 1} characters")

    def text(self, pointer: str, obj: object, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail(pointer, "must provide an object")
            return
        allowed = {"plain_text"} if plain_only else _TEXT_TYPES
        if obj.get("type") not in allowed:
            self.fail(f"{pointer}/type", f"must be one of {sorted(allowed)}")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.fail(f"{pointer}/text", "must be more than 0 characters")
        self.length(f"{pointer}/text", value, limit)

    def element(self, pointer: str, element: object) -> None:
        if not isinstance(element, dict):
            self.fail(pointer, "must provide an object")
            return
        self.length(f"{pointer}/action_id", element.get("action_id"), MAX_ACTION_ID)
        if element.get("type") == "button":
            self.text(f"{pointer}/text", element.get("text"), MAX_BUTTON_TEXT, plain_only=True)
            self.length(f"{pointer}/value", element.get("value"), MAX_BUTTON_VALUE)
            self.length(f"{pointer}/url", element.get("url"), MAX_URL)
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(f"{pointer}/style", "must be one of [primary, danger]")
        elif element.get("type") == "image":
            self.image(pointer, element)

    def image(self, pointer: str, image: dict[str, Any]) -> None:
        self.length(f"{pointer}/image_url", image.get("image_url"), MAX_URL)
        self.length(f"{pointer}/alt_text", image.get("alt_text"), MAX_ALT_TEXT)

    def block(self, pointer: str, block: object) -> None:
        if not isinstance(block, dict):
            self.fail(pointer, "must provide an object")
            return
        kind = block.get("type")
        if kind == "section":
            self.section(pointer, block)
        elif kind == "header":
            self.text(f"{pointer}/text", block.get("text"), MAX_HEADER_TEXT, plain_only=True)
        elif kind == "context":
            self.elements(pointer, block, MAX_CONTEXT_ELEMENTS, self.context_element)
        elif kind == "actions":
            self.elements(pointer, block, MAX_ACTIONS_ELEMENTS, self.element)
            self.unique_action_ids(pointer, block)
        elif kind == "image":
            self.image(pointer, block)
        elif kind not in _UNCHECKED_BLOCKS:
            self.fail(f"{pointer}/type", f"unsupported type: {kind!r}")

    def section(self, pointer: str, block: dict[str, Any]) -> None:
        fields = block.get("fields")
        if "text" not in block and not fields:
            self.fail(pointer, "must provide either text or fields")
        if "text" in block:
            self.text(f"{pointer}/text", block["text"], MAX_SECTION_TEXT)
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
                self.fail(f"{pointer}/fields", f"no more than {MAX_SECTION_FIELDS} items allowed")
            else:
                for i, item in enumerate(fields):
                    self.text(f"{pointer}/fields/{i}", item, MAX_FIELD_TEXT)
        if "accessory" in block:
            self.element(f"{pointer}/accessory", block["accessory"])

    def context_element(self, pointer: str, element: object) -> None:
        if isinstance(element, dict) and element.get("type") == "image":
            self.image(pointer, element)
        else:
            self.text(pointer, element, MAX_SECTION_TEXT)

    def elements(self, pointer: str, block: dict[str, Any], limit: int,
                 check: Callable[[str, object], None]) -> None:
        items = block.get("elements")
        if not isinstance(items, list) or not items:
            self.fail(f"{pointer}/elements", "must provide at least 1 item")
        elif len(items) > limit:
            self.fail(f"{pointer}/elements", f"no more than {limit} items allowed")
        else:
            for i, item in enumerate(items):
                check(f"{pointer}/elements/{i}", item)

    def unique_action_ids(self, pointer: str, block: dict[str, Any]) -> None:
        seen: set[str] = set()
        for i, item in enumerate(block.get("elements") or []):
            action_id = item.get("action_id") if isinstance(item, dict) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    self.fail(f"{pointer}/elements/{i}/action_id", "duplicate action_id")
                seen.add(action_id)


def block_kit_errors(blocks: object) -> list[str]:
    """Every limit `blocks` breaks, as Slack words it; empty when Slack would accept them."""
    checker = _Checker()
    if not isinstance(blocks, list):
        checker.fail("/blocks", "must provide an array")
        return checker.errors
    if len(blocks) > MAX_BLOCKS:
        checker.fail("/blocks", f"no more than {MAX_BLOCKS} items allowed")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        checker.block(f"/blocks/{i}", block)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            checker.length(f"/blocks/{i}/block_id", block_id, MAX_BLOCK_ID)
            if block_id in block_ids:
                checker.fail(f"/blocks/{i}/block_id", "duplicate block_id")
            block_ids.add(block_id)
    return checker.errors


def parse_blocks(raw: object) -> list[Any] | None:
    """Blocks as a list whether they came as JSON (a list) or form-encoded (a JSON string)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, list) else None


def message_refusal(body: dict[str, Any]) -> dict[str, Any] | None:
    """Slack's error answer for a message body (text/blocks) it would refuse, else None."""
    raw_blocks = body.get("blocks")
    blocks = parse_blocks(raw_blocks)
    if raw_blocks not in (None, "") and blocks is None:
        return {"ok": False, "error": "invalid_blocks_format"}
    text = body.get("text")
    if not text and not blocks and not body.get("attachments"):
        return {"ok": False, "error": "no_text"}
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        return {"ok": False, "error": "msg_too_long"}
    if blocks is not None:
        errors = block_kit_errors(blocks)
        if errors:
            return {"ok": False, "error": "invalid_blocks", "errors": errors,
                    "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}}
    return None
