"""The methodology's rating rules (shared/methodology.md, sections 3 and 4)."""

import csv
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdus.loading import PUBLISHED_COMPOSITES_FILE
from reports.rating import (
    FrameworkBands,
    Rating,
    case_standard_rating,
    cases_to_change_band,
    composite_score,
    key_question_rating,
    margin_of_error,
    max_composite_score,
    overall_rating,
    sufficiency,
)

R = Rating


def test_ratings_have_points_and_labels():
    assert [(r.points, r.label) for r in Rating] == [
        (3, "Outstanding"),
        (2, "Good"),
        (1, "Requires improvement"),
        (0, "Inadequate"),
    ]


@pytest.mark.parametrize(
    ("percentage", "expected"),
    [
        (0, R.INADEQUATE),
        (49.999, R.INADEQUATE),
        (50, R.REQUIRES_IMPROVEMENT),
        (64.99, R.REQUIRES_IMPROVEMENT),
        (65, R.GOOD),
        (79.9, R.GOOD),
        (79.99999, R.GOOD),
        (80, R.OUTSTANDING),
        (100, R.OUTSTANDING),
    ],
)
def test_key_question_band_edges(percentage, expected):
    assert key_question_rating(percentage) is expected


def test_band_is_decided_on_the_unrounded_rate():
    # 79.6% is published as "80%" but is Good, not Outstanding.
    assert round(sufficiency(39, 49).rate) == 80
    assert key_question_rating(sufficiency(39, 49).rate) is R.GOOD
    # Exactly 65% from 13 of 20 is Good: the rate is computed without floating-point drift.
    assert key_question_rating(sufficiency(13, 20).rate) is R.GOOD


@pytest.mark.parametrize("bad", [-0.1, 100.1, math.nan])
def test_a_percentage_outside_0_to_100_is_refused(bad):
    with pytest.raises(ValueError, match="percentage"):
        key_question_rating(bad)


def test_lowest_key_question_drives_standard_rating():
    # Worked example: Assessment at 71%, 58%, 33% -> the lowest is 33% -> Inadequate (0 points).
    rating = case_standard_rating([71, 58, 33])
    assert rating is R.INADEQUATE
    assert rating.points == 0


@pytest.mark.parametrize(
    ("percentages", "expected"),
    [
        ([80, 80, 80], R.OUTSTANDING),
        ([79.9, 90, 95], R.GOOD),
        ([65, 99, 100], R.GOOD),
        ([50, 64, 99], R.REQUIRES_IMPROVEMENT),
    ],
)
def test_worked_examples_for_planning(percentages, expected):
    assert case_standard_rating(percentages) is expected


def test_a_standard_with_no_rates_cannot_be_rated():
    with pytest.raises(ValueError, match="at least one"):
        case_standard_rating([])


@pytest.mark.parametrize(
    ("score", "maximum", "expected"),
    [
        (15, 27, R.GOOD),  # Gateshead and South Tyneside, 2022-23
        (11, 27, R.REQUIRES_IMPROVEMENT),
        (4, 27, R.INADEQUATE),
        (4, 24, R.INADEQUATE),
        (5, 24, R.REQUIRES_IMPROVEMENT),
        (5, 27, R.REQUIRES_IMPROVEMENT),
        (13, 27, R.REQUIRES_IMPROVEMENT),
        (14, 27, R.GOOD),
        (22, 27, R.GOOD),
        (23, 27, R.OUTSTANDING),
        (27, 27, R.OUTSTANDING),
        (12, 24, R.REQUIRES_IMPROVEMENT),
        (13, 24, R.GOOD),
        (20, 24, R.GOOD),
        (21, 24, R.OUTSTANDING),
        (0, 24, R.INADEQUATE),
        (6, 36, R.INADEQUATE),
        (7, 36, R.REQUIRES_IMPROVEMENT),
        (18, 36, R.REQUIRES_IMPROVEMENT),
        (19, 36, R.GOOD),
        (30, 36, R.GOOD),
        (31, 36, R.OUTSTANDING),
    ],
)
def test_overall_rating_bands(score, maximum, expected):
    assert overall_rating(score, maximum) is expected


def test_a_maximum_the_methodology_does_not_define_is_refused():
    with pytest.raises(ValueError, match="No overall rating bands for a maximum of 30"):
        overall_rating(10, 30)


@pytest.mark.parametrize(("score", "maximum"), [(-1, 27), (28, 27)])
def test_a_score_outside_its_maximum_is_refused(score, maximum):
    with pytest.raises(ValueError, match="between 0 and"):
        overall_rating(score, maximum)


def test_composite_is_the_sum_of_points():
    assert composite_score([R.GOOD, R.INADEQUATE, R.OUTSTANDING, R.REQUIRES_IMPROVEMENT]) == 6
    assert composite_score([]) == 0
    assert max_composite_score(9) == 27
    assert max_composite_score(8) == 24


def test_published_annual_report_pdus_come_out_as_published():
    # The annual report's 31 PDUs: 1 Good, 15 Requires improvement, 15 Inadequate.
    with PUBLISHED_COMPOSITES_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:31]
    ratings = Counter(overall_rating(int(r["composite_score"]), int(r["composite_max"])) for r in rows)
    assert ratings == {R.GOOD: 1, R.REQUIRES_IMPROVEMENT: 15, R.INADEQUATE: 15}


def test_bands_come_from_the_framework_data():
    stricter = FrameworkBands.from_data(
        {"outstanding": 90, "good": 75, "requires_improvement": 60},
        {"24": {"outstanding": 22, "good": 15, "requires_improvement": 8}},
    )
    assert key_question_rating(85, stricter) is R.GOOD
    assert overall_rating(14, 24, stricter) is R.REQUIRES_IMPROVEMENT
    with pytest.raises(ValueError, match="maximum of 27"):
        overall_rating(14, 27, stricter)


def test_sufficiency_has_a_wilson_interval():
    result = sufficiency(13, 20)
    assert result.rate == 65
    # Wilson score interval for 13/20 at 95%: 43.3% to 81.9%.
    assert result.lower == pytest.approx(43.29, abs=0.01)
    assert result.upper == pytest.approx(81.88, abs=0.01)


def test_no_cases_gives_no_rate_rather_than_an_error():
    result = sufficiency(0, 0)
    assert (result.rate, result.lower, result.upper, result.margin) == (None, None, None, None)


def test_all_or_none_sufficient_keeps_the_interval_inside_0_to_100():
    assert sufficiency(0, 21).lower == 0
    assert sufficiency(21, 21).upper == 100
    assert sufficiency(21, 21).lower > 80


@pytest.mark.parametrize(("sufficient", "total"), [(-1, 10), (11, 10), (0, -1)])
def test_impossible_counts_are_refused(sufficient, total):
    with pytest.raises(ValueError, match="must be between 0 and the total"):
        sufficiency(sufficient, total)


def test_margin_of_error_shrinks_with_sample_size():
    assert margin_of_error(0) is None
    assert margin_of_error(21) == pytest.approx(21.4, abs=0.1)
    assert margin_of_error(101) == pytest.approx(9.75, abs=0.05)


@pytest.mark.parametrize(
    ("sufficient", "total", "expected"),
    [
        (13, 20, (3, 1)),  # Good at 65%: 16 of 20 reaches 80%; 12 of 20 drops to 60%
        (16, 20, (None, 1)),  # Outstanding: nothing above it
        (20, 20, (None, 5)),
        (9, 20, (1, None)),  # Inadequate at 45%: one more reaches 50%
        (0, 20, (10, None)),
        (10, 20, (3, 1)),
        (0, 0, (None, None)),
    ],
)
def test_cases_needed_to_change_band(sufficient, total, expected):
    assert cases_to_change_band(sufficient, total) == expected


percentages = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(percentages, percentages)
def test_key_question_rating_never_falls_as_the_rate_rises(a, b):
    low, high = sorted([a, b])
    assert key_question_rating(low).points <= key_question_rating(high).points


@given(st.lists(percentages, min_size=1, max_size=6), percentages)
def test_adding_a_key_question_never_raises_a_standard(rates, extra):
    assert case_standard_rating([*rates, extra]).points <= case_standard_rating(rates).points


@given(st.sampled_from([24, 27, 36]), st.data())
def test_overall_rating_is_monotonic_in_the_score(maximum, data):
    a = data.draw(st.integers(0, maximum))
    b = data.draw(st.integers(a, maximum))
    assert overall_rating(a, maximum).points <= overall_rating(b, maximum).points


@given(st.integers(0, 500), st.data())
def test_sufficiency_interval_contains_the_rate_within_bounds(total, data):
    sufficient = data.draw(st.integers(0, total))
    result = sufficiency(sufficient, total)
    if total:
        assert 0 <= result.lower <= result.rate <= result.upper <= 100
    else:
        assert result.rate is None


@given(st.integers(1, 200), st.data())
def test_cases_to_change_band_lands_exactly_on_the_next_band(total, data):
    sufficient = data.draw(st.integers(0, total))
    current = key_question_rating(100 * sufficient / total)
    up, down = cases_to_change_band(sufficient, total)
    # With small samples one case can jump more than one band: "up" is the fewest cases that lift it at all.
    if up is not None:
        assert key_question_rating(100 * (sufficient + up) / total).points > current.points
        assert key_question_rating(100 * (sufficient + up - 1) / total) is current
    else:
        assert (
            current is R.OUTSTANDING
            or key_question_rating(100).points == current.points
            or sufficient == total
        )
    if down is not None:
        assert key_question_rating(100 * (sufficient - down) / total).points < current.points
        assert key_question_rating(100 * (sufficient - down + 1) / total) is current
    else:
        assert current is R.INADEQUATE
