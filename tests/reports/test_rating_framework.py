"""How a framework version rates an inspection (methodology sections 2a, 3 and 4): the rules come from its
Definition, so these tests build frameworks as documents and never name a standard in the rules."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections.definition_checks import parse
from reports.rating import (
    FrameworkBands,
    Rating,
    inspection_rating,
    max_composite_for,
    rated_standards,
)

R = Rating
CRITERIA = ("Engagement", "Desistance", "Keeping other people safe")


def _case_standard(code: str, title: str, case_kind: str, criteria=CRITERIA, **extra) -> dict:
    return {
        "code": code,
        "domain": "2",
        "title": title,
        "rated_by": "lowest_key_question",
        "case_kind": case_kind,
        "key_questions": [
            {
                "code": f"{code}.{i}",
                "criterion": criterion,
                "wording": f"Does {title.lower()} do {criterion}?",
            }
            for i, criterion in enumerate(criteria, start=1)
        ],
        **extra,
    }


def _kind(slug: str, name: str) -> dict:
    return {
        "slug": slug,
        "name": name,
        "attributes": [
            {
                "key": "case_type",
                "label": "Case type",
                "type": "choice",
                "required": True,
                "breakdown": True,
                "options": [
                    {"value": "community", "label": "Community"},
                    {"value": "licence", "label": "Licence"},
                ],
            }
        ],
    }


# The shape of the corrected 2021-23 PDU framework (methodology 2a): 1.1-1.4 by the team's judgement, 2.1 court
# work from court-report cases (optional: not rated where a shared court team does the work), 2.2-2.5 from
# supervision cases, three key questions each.
PDU_2021 = {
    "format": 2,
    "slug": "pdu-test",
    "version": 1,
    "name": "PDU inspections (test)",
    "unit": "pdu",
    "effective_from": "2021-06-01",
    "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
    "overall": {
        "rule": "composite",
        "bands": {
            "24": {"outstanding": 21, "good": 13, "requires_improvement": 5},
            "27": {"outstanding": 23, "good": 14, "requires_improvement": 5},
        },
    },
    "domains": [
        {"code": "1", "title": "Organisational delivery"},
        {"code": "2", "title": "Court work and cases"},
    ],
    "case_kinds": [_kind("supervision", "Supervision case"), _kind("court_report", "Court-report case")],
    "standards": [
        *(
            {"code": f"1.{i}", "domain": "1", "title": title, "rated_by": "team_judgement"}
            for i, title in enumerate(["Leadership", "Staff", "Services", "Information and facilities"], 1)
        ),
        _case_standard("2.1", "Court work", "court_report", ("Sources", "Advice"), optional=True),
        _case_standard("2.2", "Assessment", "supervision"),
        _case_standard("2.3", "Planning", "supervision"),
        _case_standard("2.4", "Implementation and delivery", "supervision"),
        _case_standard("2.5", "Reviewing", "supervision"),
    ],
}
DEFINITION = parse(PDU_2021)
# A key question rate that lands in each band.
RATE = {R.OUTSTANDING: 85.0, R.GOOD: 70.0, R.REQUIRES_IMPROVEMENT: 55.0, R.INADEQUATE: 30.0}


def _rate(definition, ratings: dict[str, Rating], *, court_work: bool, overall_judgement=None):
    """Rate an inspection where each standard (by code) gets the rating given: team judgements as given, case
    standards through key question rates in that band (one key question at it, the others higher)."""
    rates, judgements = {}, {}
    for standard in definition.standards:
        rating = ratings.get(standard.code)
        if standard.rated_by == "team_judgement":
            judgements[standard.code] = rating
        for index, kq in enumerate(standard.key_questions):
            rates[kq.code] = None if rating is None else (RATE[rating] if index == 1 else 100.0)
    return inspection_rating(
        definition,
        chosen_optional=["2.1"] if court_work else [],
        key_question_rates=rates,
        judgements=judgements,
        overall_judgement=overall_judgement,
    )


def test_gateshead_composite_of_15_out_of_27_is_good_with_court_work_rated():
    ratings = {"1.1": R.GOOD, "1.2": R.GOOD, "1.3": R.GOOD, "1.4": R.REQUIRES_IMPROVEMENT}
    ratings |= {"2.1": R.GOOD, "2.2": R.REQUIRES_IMPROVEMENT, "2.3": R.REQUIRES_IMPROVEMENT, "2.4": R.GOOD}
    ratings |= {"2.5": R.GOOD}
    result = _rate(DEFINITION, ratings, court_work=True)
    assert [s.standard.code for s in result.standards] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
    ]
    assert (result.composite_score, result.max_score, result.overall_rating) == (15, 27, R.GOOD)
    assert [s.rating for s in result.standards] == [ratings[s.standard.code] for s in result.standards]


def test_without_court_work_eight_standards_score_out_of_24():
    ratings = {"1.1": R.REQUIRES_IMPROVEMENT, "1.2": R.REQUIRES_IMPROVEMENT, "1.3": R.INADEQUATE}
    ratings |= {"1.4": R.INADEQUATE, "2.2": R.REQUIRES_IMPROVEMENT, "2.3": R.REQUIRES_IMPROVEMENT}
    ratings |= {"2.4": R.INADEQUATE, "2.5": R.INADEQUATE, "2.1": R.OUTSTANDING}  # 2.1 is not rated: ignored
    result = _rate(DEFINITION, ratings, court_work=False)
    assert "2.1" not in [s.standard.code for s in result.standards]
    assert (result.composite_score, result.max_score, result.overall_rating) == (4, 24, R.INADEQUATE)
    ratings["2.5"] = R.REQUIRES_IMPROVEMENT
    result = _rate(DEFINITION, ratings, court_work=False)
    assert (result.composite_score, result.max_score, result.overall_rating) == (
        5,
        24,
        R.REQUIRES_IMPROVEMENT,
    )


@pytest.mark.parametrize(("score", "expected"), [(11, R.REQUIRES_IMPROVEMENT), (4, R.INADEQUATE)])
def test_worked_examples_out_of_27(score, expected):
    # Nine standards: `score` points from Good (2) and Requires improvement (1) ratings, the rest Inadequate.
    codes = [s.code for s in DEFINITION.standards]
    ratings = dict.fromkeys(codes, R.INADEQUATE)
    for code in codes[: score // 2]:
        ratings[code] = R.GOOD
    if score % 2:
        ratings[codes[score // 2]] = R.REQUIRES_IMPROVEMENT
    result = _rate(DEFINITION, ratings, court_work=True)
    assert (result.composite_score, result.max_score, result.overall_rating) == (score, 27, expected)


def test_court_work_is_rated_by_its_lowest_key_question_like_any_case_standard():
    ratings = dict.fromkeys((s.code for s in DEFINITION.standards), R.GOOD)
    rates = {kq.code: 70.0 for _, kq in DEFINITION.key_questions()}
    rates["2.1.2"] = 5.0  # Leicester: court work sufficient in 5% of cases
    result = inspection_rating(
        DEFINITION,
        chosen_optional=["2.1"],
        key_question_rates=rates,
        judgements={code: ratings[code] for code in ("1.1", "1.2", "1.3", "1.4")},
    )
    by_code = {s.standard.code: s.rating for s in result.standards}
    assert by_code["2.1"] is R.INADEQUATE
    assert result.composite_score == 16


def test_the_composite_waits_for_every_counted_standard():
    ratings = dict.fromkeys((s.code for s in DEFINITION.standards), R.GOOD)
    del ratings["1.3"]
    result = _rate(DEFINITION, ratings, court_work=False)
    assert result.composite_score is None
    assert result.overall_rating is None
    assert result.max_score == 24


def _youth_like() -> dict:
    """Twelve standards in three domains on a 36-point scale, a thirteenth rated but outside the composite
    (resettlement), one recorded but not rated, and other criteria labels: the youth justice shape (methodology
    2c)."""
    document = copy.deepcopy(PDU_2021)
    document["domains"] = [
        {"code": "1", "title": "Organisational delivery"},
        {"code": "2", "title": "Court disposals"},
        {"code": "3", "title": "Out-of-court disposals"},
    ]
    document["overall"]["bands"] = {"36": {"outstanding": 31, "good": 19, "requires_improvement": 7}}
    document["case_kinds"] = [
        _kind("court", "Court disposal"),
        _kind("out_of_court", "Out-of-court disposal"),
    ]
    criteria = ("Safety and wellbeing", "Risk of harm to others")
    document["standards"] = [
        *(
            {"code": f"1.{i}", "domain": "1", "title": f"Organisation {i}", "rated_by": "team_judgement"}
            for i in range(1, 5)
        ),
        *(_case_standard(f"2.{i}", f"Court {i}", "court", criteria) for i in range(1, 5)),
        *(_case_standard(f"3.{i}", f"Out of court {i}", "out_of_court", criteria) for i in range(1, 5)),
    ]
    resettlement = _case_standard("3.5", "Resettlement", "court", criteria, counts_in_composite=False)
    document["standards"].append(resettlement)
    document["standards"].append(
        {**_case_standard("4.1", "Recorded only", "court", criteria), "domain": "3", "rated_by": "not_rated"}
    )
    return document


def test_a_rated_standard_outside_the_composite_is_rated_but_not_counted():
    definition = parse(_youth_like())
    ratings = dict.fromkeys((s.code for s in definition.standards), R.OUTSTANDING)
    ratings["3.5"] = R.INADEQUATE
    result = _rate(definition, ratings, court_work=False)
    codes = [s.standard.code for s in result.standards]
    assert "4.1" not in codes  # recorded, not rated
    assert len(codes) == 13
    assert {s.standard.code: s.rating for s in result.standards}["3.5"] is R.INADEQUATE
    assert max_composite_for(rated_standards(definition, [])) == 36
    assert (result.composite_score, result.max_score, result.overall_rating) == (36, 36, R.OUTSTANDING)


def test_a_36_point_scale_bands_by_its_own_maximum():
    definition = parse(_youth_like())
    ratings = dict.fromkeys((s.code for s in definition.standards), R.GOOD)
    ratings["1.1"] = R.OUTSTANDING
    result = _rate(definition, ratings, court_work=False)
    assert (result.composite_score, result.max_score, result.overall_rating) == (25, 36, R.GOOD)


def test_where_the_overall_rule_is_the_teams_judgement_the_composite_is_indicative():
    document = copy.deepcopy(PDU_2021)
    document["overall"]["rule"] = "team_judgement"
    definition = parse(document)
    ratings = dict.fromkeys((s.code for s in definition.standards), R.GOOD)
    result = _rate(definition, ratings, court_work=False, overall_judgement=R.INADEQUATE)
    assert result.rule == "team_judgement"
    assert result.overall_rating is R.INADEQUATE
    assert (result.composite_score, result.indicative_rating) == (16, R.GOOD)
    assert _rate(definition, ratings, court_work=False).overall_rating is None  # not judged yet


def test_a_pooled_standard_is_rated_by_the_lowest_of_its_pooled_rates():
    document = copy.deepcopy(PDU_2021)
    document["unit"] = "region"
    document["standards"] = [
        {"code": "1.1", "domain": "1", "title": "Leadership", "rated_by": "team_judgement"},
        {
            "code": "2.1",
            "domain": "2",
            "title": "Court work",
            "rated_by": "pooled",
            "pool_from": "pdu-test",
            "key_questions": [
                {"code": "R2.1.1", "criterion": "Sources", "wording": "Sources?", "pools": ["2.1.1"]},
                {"code": "R2.1.2", "criterion": "Advice", "wording": "Advice?", "pools": ["2.1.2"]},
            ],
        },
    ]
    document["overall"]["bands"] = {"6": {"outstanding": 6, "good": 4, "requires_improvement": 2}}
    definition = parse(document)
    result = inspection_rating(
        definition, key_question_rates={"R2.1.1": 90.0, "R2.1.2": 66.0}, judgements={"1.1": R.GOOD}
    )
    assert [(s.standard.code, s.rating) for s in result.standards] == [("1.1", R.GOOD), ("2.1", R.GOOD)]
    assert (result.composite_score, result.max_score, result.overall_rating) == (4, 6, R.GOOD)


def test_bands_are_read_from_the_definition():
    bands = FrameworkBands.from_definition(DEFINITION)
    assert bands.key_question.thresholds[R.GOOD] == 65
    assert sorted(bands.composite) == [24, 27]
    assert bands.composite[27].thresholds[R.GOOD] == 14


ratings = st.sampled_from(list(Rating))
codes = [s.code for s in DEFINITION.standards]


@given(st.fixed_dictionaries(dict.fromkeys(codes, ratings)), st.booleans())
def test_the_composite_is_bounded_by_three_points_a_counted_standard(chosen, court_work):
    result = _rate(DEFINITION, chosen, court_work=court_work)
    assert result.max_score == (27 if court_work else 24)
    assert 0 <= result.composite_score <= result.max_score
    assert result.composite_score == sum(s.rating.points for s in result.standards)


@given(st.fixed_dictionaries(dict.fromkeys(codes, ratings)), st.sampled_from(codes), st.booleans())
def test_raising_one_standard_never_lowers_the_overall_rating(chosen, code, court_work):
    before = _rate(DEFINITION, chosen, court_work=court_work)
    better = {**chosen, code: Rating.OUTSTANDING}
    after = _rate(DEFINITION, better, court_work=court_work)
    assert after.composite_score >= before.composite_score
    assert after.overall_rating.points >= before.overall_rating.points


@given(
    st.fixed_dictionaries(
        {
            kq.code: st.floats(min_value=0, max_value=100, allow_nan=False)
            for _, kq in DEFINITION.key_questions()
        }
    ),
    st.sampled_from([kq.code for _, kq in DEFINITION.key_questions()]),
)
def test_raising_a_key_question_rate_never_lowers_the_composite(rates, code):
    judgements = dict.fromkeys(("1.1", "1.2", "1.3", "1.4"), R.GOOD)

    def composite(values):
        return inspection_rating(
            DEFINITION, chosen_optional=["2.1"], key_question_rates=values, judgements=judgements
        ).composite_score

    assert composite({**rates, code: 100.0}) >= composite(rates)
