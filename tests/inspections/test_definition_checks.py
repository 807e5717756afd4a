"""Reading a framework document: a good one becomes a Definition, and every kind of mistake gets a message that says
where it is, what is wrong and how to fix it, all at once."""

import copy
import json

import pytest

from inspections.definition_checks import DefinitionInvalid, parse, parse_json
from inspections.definitions import document
from tests.factories import small_framework_document

MINIMAL = small_framework_document()


def _raw_problems(change):
    data = copy.deepcopy(MINIMAL)
    change(data)
    with pytest.raises(DefinitionInvalid) as invalid:
        parse(data)
    return invalid.value.problems


def _problems(change) -> list[str]:
    return [str(problem) for problem in _raw_problems(change)]


def test_a_good_document_is_read_and_given_back_unchanged():
    definition = parse(MINIMAL)
    assert definition.possible_maxima() == [6]
    assert [kq.code for _, kq in definition.key_questions("supervision")] == ["2.1.1", "2.1.2"]
    licence, community = {"case_type": "licence"}, {"case_type": "community"}
    release = definition.standard("2.1").key_questions[1]
    assert release.applies_to(licence)
    assert not release.applies_to(community)
    assert parse(document(definition)) == definition


def _set(path, value):
    def change(data):
        *parents, last = path
        target = data
        for part in parents:
            target = target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value

    return change


_DELETE = object()


def _pooled_without_pool_from(data):
    standard = data["standards"][1]
    standard["rated_by"] = "pooled"
    del standard["case_kind"]
    for key_question in standard["key_questions"]:
        key_question.pop("applies_when", None)
        key_question["pools"] = ["2.1.1"]


KQ = ["standards", 1, "key_questions", 0]
FACT = ["case_kinds", 0, "facts", 0]

MISTAKES = [
    ("a required field left out", _set(["name"], _DELETE), 'framework.name: is missing. Add "name" here.'),
    (
        "a misspelt field",
        _set([*KQ, "critrion"], "x"),
        'key_questions[0].critrion: is not a field this part of a framework has. Did you mean "criterion"?',
    ),
    (
        "a version that is not a whole number",
        _set(["version"], "two"),
        "framework.version: must be a whole number from 1 to 32767, not 'two'.",
    ),
    (
        "an unknown unit",
        _set(["unit"], "county"),
        'framework.unit: "county" is not allowed. Use one of: pdu, region.',
    ),
    (
        "a date in the wrong form",
        _set(["effective_from"], "01/04/2024"),
        "framework.effective_from: '01/04/2024' is not a date. Write it as YYYY-MM-DD.",
    ),
    (
        "bands in the wrong order",
        _set(["key_question_bands", "good"], 90),
        "framework.key_question_bands: The lowest values must rise",
    ),
    (
        "a band above 100%",
        _set(["key_question_bands", "outstanding"], 120),
        "must be a number above 0 and at most 100, not 120.",
    ),
    (
        "a standard in an unknown domain",
        _set(["standards", 0, "domain"], "9"),
        'standards[0].domain: "9" is not one of the domains. Use one of: 1, 2.',
    ),
    (
        "an unknown way of rating",
        _set(["standards", 0, "rated_by"], "lead"),
        'standards[0].rated_by: "lead" is not allowed. Use one of: lowest_key_question, team_judgement, pooled, not_rated.',
    ),
    (
        "a case standard naming an unknown case kind",
        _set(["standards", 1, "case_kind"], "court"),
        'standards[1].case_kind: "court" is not one of the case kinds. Use one of: supervision.',
    ),
    (
        "a case standard without key questions",
        _set(["standards", 1, "key_questions"], []),
        "standards[1].key_questions: A standard rated from cases needs its key questions.",
    ),
    (
        "a judged standard with key questions",
        _set(["standards", 0, "key_questions"], MINIMAL["standards"][1]["key_questions"]),
        "standards[0].key_questions: A standard rated by the team's judgement has no key questions. Remove them",
    ),
    (
        "two key questions with one code",
        _set(["standards", 1, "key_questions", 1, "code"], "2.1.1"),
        'The key question code "2.1.1" is used twice (first at standards[1].key_questions[0].code).',
    ),
    (
        "a condition on an unknown attribute",
        _set([*KQ, "applies_when"], {"attribute": "sex", "in": ["f"]}),
        'applies_when.attribute: "sex" is not an attribute of this case kind. Use one of: case_type, start_date.',
    ),
    (
        "a condition on an unknown value",
        _set([*KQ, "applies_when"], {"attribute": "case_type", "in": ["parole"]}),
        'applies_when.in: "parole" is not a value of case_type.',
    ),
    (
        "a fact counting an answer it does not offer",
        _set([*FACT, "sufficient"], ["ja"]),
        'case_kinds[0].facts[0].sufficient: "ja" is not one of its options. Use: yes, no.',
    ),
    (
        "a fact whose sufficient answers are not counted",
        _set([*FACT, "counted"], ["no"]),
        "Every sufficient answer must also be counted.",
    ),
    (
        "an attribute of an unknown type",
        _set(["case_kinds", 0, "attributes", 1, "type"], "datum"),
        'attributes[1].type: "datum" is not allowed. Did you mean "date"? Use one of: choice, date, text.',
    ),
    (
        "a choice without options",
        _set(["case_kinds", 0, "attributes", 0, "options"], []),
        "A choice needs its options.",
    ),
    (
        "no overall bands for a maximum the standards can give",
        _set(["overall", "bands"], {"9": {"outstanding": 8, "good": 5, "requires_improvement": 2}}),
        "There are no bands for a composite out of 6, which these standards can give.",
    ),
    (
        "recording prompts a key question does not have",
        _set([*KQ, "record_prompts"], True),
        "record_prompts: There are no prompts to record.",
    ),
    (
        "a pooled standard that names nothing to pool",
        _set(["standards", 1, "rated_by"], "pooled"),
        "A pooled standard's key question must say what it pools.",
    ),
    (
        "a misspelt way of rating, with a suggestion",
        _set(["standards", 1, "rated_by"], "lowest_keyquestion"),
        'standards[1].rated_by: "lowest_keyquestion" is not allowed. Did you mean "lowest_key_question"?',
    ),
    (
        "two standards with one code",
        _set(["standards", 1, "code"], "1.1"),
        'standards[1].code: The standard code "1.1" is used twice (first at standards[0].code). Give each its own.',
    ),
    (
        "two domains with one code",
        _set(["domains", 1, "code"], "1"),
        'domains[1].code: The domain code "1" is used twice',
    ),
    (
        "a pooled standard that does not say whose cases it pools",
        _pooled_without_pool_from,
        'standards[1].pool_from: A pooled standard must name the framework whose cases it pools. Add "pool_from"',
    ),
    (
        "a standard that pools but is not pooled",
        _set(["standards", 1, "pool_from"], "pdu-2023"),
        'standards[1].pool_from: Only a pooled standard pools other units\' cases. Remove "pool_from"',
    ),
    (
        "a date that does not exist",
        _set(["effective_from"], "2024-02-30"),
        "framework.effective_from: '2024-02-30' is not a date. Write it as YYYY-MM-DD.",
    ),
    (
        "a case kind that no part of the file defines",
        _set(["case_kinds"], _DELETE),
        'standards[1].case_kind: "supervision" is not one of the case kinds. Define it in "case_kinds"',
    ),
    (
        "a condition on an attribute that has no options",
        _set([*KQ, "applies_when"], {"attribute": "start_date", "in": ["2024-01-01"]}),
        "applies_when.attribute: start_date is a date: a condition needs an attribute with options.",
    ),
    (
        "a misspelt value in a condition, with a suggestion",
        _set([*KQ, "applies_when"], {"attribute": "case_type", "in": ["license"]}),
        '"license" is not a value of case_type. Did you mean "licence"? Use: community, licence.',
    ),
    (
        "a stored value that starts with a digit",
        _set(["case_kinds", 0, "attributes", 0, "options", 0, "value"], "10_14"),
        'options[0].value: "10_14" cannot be a stored value. Use lower case letters, digits and _, starting with a letter',
    ),
    (
        "a band written as text",
        _set(["key_question_bands", "good"], "65"),
        "framework.key_question_bands.good: must be a number above 0 and at most 100, not '65'.",
    ),
    (
        "a flag written as text",
        _set(["standards", 1, "optional"], "yes"),
        "standards[1].optional: must be true or false, not 'yes'. Write true or false, without quotes.",
    ),
    (
        "an overall rule that does not exist",
        _set(["overall", "rule"], "sum"),
        'framework.overall.rule: "sum" is not allowed. Use one of: composite, team_judgement.',
    ),
    (
        "key questions that are not a list",
        _set(["standards", 1, "key_questions"], {"code": "2.1.1"}),
        "standards[1].key_questions: must be a list ([...]), not an object.",
    ),
    (
        "a standard that is not an object",
        _set(["standards", 0], "1.1 Leadership"),
        "standards[0]: must be an object ({...}), not text.",
    ),
    (
        "a standard code with spaces, which pages could not link to",
        _set(["standards", 0, "code"], "Leadership one"),
        'standards[0].code: "Leadership one" cannot be a code. Use letters, digits, dots and -, at most 12 '
        "characters",
    ),
    (
        "a domain code longer than a code can be",
        _set(["domains", 0, "code"], "Organisational"),
        'domains[0].code: "Organisational" cannot be a code.',
    ),
    (
        "a framework name longer than can be stored",
        _set(["name"], "A" * 201),
        "framework.name: is 201 characters long: it can be at most 200. Shorten it",
    ),
    (
        "a standard title longer than can be stored",
        _set(["standards", 0, "title"], "T" * 201),
        "standards[0].title: is 201 characters long: it can be at most 200.",
    ),
    (
        "a criterion longer than can be stored",
        _set([*KQ, "criterion"], "C" * 101),
        "key_questions[0].criterion: is 101 characters long: it can be at most 100.",
    ),
    (
        "a need key that cannot be stored with a case",
        _set(["case_kinds", 0, "needs", 0, "key"], "Housing & money"),
        'case_kinds[0].needs[0].key: "Housing & money" cannot be a key. Use lower case letters',
    ),
    (
        "a version number too large to store",
        _set(["version"], 100_000),
        "framework.version: must be a whole number from 1 to 32767, not 100000.",
    ),
    (
        "a document that is not an object",
        lambda data: data.clear() or data.update({"framework": []}),
        "framework.framework: is not a field",
    ),
]


@pytest.mark.parametrize(("_what", "change", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_kind_of_mistake_is_named_where_it_is_with_how_to_fix_it(_what, change, expected):
    assert any(expected in problem for problem in _problems(change)), _problems(change)


def test_every_problem_is_reported_at_once():
    def many(data):
        for _, change, _ in MISTAKES[:5]:
            change(data)

    assert len(_problems(many)) >= 5


def test_a_document_of_the_wrong_kind_is_refused_rather_than_crashing():
    for nonsense in (None, [], "text", 3):
        with pytest.raises(DefinitionInvalid) as invalid:
            parse(nonsense)
        assert str(invalid.value.problems[0]).startswith("framework: must be an object")


@pytest.mark.parametrize(("_what", "change", "_expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_every_problem_says_where_it_is_and_how_to_fix_it(_what, change, _expected):
    for problem in _raw_problems(change):
        assert problem.where, problem
        assert problem.message, problem
        assert problem.fix, problem


REQUIRED_PARTS = [
    (["format"], "framework.format"),
    (["slug"], "framework.slug"),
    (["version"], "framework.version"),
    (["effective_from"], "framework.effective_from"),
    (["key_question_bands"], "framework.key_question_bands"),
    (["overall"], "framework.overall"),
    (["domains"], "framework.domains"),
    (["standards"], "framework.standards"),
    (["standards", 1, "rated_by"], "standards[1].rated_by"),
    (["standards", 1, "case_kind"], "standards[1].case_kind"),
    (["case_kinds", 0, "attributes"], "case_kinds[0].attributes"),
    (["case_kinds", 0, "facts", 0, "options"], "case_kinds[0].facts[0].options"),
    (["case_kinds", 0, "attributes", 0, "options"], "case_kinds[0].attributes[0].options"),
]


@pytest.mark.parametrize(("path", "where"), REQUIRED_PARTS, ids=[where for _, where in REQUIRED_PARTS])
def test_a_missing_part_is_one_problem_without_follow_on_noise(path, where):
    problems = _raw_problems(_set(path, _DELETE))
    assert [problem.where for problem in problems] == [where], [str(p) for p in problems]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


WRONG_VALUES = [None, 0, -1, 2.5, True, "", "x", [], [None], {}, {"1": None}, {1: "a key that is not text"}]


def test_any_wrong_value_anywhere_is_a_problem_reported_never_a_crash():
    for path in list(_paths(MINIMAL))[1:]:
        for wrong in WRONG_VALUES:
            data = copy.deepcopy(MINIMAL)
            _set(list(path), wrong)(data)
            try:
                parse(data)
            except DefinitionInvalid as invalid:
                problems = invalid.problems
            else:
                problems = ["none needed"]
            assert problems, (path, wrong)


def test_a_file_that_is_not_json_is_refused_with_its_line_and_column():
    text = json.dumps(MINIMAL, indent=2).replace('"slug": "test",', '"slug": "test"', 1)
    with pytest.raises(DefinitionInvalid) as invalid:
        parse_json(text)
    (problem,) = invalid.value.problems
    assert problem.where == "line 4, column 3"  # where the parser noticed: just after the mistake
    assert "is not valid JSON here (Expecting ',' delimiter)" in problem.message
    assert "comma" in problem.fix


def test_a_field_given_twice_is_refused_rather_than_silently_read_once():
    text = json.dumps(MINIMAL).replace('"name": "A small framework"', '"name": "A", "name": "B"', 1)
    with pytest.raises(DefinitionInvalid) as invalid:
        parse_json(text)
    assert [str(problem) for problem in invalid.value.problems] == [
        'the field "name": is given twice in one object; only the last would be read. Keep one of them.'
    ]


def test_a_json_file_is_read_as_utf8_with_or_without_a_byte_order_mark():
    text = json.dumps(MINIMAL, ensure_ascii=False)
    assert parse_json(text.encode("utf-8-sig")) == parse_json(text) == parse(MINIMAL)
    with pytest.raises(DefinitionInvalid) as invalid:
        parse_json(text.replace("A small", "A sm\u00e5ll").encode("latin-1"))
    assert invalid.value.problems[0].where == "the file"
    assert "not UTF-8" in invalid.value.problems[0].message


def test_json_that_is_not_a_framework_object_is_refused_as_a_problem():
    with pytest.raises(DefinitionInvalid) as invalid:
        parse_json("[1, 2, 3]")
    assert str(invalid.value.problems[0]).startswith("framework: must be an object ({...}), not a list.")


def test_an_unknown_way_of_rating_is_one_problem_not_two():
    """A case standard whose rated_by is misspelt is not also told that its way of rating samples no cases."""
    problems = _problems(_set(["standards", 1, "rated_by"], "lowest key question"))
    assert [p for p in problems if p.startswith("standards[1]")] == [
        'standards[1].rated_by: "lowest key question" is not allowed. Did you mean "lowest_key_question"? Use one '
        "of: lowest_key_question, team_judgement, pooled, not_rated."
    ]
