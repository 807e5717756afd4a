"""Statistics shown beside every rate and agreement figure (shared/methodology.md, sections 5 and 7).

Standard library only: counts in, percentages and coefficients out. Nothing here raises for "no data";
an empty sample gives None, so a report can show a dash instead of failing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

# z for a two-sided 95% interval.
Z_95 = 1.959963984540054


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
    """The rate of sufficient cases with a Wilson score interval; no cases gives no rate, not an error."""
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


@dataclass(frozen=True)
class Difference:
    """A difference of two rates, first minus second, with its 95% interval, all in percentage points."""

    difference: float | None
    lower: float | None
    upper: float | None

    @property
    def excludes_zero(self) -> bool | None:
        """Whether the interval leaves out 0: the rates differ at this confidence. None without data."""
        if self.lower is None or self.upper is None:
            return None
        return self.lower > 0 or self.upper < 0


def difference(s1: int, n1: int, s2: int, n2: int, z: float = Z_95) -> Difference:
    """Newcombe's hybrid score interval (1998, method 10) for the difference of two independent rates."""
    first, second = sufficiency(s1, n1, z), sufficiency(s2, n2, z)
    if (
        first.rate is None
        or first.lower is None
        or first.upper is None
        or second.rate is None
        or second.lower is None
        or second.upper is None
    ):
        return Difference(None, None, None)
    # Built from the very Wilson intervals (no continuity correction) the report shows beside each rate, so
    # the two never disagree. Each limit combines the distances each rate can move in that direction.
    point = first.rate - second.rate
    lower = point - math.sqrt((first.rate - first.lower) ** 2 + (second.upper - second.rate) ** 2)
    upper = point + math.sqrt((first.upper - first.rate) ** 2 + (second.rate - second.lower) ** 2)
    # Mathematically within ±100 already; the clamp only removes floating-point dust.
    return Difference(point, max(-100.0, lower), min(100.0, upper))


@dataclass(frozen=True)
class Agreement:
    """How often two markers gave the same answer to a key question over the same cases.

    percentage is the observed agreement (0-100); kappa is Cohen's kappa and ac1 Gwet's AC1 (-1 to 1).
    """

    cases: int
    agreed: int
    percentage: float | None
    kappa: float | None
    ac1: float | None


def agreement(pairs: Iterable[tuple[str, str]], categories: Sequence[str] | None = None) -> Agreement:
    """Observed agreement, Cohen's kappa and Gwet's AC1 of two markers' answers over any categories.

    Kappa is None for no cases, a single case, or when expected agreement is 1 (both markers gave one and the
    same answer throughout). AC1 is None for fewer than two cases. AC1 depends on the number of categories q:
    the distinct answers either marker gave, or the given categories (every answer must be one of them).
    """
    pairs = list(pairs)
    n = len(pairs)
    allowed = None if categories is None else set(categories)
    if allowed is not None:
        unknown = {answer for pair in pairs for answer in pair} - allowed
        if unknown:
            raise ValueError(f"Answers {sorted(unknown)!r} are not among the categories {sorted(allowed)!r}")
    if n == 0:
        return Agreement(0, 0, None, None, None)
    agreed = sum(1 for first, second in pairs if first == second)
    # 100 * a / n rather than a / n * 100, as for sufficiency: exact whenever the percentage is representable.
    percentage = 100 * agreed / n
    if n == 1:
        # One case agrees or it does not: there is no chance agreement to correct for.
        return Agreement(n, agreed, percentage, None, None)
    rows = Counter(first for first, _ in pairs)
    columns = Counter(second for _, second in pairs)
    q = len(set(rows) | set(columns) if allowed is None else allowed)
    return Agreement(
        n, agreed, percentage, _kappa(n, agreed, rows, columns), _ac1(n, agreed, rows, columns, q)
    )


def _kappa(n: int, agreed: int, rows: Counter[str], columns: Counter[str]) -> float | None:
    # In whole counts, kappa = (n * agreed - sum r_k c_k) / (n^2 - sum r_k c_k): exact until the one
    # division, so perfect agreement gives exactly 1.0. Categories neither marker used add nothing to the
    # sum, so unlike AC1 kappa does not depend on which categories were possible.
    chance = sum(rows[category] * columns[category] for category in rows)
    if chance == n * n:
        return None
    return (n * agreed - chance) / (n * n - chance)


def _ac1(n: int, agreed: int, rows: Counter[str], columns: Counter[str], q: int) -> float:
    # Gwet (2008): pe = 1/(q-1) * sum_k pi_k (1 - pi_k), pi_k = (r_k + c_k) / 2n. Kept in fractions so that
    # perfect agreement gives exactly 1.0 and the two markers' order cannot change the last digit.
    if q < 2:
        # One category possible, so every case agrees. pe's 1/(q-1) is undefined; Gwet's own irrCAC
        # package sets pe to (practically) 0 for q = 1, which gives AC1 = observed agreement = 1.
        return 1.0
    observed = Fraction(agreed, n)
    spread = sum(
        Fraction(rows[k] + columns[k], 2 * n) * (1 - Fraction(rows[k] + columns[k], 2 * n))
        for k in set(rows) | set(columns)
    )
    # pe <= 1/q <= 1/2 for q >= 2, so the denominator is never 0.
    chance = Fraction(spread) / (q - 1)
    return float((observed - chance) / (1 - chance))


def interval_crosses(lower: float, upper: float, boundaries: Iterable[float]) -> list[float]:
    """The band boundaries b inside the interval, lower < b <= upper, in ascending order.

    A rate of exactly b is in the higher band, so b divides the interval into two bands exactly when the
    interval holds a value below b (lower < b) and one at or above it (b <= upper).
    """
    if math.isnan(lower) or math.isnan(upper) or lower > upper:
        raise ValueError(f"An interval needs lower <= upper, not {lower!r} to {upper!r}")
    return sorted({b for b in boundaries if lower < b <= upper})
