import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.rating import agreement


def test_no_pairs_give_no_agreement():
    assert agreement([]) == agreement(())
    assert agreement([]).percentage is None
    assert agreement([]).kappa is None


def test_perfect_agreement_over_two_answers_has_kappa_one():
    result = agreement([("yes", "yes"), ("no", "no"), ("yes", "yes")])
    assert (result.cases, result.agreed, result.percentage, result.kappa) == (3, 3, 100.0, 1.0)


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
