import itertools
import math
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import sample_design as sd
from cases.sample_design import (
    FEMALE,
    MALE_COMMUNITY_LOW,
    MALE_COMMUNITY_NON_LOW,
    MALE_POST_CUSTODY_LOW,
    MALE_POST_CUSTODY_NON_LOW,
    CaseRecord,
    Draw,
    NestedAllocation,
    achieved_margin,
    allocate,
    allocate_representing_all,
    cap_per_group,
    default_stratum,
    draw,
    draw_systematic,
    nested_allocation,
    over_representation,
    replacement,
    sample_size,
)

# --- sample size -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "expected"),
    [(0, 0), (1, 1), (2, 2), (50, 23), (100, 30), (300, 37), (1_000, 40), (10**9, 42)],
)
def test_sample_size_matches_the_methodology_figures_at_80_percent_plus_minus_10(population, expected):
    assert sample_size(population) == expected


def test_sample_size_does_not_round_an_exact_integer_up_because_of_float_dust(monkeypatch):
    # z**2 = 1.08 at ±10 gives n0 = 27 and, for N = 13, exactly 9, which floats compute as 9.000000000000002.
    monkeypatch.setattr(sd, "_z", lambda confidence: math.sqrt(1.08))
    assert sample_size(13) == 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": 10, "confidence": 0.0}, "confidence"),
        ({"population": 10, "confidence": 1.0}, "confidence"),
        ({"population": 10, "confidence": 1.5}, "confidence"),
        ({"population": 10, "confidence": float("nan")}, "confidence"),
        ({"population": 10, "margin": 0.0}, "margin"),
        ({"population": 10, "margin": 0.51}, "margin"),
        ({"population": 10, "margin": -0.1}, "margin"),
        ({"population": -1}, "population"),
    ],
)
def test_sample_size_rejects_bad_parameters_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample_size(**kwargs)


@given(
    population=st.integers(0, 10**7),
    confidence=st.floats(0.5, 0.999),
    margin=st.floats(0.005, 0.5),
)
def test_sample_size_is_monotone_in_population_and_never_exceeds_it(population, confidence, margin):
    n = sample_size(population, confidence, margin)
    assert 0 <= n <= population
    assert n <= sample_size(population + 1, confidence, margin)


@given(population=st.integers(1, 10**7), confidence=st.floats(0.5, 0.999), margin=st.floats(0.005, 0.5))
def test_sample_size_achieves_the_requested_margin(population, confidence, margin):
    achieved = achieved_margin(sample_size(population, confidence, margin), population, confidence)
    assert achieved is not None
    assert achieved <= margin * (1 + 1e-9)


# --- achieved margin ---------------------------------------------------------------------------------------


def test_achieved_margin_is_none_for_an_empty_sample():
    assert achieved_margin(0, 100) is None


def test_achieved_margin_is_zero_for_a_census():
    assert achieved_margin(50, 50) == 0.0


@pytest.mark.parametrize(("sample", "population"), [(42, 10**9), (23, 50), (30, 100), (40, 1_000)])
def test_achieved_margin_of_the_methodology_sizes_is_within_ten_points(sample, population):
    margin = achieved_margin(sample, population)
    assert margin is not None
    assert 0.09 < margin <= 0.10


def test_achieved_margin_inverts_the_size_formula_for_a_large_population():
    # 41.06 cases would give exactly ±10; 42 gives slightly better.
    assert achieved_margin(42, 10**9) == pytest.approx(0.0989, abs=1e-4)


@pytest.mark.parametrize(
    ("args", "message"),
    [((11, 10), "exceed"), ((-1, 10), "negative"), ((1, -1), "negative"), ((5, 10, 1.0), "confidence")],
)
def test_achieved_margin_rejects_bad_parameters(args, message):
    with pytest.raises(ValueError, match=message):
        achieved_margin(*args)


# --- allocation --------------------------------------------------------------------------------------------

FIVE_STRATA = {"a": 454, "b": 138, "c": 327, "d": 129, "e": 169}


@pytest.mark.parametrize(
    ("counts", "n", "expected"),
    [
        (FIVE_STRATA, 148, {"a": 55, "b": 17, "c": 40, "d": 16, "e": 20}),
        ({"x": 5, "y": 5, "z": 5}, 10, {"x": 4, "y": 3, "z": 3}),
        ({"x": 50, "y": 50, "z": 50}, 1000, {"x": 50, "y": 50, "z": 50}),
        ({"x": 20, "y": 5, "z": 2}, 12, {"x": 9, "y": 2, "z": 1}),
    ],
)
def test_allocate_matches_the_acceptance_figures(counts, n, expected):
    assert allocate(counts, n) == expected


def test_largest_remainder_ties_go_to_the_larger_stratum():
    # Quotas 0.5, 1.5, 1.0: small and big tie on 0.5 for the one extra case, and big has more cases.
    assert allocate({"small": 1, "big": 3, "other": 2}, 3) == {"small": 0, "big": 2, "other": 1}


def test_largest_remainder_full_ties_go_to_the_stratum_given_first():
    assert allocate({"c": 5, "b": 5, "a": 5}, 10) == {"c": 4, "b": 3, "a": 3}
    assert list(allocate({"c": 5, "b": 5, "a": 5}, 10)) == ["c", "b", "a"]


def test_allocate_above_the_total_gives_every_case():
    assert allocate({"x": 3, "y": 0, "z": 7}, 11) == {"x": 3, "y": 0, "z": 7}


def test_allocate_never_gives_an_empty_stratum_a_case():
    assert allocate({"x": 3, "empty": 0, "z": 4}, 5)["empty"] == 0


@pytest.mark.parametrize(
    ("counts", "n", "expected"),
    [({}, 5, {}), ({"x": 0, "y": 0}, 5, {"x": 0, "y": 0}), ({"x": 4, "y": 6}, 0, {"x": 0, "y": 0})],
)
def test_allocate_handles_empty_inputs(counts, n, expected):
    assert allocate(counts, n) == expected


@pytest.mark.parametrize(("counts", "n"), [({"x": -1, "y": 3}, 2), ({"x": 1}, -1)])
def test_allocate_rejects_negative_numbers(counts, n):
    with pytest.raises(ValueError, match="negative"):
        allocate(counts, n)


count_maps = st.lists(st.integers(0, 500), max_size=8).map(lambda cs: {f"s{i}": c for i, c in enumerate(cs)})


@given(counts=count_maps, n=st.integers(0, 4000))
def test_allocate_sums_to_n_or_the_total_and_never_exceeds_a_stratum(counts, n):
    shares = allocate(counts, n)
    assert list(shares) == list(counts)
    assert sum(shares.values()) == min(n, sum(counts.values()))
    assert all(0 <= shares[k] <= counts[k] for k in counts)


@given(counts=count_maps, n=st.integers(0, 4000))
def test_allocate_stays_within_one_case_of_the_exact_quota(counts, n):
    total = sum(counts.values())
    n = min(n, total)
    shares = allocate(counts, n)
    for k, c in counts.items():
        quota = Fraction(c * n, total) if total else Fraction(0)
        assert abs(shares[k] - quota) < 1


def test_allocate_representing_all_gives_every_non_empty_stratum_a_case():
    counts = {"big": 100, "tiny": 1, "mid": 20, "none": 0}
    assert allocate(counts, 10) == {"big": 8, "tiny": 0, "mid": 2, "none": 0}
    assert allocate_representing_all(counts, 10) == {"big": 7, "tiny": 1, "mid": 2, "none": 0}


def test_allocate_representing_all_falls_back_to_allocate_when_n_is_below_the_number_of_strata():
    counts = {"a": 10, "b": 1, "c": 1}
    assert allocate_representing_all(counts, 2) == allocate(counts, 2)


@given(counts=count_maps, n=st.integers(0, 4000))
def test_allocate_representing_all_sums_right_and_represents_every_stratum_when_it_can(counts, n):
    shares = allocate_representing_all(counts, n)
    assert sum(shares.values()) == min(n, sum(counts.values()))
    assert all(0 <= shares[k] <= counts[k] for k in counts)
    non_empty = [k for k, c in counts.items() if c > 0]
    if n >= len(non_empty):
        assert all(shares[k] >= 1 for k in non_empty)


def test_over_representation_reports_percentage_points_against_the_caseload():
    counts = {"big": 100, "tiny": 1, "mid": 20, "none": 0}
    gaps = over_representation(counts, allocate_representing_all(counts, 10))
    assert gaps["tiny"] == pytest.approx(100 * (1 / 10 - 1 / 121))
    assert gaps["none"] == 0.0
    assert sum(gaps.values()) == pytest.approx(0.0, abs=1e-9)


def test_over_representation_is_zero_when_nothing_is_sampled():
    assert over_representation({"a": 3, "b": 4}, {"a": 0, "b": 0}) == {"a": 0.0, "b": 0.0}


def test_over_representation_rejects_unknown_strata():
    with pytest.raises(ValueError, match="not in counts"):
        over_representation({"a": 3}, {"b": 1})


# --- practitioner cap --------------------------------------------------------------------------------------


def test_cap_moves_the_excess_to_officers_with_room_in_proportion_to_their_room():
    counts = {"x": 20, "y": 5, "z": 2}
    proposed = allocate(counts, 12)
    assert proposed == {"x": 9, "y": 2, "z": 1}
    assert cap_per_group(counts, proposed, 6) == ({"x": 6, "y": 4, "z": 2}, 0)


def test_cap_reports_a_shortfall_when_no_officer_has_room():
    assert cap_per_group({"x": 20, "y": 1}, {"x": 10, "y": 1}, 6) == ({"x": 6, "y": 1}, 4)


def test_cap_moves_cases_allocated_beyond_an_officers_eligible_cases():
    assert cap_per_group({"x": 2, "y": 10}, {"x": 5, "y": 0}, 6) == ({"x": 2, "y": 3}, 0)


def test_cap_treats_missing_officers_as_allocated_nothing():
    assert cap_per_group({"x": 9, "y": 3}, {"x": 8}, 6) == ({"x": 6, "y": 2}, 0)


@pytest.mark.parametrize(
    ("counts", "allocation", "cap", "message"),
    [
        ({"x": 3}, {"y": 1}, 6, "not in counts"),
        ({"x": 3}, {"x": 1}, -1, "cap"),
        ({"x": 3}, {"x": -1}, 6, "negative"),
    ],
)
def test_cap_rejects_bad_input(counts, allocation, cap, message):
    with pytest.raises(ValueError, match=message):
        cap_per_group(counts, allocation, cap)


@given(counts=count_maps, data=st.data(), cap=st.integers(0, 10))
def test_cap_conserves_cases_and_keeps_everyone_within_limits(counts, data, cap):
    allocation = {k: data.draw(st.integers(0, 20)) for k in counts}
    placed, short = cap_per_group(counts, allocation, cap)
    assert sum(placed.values()) + short == sum(allocation.values())
    for k, c in counts.items():
        assert min(allocation[k], c, cap) <= placed[k] <= min(c, cap)


# --- nested allocation and draws ---------------------------------------------------------------------------


def make_cases(spec: dict[tuple[str, str, str], int]) -> list[CaseRecord]:
    return [
        CaseRecord(f"{s}-{t}-{p}-{i:03d}", s, t, p) for (s, t, p), count in spec.items() for i in range(count)
    ]


CASELOAD = make_cases(
    {
        ("A", "t1", "ann"): 20,
        ("A", "t1", "bob"): 5,
        ("A", "t1", "cat"): 2,
        ("A", "t2", "dan"): 10,
        ("A", "t2", "fay"): 9,
        ("B", "t1", "gus"): 8,
        ("B", "t2", "eve"): 15,
        ("B", "t2", "hal"): 7,
    }
)


def test_nested_allocation_splits_strata_proportionally_and_keeps_every_officer_under_the_cap():
    alloc = nested_allocation(CASELOAD, 30, cap=6)
    per_stratum = Counter[str]()
    per_officer = Counter[str]()
    for (s, _, p), k in alloc.cells.items():
        per_stratum[s] += k
        per_officer[p] += k
    assert dict(per_stratum) == allocate({"A": 46, "B": 30}, 30) == {"A": 18, "B": 12}
    assert max(per_officer.values()) == 6
    assert alloc.shortfall == {"A": 0, "B": 0}


def test_nested_allocation_counts_an_officers_cases_across_strata_against_the_cap():
    cases = make_cases(
        {("A", "t", "ann"): 6, ("A", "t", "bob"): 6, ("B", "t", "ann"): 4, ("B", "t", "eve"): 20}
    )
    alloc = nested_allocation(cases, 19, cap=6, allocate_strata=lambda counts, n: {"A": 12, "B": 7})
    assert alloc.cells == {
        ("A", "t", "ann"): 6,
        ("A", "t", "bob"): 6,
        ("B", "t", "ann"): 0,
        ("B", "t", "eve"): 6,
    }
    assert alloc.shortfall == {"A": 0, "B": 1}


def test_nested_allocation_passes_a_full_teams_excess_to_another_team_of_the_stratum():
    cases = make_cases({("A", "t1", "ann"): 30, ("A", "t2", "dan"): 10})
    alloc = nested_allocation(cases, 12, cap=6)
    assert alloc.cells == {("A", "t1", "ann"): 6, ("A", "t2", "dan"): 6}
    assert alloc.shortfall == {"A": 0}


def test_nested_allocation_reports_a_shortfall_when_the_stratum_has_no_room():
    cases = make_cases({("A", "t1", "ann"): 30, ("A", "t2", "dan"): 3})
    alloc = nested_allocation(cases, 12, cap=6)
    assert alloc.cells == {("A", "t1", "ann"): 6, ("A", "t2", "dan"): 3}
    assert alloc.shortfall == {"A": 3}


def test_nested_allocation_never_exceeds_the_cap_for_an_officer_in_two_teams():
    cases = make_cases({("A", "t1", "ann"): 10, ("A", "t2", "ann"): 10})
    alloc = nested_allocation(cases, 12, cap=6)
    assert sum(alloc.cells.values()) == 6
    assert alloc.shortfall == {"A": 6}


@settings(max_examples=60)
@given(
    cases=st.lists(
        st.tuples(st.sampled_from("AB"), st.sampled_from(["t1", "t2"]), st.sampled_from("pqr")), max_size=60
    ),
    n=st.integers(0, 60),
    cap=st.integers(0, 8),
)
def test_nested_allocation_conserves_cases_and_keeps_every_officer_within_the_cap(cases, n, cap):
    records = [CaseRecord(f"K{i:03d}", *row) for i, row in enumerate(cases)]
    alloc = nested_allocation(records, n, cap)
    per_officer = Counter[str]()
    for (_, _, p), k in alloc.cells.items():
        per_officer[p] += k
    assert all(k <= cap for k in per_officer.values())
    assert sum(alloc.cells.values()) + sum(alloc.shortfall.values()) == min(n, len(records))
    available = Counter((c.stratum, c.team, c.practitioner) for c in records)
    assert all(k <= available[cell] for cell, k in alloc.cells.items())


def test_nested_allocation_can_represent_every_stratum():
    cases = make_cases({("A", "t", "p"): 100, ("B", "t", "q"): 1})
    assert nested_allocation(cases, 5, allocate_strata=allocate).cells[("B", "t", "q")] == 0
    assert nested_allocation(cases, 5, allocate_strata=allocate_representing_all).cells[("B", "t", "q")] == 1


def test_nested_allocation_rejects_duplicate_case_keys():
    with pytest.raises(ValueError, match="duplicate"):
        nested_allocation([CaseRecord("X1", "A", "t", "p"), CaseRecord("X1", "B", "t", "p")], 1)


def cell_counts(result: Draw, cases: list[CaseRecord]) -> Counter[tuple[str, str, str]]:
    where = {c.key: (c.stratum, c.team, c.practitioner) for c in cases}
    return Counter(where[k] for keys in result.selected.values() for k in keys)


@pytest.mark.parametrize("method", [draw, draw_systematic])
def test_draw_selects_the_allocated_number_in_each_cell(method):
    alloc = nested_allocation(CASELOAD, 30)
    result = method(CASELOAD, alloc, seed=7, reserve_per_stratum=3)
    assert cell_counts(result, CASELOAD) == Counter({c: k for c, k in alloc.cells.items() if k})
    assert result.shortfall == {"A": 0, "B": 0}
    assert all(len(result.reserve[s]) == 3 for s in ("A", "B"))


@pytest.mark.parametrize(
    ("method", "name"), [(draw, "stratified-random-v1"), (draw_systematic, "stratified-systematic-v1")]
)
def test_draw_records_its_algorithm_version(method, name):
    assert method(CASELOAD, nested_allocation(CASELOAD, 10), seed=1).algorithm == name


@pytest.mark.parametrize("method", [draw, draw_systematic])
def test_draw_counts_cells_it_cannot_fill_as_shortfall(method):
    alloc = NestedAllocation({("A", "t1", "cat"): 5, ("C", "t9", "zed"): 2}, {"A": 1})
    result = method(CASELOAD, alloc, seed=3)
    assert result.shortfall["A"] == 1 + 3
    assert result.shortfall["C"] == 2
    assert result.selected["C"] == []


@pytest.mark.parametrize("method", [draw, draw_systematic])
def test_draw_rejects_duplicate_keys_and_negative_reserve(method):
    alloc = nested_allocation(CASELOAD, 5)
    with pytest.raises(ValueError, match="duplicate"):
        method([*CASELOAD, CASELOAD[0]], alloc, seed=1)
    with pytest.raises(ValueError, match="reserve"):
        method(CASELOAD, alloc, seed=1, reserve_per_stratum=-1)


def test_systematic_draw_takes_evenly_spaced_cases_in_key_order():
    cases = make_cases({("A", "t", "p"): 10})
    result = draw_systematic(cases, NestedAllocation({("A", "t", "p"): 5}, {}), seed=11)
    positions = [int(k.rsplit("-", 1)[1]) for k in result.selected["A"]]
    assert [b - a for a, b in itertools.pairwise(positions)] == [2, 2, 2, 2]


def test_a_recorded_seed_reproduces_the_recorded_random_draw():
    # Pins "stratified-random-v1": if this changes, the algorithm version must change too.
    result = draw(CASELOAD, nested_allocation(CASELOAD, 10), seed=2024, reserve_per_stratum=2)
    assert result.selected == {
        "A": ["A-t1-ann-000", "A-t2-dan-009", "A-t2-fay-007", "A-t1-ann-009", "A-t1-bob-001", "A-t1-ann-008"],
        "B": ["B-t2-eve-011", "B-t2-eve-012", "B-t1-gus-004", "B-t2-hal-000"],
    }
    assert result.reserve == {"A": ["A-t1-ann-003", "A-t2-dan-000"], "B": ["B-t2-eve-003", "B-t1-gus-002"]}


def test_a_recorded_seed_reproduces_the_recorded_systematic_draw():
    # Pins "stratified-systematic-v1": if this changes, the algorithm version must change too.
    result = draw_systematic(CASELOAD, nested_allocation(CASELOAD, 10), seed=2024, reserve_per_stratum=2)
    assert result.selected == {
        "A": ["A-t1-ann-005", "A-t1-ann-011", "A-t1-ann-018", "A-t1-bob-001", "A-t2-dan-009", "A-t2-fay-004"],
        "B": ["B-t1-gus-006", "B-t2-eve-006", "B-t2-eve-013", "B-t2-hal-005"],
    }
    assert result.reserve == {"A": ["A-t1-ann-007", "A-t2-dan-003"], "B": ["B-t2-eve-005", "B-t2-hal-006"]}


def test_different_seeds_usually_give_different_draws():
    alloc = nested_allocation(CASELOAD, 20)
    for method in (draw, draw_systematic):
        draws = {tuple(method(CASELOAD, alloc, seed=s).selected["A"]) for s in range(20)}
        assert len(draws) >= 15


caseloads = st.lists(
    st.tuples(st.sampled_from("ABC"), st.sampled_from(["t1", "t2"]), st.sampled_from(["p", "q", "r", "s"])),
    max_size=60,
).map(lambda rows: [CaseRecord(f"K{i:03d}", *row) for i, row in enumerate(rows)])


@settings(max_examples=60)
@given(cases=caseloads, n=st.integers(0, 60), seed=st.integers(0, 2**32), data=st.data())
def test_same_seed_gives_the_same_draw_whatever_the_input_order(cases, n, seed, data):
    shuffled = data.draw(st.permutations(cases))
    for method in (draw, draw_systematic):
        first = method(cases, nested_allocation(cases, n), seed, reserve_per_stratum=5)
        second = method(shuffled, nested_allocation(shuffled, n), seed, reserve_per_stratum=5)
        assert first == second


@settings(max_examples=60)
@given(cases=caseloads, n=st.integers(0, 60), seed=st.integers(0, 2**32), reserve=st.integers(0, 10))
def test_reserve_and_selected_cases_never_overlap(cases, n, seed, reserve):
    alloc = nested_allocation(cases, n)
    for method in (draw, draw_systematic):
        result = method(cases, alloc, seed, reserve_per_stratum=reserve)
        for stratum, chosen in result.selected.items():
            assert not set(chosen) & set(result.reserve[stratum])
            assert len(set(chosen)) == len(chosen)
            assert len(result.reserve[stratum]) <= reserve
        assert sum(map(len, result.selected.values())) + sum(result.shortfall.values()) == min(n, len(cases))


# --- replacement -------------------------------------------------------------------------------------------


def test_replacement_gives_the_next_unused_reserve_case_then_none():
    result = Draw({"A": ["k1"]}, {"A": ["r1", "r2", "r3"]}, {"A": 0}, "stratified-random-v1")
    assert replacement(result, "A", []) == "r1"
    assert replacement(result, "A", {"r1"}) == "r2"
    assert replacement(result, "A", ["r1", "r3"]) == "r2"
    assert replacement(result, "A", ["r1", "r2", "r3"]) is None


def test_replacement_for_an_unknown_stratum_is_an_error():
    with pytest.raises(KeyError):
        replacement(Draw({}, {}, {}, "stratified-random-v1"), "nope", [])


# --- default strata ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "sentence", "rosh", "expected"),
    [
        ("Female", "Licence", "High", FEMALE),
        ("F", "anything", "unknown", FEMALE),
        ("Male", "Community Order", "Low", MALE_COMMUNITY_LOW),
        ("male", "suspended_sentence_order", "MEDIUM", MALE_COMMUNITY_NON_LOW),
        (" M ", "SSO", "very  high", MALE_COMMUNITY_NON_LOW),
        ("MALE", "licence", "low", MALE_POST_CUSTODY_LOW),
        ("male", "Post-Sentence Supervision", "very_high", MALE_POST_CUSTODY_NON_LOW),
        ("male", "supervision default order", "high", MALE_POST_CUSTODY_NON_LOW),
        ("other", "licence", "low", None),
        ("", "licence", "low", None),
        ("male", "court report", "low", None),
        ("male", "licence", "", None),
    ],
)
def test_default_stratum_places_cases_in_the_inspectorate_sampler_strata(gender, sentence, rosh, expected):
    assert default_stratum(gender, sentence, rosh) == expected
