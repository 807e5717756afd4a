"""The inspectorate's rating rules as pure functions (see ../shared/methodology.md, section 3).

No Django here: numbers and enums in, ratings out. The thresholds are framework data; every function takes
optional bands and defaults to the current PDU framework, read from the same data file the database loads.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from functools import cache
from pathlib import Path

CURRENT_FRAMEWORK_FILE = Path(__file__).resolve().parent.parent / "inspections/data/frameworks/pdu-v1.json"

# z for a two-sided 95% interval.
Z_95 = 1.959963984540054


class Rating(Enum):
    """A rating, best first. Values are the ones stored in the database."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"

    @property
    def points(self) -> int:
        return _POINTS[self]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_POINTS = {Rating.OUTSTANDING: 3, Rating.GOOD: 2, Rating.REQUIRES_IMPROVEMENT: 1, Rating.INADEQUATE: 0}
_BANDED = (Rating.OUTSTANDING, Rating.GOOD, Rating.REQUIRES_IMPROVEMENT)  # each has a lower threshold


@dataclass(frozen=True)
class Bands:
    """Lowest value for each rating above Inadequate, e.g. {OUTSTANDING: 80, GOOD: 65, ...}."""

    thresholds: Mapping[Rating, float]

    @classmethod
    def from_data(cls, data: Mapping[str, float]) -> Bands:
        return cls({rating: float(data[rating.value]) for rating in _BANDED})

    def rate(self, value: float) -> Rating:
        for rating in _BANDED:
            if value >= self.thresholds[rating]:
                return rating
        return Rating.INADEQUATE


@dataclass(frozen=True)
class FrameworkBands:
    key_question: Bands
    composite: Mapping[int, Bands]  # keyed by the maximum composite score

    @classmethod
    def from_data(cls, key_question_bands: Mapping, composite_bands: Mapping) -> FrameworkBands:
        return cls(
            key_question=Bands.from_data(key_question_bands),
            composite={int(maximum): Bands.from_data(bands) for maximum, bands in composite_bands.items()},
        )


@cache
def current_bands() -> FrameworkBands:
    """The bands of the current PDU framework, from its data file."""
    data = json.loads(CURRENT_FRAMEWORK_FILE.read_text(encoding="utf-8"))
    return FrameworkBands.from_data(data["key_question_bands"], data["composite_bands"])


def key_question_rating(percentage: float, bands: FrameworkBands | None = None) -> Rating:
    """The band for one key question's sufficiency percentage (0-100), decided on the unrounded value."""
    if not 0 <= percentage <= 100 or math.isnan(percentage):
        raise ValueError(f"A percentage must be between 0 and 100, not {percentage!r}")
    return (bands or current_bands()).key_question.rate(percentage)


def case_standard_rating(percentages: Iterable[float], bands: FrameworkBands | None = None) -> Rating:
    """A case-supervision standard is rated by its lowest key question."""
    values = list(percentages)
    if not values:
        raise ValueError("A standard needs at least one key question with a sufficiency rate")
    return key_question_rating(min(values), bands)


def composite_score(ratings: Iterable[Rating]) -> int:
    """The sum of the points of every rated standard."""
    return sum(rating.points for rating in ratings)


def max_composite_score(number_of_standards: int) -> int:
    return number_of_standards * Rating.OUTSTANDING.points


def overall_rating(score: int, max_score: int, bands: FrameworkBands | None = None) -> Rating:
    """The overall rating of a composite score out of a maximum the framework defines (24, 27 or 36)."""
    composite_bands = (bands or current_bands()).composite
    if max_score not in composite_bands:
        defined = ", ".join(str(maximum) for maximum in sorted(composite_bands))
        raise ValueError(
            f"No overall rating bands for a maximum of {max_score}; the framework defines {defined}"
        )
    if not 0 <= score <= max_score:
        raise ValueError(f"A composite score must be between 0 and {max_score}, not {score}")
    return composite_bands[max_score].rate(score)


@dataclass(frozen=True)
class Sufficiency:
    """A sufficiency rate with its sample size and 95% Wilson score interval, all as percentages."""

    sufficient: int
    total: int
    rate: float | None
    lower: float | None
    upper: float | None

    @property
    def margin(self) -> float | None:
        """Half the interval's width, for "± n points"."""
        return None if self.lower is None or self.upper is None else (self.upper - self.lower) / 2


def sufficiency(sufficient: int, total: int, z: float = Z_95) -> Sufficiency:
    """The rate of sufficient cases with a Wilson score interval; no cases gives no rate rather than an error."""
    if total < 0 or not 0 <= sufficient <= total:
        raise ValueError(f"Sufficient cases ({sufficient}) must be between 0 and the total ({total})")
    if total == 0:
        return Sufficiency(sufficient, total, None, None, None)
    # 100 * s / t rather than s / t * 100: exact whenever the true percentage is representable (65, 80, ...).
    rate = 100 * sufficient / total
    p = sufficient / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    # The interval always contains the rate; clamping removes floating-point dust at 0% and 100%.
    lower = min(rate, max(0.0, 100 * (centre - half_width)))
    upper = max(rate, min(100.0, 100 * (centre + half_width)))
    return Sufficiency(sufficient, total, rate, lower, upper)


def margin_of_error(sample_size: int, z: float = Z_95) -> float | None:
    """The widest 95% margin of error, in percentage points, for a rate from this many cases (at p = 50%)."""
    if sample_size <= 0:
        return None
    return 100 * z * math.sqrt(0.25 / sample_size)


def _lowest_count_for(threshold: float, total: int) -> int:
    """The fewest sufficient cases out of total whose rate reaches the threshold percentage, exactly."""
    return math.ceil(Fraction(str(threshold)) * total / 100)


def cases_to_change_band(
    sufficient: int, total: int, bands: FrameworkBands | None = None
) -> tuple[int | None, int | None]:
    """How many more sufficient cases (of the same total) would lift this rate a band, and how many fewer drop it.

    None where there is no band to move to.
    """
    if total <= 0:
        return None, None
    thresholds = (bands or current_bands()).key_question.thresholds
    current = key_question_rating(100 * sufficient / total, bands)
    order = [*_BANDED, Rating.INADEQUATE]
    up = down = None
    if current is not Rating.OUTSTANDING:
        up = _lowest_count_for(thresholds[order[order.index(current) - 1]], total) - sufficient
    if current is not Rating.INADEQUATE:
        down = sufficient - _lowest_count_for(thresholds[current], total) + 1
    return up, down


def standard_cases_to_change_band(
    counts: Iterable[tuple[int, int]], bands: FrameworkBands | None = None
) -> tuple[int | None, int | None]:
    """For a standard rated by its lowest key question, given each key question's (sufficient, total):

    the more sufficient cases needed, over all its key questions, to lift the standard a band (every key question
    must reach the next band), and the fewest fewer sufficient cases in any one key question that would drop it.
    None where there is no band to move to, or a key question has no cases.
    """
    counts = list(counts)
    if not counts or any(total <= 0 for _, total in counts):
        return None, None
    thresholds = (bands or current_bands()).key_question.thresholds
    current = case_standard_rating((100 * s / t for s, t in counts), bands)
    order = [*_BANDED, Rating.INADEQUATE]
    up = down = None
    if current is not Rating.OUTSTANDING:
        target = thresholds[order[order.index(current) - 1]]
        up = sum(max(0, _lowest_count_for(target, total) - sufficient) for sufficient, total in counts)
    if current is not Rating.INADEQUATE:
        down = min(
            sufficient - _lowest_count_for(thresholds[current], total) + 1 for sufficient, total in counts
        )
    return up, down
