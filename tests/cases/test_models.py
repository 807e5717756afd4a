"""The database keeps the rules of a case that no code path may break."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import InspectedCaseFactory, InspectionFactory

pytestmark = pytest.mark.usefixtures("framework")


def test_a_sample_cannot_hold_two_references_that_differ_only_in_case():
    case = InspectedCaseFactory(reference="NEW001")
    twin = InspectedCaseFactory.build(inspection=case.inspection, reference="new001")
    with pytest.raises(ValidationError, match="already has a case with this reference"):
        twin.validate_constraints()
    with pytest.raises(IntegrityError):
        twin.save()


def test_another_inspection_may_use_the_same_reference():
    InspectedCaseFactory(reference="NEW001")
    assert InspectedCaseFactory(inspection=InspectionFactory(), reference="new001").pk
