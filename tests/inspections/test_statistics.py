"""The statistics beside every rate (shared/methodology.md, sections 5 and 7)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections.statistics import (
    Z_95,
    Difference,
    agreement,
    difference,
    interval_crosses,
    margin_of_error,
    sufficiency,
)


def pairs_from_table(table: list[list[int]], labels: list[str]) -> list[tuple[str, str]]:
    """Pairs from a contingency table: rows are the first marker's answers, columns the second's."""
    return [
        (labels[row], labels[column])
        for row, counts in enumerate(table)
        for column, count in enumerate(counts)
        for _ in range(count)
    ]


# --- Sufficiency: carried over from tests/reports/test_rating.py --------------------------------------------


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


@given(st.integers(0, 500), st.data())
def test_sufficiency_interval_contains_the_rate_within_bounds(total, data):
    sufficient = data.draw(st.integers(0, total))
    result = sufficiency(sufficient, total)
    if total:
        assert 0 <= result.lower <= result.rate <= result.upper <= 100
    else:
        assert result.rate is None


def test_margin_is_half_the_interval():
    result = sufficiency(26, 40)
    assert result.margin == pytest.approx((result.upper - result.lower) / 2)


# --- Agreement: carried over from tests/reports/test_agreement.py -------------------------------------------


def test_no_pairs_give_no_agreement():
    assert agreement([]) == agreement(())
    assert agreement([]).percentage is None
    assert agreement([]).kappa is None
    assert agreement([]).ac1 is None


def test_perfect_agreement_over_two_answers_has_kappa_one():
    result = agreement([("yes", "yes"), ("no", "no"), ("yes", "yes")])
    assert (result.cases, result.agreed, result.percentage, result.kappa) == (3, 3, 100.0, 1.0)
    assert result.ac1 == 1.0


def test_kappa_is_undefined_when_both_markers_always_say_the_same_single_answer():
    assert agreement([("yes", "yes")] * 4).kappa is None


def test_cohens_kappa_matches_a_worked_example():
    # Textbook 2x2: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: po = 0.7, pe = 0.5, kappa = 0.4.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    result = agreement(pairs)
    assert result.percentage == pytest.approx(70.0)
    assert result.kappa == pytest.approx(0.4)


def test_systematic_disagreement_gives_negative_kappa():
    assert agreement([("yes", "no"), ("no", "yes")]).kappa == pytest.approx(-1.0)


answers = st.sampled_from(["yes", "no", "not_applicable"])


@given(st.lists(st.tuples(answers, answers), min_size=1, max_size=60))
def test_agreement_is_bounded_and_symmetric(pairs):
    result = agreement(pairs)
    assert 0 <= result.percentage <= 100
    if result.kappa is not None:
        assert -1 - 1e-9 <= result.kappa <= 1 + 1e-9
        assert agreement([(b, a) for a, b in pairs]).kappa == pytest.approx(result.kappa)


# --- Agreement: single cases, AC1 and the kappa paradox -----------------------------------------------------


@pytest.mark.parametrize("pair", [("yes", "yes"), ("yes", "no")])
def test_one_case_gives_agreement_but_no_kappa_or_ac1(pair):
    result = agreement([pair])
    assert (result.cases, result.kappa, result.ac1) == (1, None, None)
    assert result.percentage == (100.0 if pair[0] == pair[1] else 0.0)


def test_ac1_of_the_textbook_example_worked_by_hand():
    # Same table as the kappa example. Rows (first marker): yes 25, no 25; columns: yes 30, no 20.
    # pi_yes = (25 + 30) / 200 = 0.55, pi_no = 0.45; q = 2: pe = (0.55 * 0.45 + 0.45 * 0.55) / 1 = 0.495.
    # AC1 = (0.7 - 0.495) / (1 - 0.495) = 0.205 / 0.505 = 41/101 = 0.40594...
    pairs = pairs_from_table([[20, 5], [10, 15]], ["yes", "no"])
    assert agreement(pairs).ac1 == pytest.approx(41 / 101, abs=1e-15)


def test_the_kappa_paradox_high_agreement_low_kappa_high_ac1():
    # 95 of 100 double-marked cases agree and "yes" dominates: 94 yes/yes, 4 yes/no, 1 no/yes, 1 no/no.
    # Rows: yes 98, no 2; columns: yes 95, no 5.
    # Kappa: pe = 0.98 * 0.95 + 0.02 * 0.05 = 0.932; kappa = (0.95 - 0.932) / 0.068 = 9/34 = 0.2647.
    # AC1: pi_yes = 193/200 = 0.965, pi_no = 0.035; pe = 2 * 0.965 * 0.035 = 0.06755;
    #      AC1 = (0.95 - 0.06755) / 0.93245 = 17649/18649 = 0.9464.
    pairs = pairs_from_table([[94, 4], [1, 1]], ["yes", "no"])
    result = agreement(pairs)
    assert result.percentage == 95.0
    assert result.kappa == pytest.approx(9 / 34, abs=1e-15)
    assert result.ac1 == pytest.approx(17649 / 18649, abs=1e-15)
    # Below the common benchmark of kappa >= 0.75, although agreement meets the 95% one.
    assert result.kappa < 0.75 < result.ac1


@pytest.mark.parametrize(
    ("table", "kappa", "ac1"),
    [
        # Gwet (2014) Handbook of Inter-Rater Reliability, 4th ed.: 100 pregnancies classified by two
        # abstractors (ectopic, abnormal intrauterine, normal intrauterine); Gwet's irrCAC package
        # ("cont3x3abstractors") and its Python port's tests give kappa 0.796 and AC1 0.849.
        ([[13, 0, 0], [0, 20, 7], [0, 4, 56]], 0.796, 0.849),
        # irrCAC "cont4x4diagnosis": 223 psychiatric patients, clinical against research diagnosis:
        # kappa 0.432, AC1 0.456.
        ([[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]], 0.432, 0.456),
    ],
)
def test_kappa_and_ac1_match_gwets_published_examples(table, kappa, ac1):
    labels = ["a", "b", "c", "d"][: len(table)]
    result = agreement(pairs_from_table(table, labels))
    assert round(result.kappa, 3) == kappa
    assert round(result.ac1, 3) == ac1


def test_ac1_of_the_abstractors_example_worked_by_hand():
    # po = 89/100. Rows 13, 27, 60; columns 13, 24, 63; pi = 26/200, 51/200, 123/200.
    # pe = (0.13 * 0.87 + 0.255 * 0.745 + 0.615 * 0.385) / 2 = 0.269925; AC1 = 0.620075 / 0.730075.
    pairs = pairs_from_table([[13, 0, 0], [0, 20, 7], [0, 4, 56]], ["a", "b", "c"])
    assert agreement(pairs).ac1 == pytest.approx(0.620075 / 0.730075, abs=1e-12)


def test_categories_nobody_used_raise_q_for_ac1_but_leave_kappa_alone():
    # With q = 3 the textbook example's pe halves: 0.495 / 2 = 0.2475; AC1 = 0.4525 / 0.7525 = 181/301.
    pairs = pairs_from_table([[20, 5], [10, 15]], ["yes", "no"])
    observed = agreement(pairs)
    declared = agreement(pairs, categories=["yes", "no", "not_applicable"])
    assert declared.ac1 == pytest.approx(181 / 301, abs=1e-15)
    assert declared.kappa == observed.kappa
    assert agreement(pairs, categories=["no", "yes"]) == observed


def test_an_answer_outside_the_categories_is_refused():
    with pytest.raises(ValueError, match="not among the categories"):
        agreement([("yes", "maybe"), ("no", "no")], categories=["yes", "no"])


def test_one_possible_answer_is_perfect_agreement_for_ac1_and_no_kappa():
    # Gwet's irrCAC takes pe as (practically) 0 when q = 1, so AC1 = observed agreement = 1.
    result = agreement([("yes", "yes")] * 4)
    assert (result.percentage, result.kappa, result.ac1) == (100.0, None, 1.0)
    assert agreement([("yes", "yes")] * 4, categories=["yes"]).ac1 == 1.0


def test_complete_disagreement_bottoms_ac1_at_minus_one():
    # pi = 1/2 each, pe = 1/2, po = 0: AC1 = -0.5 / 0.5 = -1.
    assert agreement([("yes", "no"), ("no", "yes")]).ac1 == -1.0


def test_agreement_accepts_any_iterable_once():
    pairs = [("yes", "yes"), ("no", "yes"), ("no", "no")]
    assert agreement(iter(pairs)) == agreement(pairs)


@given(st.lists(st.tuples(answers, answers), min_size=2, max_size=60), st.randoms(use_true_random=False))
def test_kappa_and_ac1_are_bounded_and_ignore_marker_and_case_order(pairs, rng):
    result = agreement(pairs)
    swapped = agreement([(b, a) for a, b in pairs])
    shuffled_pairs = list(pairs)
    rng.shuffle(shuffled_pairs)
    assert result.ac1 is not None
    assert -1 <= result.ac1 <= 1
    assert swapped.ac1 == result.ac1
    assert agreement(shuffled_pairs) == result
    if result.kappa is not None:
        assert -1 <= result.kappa <= 1
        assert swapped.kappa == result.kappa
    # Declaring a category nobody used can only make chance agreement smaller, so AC1 cannot fall.
    assert agreement(pairs, categories=["yes", "no", "not_applicable", "unused"]).ac1 >= result.ac1 - 1e-12


@given(st.lists(st.tuples(answers, answers), min_size=2, max_size=60))
def test_ac1_agrees_with_its_definition_in_exact_arithmetic(pairs):
    n = len(pairs)
    categories = {answer for pair in pairs for answer in pair}
    po = Fraction(sum(a == b for a, b in pairs), n)
    if len(categories) < 2:
        assert agreement(pairs).ac1 == 1.0
        return
    pi = {
        k: Fraction(sum(a == k for a, _ in pairs) + sum(b == k for _, b in pairs), 2 * n) for k in categories
    }
    pe = sum(p * (1 - p) for p in pi.values()) / (len(categories) - 1)
    assert agreement(pairs).ac1 == float((po - pe) / (1 - pe))


# --- Difference of two rates: Newcombe (1998) method 10 -----------------------------------------------------


@pytest.mark.parametrize(
    ("s1", "n1", "s2", "n2", "lower", "upper"),
    [
        # Newcombe RG (1998) Statistics in Medicine 17:873-890, Table II, method 10 (score, no continuity
        # correction), as proportions to 4 decimals.
        (56, 70, 48, 80, 0.0524, 0.3339),  # (a); also propint's tests of "results reported in Newcombe1998"
        (9, 10, 3, 10, 0.1705, 0.8090),  # (b); also propint's tests
        (6, 7, 2, 7, 0.0582, 0.8062),  # (c)
        (5, 56, 0, 29, -0.0381, 0.1926),  # (d); also ratesci's tests, "Newcombe RD example (d)"
        (0, 10, 0, 20, -0.1611, 0.2775),  # (e)
        (0, 10, 0, 10, -0.2775, 0.2775),  # (f)
        (10, 10, 0, 20, 0.6791, 1.0000),  # (g)
        (10, 10, 0, 10, 0.6075, 1.0000),  # (h)
    ],
)
def test_difference_matches_newcombes_worked_examples(s1, n1, s2, n2, lower, upper):
    result = difference(s1, n1, s2, n2)
    assert result.difference == pytest.approx(100 * (s1 / n1 - s2 / n2))
    assert round(result.lower / 100, 4) == lower
    assert round(result.upper / 100, 4) == upper


def test_difference_is_in_percentage_points():
    # (a) 80% against 60%: 20 points, 95% interval 5.2 to 33.4 points.
    result = difference(56, 70, 48, 80)
    assert result.difference == 20.0
    assert result.lower == pytest.approx(5.2431, abs=1e-4)
    assert result.upper == pytest.approx(33.3873, abs=1e-4)
    assert result.excludes_zero is True


def test_difference_is_built_from_the_two_wilson_intervals():
    first, second, result = sufficiency(26, 40), sufficiency(20, 40), difference(26, 40, 20, 40)
    assert result.lower == pytest.approx(
        result.difference - ((first.rate - first.lower) ** 2 + (second.upper - second.rate) ** 2) ** 0.5
    )
    assert result.upper == pytest.approx(
        result.difference + ((first.upper - first.rate) ** 2 + (second.rate - second.lower) ** 2) ** 0.5
    )


def test_overlapping_rates_do_not_exclude_zero():
    # 65% of 40 against 50% of 40: 15 points, but the interval runs from about -6 to +35.
    result = difference(26, 40, 20, 40)
    assert result.lower < 0 < result.upper
    assert result.excludes_zero is False


@pytest.mark.parametrize("counts", [(0, 0, 5, 10), (5, 10, 0, 0), (0, 0, 0, 0)])
def test_no_cases_on_either_side_gives_no_difference(counts):
    result = difference(*counts)
    assert result == Difference(None, None, None)
    assert result.excludes_zero is None


def test_impossible_counts_in_a_difference_are_refused():
    with pytest.raises(ValueError, match="must be between 0 and the total"):
        difference(11, 10, 5, 10)


def test_a_smaller_z_gives_a_narrower_interval():
    wide, narrow = difference(26, 40, 20, 40), difference(26, 40, 20, 40, z=1.2815515655446004)
    assert wide.lower < narrow.lower < narrow.difference == wide.difference < narrow.upper < wide.upper
    assert difference(26, 40, 20, 40, Z_95) == wide


samples = st.integers(1, 150).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(samples, samples)
def test_difference_interval_contains_the_estimate_within_bounds(first, second):
    result = difference(*first, *second)
    assert -100 <= result.lower <= result.difference <= result.upper <= 100


@given(samples, samples)
def test_swapping_the_groups_negates_the_difference(first, second):
    forward, backward = difference(*first, *second), difference(*second, *first)
    assert backward.difference == -forward.difference
    assert backward.lower == -forward.upper
    assert backward.upper == -forward.lower
    assert backward.excludes_zero == forward.excludes_zero


@given(samples)
def test_a_rate_against_itself_never_excludes_zero(sample):
    result = difference(*sample, *sample)
    assert result.difference == 0
    assert result.lower == -result.upper
    assert result.excludes_zero is False


# --- Band boundaries inside an interval ---------------------------------------------------------------------

BOUNDARIES = [50, 65, 80]  # the PDU framework's key-question bands: Requires improvement, Good, Outstanding


def test_the_methodology_example_crosses_two_boundaries():
    # 26 of 40 cases is 65%, just Good, with a 95% interval of 49.5-77.9%: the sample cannot tell
    # Requires improvement, Good (and, below 50, Inadequate) apart.
    result = sufficiency(26, 40)
    assert result.rate == 65.0
    assert round(result.lower, 1) == 49.5
    assert round(result.upper, 1) == 77.9
    assert interval_crosses(result.lower, result.upper, BOUNDARIES) == [50, 65]


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        (50, 64.9, []),  # a lower end exactly on a boundary is already in the higher band
        (49.9, 50, [50]),  # an upper end exactly on a boundary reaches the higher band
        (64.99, 65, [65]),
        (65, 65, []),  # a single point crosses nothing
        (0, 100, [50, 65, 80]),
        (81, 100, []),
        (0, 49.99, []),
    ],
)
def test_boundary_inclusion_lower_exclusive_upper_inclusive(lower, upper, expected):
    assert interval_crosses(lower, upper, BOUNDARIES) == expected


def test_boundaries_come_back_sorted_once_whatever_their_order():
    assert interval_crosses(40, 90, [80, 50, 65, 50]) == [50, 65, 80]
    assert interval_crosses(40, 90, iter([80, 50])) == [50, 80]
    assert interval_crosses(40, 90, []) == []


@pytest.mark.parametrize(("lower", "upper"), [(60, 50), (float("nan"), 50), (50, float("nan"))])
def test_an_impossible_interval_is_refused(lower, upper):
    with pytest.raises(ValueError, match="lower <= upper"):
        interval_crosses(lower, upper, BOUNDARIES)


def band(value: float) -> int:
    """How many boundaries a value has reached: a rate of exactly b is in the higher band."""
    return sum(value >= b for b in BOUNDARIES)


@given(st.integers(1, 150).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_crossed_boundaries_are_exactly_the_bands_the_interval_spans(sample):
    result = sufficiency(*sample)
    crossed = interval_crosses(result.lower, result.upper, BOUNDARIES)
    assert len(crossed) == band(result.upper) - band(result.lower)
    assert (band(result.lower) <= band(result.rate) <= band(result.upper)) is True
