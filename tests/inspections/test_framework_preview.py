"""The preview an administrator reads before publishing a framework: its case forms and rating rules in words."""

from inspections.definition_checks import parse
from inspections.framework_preview import applies_text, case_forms, rating_rules


def _framework() -> dict:
    yes_no = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
    return {
        "format": 2,
        "slug": "preview",
        "version": 1,
        "name": "Preview framework",
        "unit": "pdu",
        "effective_from": "2024-04-01",
        "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
        "overall": {
            "rule": "composite",
            "bands": {
                "6": {"outstanding": 6, "good": 4, "requires_improvement": 2},
                "3": {"outstanding": 3, "good": 2, "requires_improvement": 1.5},
            },
        },
        "domains": [{"code": "1", "title": "Organisation"}, {"code": "2", "title": "Cases"}],
        "case_kinds": [
            {
                "slug": "supervision",
                "name": "Supervision case",
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
                            {"value": "custody", "label": "Custody"},
                        ],
                    },
                    {"key": "start_date", "label": "Start date", "type": "date", "required": False},
                ],
                "facts": [
                    {
                        "key": "visits",
                        "label": "Home visits",
                        "question": "Were home visits made where needed?",
                        "options": [*yes_no, {"value": "not_needed", "label": "Not needed"}],
                        "sufficient": ["yes"],
                        "counted": ["yes", "no"],
                        "applies_when": {"attribute": "case_type", "in": ["licence", "custody"]},
                    }
                ],
                "needs": [{"key": "housing", "label": "Housing"}],
            }
        ],
        "standards": [
            {
                "code": "1.1",
                "domain": "1",
                "title": "Leadership",
                "rated_by": "team_judgement",
                "optional": True,
            },
            {
                "code": "2.1",
                "domain": "2",
                "title": "Assessment",
                "rated_by": "lowest_key_question",
                "case_kind": "supervision",
                "key_questions": [
                    {
                        "code": "2.1.1",
                        "criterion": "Engagement",
                        "wording": "Does assessment engage?",
                        "prompts": ["Were they involved?"],
                        "record_prompts": True,
                    },
                    {
                        "code": "2.1.2",
                        "criterion": "Release",
                        "wording": "Does assessment prepare for release?",
                        "applies_when": {"attribute": "case_type", "in": ["licence"]},
                    },
                ],
            },
        ],
    }


def test_the_case_form_shows_each_question_with_its_prompts_and_when_it_applies():
    [form] = case_forms(parse(_framework()))
    assert form.name == "Supervision case"
    assert [(a.label, a.kind, a.required) for a in form.attributes] == [
        ("Case type", "One of: Community, Licence, Custody", True),
        ("Start date", "A date", False),
    ]
    assert form.attributes[0].notes == ("Rates are broken down by it",)
    [standard] = form.standards
    engage, release = standard.questions
    assert (engage.prompts, engage.record_prompts, engage.applies) == (
        ("Were they involved?",),
        True,
        "Every supervision case",
    )
    assert release.applies == "Only where Case type is Licence"
    [fact] = form.facts
    assert fact.applies == "Only where Case type is Licence or Custody"
    assert [(o.label, o.counted, o.sufficient) for o in fact.options] == [
        ("Yes", True, True),
        ("No", True, False),
        ("Not needed", False, False),
    ]
    assert form.needs == ("Housing",)


def test_a_condition_on_several_values_lists_them_all():
    definition = parse(_framework())
    kind = definition.case_kinds[0]
    condition = kind.facts[0].applies_when
    assert applies_text(kind, condition) == "Only where Case type is Licence or Custody"


def test_the_rating_rules_say_how_each_standard_is_rated_the_bands_and_the_maxima():
    rules = rating_rules(parse(_framework()))
    leadership, assessment = rules.standards
    assert leadership.rated == "The team's judgement, with its rationale"
    assert leadership.optional == "Optional: rated unless the inspection's set-up leaves it out"
    assert assessment.rated.startswith("The lowest of its 2 key questions' rates over the supervision cases")
    assert (assessment.domain, assessment.optional) == ("Cases", "")
    assert rules.key_question_bands.lowest == (
        ("Outstanding", "80%"),
        ("Good", "65%"),
        ("Requires improvement", "50%"),
    )
    assert [bands.title for bands in rules.composite_bands] == ["Composite out of 3", "Composite out of 6"]
    assert rules.composite_bands[0].lowest[2] == ("Requires improvement", "1.5")
    assert rules.possible_maxima == (3, 6)
    assert rules.overall.startswith("The composite score")


def test_a_framework_without_a_published_rule_says_the_team_judges_overall():
    data = _framework()
    data["overall"]["rule"] = "team_judgement"
    assert rating_rules(parse(data)).overall.startswith("The team's overall judgement")


def test_a_standard_with_one_key_question_is_rated_by_that_question():
    data = _framework()
    del data["standards"][1]["key_questions"][1]
    assert (
        rating_rules(parse(data))
        .standards[1]
        .rated.startswith("Its key question's rate over the supervision")
    )
