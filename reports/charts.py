"""Geometry for the dashboards' inline SVG charts (drawn by the `svg_chart` tag, reports/templatetags/report_tables.py).

No charting service and no JavaScript: a chart is a list of bars in pixels. Bars take the GOV.UK colours of their
rating, but every bar is also labelled with its value and rating in text, so nothing depends on colour alone.
"""

from __future__ import annotations

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
        return self.label_width + self.plot_width + 8

    @property
    def axis_bottom(self) -> int:
        return self.height - 10


def _x(percentage: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * percentage / 100


def _percent(value: float) -> str:
    return f"{value:.0f}%"


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
    bars = []
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        if value.rate is None:
            text = value.note if isinstance(value, SuppressedRate) else "no cases"
            bars.append(Bar(label, y, 0, NO_RATING_COLOUR, text))
            continue
        text = (
            f"{_percent(value.rate)} ({_percent(value.lower)} to {_percent(value.upper)}), n = {value.total}"
        )
        colour = UNRATED_COLOUR
        if bands is not None:
            band = rules.key_question_rating(value.rate, bands)
            colour = RATING_COLOURS[band]
            text = (
                f"{_percent(value.rate)} ({_percent(value.lower)} to {_percent(value.upper)}), {band.label}"
            )
        bars.append(
            Bar(label, y, PLOT_WIDTH * value.rate / 100, colour, text, _x(value.lower), _x(value.upper))
        )
    gridlines = [Gridline(_x(0), "0%"), Gridline(_x(100), "100%")]
    if bands is not None:
        gridlines += [
            Gridline(_x(threshold), f"{threshold:g}%")
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
    return Chart(slug, title, description, bars, gridlines)


DISTRIBUTION_LABEL_WIDTH = 180


def distribution_chart(slug: str, title: str, distribution: dict[rules.Rating, int]) -> Chart:
    """Horizontal bars counting PDUs by overall rating."""
    most = max(distribution.values(), default=0) or 1
    plot_width = WIDTH - DISTRIBUTION_LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            rating.label,
            TOP + index * ROW_HEIGHT,
            plot_width * count / most,
            RATING_COLOURS[rating],
            f"{count} PDU{'s' if count != 1 else ''}",
        )
        for index, (rating, count) in enumerate(distribution.items())
    ]
    counts = ", ".join(f"{rating.label} {count}" for rating, count in distribution.items())
    return Chart(
        slug,
        title,
        f"Bar chart of the number of PDUs with each overall rating: {counts}.",
        bars,
        [Gridline(DISTRIBUTION_LABEL_WIDTH, "0")],
        label_width=DISTRIBUTION_LABEL_WIDTH,
        plot_width=plot_width,
    )
