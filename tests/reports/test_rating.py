"""The methodology's rating rules (shared/methodology.md, sections 3 and 4)."""

import csv
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections.statistics import sufficiency
from pdus.loading import PUBLISHED_COMPOSITES_FILE
from reports import rating as rules
from reports.rating import (
    FrameworkBands,
    Rating,
    case_standard_rating,
    cases_to_change_band,
    composite_score,
    crossed_boundaries,
    key_question_rating,
    max_composite_score,
    overall_rating,
    overall_rating_if_banded,
    published_overall_rating,
    standard_cases_to_change_band,
    standard_rating,
)

R = Rating
# The methodology's bands (section 3): the rules are tested against them; tests/inspections/test_frameworks.py
# checks that the shipped framework files carry them.
BANDS = FrameworkBands.from_data(
    {"outstanding": 80, "good": 65, "requires_improvement": 50},
    {
        "24": {"outstanding": 21, "good": 13, "requires_improvement": 5},
        "27": {"outstanding": 23, "good": 14, "requires_improvement": 5},
        "36": {"outstanding": 31, "good": 19, "requires_improvement": 7},
    },
)


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
    assert key_question_rating(percentage, BANDS) is expected


def test_band_is_decided_on_the_unrounded_rate():
    # 79.6% is published as "80%" but is Good, not Outstanding.
    assert round(sufficiency(39, 49).rate) == 80
    assert key_question_rating(sufficiency(39, 49).rate, BANDS) is R.GOOD
    # Exactly 65% from 13 of 20 is Good: the rate is computed without floating-point drift.
    assert key_question_rating(sufficiency(13, 20).rate, BANDS) is R.GOOD


@pytest.mark.parametrize("bad", [-0.1, 100.1, math.nan])
def test_a_percentage_outside_0_to_100_is_refused(bad):
    with pytest.raises(ValueError, match="percentage"):
        key_question_rating(bad, BANDS)


def test_lowest_key_question_drives_standard_rating():
    # Worked example: Assessment at 71%, 58%, 33% -> the lowest is 33% -> Inadequate (0 points).
    rating = case_standard_rating([71, 58, 33], BANDS)
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
    assert case_standard_rating(percentages, BANDS) is expected


def test_a_standard_with_no_rates_cannot_be_rated():
    with pytest.raises(ValueError, match="at least one"):
        case_standard_rating([], BANDS)


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
    assert overall_rating(score, maximum, BANDS) is expected


def test_a_maximum_the_methodology_does_not_define_is_refused():
    with pytest.raises(ValueError, match="No overall rating bands for a maximum of 30"):
        overall_rating(10, 30, BANDS)


@pytest.mark.parametrize(("score", "maximum"), [(-1, 27), (28, 27)])
def test_a_score_outside_its_maximum_is_refused(score, maximum):
    with pytest.raises(ValueError, match="between 0 and"):
        overall_rating(score, maximum, BANDS)


def test_composite_is_the_sum_of_points():
    assert composite_score([R.GOOD, R.INADEQUATE, R.OUTSTANDING, R.REQUIRES_IMPROVEMENT]) == 6
    assert composite_score([]) == 0


def test_a_composite_waits_for_every_standard_to_be_rated():
    assert composite_score([R.GOOD, None, R.OUTSTANDING]) is None
    assert overall_rating_if_banded(None, 27, BANDS) is None
    assert overall_rating_if_banded(15, 27, BANDS) is R.GOOD
    assert overall_rating_if_banded(15, 30, BANDS) is None  # a maximum the framework has no bands for


def test_a_case_standard_is_rated_only_once_every_key_question_has_a_rate():
    assert standard_rating([71, None, 33], BANDS) is None
    assert standard_rating([], BANDS) is None
    assert standard_rating([71, 58, 33], BANDS) is R.INADEQUATE


def test_a_published_overall_rating_is_kept_and_otherwise_banded_from_the_composite():
    assert published_overall_rating("good", 3, 27, BANDS) is R.GOOD
    assert published_overall_rating("", 15, 27, BANDS) is R.GOOD
    assert published_overall_rating("", 15, 27, None) is None
    assert published_overall_rating("", 15, 30, BANDS) is None


def test_an_interval_across_a_band_boundary_is_flagged():
    # 26 of 40 cases: 65%, just Good, with a 95% interval of 49.5-77.9%: the sample cannot tell it from RI or Inadequate.
    rate = sufficiency(26, 40)
    assert crossed_boundaries(rate.lower, rate.upper, BANDS) == [50, 65]
    assert crossed_boundaries(None, None, BANDS) == []
    narrow = sufficiency(90, 100)
    assert crossed_boundaries(narrow.lower, narrow.upper, BANDS) == []
    assert max_composite_score(9) == 27
    assert max_composite_score(8) == 24


def test_published_annual_report_pdus_come_out_as_published():
    # The annual report's 31 PDUs: 1 Good, 15 Requires improvement, 15 Inadequate.
    with PUBLISHED_COMPOSITES_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:31]
    ratings = Counter(overall_rating(int(r["composite_score"]), int(r["composite_max"]), BANDS) for r in rows)
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
    assert cases_to_change_band(sufficient, total, BANDS) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([(13, 20), (13, 20), (20, 20)], (6, 1)),  # Good at 65% exactly, two tied at the edge
        ([(16, 20), (20, 20), (17, 20)], (None, 1)),  # Outstanding at 80% exactly: cannot go up
        ([(9, 20), (20, 20), (5, 20)], (10 - 9 + 10 - 5, None)),  # Inadequate: cannot go down
        ([(1, 1), (0, 0), (1, 1)], (None, None)),  # a key question with no cases
    ],
)
def test_standard_cases_to_change_band(counts, expected):
    assert standard_cases_to_change_band(counts, BANDS) == expected


percentages = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(percentages, percentages)
def test_key_question_rating_never_falls_as_the_rate_rises(a, b):
    low, high = sorted([a, b])
    assert key_question_rating(low, BANDS).points <= key_question_rating(high, BANDS).points


@given(st.lists(percentages, min_size=1, max_size=6), percentages)
def test_adding_a_key_question_never_raises_a_standard(rates, extra):
    assert case_standard_rating([*rates, extra], BANDS).points <= case_standard_rating(rates, BANDS).points


@given(st.sampled_from([24, 27, 36]), st.data())
def test_overall_rating_is_monotonic_in_the_score(maximum, data):
    a = data.draw(st.integers(0, maximum))
    b = data.draw(st.integers(a, maximum))
    assert overall_rating(a, maximum, BANDS).points <= overall_rating(b, maximum, BANDS).points


@given(st.integers(1, 200), st.data())
def test_cases_to_change_band_lands_exactly_on_the_next_band(total, data):
    sufficient = data.draw(st.integers(0, total))
    current = key_question_rating(100 * sufficient / total, BANDS)
    up, down = cases_to_change_band(sufficient, total, BANDS)
    # With small samples one case can jump more than one band: "up" is the fewest cases that lift it at all.
    if up is not None:
        assert key_question_rating(100 * (sufficient + up) / total, BANDS).points > current.points
        assert key_question_rating(100 * (sufficient + up - 1) / total, BANDS) is current
    else:
        assert (
            current is R.OUTSTANDING
            or key_question_rating(100, BANDS).points == current.points
            or sufficient == total
        )
    if down is not None:
        assert key_question_rating(100 * (sufficient - down) / total, BANDS).points < current.points
        assert key_question_rating(100 * (sufficient - down + 1) / total, BANDS) is current
    else:
        assert current is R.INADEQUATE


COMPOSITE_BANDS = rules.FrameworkBands.from_data(
    {"outstanding": 80, "good": 65, "requires_improvement": 50},
    {"24": {"outstanding": 18, "good": 12, "requires_improvement": 6}},
)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (16, (rules.Rating.GOOD, 2, rules.Rating.OUTSTANDING, 5, rules.Rating.REQUIRES_IMPROVEMENT)),
        (12, (rules.Rating.GOOD, 6, rules.Rating.OUTSTANDING, 1, rules.Rating.REQUIRES_IMPROVEMENT)),
        (18, (rules.Rating.OUTSTANDING, None, None, 1, rules.Rating.GOOD)),
        (0, (rules.Rating.INADEQUATE, 6, rules.Rating.REQUIRES_IMPROVEMENT, None, None)),
    ],
)
def test_composite_distance_counts_the_points_to_the_next_overall_band_and_to_dropping_one(score, expected):
    distance = rules.composite_distance(score, 24, COMPOSITE_BANDS)
    assert (
        distance.rating,
        distance.up,
        distance.next_rating,
        distance.down,
        distance.lower_rating,
    ) == expected


def test_an_incomplete_composite_or_one_without_bands_has_no_distance():
    assert rules.composite_distance(None, 24, COMPOSITE_BANDS) is None
    assert rules.composite_distance(10, 27, COMPOSITE_BANDS) is None


@given(st.integers(min_value=0, max_value=24))
def test_moving_the_composite_by_its_distance_changes_its_band_and_one_less_does_not(score):
    distance = rules.composite_distance(score, 24, COMPOSITE_BANDS)
    if distance.up is not None:
        assert rules.overall_rating(score + distance.up, 24, COMPOSITE_BANDS) == distance.next_rating
        assert rules.overall_rating(score + distance.up - 1, 24, COMPOSITE_BANDS) == distance.rating
    if distance.down is not None:
        assert rules.overall_rating(score - distance.down, 24, COMPOSITE_BANDS) == distance.lower_rating
        assert rules.overall_rating(score - distance.down + 1, 24, COMPOSITE_BANDS) == distance.rating
