"""Typed reply text in one neutral notation, for assertions on what the core says.

The core never writes a platform's markup; a test of the core reads its text as
`marked` shows it: code spans in backticks, emphasis in underscores, plain as is.
How each front end shows the same spans is tested with its renderer.
"""

from __future__ import annotations

from paperboy.core.rich import Code, Emphasis, Rich


def marked(value: str | Rich) -> str:
    if isinstance(value, str):
        return value
    shown = []
    for span in value.spans:
        if isinstance(span, Code):
            shown.append(f"`{span.text}`")
        elif isinstance(span, Emphasis):
            shown.append(f"_{span.text}_")
        else:
            shown.append(span.text)
    return "".join(shown)
