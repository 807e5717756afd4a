import datetime

import pytest
from django.db import IntegrityError, transaction

from cases.models import CaseNeed
from tests.factories import (
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
    assert inspection.rated_standards().count() == 9


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
        ({"case_type": "prison"}, InspectedCaseFactory),
        ({"rosh_level": "extreme"}, InspectedCaseFactory),
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
