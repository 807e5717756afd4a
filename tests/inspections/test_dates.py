"""Dates are typed and refused as the GOV.UK Design System says, within a sensible range, wherever they are typed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from inspections import dates
from inspections.forms import InspectionCreateForm
from inspections.models import Inspection
from inspections.permissions import LEAD_INSPECTORS_GROUP
from tests.factories import PDUFactory, UserFactory

TODAY = datetime.date(2026, 11, 29)
FIELDWORK = dates.DateRange(years_before=5, years_after=3)


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "parts"),
    [
        ("", "", "", "Enter the fieldwork start date", (0, 1, 2)),
        ("5", "", "2027", "The fieldwork start date must include a month", (1,)),
        ("", "1", "", "The fieldwork start date must include a day and year", (0, 2)),
        ("5", "1", "27", "Year must include 4 numbers", (2,)),
        (
            "5",
            "1",
            "0027",
            "The fieldwork start date must be the same as or after 29 November 2021",
            (0, 1, 2),
        ),
        ("31", "11", "2026", "The fieldwork start date must be a real date", (0,)),
        ("29", "2", "2027", "The fieldwork start date must be a real date", (0,)),
        ("1", "13", "2027", "The fieldwork start date must be a real date", (1,)),
        ("1st", "1", "2027", "The fieldwork start date must be a real date", (0,)),
        (
            "1",
            "1",
            "2030",
            "The fieldwork start date must be the same as or before 29 November 2029",
            (0, 1, 2),
        ),
    ],
)
def test_a_date_is_refused_in_govuk_words_naming_the_wrong_box(day, month, year, message, parts):
    with pytest.raises(dates.DateProblem) as refused:
        dates.date_from_parts(
            day, month, year, label="the fieldwork start date", allowed=FIELDWORK, today=TODAY
        )
    assert refused.value.messages == [message]
    assert refused.value.parts == parts


def test_a_real_date_in_range_is_read_with_spaces_and_leading_zeros():
    value = dates.date_from_parts(" 07", "09 ", "2026", label="the date", allowed=FIELDWORK, today=TODAY)
    assert value == datetime.date(2026, 9, 7)


def test_a_date_that_must_be_in_the_past_says_so():
    past = dates.DateRange(years_before=30, not_in_future=True)
    with pytest.raises(dates.DateProblem, match="The supervision start date must be today or in the past"):
        dates.date_in_range(
            datetime.date(2026, 11, 30), label="the supervision start date", allowed=past, today=TODAY
        )
    with pytest.raises(dates.DateProblem, match="must be the same as or after 29 November 1996"):
        dates.date_in_range(
            datetime.date(1900, 1, 1), label="the supervision start date", allowed=past, today=TODAY
        )
    dates.date_in_range(TODAY, label="the supervision start date", allowed=past, today=TODAY)


def _create_data(framework, **dates_typed):
    data = {
        "pdu": PDUFactory().pk,
        "framework": framework.pk,
        "fieldwork_start_0": "4",
        "fieldwork_start_1": "1",
        "fieldwork_start_2": "2027",
        "fieldwork_end_0": "15",
        "fieldwork_end_1": "1",
        "fieldwork_end_2": "2027",
    }
    data.update(dates_typed)
    return data


def test_the_create_form_refuses_a_two_digit_year_and_an_impossible_day(framework):
    form = InspectionCreateForm(
        _create_data(
            framework,
            fieldwork_start_2="27",
            fieldwork_end_0="31",
            fieldwork_end_1="11",
            fieldwork_end_2="2026",
        )
    )
    assert not form.is_valid()
    assert form.errors["fieldwork_start"] == ["Year must include 4 numbers"]
    assert form.errors["fieldwork_end"] == ["The fieldwork end date must be a real date"]


def test_the_create_form_refuses_fieldwork_longer_than_an_inspection_runs(framework):
    form = InspectionCreateForm(_create_data(framework, fieldwork_end_1="6"))
    assert not form.is_valid()
    assert form.errors["fieldwork_end"] == [
        "The fieldwork end date must be within 13 weeks of the start date"
    ]


def test_the_error_summary_links_to_the_wrong_box_and_only_it_is_marked(client, framework):
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    client.force_login(lead)
    page = client.post(
        reverse("inspections:create"), _create_data(framework, fieldwork_start_2="27", fieldwork_end_1="")
    ).text
    assert '<a href="#id_fieldwork_start_2">Year must include 4 numbers</a>' in page
    assert '<a href="#id_fieldwork_end_1">The fieldwork end date must include a month</a>' in page
    assert "day is out of range" not in page
    marked = [line for line in page.splitlines() if "govuk-input--error" in line]
    assert len(marked) == 2
    assert 'value="27"' in page  # what was typed stays
    assert not Inspection.objects.exists()
