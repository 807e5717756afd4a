"""The lead's and quality assurers' free text has the case evidence's length limit, said in GOV.UK words."""

import pytest

from cases.forms import inspection_work
from inspections import forms
from inspections.models import KeyQuestion
from inspections.services import TEXT_MAX_LENGTH
from reports.forms import UnlockForm

pytestmark = pytest.mark.usefixtures("framework")


def _second_marking_form(data):
    key_question = KeyQuestion.objects.get(code="2.2.1")
    return inspection_work.second_marking_form_class([key_question])(data)


CASES = [
    (lambda data: forms.OrganisationalRatingForm({"rating": "good", **data}), "rationale", "Rationale"),
    (lambda data: UnlockForm(data), "reason", "Reason"),
    (lambda data: inspection_work.ReturnForm(data, key_questions=[], facts=[]), "text", "Query"),
    (
        lambda data: _second_marking_form({"kq_2_2_1_answer": "yes", **data}),
        "kq_2_2_1_rationale",
        "Evidence for 2.2.1",
    ),
]


@pytest.mark.parametrize(("make", "field", "name"), CASES)
def test_free_text_over_the_limit_is_refused_with_its_name_and_the_limit(make, field, name):
    form = make({field: "x" * (TEXT_MAX_LENGTH + 1)})
    assert not form.is_valid()
    assert form.errors[field] == [f"{name} must be 5,000 characters or less"]
    assert field not in make({field: "x" * TEXT_MAX_LENGTH}).errors


@pytest.mark.parametrize(("make", "field", "name"), CASES)
def test_the_browser_is_not_told_to_cut_long_text_short(make, field, name):
    assert "maxlength" not in str(make({})[field])
