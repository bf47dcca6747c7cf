"""Drawing charts as PNG bytes: platform-neutral rendering, no I/O, no global state.

Each chart is its own `matplotlib.figure.Figure` drawn by the Agg canvas, never
through pyplot (whose global figure registry is not safe across threads), so
charts can be drawn in worker threads while the event loop goes on. matplotlib is
imported on first use: it costs a few hundred milliseconds that commands which
never draw should not pay at start-up.

Made to be read at chat thumbnail size and in dark mode: a light background of its
own (never transparent), large type, thick lines, and colours from the Okabe–Ito
palette, which stay apart for colour-blind readers and contrast with the background.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe–Ito blue, vermillion, bluish green: 4.5:1 or more against the background.
COLOURS = ("#0072B2", "#D55E00", "#007A5A")
BACKGROUND = "#FFFFFF"
INK = "#1A1A1A"
GRID = "#D0D0D0"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 5.0, 150  # 1200 x 750 pixels
LABEL_CHARS = 40
NOTE_CHARS = 34
NOT_DRAWABLE = "\u25a1"  # □, what matplotlib itself draws for a character its font lacks


@dataclass(frozen=True, slots=True)
class Series:
    """One topic's line: a value per week, and the note for its best week."""

    label: str
    papers: Sequence[int]
    upvotes: Sequence[int]
    peak: int | None = None  # index of the week to annotate
    note: str = ""  # a short title for that week's top paper


def trend_figure(weeks: Sequence[date], series: Sequence[Series], *, title: str) -> Figure:
    """Papers per week (top panel, one line per series, a legend) and their summed
    upvotes (bottom panel), sharing the weeks; each series' peak week annotated."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, facecolor=BACKGROUND)
    # Fixed margins: a layout engine would measure every label again at each draw,
    # half as much work again as the drawing (bench/trend.py), for a chart whose
    # parts always have the same size.
    figure.subplots_adjust(left=0.11, right=0.975, top=0.84, bottom=0.11, hspace=0.12)
    papers_axes, votes_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2)}
    )
    figure.suptitle(_fit(title, 70), y=0.975, color=INK, fontsize=15, fontweight="bold")
    # Dots on every week only while they stay apart.
    marker = "o" if len(weeks) <= 60 else None
    for n, one in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        papers_axes.plot(
            weeks,
            one.papers,
            color=colour,
            linewidth=2.8,
            marker=marker,
            markersize=4,
            label=_fit(one.label, LABEL_CHARS),
        )
        # A leading underscore keeps the upvote line out of the legend: one entry a topic.
        votes_axes.plot(weeks, one.upvotes, color=colour, linewidth=2.2, label=f"_{one.label}")
        if one.peak is not None and one.note:
            across = one.peak / max(1, len(weeks) - 1)
            _annotate(
                papers_axes, weeks[one.peak], one.papers[one.peak], one.note, colour, n, across
            )
    most_papers = max((max(one.papers, default=0) for one in series), default=0)
    most_votes = max((max(one.upvotes, default=0) for one in series), default=0)
    for axes, name, most, room in (
        (papers_axes, "papers / week", most_papers, 1.5),  # room above for the notes
        (votes_axes, "upvotes / week", most_votes, 1.1),
    ):
        _style(axes, name)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        axes.set_ylim(0, max(1, most) * room)
    # Both are untyped in matplotlib's stubs.
    locator = AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    votes_axes.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    votes_axes.xaxis.set_major_formatter(formatter)
    # Above the panel, in one row: never over a line or a note.
    legend = papers_axes.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncol=max(1, len(series)),
        fontsize=12,
        frameon=False,
        borderaxespad=0,
        handlelength=1.5,
    )
    for text in legend.get_texts():
        text.set_color(INK)
    return figure


def png_bytes(figure: Figure) -> bytes:
    """The figure as a PNG, drawn by the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()


def _style(axes: Axes, name: str) -> None:
    axes.set_facecolor(BACKGROUND)
    axes.set_ylabel(name, color=INK, fontsize=12)
    axes.tick_params(colors=INK, labelsize=11)
    axes.grid(True, axis="y", color=GRID, linewidth=0.8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(INK)


def _annotate(
    axes: Axes, week: date, value: int, note: str, colour: str, n: int, across: float
) -> None:
    """The note above the peak, staggered per series so that notes do not overlap, and
    aligned towards the middle near either edge (`across`: 0 left to 1 right) so that
    it stays inside the picture."""
    align = "left" if across < 0.25 else "right" if across > 0.75 else "center"
    axes.annotate(
        _fit(note, NOTE_CHARS),
        xy=(week, value),
        xytext=(0, 14 + 17 * n),
        textcoords="offset points",
        ha=align,
        fontsize=10,
        color=colour,
        fontweight="bold",
        bbox={"boxstyle": "round,pad=0.2", "facecolor": BACKGROUND, "edgecolor": "none"},
        arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 1},
        annotation_clip=False,
    )


def _fit(text: str, limit: int) -> str:
    """One line of at most `limit` characters, drawn as typed: a "$" would otherwise
    start matplotlib's math notation (and an unpaired one fail the whole chart), and a
    character the font cannot draw is a box (as matplotlib would draw it, but without
    the warning it would print for every such chart)."""
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    drawable = _drawable()
    text = "".join(ch if ord(ch) in drawable else NOT_DRAWABLE for ch in text)
    return text.replace("$", r"\$")


@functools.cache
def _drawable() -> frozenset[int]:
    """The characters both the regular and the bold default font (DejaVu Sans) have."""
    from matplotlib import font_manager

    regular, bold = (
        font_manager.get_font(font_manager.findfont(font_manager.FontProperties(weight=w)))
        for w in ("normal", "bold")
    )
    return frozenset(regular.get_charmap()).intersection(bold.get_charmap())
