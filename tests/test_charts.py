"""The trend chart as drawn: a valid PNG of the expected size, one line per topic."""

from __future__ import annotations

import io
from datetime import date, timedelta

from matplotlib.lines import Line2D
from PIL import Image

from paperboy.charts import COLOURS, Series, png_bytes, trend_figure

WEEKS = [date(2025, 1, 6) + timedelta(weeks=n) for n in range(26)]


def series(label: str, peak: int, note: str = "A Paper Title") -> Series:
    papers = [(n * 7 + len(label)) % 5 for n in range(26)]
    papers[peak] = 9
    return Series(label, papers, [p * 3 for p in papers], peak=peak, note=note)


def test_the_png_is_valid_and_sized_for_a_chat_thumbnail() -> None:
    png = png_bytes(trend_figure(WEEKS, [series("diffusion", 4)], title="Papers per week"))

    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 750)
        # An opaque light background of its own, never transparent (dark mode).
        assert image.convert("RGBA").getpixel((2, 2)) == (255, 255, 255, 255)


def test_one_line_per_topic_each_in_its_colour_with_a_legend() -> None:
    topics = ["diffusion", "agents", "reasoning"]
    figure = trend_figure(
        WEEKS, [series(t, 3 * n) for n, t in enumerate(topics)], title="Papers per week"
    )
    papers_axes, votes_axes = figure.axes

    lines = [line for line in papers_axes.get_lines() if isinstance(line, Line2D)]
    assert [line.get_label() for line in lines] == topics
    assert [line.get_color() for line in lines] == list(COLOURS)
    assert [list(line.get_ydata()) for line in lines] == [
        series(t, 3 * n).papers for n, t in enumerate(topics)
    ]
    legend = papers_axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == topics
    # The upvote panel has a line per topic too, kept out of the legend.
    assert len(votes_axes.get_lines()) == 3
    assert all(str(line.get_label()).startswith("_") for line in votes_axes.get_lines())
    notes = [text.get_text() for text in papers_axes.texts]
    assert notes == ["A Paper Title"] * 3


def test_titles_with_dollar_signs_and_long_labels_are_drawn_as_typed() -> None:
    # A "$" would start matplotlib's math notation; an unpaired one failed the chart.
    odd = series("cost $ per token", 2, note="Save $5 on $x^2$ inference: a study")
    figure = trend_figure(WEEKS, [odd], title="Papers per week: cost $ per token")

    png = png_bytes(figure)

    assert png.startswith(b"\x89PNG")
    (note,) = figure.axes[0].texts
    assert note.get_text() == r"Save \$5 on \$x^2\$ inference: a stu…"


def test_characters_the_font_lacks_are_drawn_as_boxes_without_a_warning() -> None:
    # DejaVu Sans has no CJK nor this emoji; matplotlib warned once per glyph (an error here).
    odd = series("扩散 models 🧪", 2, note="扩散模型")
    figure = trend_figure(WEEKS, [odd], title="Papers per week: 扩散 models 🧪")

    png = png_bytes(figure)

    assert png.startswith(b"\x89PNG")
    assert figure.axes[0].get_legend().get_texts()[0].get_text() == "□□ models □"
    assert figure.axes[0].texts[0].get_text() == "□□□□"


def test_a_chart_of_one_week_is_drawn_without_a_warning() -> None:
    one = Series("diffusion", [3], [5], peak=0, note="A Paper")

    png = png_bytes(trend_figure([date(2025, 3, 10)], [one], title="Papers this week"))

    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, 750)
