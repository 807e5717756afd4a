"""The framework documents shipped with the app and the test fixtures that prove the format general: each parses, and
each has the structure its sources give it (methodology section 2)."""

import dataclasses
import json
import re
from pathlib import Path

import pytest

from inspections.definition_checks import DefinitionInvalid, check_pools, parse, parse_json
from inspections.definitions import Definition, document

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = REPOSITORY / "inspections" / "data" / "frameworks"
FIXTURES = Path(__file__).resolve().parent / "data"


DOCUMENTS = sorted([*SHIPPED.glob("*.json"), *FIXTURES.glob("*.json")])


def _load(name: str) -> Definition:
    """A shipped document or a test fixture, by file name."""
    for folder in (SHIPPED, FIXTURES):
        if (folder / name).exists():
            return parse(json.loads((folder / name).read_text(encoding="utf-8")))
    raise AssertionError(f"{name} is in neither {SHIPPED} nor {FIXTURES}")


def test_the_second_programme_and_the_fixtures_are_all_there():
    names = {path.name for path in DOCUMENTS}
    assert {"pdu-2023-v1.json", "region-2023-v1.json", "youth-justice.json", "conditional.json"} <= names


@pytest.mark.parametrize("path", DOCUMENTS, ids=[path.name for path in DOCUMENTS])
def test_every_document_parses_and_survives_a_round_trip(path):
    definition = parse(json.loads(path.read_text(encoding="utf-8")))
    assert parse(document(definition)) == definition
    if path.parent != FIXTURES:
        assert path.name == f"{definition.slug}-v{definition.version}.json"
        assert definition.sources, "a shipped framework says where it comes from"
        assert any(note.status in ("inferred", "unconfirmed") for note in definition.notes), (
            "and what is not sure"
        )


def test_the_second_programme_pdu_framework_has_three_judged_and_four_case_standards():
    pdu = _load("pdu-2023-v1.json")
    assert pdu.unit == "pdu"
    rated = [s for s in pdu.standards if s.is_rated]
    assert [(s.code, s.title, s.rated_by) for s in rated] == [
        ("1.1", "Leadership", "team_judgement"),
        ("1.2", "Staffing", "team_judgement"),
        ("1.3", "Services", "team_judgement"),
        ("2.1", "Assessment", "lowest_key_question"),
        ("2.2", "Planning", "lowest_key_question"),
        ("2.3", "Implementation and delivery", "lowest_key_question"),
        ("2.4", "Reviewing", "lowest_key_question"),
    ]
    for standard in rated[3:]:
        assert standard.case_kind == "supervision"
        assert [kq.criterion for kq in standard.key_questions] == [
            "Engagement",
            "Desistance",
            "Keeping other people safe",
        ]
        assert all(kq.prompts for kq in standard.key_questions)
    assert len([kq for s in rated for kq in s.key_questions]) == 12
    assert pdu.standard("2.1").key_questions[0].wording == (
        "Does assessment focus sufficiently on engaging the person on probation?"
    )
    assert pdu.possible_maxima() == [21]


def test_the_pdu_records_court_work_and_resettlement_for_its_region_without_rating_them():
    pdu = _load("pdu-2023-v1.json")
    court, resettlement = pdu.standard("R.1"), pdu.standard("R.2")
    assert (court.rated_by, court.case_kind, court.counts_in_composite) == (
        "not_rated",
        "court_report",
        False,
    )
    assert [kq.code for _, kq in pdu.key_questions("court_report")] == ["R.1.1", "R.1.2", "R.1.3"]
    assert resettlement.rated_by == "not_rated"
    licence, community = {"case_type": "licence"}, {"case_type": "community_order"}
    assert all(kq.applies_to(licence) and not kq.applies_to(community) for kq in resettlement.key_questions)


def test_the_second_programme_overall_rating_is_the_teams_judgement_beside_an_indicative_composite():
    for name, maximum in (("pdu-2023-v1.json", 21), ("region-2023-v1.json", 24)):
        definition = _load(name)
        assert definition.overall.rule == "team_judgement"
        assert definition.overall.bands == {
            str(maximum): {
                "outstanding": maximum * 5 // 6 + 1,
                "good": maximum // 2 + 1,
                "requires_improvement": maximum // 6 + 1,
            }
        }
        assert any(note.status == "unconfirmed" and note.about == "overall" for note in definition.notes)


def test_the_region_rates_leadership_and_staffing_and_six_regional_standards():
    region = _load("region-2023-v1.json")
    assert region.unit == "region"
    assert [(s.code, s.title, s.rated_by) for s in region.standards] == [
        ("1.1", "Leadership", "team_judgement"),
        ("1.2", "Staffing", "team_judgement"),
        ("2.1", "Desistance", "pooled"),
        ("2.2", "Public protection", "pooled"),
        ("2.3", "Resettlement", "pooled"),
        ("2.4", "Unpaid work", "lowest_key_question"),
        ("2.5", "Court work", "pooled"),
        ("2.6", "Victim work", "lowest_key_question"),
    ]
    assert {s.case_kind for s in region.standards if s.rated_by == "lowest_key_question"} == {
        "unpaid_work",
        "victim",
    }
    assert region.key_questions("supervision") == []
    assert region.possible_maxima() == [24]


def test_pooled_key_questions_name_real_key_questions_of_the_framework_they_pool_from():
    region = _load("region-2023-v1.json")
    pooled = [s for s in region.standards if s.rated_by == "pooled"]
    assert pooled
    for standard in pooled:
        source = _load(f"{standard.pool_from}-v1.json")
        assert source.unit == "pdu"
        codes = {kq.code: (s, kq) for s, kq in source.key_questions()}
        for key_question in standard.key_questions:
            assert key_question.pools
            assert set(key_question.pools) <= set(codes), (standard.code, key_question.pools)
    desistance = {code for kq in region.standard("2.1").key_questions for code in kq.pools}
    protection = {code for kq in region.standard("2.2").key_questions for code in kq.pools}
    pdu = _load("pdu-2023-v1.json")
    criterion = {kq.code: kq.criterion for _, kq in pdu.key_questions()}
    assert {criterion[code] for code in desistance} == {"Desistance"}
    assert {criterion[code] for code in protection} == {"Keeping other people safe"}
    assert len(desistance) == len(protection) == 4


def test_a_youth_justice_shaped_framework_has_twelve_counted_standards_on_a_36_point_scale():
    youth = _load("youth-justice.json")
    assert len({s.domain for s in youth.standards}) == 3
    counted = [s for s in youth.standards if s.is_rated and s.counts_in_composite]
    assert len(counted) == 12
    rated_not_counted = [s for s in youth.standards if s.is_rated and not s.counts_in_composite]
    assert [s.title for s in rated_not_counted] == ["Resettlement policy and provision"]
    assert youth.possible_maxima() == [36]
    assert youth.overall.bands["36"] == {"outstanding": 31, "good": 19, "requires_improvement": 7}
    criteria = {kq.criterion for _, kq in youth.key_questions()}
    assert criteria == {"Desistance", "Safety and wellbeing", "Risk of harm to others", "Involvement"}
    assert {kind.slug for kind in youth.case_kinds} == {"court_disposal", "out_of_court"}
    assert len(youth.key_questions("out_of_court")) == 12


def test_questions_and_facts_can_apply_to_some_case_types_only():
    conditional = _load("conditional.json")
    licence, community = {"case_type": "licence"}, {"case_type": "community_order"}
    applying = {
        attributes["case_type"]: [
            kq.code for _, kq in conditional.key_questions("supervision") if kq.applies_to(attributes)
        ]
        for attributes in (licence, community)
    }
    assert applying == {"licence": ["2.1.1", "2.1.2", "2.2.1"], "community_order": ["2.1.1"]}
    release = conditional.case_kinds[0].fact("release_address")
    assert release.applies_when.holds(licence)
    assert not release.applies_when.holds(community)
    assert conditional.case_kinds[0].fact("oversight").applies_when is None
    assert conditional.standard("2.1").key_questions[1].record_prompts
    assert conditional.possible_maxima() == [6, 9]


def test_the_region_pools_only_key_questions_its_pdu_framework_has():
    region, pdu = _load("region-2023-v1.json"), _load("pdu-2023-v1.json")
    check_pools(region, [pdu])
    renumbered = dataclasses.replace(
        pdu,
        standards=tuple(
            dataclasses.replace(s, key_questions=s.key_questions[:2]) if s.code == "2.1" else s
            for s in pdu.standards
        ),
    )
    with pytest.raises(DefinitionInvalid) as invalid:
        check_pools(region, [renumbered])
    assert [str(p) for p in invalid.value.problems] == [
        'standards[3].key_questions[0].pools: "2.1.3" is not a key question of pdu-2023. '
        "Use its key question codes, e.g. 2.1.1, 2.1.2, 2.2.1, 2.2.2."
    ]
    with pytest.raises(DefinitionInvalid) as invalid:
        check_pools(region, [])
    assert {p.where for p in invalid.value.problems} == {
        "standards[2].pool_from",
        "standards[3].pool_from",
        "standards[4].pool_from",
        "standards[6].pool_from",
    }
    with pytest.raises(DefinitionInvalid) as invalid:
        check_pools(region, [dataclasses.replace(pdu, unit="region")])
    assert "a standard pools the cases of other units" in str(invalid.value)


DOCS = (REPOSITORY / "docs" / "frameworks.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"## A worked example.*?```json\n(.*?)```", DOCS, re.S).group(1)


def test_the_worked_example_in_the_docs_parses_and_gives_what_the_docs_say():
    example = parse_json(EXAMPLE)
    assert example.possible_maxima() == [9, 12]
    assert [kq.code for _, kq in example.key_questions("court_report")] == ["2.1.1"]
    asked = {
        case_type: [
            kq.code
            for _, kq in example.key_questions("supervision")
            if kq.applies_to({"case_type": case_type})
        ]
        for case_type in ("community_order", "licence")
    }
    assert asked == {"community_order": ["2.2.1", "2.3.1"], "licence": ["2.2.1", "2.2.2", "2.3.1"]}
    bands = example.overall.bands
    assert bands["9"] == {"outstanding": 8, "good": 5, "requires_improvement": 2}
    assert bands["12"] == {"outstanding": 11, "good": 7, "requires_improvement": 3}
    assert example.case_kinds[0].attribute("case_type").options[0].aliases == ("CO",)


def _messages(change=None, *, text=None):
    try:
        if text is not None:
            parse_json(text)
        else:
            data = json.loads(EXAMPLE)
            change(data)
            parse(data)
    except DefinitionInvalid as invalid:
        return [str(problem) for problem in invalid.problems]
    return []


def _setting(path, value):
    def change(data):
        *parents, last = path
        for part in parents:
            data = data[part]
        if value is None:
            del data[last]
        else:
            data[last] = value

    return change


def _pooled_without_pool_from(data):
    reviewing = data["standards"][3]
    reviewing["rated_by"] = "pooled"
    del reviewing["case_kind"]
    reviewing["key_questions"][0]["pools"] = ["2.3.1"]


def _pooling_what_the_pdu_lacks():
    pdu = _load("pdu-2023-v1.json")
    without = tuple(
        dataclasses.replace(s, key_questions=s.key_questions[:2]) if s.code == "2.1" else s
        for s in pdu.standards
    )
    try:
        check_pools(_load("region-2023-v1.json"), [dataclasses.replace(pdu, standards=without)])
    except DefinitionInvalid as invalid:
        return [str(problem) for problem in invalid.problems]
    return []


def test_the_messages_the_docs_show_are_the_messages_given():
    documented = re.findall(r"^\| [^|]+ \| `(.+)` \|$", DOCS.split("## When the file has mistakes")[1], re.M)
    given = [
        *_messages(text=EXAMPLE.replace('"slug": "example",', '"slug": "example"', 1)),
        *_messages(text=EXAMPLE.replace('"name": "A worked example",', '"name": "A", "name": "B",', 1)),
        *_messages(_setting(["standards", 2, "key_questions", 0, "critrion"], "x")),
        *_messages(_setting(["standards", 2, "rated_by"], "lowest_keyquestion")),
        *_messages(_setting(["standards", 3, "code"], "2.2")),
        *_messages(_setting(["overall", "bands", "12"], None)),
        *_messages(_setting(["standards", 2, "key_questions", 1, "applies_when", "attribute"], "sex")),
        *_messages(_setting(["case_kinds", 0, "facts", 0, "sufficient"], ["yes"])),
        *_messages(
            _setting(["standards", 0, "key_questions"], [{"code": "1", "criterion": "x", "wording": "y"}])
        ),
        *_messages(_setting(["standards", 2, "case_kind"], "supervison")),
        *_messages(_pooled_without_pool_from),
        *_messages(_setting(["effective_from"], "2024-02-30")),
        *_messages(_setting(["key_question_bands", "good"], 90)),
        *_messages(_setting(["standards", 3, "key_questions"], [])),
        *_pooling_what_the_pdu_lacks(),
    ]
    assert len(documented) == 15
    assert documented == given
