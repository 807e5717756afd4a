"""Geometry for the dashboards' inline SVG charts (drawn by the `svg_chart` tag, reports/templatetags/report_tables.py).

No charting service and no JavaScript: a chart is a list of bars in pixels. Bars take the GOV.UK colours of their
rating, but every bar is also labelled with its value and rating in text, so nothing depends on colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from inspections import statistics

from . import rating as rules
from .disclosure import SuppressedRate

RATING_COLOURS = {
    rules.Rating.OUTSTANDING: "#00703c",  # GOV.UK green
    rules.Rating.GOOD: "#85994b",  # GOV.UK light green
    rules.Rating.REQUIRES_IMPROVEMENT: "#ffdd00",  # GOV.UK yellow
    rules.Rating.INADEQUATE: "#d4351c",  # GOV.UK red
}
NO_RATING_COLOUR = "#b1b4b6"  # GOV.UK mid grey
UNRATED_COLOUR = "#1d70b8"  # GOV.UK blue: a rate that has no rating bands (case facts, needs)
TEXT_COLOUR = "#0b0c0c"

WIDTH = 860
LABEL_WIDTH = 170
VALUE_WIDTH = 300
BAR_HEIGHT = 20
ROW_HEIGHT = 30
TOP = 30
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH
FONT_SIZE = 14  # of the bars' labels and values
# A character's width as a share of the font size: more than the average of GDS Transport or Arial (about 0.55), so
# a label measured by it is never cut by the edge of the chart (as "Requires improvemer" was in the PDF).
CHARACTER_WIDTH = 0.62
TEXT_GAP = 8  # between a label and its bar, a bar and its value


def text_width(text: str) -> int:
    """A generous estimate of the width of a bar's label or value text, in pixels."""
    return math.ceil(len(text) * FONT_SIZE * CHARACTER_WIDTH)


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    colour: str
    value_text: str
    ci_from: float | None = None
    ci_to: float | None = None

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT * 0.75

    @property
    def ci_y(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass(frozen=True)
class Gridline:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    gridlines: list[Gridline]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    bar_height: int = BAR_HEIGHT
    top: int = TOP

    @property
    def height(self) -> int:
        return self.top + ROW_HEIGHT * max(len(self.bars), 1) + 10

    @property
    def value_x(self) -> int:
        return self.label_width + self.plot_width + TEXT_GAP

    @property
    def axis_bottom(self) -> int:
        return self.height - 10


def _text_widths(labels: list[str], values: list[str], label_width: int) -> tuple[int, int]:
    """The widths of the label and value columns: the usual ones, or wider where the texts need it."""
    widest_label = max((text_width(label) for label in labels), default=0)
    widest_value = max((text_width(value) for value in values), default=0)
    return max(label_width, widest_label + 2 * TEXT_GAP), max(VALUE_WIDTH, widest_value + 2 * TEXT_GAP)


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _plot_x(percentage: float, label_width: int) -> float:
    """Where a percentage of the plot lies, right of a label column of that width."""
    return label_width + PLOT_WIDTH * percentage / 100


def sufficiency_chart(
    slug: str,
    title: str,
    rows: list[tuple[str, statistics.Sufficiency]],
    bands: rules.FrameworkBands | None,
) -> Chart:
    """Horizontal bars of rates (0-100%) with their 95% CIs.

    Key questions are banded by their framework's `bands`: coloured and labelled with their rating, against the band
    thresholds. Other rates (case facts, needs), and key questions pooled over frameworks whose bands differ, have no
    rating: `bands` is None and they are drawn in one colour without thresholds.
    """
    texts = []
    for _, value in rows:
        if value.rate is None:
            texts.append((NO_RATING_COLOUR, value.note if isinstance(value, SuppressedRate) else "no cases"))
            continue
        range_text = f"{_percent(value.rate)} ({_percent(value.lower)} to {_percent(value.upper)})"
        if bands is None:
            texts.append((UNRATED_COLOUR, f"{range_text}, n = {value.total}"))
        else:
            band = rules.key_question_rating(value.rate, bands)
            texts.append((RATING_COLOURS[band], f"{range_text}, {band.label}"))
    label_width, value_width = _text_widths([label for label, _ in rows], [t for _, t in texts], LABEL_WIDTH)
    bars = []
    for index, ((label, value), (colour, text)) in enumerate(zip(rows, texts, strict=True)):
        y = TOP + index * ROW_HEIGHT
        if value.rate is None:
            bars.append(Bar(label, y, 0, colour, text))
            continue
        interval = (_plot_x(value.lower, label_width), _plot_x(value.upper, label_width))
        bars.append(Bar(label, y, PLOT_WIDTH * value.rate / 100, colour, text, *interval))
    gridlines = [Gridline(_plot_x(0, label_width), "0%"), Gridline(_plot_x(100, label_width), "100%")]
    if bands is not None:
        gridlines += [
            Gridline(_plot_x(threshold, label_width), f"{threshold:g}%")
            for threshold in sorted(bands.key_question.thresholds.values())
        ]
    rated = [(label, value) for label, value in rows if value.rate is not None]
    if rated:
        lowest = min(rated, key=lambda item: item[1].rate)
        highest = max(rated, key=lambda item: item[1].rate)
        summary = (
            f"Lowest: {lowest[0]} at {_percent(lowest[1].rate)}; highest: {highest[0]} at "
            f"{_percent(highest[1].rate)}."
        )
    else:
        summary = "There are no counted cases yet."
    against = " against the rating thresholds" if bands is not None else ""
    description = (
        f"Bar chart of {len(rows)} rates, each with its 95% confidence interval{against}. {summary} "
        "The table with this chart gives every figure."
    )
    return Chart(
        slug,
        title,
        description,
        bars,
        gridlines,
        width=label_width + PLOT_WIDTH + value_width,
        label_width=label_width,
    )


DISTRIBUTION_LABEL_WIDTH = 180


def distribution_chart(slug: str, title: str, distribution: dict[rules.Rating, int]) -> Chart:
    """Horizontal bars counting PDUs by overall rating."""
    most = max(distribution.values(), default=0) or 1
    plot_width = WIDTH - DISTRIBUTION_LABEL_WIDTH - VALUE_WIDTH
    texts = [f"{count} PDU{'s' if count != 1 else ''}" for count in distribution.values()]
    label_width, value_width = _text_widths(
        [rating.label for rating in distribution], texts, DISTRIBUTION_LABEL_WIDTH
    )
    bars = [
        Bar(rating.label, TOP + index * ROW_HEIGHT, plot_width * count / most, RATING_COLOURS[rating], text)
        for index, ((rating, count), text) in enumerate(zip(distribution.items(), texts, strict=True))
    ]
    counts = ", ".join(f"{rating.label} {count}" for rating, count in distribution.items())
    return Chart(
        slug,
        title,
        f"Bar chart of the number of PDUs with each overall rating: {counts}.",
        bars,
        [Gridline(label_width, "0")],
        width=label_width + plot_width + value_width,
        label_width=label_width,
        plot_width=plot_width,
    )


SECOND_GROUP_COLOUR = "#f47738"  # GOV.UK orange, beside UNRATED_COLOUR for the first group


def comparison_chart(
    slug: str,
    title: str,
    rows: list[tuple[str, statistics.Sufficiency, statistics.Sufficiency]],
    first: str,
    second: str,
) -> Chart:
    """Two bars per rate, one for each group, each with its 95% CI; every bar names its group in text."""
    named = [
        (f"{label} {group}", value, colour)
        for label, *values in rows
        for group, value, colour in [
            (first, values[0], UNRATED_COLOUR),
            (second, values[1], SECOND_GROUP_COLOUR),
        ]
    ]
    texts = [
        "no cases"
        if value.rate is None
        else f"{_percent(value.rate)} ({_percent(value.lower)} to {_percent(value.upper)}), n = {value.total}"
        for _, value, _ in named
    ]
    label_width, value_width = _text_widths([name for name, _, _ in named], texts, LABEL_WIDTH)
    bars = []
    for index, ((name, value, colour), text) in enumerate(zip(named, texts, strict=True)):
        y = TOP + index * ROW_HEIGHT
        if value.rate is None:
            bars.append(Bar(name, y, 0, NO_RATING_COLOUR, text))
            continue
        interval = (_plot_x(value.lower, label_width), _plot_x(value.upper, label_width))
        bars.append(Bar(name, y, PLOT_WIDTH * value.rate / 100, colour, text, *interval))
    description = (
        f"Bar chart of {len(rows)} rates for {first} and for {second}, each with its 95% confidence interval. "
        "The table with this chart gives every figure and the differences."
    )
    return Chart(
        slug,
        title,
        description,
        bars,
        [Gridline(_plot_x(percentage, label_width), f"{percentage}%") for percentage in (0, 50, 100)],
        width=label_width + PLOT_WIDTH + value_width,
        label_width=label_width,
    )


def composite_chart(
    slug: str, title: str, rows: list[tuple[str, int | None, int | None, rules.Rating | None]]
) -> Chart:
    """A unit's composite scores over time: a bar per rating, its length the share of the maximum, in its rating's
    colour and labelled with the score and rating in words."""
    texts = [
        "not rated"
        if score is None or not maximum
        else f"{score} out of {maximum}" + (f", {rating.label}" if rating else "")
        for _, score, maximum, rating in rows
    ]
    label_width, value_width = _text_widths([label for label, *_ in rows], texts, LABEL_WIDTH)
    bars = []
    for index, ((label, score, maximum, rating), text) in enumerate(zip(rows, texts, strict=True)):
        y = TOP + index * ROW_HEIGHT
        if score is None or not maximum:
            bars.append(Bar(label, y, 0, NO_RATING_COLOUR, text))
            continue
        colour = RATING_COLOURS[rating] if rating else NO_RATING_COLOUR
        bars.append(Bar(label, y, PLOT_WIDTH * score / maximum, colour, text))
    scores = "; ".join(bar.label + ": " + bar.value_text for bar in bars)
    return Chart(
        slug,
        title,
        f"Bar chart of {len(rows)} composite scores, each as a share of its maximum, oldest first. {scores}.",
        bars,
        [Gridline(_plot_x(0, label_width), "0"), Gridline(_plot_x(100, label_width), "maximum")],
        width=label_width + PLOT_WIDTH + value_width,
        label_width=label_width,
    )
