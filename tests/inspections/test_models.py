import datetime

import pytest
from django.db import IntegrityError, transaction

from cases.models import CaseNeed
from tests.factories import (
    CaseFactFactory,
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    MembershipFactory,
)


def test_fieldwork_cannot_end_before_it_starts(framework):
    with pytest.raises(IntegrityError):
        InspectionFactory(fieldwork_start=datetime.date(2026, 9, 10), fieldwork_end=datetime.date(2026, 9, 1))


def test_an_inspection_rates_its_mandatory_standards_and_the_optional_ones_it_chose(framework):
    inspection = InspectionFactory()
    assert inspection.rated_standards().count() == 8
    inspection.optional_standards.set(framework.standards.filter(is_optional=True))
    assert list(inspection.rated_standards().values_list("code", flat=True)) == [
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


def test_an_inspection_inspects_a_pdu_or_a_region_never_both_nor_neither(framework):
    inspection = InspectionFactory()
    assert inspection.unit == inspection.pdu
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(region=inspection.pdu.region)
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(pdu=None)
    regional = InspectionFactory(pdu=None, region=inspection.pdu.region)
    assert regional.unit == inspection.pdu.region
    assert str(regional).startswith(inspection.pdu.region.name)


def test_a_case_fact_is_one_row_per_case_and_key(framework):
    fact = CaseFactFactory()
    with pytest.raises(IntegrityError):
        CaseFactFactory(case=fact.case, key=fact.key, value="not_made")


def test_a_case_reference_is_unique_within_an_inspection(framework):
    case = InspectedCaseFactory(reference="ABC1")
    InspectedCaseFactory(reference="ABC1")  # another inspection: allowed
    with pytest.raises(IntegrityError):
        InspectedCaseFactory(reference="ABC1", inspection=case.inspection)


def test_one_judgement_per_case_and_key_question(framework):
    judgement = JudgementFactory()
    with pytest.raises(IntegrityError):
        JudgementFactory(case=judgement.case, key_question=judgement.key_question)


@pytest.mark.parametrize(
    ("model_kwargs", "factory"),
    [
        ({"status": "deleted"}, InspectedCaseFactory),
        ({"answer": "perhaps"}, JudgementFactory),
        ({"role": "boss"}, MembershipFactory),
    ],
)
def test_values_outside_their_choices_are_refused_by_the_database(framework, model_kwargs, factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**model_kwargs)


def test_a_need_can_only_be_addressed_if_linked_to_offending(framework):
    case = InspectedCaseFactory()
    with pytest.raises(IntegrityError):
        CaseNeed.objects.create(
            case=case, need="drugs", linked_to_offending=False, sufficiently_addressed=True
        )
