"""What the inspection dashboard gives the lead to decide and defend a rating: each key question beside the regional
and national rates, rates by assistant inspector, fieldwork progress, how far the composite is from the next band,
and a flag on every rate whose 95% interval crosses a band boundary."""

import csv
import io

import pytest
from django.urls import reverse

from cases.models import Answer, InspectedCase, Judgement
from inspections.models import Inspection, KeyQuestion, Role
from reports.selectors import peer_rates
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    JudgementFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    lock_with_frozen_counts,
    team_member,
)

SUBMITTED = InspectedCase.Status.SUBMITTED


def _cases(inspection, answers, status=SUBMITTED, assistant=None, code="2.2.1"):
    """One case per answer to key question `code`, assigned to `assistant`."""
    key_question = KeyQuestion.objects.get(standard__framework=inspection.framework, code=code)
    for answer in answers:
        case = InspectedCaseFactory(inspection=inspection, status=status, assistant_inspector=assistant)
        JudgementFactory(case=case, key_question=key_question, answer=answer)


def test_each_key_question_has_its_regional_and_national_rate_over_locked_inspections(framework):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    inspection = InspectionFactory(framework=framework, pdu=PDUFactory(region=north))
    locked = Inspection.Status.LOCKED
    _cases(
        InspectionFactory(framework=framework, pdu=PDUFactory(region=north), status=locked), [Answer.YES] * 3
    )
    _cases(
        InspectionFactory(framework=framework, pdu=PDUFactory(region=south), status=locked), [Answer.NO] * 3
    )
    _cases(
        InspectionFactory(framework=framework, pdu=PDUFactory(region=north)), [Answer.NO] * 5
    )  # open: left out
    _cases(inspection, [Answer.NO])  # this open inspection is not counted either
    compared = peer_rates.key_question_comparisons(inspection)
    rate = compared["2.2.1"]
    assert (rate.regional.sufficient, rate.regional.total, rate.regional_inspections) == (3, 3, 1)
    assert (rate.national.sufficient, rate.national.total, rate.national_inspections) == (3, 6, 2)


@pytest.mark.parametrize("inspections", [1, 4])
def test_the_comparison_is_two_queries_whatever_the_inspections(
    framework, lead, django_assert_num_queries, inspections
):
    for number in range(inspections):
        locked = InspectionFactory(framework=framework, status=Inspection.Status.LOCKED)
        _cases(locked, [Answer.YES, Answer.NO])
        if number % 2:
            lock_with_frozen_counts(locked, lead)
    inspection = InspectionFactory(framework=framework)
    # Its framework says which answers count (a key question may apply to some cases only).
    inspection = Inspection.objects.select_related("pdu", "framework").get(pk=inspection.pk)
    with django_assert_num_queries(
        2
    ):  # the locked inspections, then their counts (frozen, or live) in one UNION
        assert peer_rates.key_question_comparisons(inspection)["2.2.1"].national_inspections == inspections


def test_the_comparison_reads_the_counts_frozen_when_an_inspection_was_locked(framework, lead):
    locked = InspectionFactory(framework=framework, status=Inspection.Status.LOCKED)
    _cases(locked, [Answer.YES, Answer.NO])
    lock_with_frozen_counts(locked, lead)
    Judgement.objects.update(answer=Answer.NO)  # behind the services' back: locked cases never change
    inspection = InspectionFactory(framework=framework)

    rate = peer_rates.key_question_comparisons(inspection)["2.2.1"].national
    assert (rate.sufficient, rate.total) == (1, 2)


def test_rates_by_assistant_inspector_count_their_counted_cases_and_answers(inspection):
    amira = UserFactory(first_name="Amira", last_name="Hussain")
    ben = UserFactory(first_name="Ben", last_name="Ng")
    _cases(inspection, [Answer.YES, Answer.YES, Answer.NO], assistant=amira)
    _cases(inspection, [Answer.NO], assistant=ben)
    _cases(inspection, [Answer.YES], assistant=ben, status=InspectedCase.Status.IN_PROGRESS)  # not counted
    rates = peer_rates.assistant_inspector_rates(inspection)
    assert [(r.name, r.cases, r.overall.sufficient, r.overall.total) for r in rates] == [
        ("Amira Hussain", 3, 2, 3),
        ("Ben Ng", 1, 0, 1),
    ]
    assert rates[0].by_standard["2.2"].total == 3


def test_the_lead_sees_rates_by_assistant_inspector_and_national_viewers_do_not(client, inspection, lead):
    _cases(
        inspection, [Answer.YES, Answer.NO], assistant=UserFactory(first_name="Amira", last_name="Hussain")
    )
    url = reverse("inspection_dashboard", args=[inspection.pk])
    csv_url = reverse("inspection_dashboard_csv", args=[inspection.pk, "by-assistant-inspector"])
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "Sufficiency by assistant inspector</caption>" in page
    assert "Amira Hussain" in page
    assert client.get(csv_url).status_code == 200
    client.force_login(UserFactory(is_national_viewer=True))
    page = client.get(url).content.decode()
    assert "by assistant inspector" not in page
    assert "Amira Hussain" not in page
    assert client.get(csv_url).status_code == 404
    client.force_login(team_member(inspection, Role.QUALITY_ASSURER))
    assert "by assistant inspector" not in client.get(url).content.decode()


def test_the_dashboard_shows_fieldwork_progress_by_status(client, inspection, lead):
    for status, count in [("not_started", 2), ("in_progress", 1), ("submitted", 3), ("returned", 1)]:
        for _ in range(count):
            InspectedCaseFactory(inspection=inspection, status=status)
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    table = response.context["tables"]["fieldwork_progress"]
    assert table.rows == [
        ["Not started", 2],
        ["In progress", 1],
        ["Submitted", 3],
        ["Returned", 1],
        ["Approved", 0],
        ["All cases", 7],
    ]
    assert "Fieldwork progress: cases by status</caption>" in response.content.decode()


def test_the_dashboard_says_how_far_the_composite_is_from_the_next_overall_band(client, framework):
    # The shared dashboard set-up: every key question 2 of 3, all standards Good, composite 16 of 24.
    inspection = InspectionFactory(framework=framework)
    for standard in inspection.rated_standards().filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard)
    for code in KeyQuestion.objects.filter(
        standard__framework=framework, standard__case_kind="supervision"
    ).values_list("code", flat=True):
        _cases(inspection, [Answer.YES, Answer.YES, Answer.NO], code=code)
    client.force_login(team_member(inspection, Role.LEAD))
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    distance = response.context["composite_distance"]
    assert response.context["dashboard"].results["composite_score"] == 16
    # pdu-2021's bands out of 24: Outstanding from 21, Good from 13.
    assert (distance.up, distance.down) == (5, 4)
    assert (
        "The composite score (16 out of 24) is in the Good band: 5 more points would lift it to Outstanding, 4 fewer "
        "would drop it to Requires improvement." in (response.content.decode())
    )


def test_a_rate_whose_interval_crosses_a_band_boundary_is_flagged_on_the_page_and_in_its_csv(
    client, inspection, lead
):
    _cases(inspection, [Answer.YES, Answer.YES, Answer.NO])  # 66.7% (20.8% to 93.9%): crosses 50, 65 and 80
    client.force_login(lead)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).content.decode()
    assert '<span class="govuk-visually-hidden">95% interval </span>Crosses 50%, 65% and 80%</strong>' in page
    response = client.get(reverse("inspection_dashboard_csv", args=[inspection.pk, "key-questions"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first = next(row for row in rows if row["Key question"] == "2.2.1")
    assert first["Sufficiency: 95% CI crosses band boundaries %"] == "50; 65; 80"
    other = next(row for row in rows if row["Key question"] == "2.2.2")
    assert other["Sufficiency: 95% CI crosses band boundaries %"] == ""


@pytest.mark.parametrize("role", [Role.LEAD, Role.INSPECTOR])
def test_the_dashboard_stays_within_its_queries_with_many_assistants_and_inspections(
    client, framework, django_assert_max_num_queries, role
):
    inspection = InspectionFactory(framework=framework)
    for _ in range(4):
        _cases(inspection, [Answer.YES, Answer.NO], assistant=UserFactory())
        _cases(InspectionFactory(framework=framework, status=Inspection.Status.LOCKED), [Answer.YES])
    client.force_login(team_member(inspection, role))
    # As test_the_inspection_dashboard_runs_a_fixed_number_of_queries counts them: 15 for the lead (13 for an
    # inspector, who has no rates by assistant inspector), with one read of the user's roles.
    with django_assert_max_num_queries(15 if role == Role.LEAD else 13):
        assert client.get(reverse("inspection_dashboard", args=[inspection.pk])).status_code == 200
