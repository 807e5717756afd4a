"""The inspectorate's rating rules as pure functions (see ../shared/methodology.md, section 3).

No Django here: numbers and enums in, ratings out. The rules are framework data: every function that bands a value
takes the bands of the framework version the inspection is pinned to, and `inspection_rating` reads from that
version's `Definition` how each standard is rated (lowest key question over a case kind, the team's judgement, a
pooled rate, or not rated), which standards count in the composite and the overall rule. So a new version never
re-rates an old inspection. The statistics beside the rates (Wilson intervals, agreement) are in
inspections.statistics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from inspections.definitions import Definition, Standard
from inspections.statistics import interval_crosses


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
_BEST_FIRST = (*_BANDED, Rating.INADEQUATE)


def rating_of(value: str | None) -> Rating | None:
    """A stored rating value ("good", or "" / None for none) as a Rating."""
    return Rating(value) if value else None


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

    def boundaries(self) -> list[float]:
        """The values where one band ends and the next begins, lowest first."""
        return sorted(self.thresholds.values())


@dataclass(frozen=True)
class FrameworkBands:
    """A framework version's bands: for a key question's rate, and for the composite score by its maximum."""

    key_question: Bands
    composite: Mapping[int, Bands]  # keyed by the maximum composite score

    @classmethod
    def from_data(
        cls, key_question_bands: Mapping[str, float], composite_bands: Mapping[str, Mapping[str, float]]
    ) -> FrameworkBands:
        return cls(
            key_question=Bands.from_data(key_question_bands),
            composite={int(maximum): Bands.from_data(bands) for maximum, bands in composite_bands.items()},
        )

    @classmethod
    def from_definition(cls, definition: Definition) -> FrameworkBands:
        """A framework version's bands: its key-question bands and its overall rule's bands by maximum."""
        return cls.from_data(definition.key_question_bands, definition.overall.bands)


def key_question_rating(percentage: float, bands: FrameworkBands) -> Rating:
    """The band for one key question's sufficiency percentage (0-100), decided on the unrounded value."""
    if not 0 <= percentage <= 100 or math.isnan(percentage):
        raise ValueError(f"A percentage must be between 0 and 100, not {percentage!r}")
    return bands.key_question.rate(percentage)


def case_standard_rating(percentages: Iterable[float], bands: FrameworkBands) -> Rating:
    """A case-supervision standard is rated by its lowest key question."""
    values = list(percentages)
    if not values:
        raise ValueError("A standard needs at least one key question with a sufficiency rate")
    return key_question_rating(min(values), bands)


def standard_rating(rates: Sequence[float | None], bands: FrameworkBands) -> Rating | None:
    """A case standard's rating once every key question has a rate (at least one counted case); None before."""
    if not rates or any(rate is None for rate in rates):
        return None
    return case_standard_rating([rate for rate in rates if rate is not None], bands)


def composite_score(ratings: Iterable[Rating | None]) -> int | None:
    """The sum of the points of every rated standard; None until every standard has a rating."""
    ratings = list(ratings)
    if any(rating is None for rating in ratings):
        return None
    return sum(rating.points for rating in ratings if rating is not None)


def max_composite_score(number_of_standards: int) -> int:
    return number_of_standards * Rating.OUTSTANDING.points


def overall_rating(score: int, max_score: int, bands: FrameworkBands) -> Rating:
    """The overall rating of a composite score out of a maximum the framework defines (24, 27 or 36)."""
    if max_score not in bands.composite:
        defined = ", ".join(str(maximum) for maximum in sorted(bands.composite))
        raise ValueError(
            f"No overall rating bands for a maximum of {max_score}; the framework defines {defined}"
        )
    if not 0 <= score <= max_score:
        raise ValueError(f"A composite score must be between 0 and {max_score}, not {score}")
    return bands.composite[max_score].rate(score)


def overall_rating_if_banded(score: int | None, max_score: int, bands: FrameworkBands) -> Rating | None:
    """The overall rating of a complete composite, or None (incomplete, or a maximum the framework has no bands
    for)."""
    if score is None or max_score not in bands.composite:
        return None
    return overall_rating(score, max_score, bands)


def published_overall_rating(
    published: str, score: int, max_score: int, bands: FrameworkBands | None
) -> Rating | None:
    """The overall rating of a published composite: as published where the source gave it, otherwise banded from
    the composite with the bands of the framework it was published under (None where those are not known or have no
    bands for its maximum).
    """
    if published:
        return Rating(published)
    return None if bands is None else overall_rating_if_banded(score, max_score, bands)


def crossed_boundaries(lower: float | None, upper: float | None, bands: FrameworkBands) -> list[float]:
    """The key-question band boundaries inside a rate's interval (lower < boundary <= upper): the bands the sample
    cannot tell apart. Empty where there is no interval."""
    if lower is None or upper is None:
        return []
    return interval_crosses(lower, upper, bands.key_question.boundaries())


def _lowest_count_for(threshold: float, total: int) -> int:
    """The fewest sufficient cases out of total whose rate reaches the threshold percentage, exactly."""
    return math.ceil(Fraction(str(threshold)) * total / 100)


def cases_to_change_band(sufficient: int, total: int, bands: FrameworkBands) -> tuple[int | None, int | None]:
    """How many more sufficient cases (of the same total) would lift this rate a band, and how many fewer drop it.

    None where there is no band to move to.
    """
    if total <= 0:
        return None, None
    thresholds = bands.key_question.thresholds
    current = key_question_rating(100 * sufficient / total, bands)
    up = down = None
    if current is not Rating.OUTSTANDING:
        up = _lowest_count_for(thresholds[_BEST_FIRST[_BEST_FIRST.index(current) - 1]], total) - sufficient
    if current is not Rating.INADEQUATE:
        down = sufficient - _lowest_count_for(thresholds[current], total) + 1
    return up, down


def standard_cases_to_change_band(
    counts: Iterable[tuple[int, int]], bands: FrameworkBands
) -> tuple[int | None, int | None]:
    """For a standard rated by its lowest key question, given each key question's (sufficient, total):

    the more sufficient cases needed, over all its key questions, to lift the standard a band (every key question
    must reach the next band), and the fewest fewer sufficient cases in any one key question that would drop it.
    None where there is no band to move to, or a key question has no cases.
    """
    counts = list(counts)
    if not counts or any(total <= 0 for _, total in counts):
        return None, None
    thresholds = bands.key_question.thresholds
    current = case_standard_rating((100 * s / t for s, t in counts), bands)
    up = down = None
    if current is not Rating.OUTSTANDING:
        target = thresholds[_BEST_FIRST[_BEST_FIRST.index(current) - 1]]
        up = sum(max(0, _lowest_count_for(target, total) - sufficient) for sufficient, total in counts)
    if current is not Rating.INADEQUATE:
        down = min(
            sufficient - _lowest_count_for(thresholds[current], total) + 1 for sufficient, total in counts
        )
    return up, down


@dataclass(frozen=True)
class CompositeDistance:
    """How far a composite score is from the overall bands either side of its own."""

    rating: Rating  # the composite's band
    up: int | None  # more points to reach the next band; None at the top
    next_rating: Rating | None
    down: int | None  # fewer points that would drop it a band; None at the bottom
    lower_rating: Rating | None


def composite_distance(score: int | None, max_score: int, bands: FrameworkBands) -> CompositeDistance | None:
    """The points a composite needs to reach the next overall band, and the fewest it could lose before it drops a
    band; None where the composite is incomplete or the framework has no bands for its maximum."""
    if score is None or max_score not in bands.composite:
        return None
    thresholds = bands.composite[max_score].thresholds
    current = overall_rating(score, max_score, bands)
    index = _BEST_FIRST.index(current)
    up = next_rating = down = lower_rating = None
    if current is not Rating.OUTSTANDING:
        next_rating = _BEST_FIRST[index - 1]
        up = math.ceil(thresholds[next_rating]) - score
    if current is not Rating.INADEQUATE:
        lower_rating = _BEST_FIRST[index + 1]
        down = score - math.ceil(thresholds[current]) + 1
    return CompositeDistance(current, up, next_rating, down, lower_rating)


# How a framework version rates an inspection (methodology section 3, the rules read from its Definition).

RATED_FROM_CASES = ("lowest_key_question", "pooled")  # rated by the lowest of its key questions' rates


def rated_standards(definition: Definition, chosen_optional: Iterable[str]) -> list[Standard]:
    """The standards an inspection rates, in the framework's order: every rated standard that is not optional, and
    the optional ones the inspection chose (by code), e.g. court work where the PDU's court work is inspected."""
    chosen = set(chosen_optional)
    return [s for s in definition.standards if s.is_rated and (not s.optional or s.code in chosen)]


def max_composite_for(standards: Iterable[Standard]) -> int:
    """The composite's maximum: 3 points for each of these standards that counts in the composite."""
    return max_composite_score(sum(1 for s in standards if s.is_rated and s.counts_in_composite))


@dataclass(frozen=True)
class StandardRating:
    standard: Standard
    rating: Rating | None  # None until it can be rated (a key question without cases, no judgement yet)


@dataclass(frozen=True)
class InspectionRating:
    """An inspection's ratings under its framework version.

    `composite_score` sums the points of the rated standards that count in the composite, out of `max_score`. Under
    the "composite" rule `overall_rating` is the composite banded by its maximum; under "team_judgement" it is the
    team's overall judgement and `indicative_rating` the composite banded where the framework gives bands.
    """

    rule: str
    standards: list[StandardRating]
    composite_score: int | None
    max_score: int
    overall_rating: Rating | None
    indicative_rating: Rating | None


def rate_standard(
    standard: Standard,
    bands: FrameworkBands,
    key_question_rates: Mapping[str, float | None],
    judgements: Mapping[str, Rating | None],
) -> Rating | None:
    """One standard's rating by its framework's rule: the lowest of its key questions' rates (over its case kind, or
    pooled over other units' cases), the team's judgement, or none where it is not rated."""
    if standard.rated_by in RATED_FROM_CASES:
        return standard_rating([key_question_rates.get(kq.code) for kq in standard.key_questions], bands)
    if standard.rated_by == "team_judgement":
        return judgements.get(standard.code)
    return None


def inspection_rating(
    definition: Definition,
    *,
    chosen_optional: Iterable[str] = (),
    key_question_rates: Mapping[str, float | None],
    judgements: Mapping[str, Rating | None],
    overall_judgement: Rating | None = None,
) -> InspectionRating:
    """Every rated standard's rating, the composite, its maximum and the overall rating of one inspection.

    `key_question_rates` are sufficiency percentages by key question code (None with no cases), `judgements` the
    team's ratings by standard code, `overall_judgement` the team's overall rating where the framework's rule is
    the team's judgement.
    """
    bands = FrameworkBands.from_definition(definition)
    rated = rated_standards(definition, chosen_optional)
    results = [
        StandardRating(standard, rate_standard(standard, bands, key_question_rates, judgements))
        for standard in rated
    ]
    counted = [result for result in results if result.standard.counts_in_composite]
    max_score = max_composite_for(rated)
    score = composite_score(result.rating for result in counted)
    banded = overall_rating_if_banded(score, max_score, bands)
    if definition.overall.rule == "composite":
        return InspectionRating(definition.overall.rule, results, score, max_score, banded, None)
    return InspectionRating(definition.overall.rule, results, score, max_score, overall_judgement, banded)
