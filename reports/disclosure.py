"""Small numbers: which figures are not shown, so that no one learns about a few people from a table.

Pure rules over counts (no Django): which rate is over too few cases, and which of a survey question's response
counts are too small. Where they apply (which user, which setting) is decided by reports.selectors.small_numbers and
reports.evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inspections.statistics import Sufficiency

NOT_SHOWN = "fewer than {minimum} {unit}: not shown"


def not_shown(minimum: int, unit: str = "cases") -> str:
    """What a suppressed cell says instead of its figure: "fewer than 3 cases: not shown"."""
    return NOT_SHOWN.format(minimum=minimum, unit=unit)


@dataclass(frozen=True)
class SuppressedRate(Sufficiency):
    """A rate over fewer cases than the minimum: no figure at all (not even its n), only the note saying why."""

    minimum: int = 0
    note: str = ""  # what it says instead of its figures

    def __post_init__(self) -> None:
        if not self.note:
            object.__setattr__(self, "note", not_shown(self.minimum))


def is_small(total: int, minimum: int) -> bool:
    """Over some cases but fewer than the minimum. No cases is not small: there is nothing to hide."""
    return 0 < total < minimum


def suppress_rate(rate: Sufficiency, minimum: int) -> Sufficiency:
    """The rate, or a SuppressedRate in its place if it is over fewer than `minimum` cases."""
    if not is_small(rate.total, minimum) or isinstance(rate, SuppressedRate):
        return rate
    return SuppressedRate(0, 0, None, None, None, minimum)


def suppressed_counts(counts: Sequence[int], minimum: int) -> list[bool]:
    """Which of a question's response counts are not shown: every count below the minimum, and, where that leaves
    exactly one hidden, the smallest shown one too, since the total would otherwise give the hidden one away."""
    hidden = [count < minimum for count in counts]
    if sum(hidden) == 1 and len(counts) > 1:
        smallest = min((count, index) for index, count in enumerate(counts) if not hidden[index])
        hidden[smallest[1]] = True
    return hidden
