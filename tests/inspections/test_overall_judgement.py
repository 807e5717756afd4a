"""The team's overall rating, where the framework's overall rule is the team's judgement (pdu-2023, region-2023):
the lead records it with a rationale, the results use it beside the indicative composite, and a lock freezes it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import services
from inspections.models import Framework, Inspection, OverallJudgement, Role
from reports import services as report_services
from reports.selectors import dashboards, results
from reports.selectors.overview import OVERALL_NOT_RATED, lock_problems
from reports.views.dashboards import inspection_report_html
from tests.factories import InspectionFactory, UserFactory, current_framework, team_member


@pytest.fixture
def judged(db):
    """An inspection under pdu-2023, whose overall rating is the team's judgement."""
    current_framework()  # loads every shipped framework
    return InspectionFactory(framework=Framework.objects.get(slug="pdu-2023"))


def _url(inspection):
    return reverse("inspections:overall_judgement", args=[inspection.pk])


def test_anonymous_users_are_sent_to_sign_in(client, judged):
    response = client.get(_url(judged))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.ASSISTANT_INSPECTOR, Role.QUALITY_ASSURER, None])
def test_only_the_inspections_lead_may_record_the_overall_rating(client, judged, role):
    client.force_login(team_member(judged, role) if role else UserFactory())
    assert client.get(_url(judged)).status_code == 404
    assert client.post(_url(judged), {"rating": "good", "rationale": "x"}).status_code == 404
    assert not OverallJudgement.objects.exists()


def test_the_lead_of_another_inspection_gets_not_found(client, judged, framework):
    other = InspectionFactory(framework=judged.framework)
    client.force_login(team_member(other, Role.LEAD))
    assert client.get(_url(judged)).status_code == 404


def test_an_inspection_rated_by_its_composite_has_no_overall_judgement_page(client, inspection, lead):
    client.force_login(lead)
    assert client.get(_url(inspection)).status_code == 404
    assert (
        "Overall rating"
        not in client.get(reverse("inspections:ratings", args=[inspection.pk])).content.decode()
    )


def test_the_lead_records_the_overall_rating_and_its_rationale(client, judged):
    lead = team_member(judged, Role.LEAD)
    client.force_login(lead)
    page = client.get(reverse("inspections:ratings", args=[judged.pk])).content.decode()
    assert f'href="{_url(judged)}"' in page
    assert client.get(_url(judged)).status_code == 200
    response = client.post(
        _url(judged), {"rating": "requires_improvement", "rationale": "  Weak oversight.  "}
    )
    assert response.status_code == 302
    saved = OverallJudgement.objects.get(inspection=judged)
    assert (saved.rating, saved.rationale, saved.rated_by) == (
        "requires_improvement",
        "Weak oversight.",
        lead,
    )
    assert saved.history.first().history_user == lead
    page = client.get(reverse("inspections:ratings", args=[judged.pk])).content.decode()
    assert "Requires improvement" in page
    assert "Weak oversight." in page


def test_a_missing_rating_or_rationale_re_renders_with_the_text_and_an_error_summary(client, judged):
    client.force_login(team_member(judged, Role.LEAD))
    response = client.post(_url(judged), {"rationale": "Kept text"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Select a rating" in page
    assert "Kept text" in page
    response = client.post(_url(judged), {"rating": "good", "rationale": ""})
    assert services.RATIONALE_MISSING in response.content.decode()


def test_the_service_refuses_a_composite_framework_a_locked_inspection_and_a_blank_rationale(
    inspection, judged
):
    user = UserFactory()
    with pytest.raises(services.InspectionError, match="composite score banded"):
        services.overall_judgement_save(inspection=inspection, rating="good", rationale="x", user=user)
    with pytest.raises(ValidationError):
        services.overall_judgement_save(inspection=judged, rating="good", rationale="  ", user=user)
    judged.status = Inspection.Status.LOCKED
    with pytest.raises(services.InspectionLocked):
        services.overall_judgement_save(inspection=judged, rating="good", rationale="x", user=user)


def test_the_results_rate_the_inspection_by_the_teams_judgement_beside_the_indicative_composite(judged):
    user = UserFactory()
    before = results.inspection_result_data(results.inspection_results([judged])[judged.pk])
    assert (before["overall_rule"], before["overall_rating"]) == ("team_judgement", None)
    services.overall_judgement_save(inspection=judged, rating="outstanding", rationale="Strong.", user=user)
    after = results.inspection_result_data(results.inspection_results([judged])[judged.pk])
    assert (after["overall_rating"], after["overall_rationale"]) == ("outstanding", "Strong.")
    # No standard is rated yet: the composite, and so its indicative band, are incomplete.
    assert after["indicative_rating"] is None


def test_a_lock_freezes_the_teams_overall_judgement(judged, monkeypatch):
    user = UserFactory()
    services.overall_judgement_save(inspection=judged, rating="good", rationale="Sound.", user=user)
    monkeypatch.setattr(report_services, "lock_problems", lambda inspection: [])
    snapshot = report_services.inspection_lock(inspection=judged, user=user)
    assert (snapshot.data["overall_rating"], snapshot.data["overall_rationale"]) == ("good", "Sound.")
    OverallJudgement.objects.filter(inspection=judged).update(rating="inadequate")
    judged.refresh_from_db()
    assert dashboards.inspection_dashboard(judged).overall_rating.label == "Good"


def test_an_inspection_rated_by_the_teams_judgement_cannot_lock_before_it_is_recorded(judged):
    assert OVERALL_NOT_RATED in lock_problems(judged)
    services.overall_judgement_save(inspection=judged, rating="good", rationale="Sound.", user=UserFactory())
    assert OVERALL_NOT_RATED not in lock_problems(judged)


def test_the_dashboard_and_report_show_the_teams_overall_rating_and_its_reasons(client, judged):
    lead = team_member(judged, Role.LEAD)
    services.overall_judgement_save(
        inspection=judged, rating="good", rationale="Strong leadership.", user=lead
    )
    client.force_login(lead)
    response = client.get(reverse("inspection_dashboard", args=[judged.pk]))
    assert response.context["dashboard"].overall_rating.label == "Good"
    page = response.content.decode()
    # No standard is rated yet, so there is no composite to band.
    assert "The team’s judgement. The composite is not yet complete." in page
    assert "Strong leadership." in page
    html = inspection_report_html(response.context["dashboard"])
    assert "(the team’s judgement; the composite is not yet complete)" in html
    assert "The team’s reasons for the overall rating: Strong leadership." in html
