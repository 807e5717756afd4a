"""The shipped frameworks and loading them: the 2021-23 PDU framework as methodology 2a has it, and a version is
stored whole, loaded idempotently and never changed once an inspection uses it."""

import copy
import json

import pytest
from django.db import IntegrityError

from inspections.definition_checks import DefinitionInvalid
from inspections.definitions import CRITERION_MAX_LENGTH, NAME_MAX_LENGTH, VERSION_MAX
from inspections.frameworks import (
    IN_USE,
    FrameworkInUse,
    framework_files,
    framework_load,
    frameworks_load_all,
)
from inspections.models import Framework, KeyQuestion, Standard
from reports import rating
from tests.factories import InspectionFactory, UserFactory, small_framework_document


def _shipped(slug: str) -> dict:
    path = next(path for path in framework_files() if path.name.startswith(f"{slug}-v"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_2021_framework_has_court_work_and_four_stages_from_two_case_kinds(framework):
    standards = list(framework.standards.values_list("code", "title", "rated_by", "case_kind", "is_optional"))
    assert standards == [
        ("1.1", "Leadership", "team_judgement", "", False),
        ("1.2", "Staff", "team_judgement", "", False),
        ("1.3", "Services", "team_judgement", "", False),
        ("1.4", "Information and facilities", "team_judgement", "", False),
        ("2.1", "Court work", "lowest_key_question", "court_report", True),
        ("2.2", "Assessment", "lowest_key_question", "supervision", False),
        ("2.3", "Planning", "lowest_key_question", "supervision", False),
        ("2.4", "Implementation and delivery", "lowest_key_question", "supervision", False),
        ("2.5", "Reviewing", "lowest_key_question", "supervision", False),
    ]
    definition = framework.definition
    assert len(definition.key_questions("supervision")) == 12
    assert [kq.code for _, kq in definition.key_questions("court_report")] == ["2.1.1", "2.1.2"]
    for code in ("2.2", "2.3", "2.4", "2.5"):
        criteria = [kq.criterion for kq in definition.standard(code).key_questions]
        assert criteria == ["Engagement", "Desistance", "Keeping other people safe"]
    assert definition.standard("2.1").rated_by_default
    assert definition.possible_maxima() == [24, 27]
    assert not any(s.title == "Unpaid work" for s in definition.standards)


def test_the_2021_key_question_wording_is_exactly_as_published(framework):
    wording = dict(KeyQuestion.objects.filter(standard__framework=framework).values_list("code", "wording"))
    assert wording["2.2.1"] == "Does assessment focus sufficiently on engaging the person on probation?"
    assert wording["2.3.2"] == (
        "Does planning focus sufficiently on reducing reoffending and supporting the person on probation's desistance?"
    )
    assert wording["2.4.3"] == (
        "Does the implementation and delivery of services effectively support the safety of other people?"
    )
    assert wording["2.5.1"] == (
        "Does reviewing focus sufficiently on supporting the person on probation's compliance and engagement?"
    )


def test_the_court_work_wording_is_marked_unconfirmed(framework):
    notes = [(note.status, note.about) for note in framework.definition.notes]
    assert ("unconfirmed", "key questions 2.1") in notes
    assert ("inferred", "overall bands") in notes


def test_the_case_kinds_have_their_attributes_facts_and_needs(framework):
    supervision = framework.definition.case_kind("supervision")
    assert [a.key for a in supervision.attributes] == ["case_type", "rosh_level", "start_date"]
    assert [a.key for a in supervision.attributes if a.breakdown] == ["case_type", "rosh_level"]
    assert [f.key for f in supervision.facts] == [
        "rosh_classified_correctly",
        "domestic_abuse_enquiries",
        "child_safeguarding_enquiries",
        "home_visits",
        "management_oversight",
    ]
    assert len(supervision.needs) == 10
    court_report = framework.definition.case_kind("court_report")
    assert [f.key for f in court_report.facts] == ["domestic_abuse_enquiries", "child_safeguarding_enquiries"]
    assert court_report.needs == ()


def test_the_shipped_framework_has_the_methodologys_bands(framework):
    data = _shipped("pdu-2021")
    assert data["key_question_bands"] == {"outstanding": 80, "good": 65, "requires_improvement": 50}
    # Overall bands at one sixth, one half and five sixths of each maximum (methodology, section 3.6).
    assert data["overall"] == {
        "rule": "composite",
        "bands": {
            "24": {"outstanding": 21, "good": 13, "requires_improvement": 5},
            "27": {"outstanding": 23, "good": 14, "requires_improvement": 5},
        },
    }
    assert framework.definition.key_question_bands == data["key_question_bands"]


def test_loading_frameworks_twice_changes_nothing(framework):
    counts = (Framework.objects.count(), Standard.objects.count(), KeyQuestion.objects.count())
    pks = set(Standard.objects.values_list("pk", flat=True))
    frameworks_load_all()
    assert (Framework.objects.count(), Standard.objects.count(), KeyQuestion.objects.count()) == counts
    assert set(Standard.objects.values_list("pk", flat=True)) == pks


def test_a_framework_is_stored_normalised_and_published(db):
    user = UserFactory()
    framework = framework_load(document=_shipped("pdu-2021"), user=user)
    assert framework.is_published
    assert framework.published_by == user
    assert framework.document["format"] == 2
    assert framework.definition.slug == "pdu-2021"
    assert Framework.objects.published().filter(pk=framework.pk).exists()


def test_a_draft_is_not_offered_until_published(db):
    draft = framework_load(document=_shipped("pdu-2021"), publish=False)
    assert not Framework.objects.published().filter(pk=draft.pk).exists()
    assert framework_load(document=_shipped("pdu-2021")).is_published


def test_a_version_no_inspection_uses_can_be_changed_by_loading_it_again(db):
    document = _shipped("pdu-2021")
    framework_load(document=document)
    changed = copy.deepcopy(document)
    changed["standards"][5]["key_questions"][0]["wording"] = "A new wording?"
    framework = framework_load(document=changed)
    assert KeyQuestion.objects.get(standard__framework=framework, code="2.2.1").wording == "A new wording?"


def test_a_version_an_inspection_uses_is_never_changed(framework):
    InspectionFactory(framework=framework)
    changed = copy.deepcopy(framework.document)
    changed["standards"][5]["key_questions"][0]["wording"] = "A new wording?"
    with pytest.raises(FrameworkInUse) as refused:
        framework_load(document=changed)
    assert str(refused.value) == IN_USE.format(version=1, slug="pdu-2021", count=1)
    framework.refresh_from_db()
    assert framework.definition.standard("2.2").key_questions[0].wording != "A new wording?"
    assert framework_load(document=framework.document) == framework  # the same document again: allowed


def test_a_document_with_mistakes_loads_nothing(db):
    document = _shipped("pdu-2021")
    document["standards"][0]["rated_by"] = "lead"
    with pytest.raises(DefinitionInvalid):
        framework_load(document=document)
    assert not Framework.objects.exists()


def test_a_document_at_every_limit_the_checks_allow_is_stored_whole(db):
    """The checks and the rows a framework is loaded into agree on what fits, so a file the checks accept never
    fails to load (a server error on the upload page)."""
    document = small_framework_document() | {"name": "N" * NAME_MAX_LENGTH, "version": VERSION_MAX}
    document["domains"][0]["code"] = document["standards"][0]["domain"] = "D" * 12
    document["standards"][0] |= {"code": "1.1-leaders1", "title": "T" * NAME_MAX_LENGTH}
    document["standards"][1]["key_questions"][0]["criterion"] = "C" * CRITERION_MAX_LENGTH
    framework = framework_load(document=document)
    framework.full_clean()
    for standard in framework.standards.all():
        standard.full_clean()
        for key_question in standard.key_questions.all():
            key_question.full_clean()
    assert framework.standards.get(domain="D" * 12).title == "T" * NAME_MAX_LENGTH


def _region_pooling(codes: list[str], pool_from: str = "pdu-2023") -> dict:
    """The shipped regional framework as version 2, its desistance standard pooling these key questions."""
    document = _shipped("region-2023") | {"version": 2}
    desistance = next(s for s in document["standards"] if s["title"] == "Desistance")
    desistance["pool_from"] = pool_from
    desistance["key_questions"][0]["pools"] = codes
    return document


def test_a_pooled_key_question_is_checked_against_the_loaded_framework_it_pools(db):
    frameworks_load_all()
    with pytest.raises(DefinitionInvalid) as invalid:
        framework_load(document=_region_pooling(["2.1.9"]))
    assert [str(p) for p in invalid.value.problems] == [
        'standards[2].key_questions[0].pools: "2.1.9" is not a key question of pdu-2023. Use its key question '
        "codes, e.g. 2.1.1, 2.1.2, 2.1.3, 2.2.1."
    ]
    with pytest.raises(DefinitionInvalid) as invalid:
        framework_load(document=_region_pooling(["2.1.2"], pool_from="pdu-2099"))
    assert invalid.value.problems[0].where == "standards[2].pool_from"
    assert invalid.value.problems[0].message == '"pdu-2099" is not a framework that is loaded.'
    assert not Framework.objects.filter(slug="region-2023", version=2).exists()
    assert framework_load(document=_region_pooling(["2.1.2", "2.2.2"])).version == 2


def test_a_definition_is_parsed_once_for_every_copy_of_a_framework(framework, django_assert_num_queries):
    copies = list(Framework.objects.filter(pk=framework.pk)) + list(Framework.objects.filter(pk=framework.pk))
    assert copies[0].definition is copies[1].definition


def test_the_stored_rating_values_are_the_engines():
    from inspections.models import Rating as StoredRating

    assert StoredRating.values == [r.value for r in rating.Rating]


def test_a_framework_version_is_unique(framework):
    with pytest.raises(IntegrityError):
        Framework.objects.create(
            slug=framework.slug,
            name="Copy",
            version=framework.version,
            effective_from=framework.effective_from,
        )
