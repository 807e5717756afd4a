"""Finding 1 of issue 15: the Django admin is for administrators (superusers) only; case data is read-only in it;
a membership changed in it records who changed it and why."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cases.demo import LEAD_GROUP, seed_demo
from cases.models import InspectedCase, Judgement
from inspections.admin import REASON_REQUIRED
from inspections.models import InspectionMembership, KeyQuestion, Role
from reports.models import InspectionUnlock
from tests.factories import JudgementFactory, UserFactory

NOT_ADMINISTRATORS = [
    "anonymous",
    "lead",
    "inspector",
    "assistant",
    "quality_assurer",
    "national_viewer",
    "staff_with_every_permission",
]


@pytest.fixture
def staff_with_every_permission(db):
    """Staff status and every model permission, but not a superuser: what seed_demo once gave `lead`."""
    user = UserFactory(username="stella", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def judgement(case, framework):
    return JudgementFactory(
        case=case, key_question=KeyQuestion.objects.filter(standard__framework=framework).first()
    )


def _sign_in(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def _admin_pages(case, judgement, inspection):
    """(url, POST data) for the change and add pages of case data and of team membership."""
    return [
        (
            reverse("admin:cases_inspectedcase_change", args=[case.pk]),
            {"reference": "CHANGED", "status": "approved"},
        ),
        (reverse("admin:cases_inspectedcase_add"), {"inspection": inspection.pk, "reference": "NEW"}),
        (reverse("admin:cases_judgement_change", args=[judgement.pk]), {"answer": "no", "rationale": "x"}),
        (reverse("admin:cases_judgement_add"), {"case": case.pk, "answer": "no"}),
        (
            reverse("admin:inspections_inspectionmembership_add"),
            {"inspection": inspection.pk, "role": Role.LEAD, "reason": "I want in"},
        ),
    ]


@pytest.mark.parametrize("role", NOT_ADMINISTRATORS)
def test_only_administrators_reach_the_admin(client, request, role, case, judgement, other_inspection):
    _sign_in(client, request, role)
    memberships = InspectionMembership.objects.count()
    for url, data in _admin_pages(case, judgement, other_inspection):
        if "inspectionmembership" in url and role != "anonymous":
            data = {**data, "user": request.getfixturevalue(role).pk}
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
    assert client.get(reverse("admin:index")).status_code == 302
    case.refresh_from_db()
    judgement.refresh_from_db()
    assert (case.reference, case.status) != ("CHANGED", "approved")
    assert judgement.answer != "no"
    assert InspectionMembership.objects.count() == memberships


def test_case_data_is_read_only_in_the_admin_even_for_an_administrator(
    client, superuser, case, judgement, inspection
):
    client.force_login(superuser)
    version = case.version
    for url, data in _admin_pages(case, judgement, inspection)[:4]:
        page = client.get(url)
        if url.endswith("/add/"):
            assert page.status_code == 403, url
        else:
            assert page.status_code == 200, url
            assert not page.context["has_change_permission"]
            assert 'name="_save"' not in page.content.decode()
        assert client.post(url, data).status_code == 403, url
    case.refresh_from_db()
    judgement.refresh_from_db()
    assert (case.reference, case.status, case.version) != ("CHANGED", "approved", version + 1)
    assert case.version == version
    assert judgement.answer != "no"


@pytest.mark.parametrize(
    "model", ["inspectedcase", "judgement", "caseneed", "casequery", "secondmarking"], ids=str
)
def test_no_case_data_can_be_deleted_in_the_admin(client, superuser, model):
    client.force_login(superuser)
    page = client.get(reverse(f"admin:cases_{model}_changelist"))
    assert page.status_code == 200
    assert not page.context["has_add_permission"]
    assert "delete_selected" not in page.content.decode()


def test_an_unlock_record_cannot_be_changed_or_deleted_in_the_admin(client, superuser, inspection):
    unlock = InspectionUnlock.objects.create(
        inspection=inspection, reason="Typo in 2.3", unlocked_by=superuser
    )
    client.force_login(superuser)
    listing = client.get(reverse("admin:reports_inspectionunlock_changelist"))
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert client.get(reverse("admin:reports_inspectionunlock_change", args=[unlock.pk])).status_code == 200
    delete = reverse("admin:reports_inspectionunlock_delete", args=[unlock.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:reports_inspectionunlock_change", args=[unlock.pk])
    assert client.post(change, {"reason": "Nothing to see"}).status_code == 403
    unlock.refresh_from_db()
    assert unlock.reason == "Typo in 2.3"


def test_an_old_version_cannot_be_written_back_from_the_history_page(client, superuser, judgement):
    judgement.answer = "no"
    judgement.save()
    first = judgement.history.last()
    client.force_login(superuser)
    url = reverse("admin:cases_judgement_simple_history", args=[judgement.pk, first.history_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"answer": first.answer, "rationale": first.rationale, "case": judgement.case_id}
    )
    assert response.status_code == 403
    judgement.refresh_from_db()
    assert judgement.answer == "no"


def test_a_membership_added_in_the_admin_needs_a_reason(client, superuser, lead, other_inspection):
    client.force_login(superuser)
    url = reverse("admin:inspections_inspectionmembership_add")
    data = {"inspection": other_inspection.pk, "user": lead.pk, "role": Role.LEAD}

    refused = client.post(url, {**data, "reason": "  "})
    assert refused.status_code == 200
    assert REASON_REQUIRED in refused.content.decode()
    assert not InspectionMembership.objects.filter(inspection=other_inspection).exists()

    assert client.post(url, {**data, "reason": "Covering for Sam's leave"}).status_code == 302
    membership = InspectionMembership.objects.get(inspection=other_inspection, user=lead)
    recorded = membership.history.get()
    assert (recorded.history_user, recorded.history_change_reason) == (superuser, "Covering for Sam's leave")


def test_a_membership_changed_in_the_admin_keeps_who_and_why(client, superuser, assistant, inspection):
    membership = InspectionMembership.objects.get(inspection=inspection, user=assistant)
    client.force_login(superuser)
    url = reverse("admin:inspections_inspectionmembership_change", args=[membership.pk])
    data = {"inspection": inspection.pk, "user": assistant.pk, "role": Role.INSPECTOR}
    assert client.post(url, data).status_code == 200  # no reason: the form again
    membership.refresh_from_db()
    assert membership.role == Role.ASSISTANT_INSPECTOR

    assert client.post(url, {**data, "reason": "Promoted"}).status_code == 302
    latest = membership.history.first()
    assert (latest.role, latest.history_user, latest.history_change_reason) == (
        Role.INSPECTOR,
        superuser,
        "Promoted",
    )


def test_a_membership_removed_in_the_admin_keeps_who_and_why(client, superuser, assistant, inspection):
    membership = InspectionMembership.objects.get(inspection=inspection, user=assistant)
    client.force_login(superuser)
    url = reverse("admin:inspections_inspectionmembership_delete", args=[membership.pk])
    assert 'name="reason"' in client.get(url).content.decode()

    refused = client.post(url, {"post": "yes"}, follow=True)
    assert REASON_REQUIRED in refused.content.decode()
    assert InspectionMembership.objects.filter(pk=membership.pk).exists()

    assert client.post(url, {"post": "yes", "reason": "Left the inspectorate"}).status_code == 302
    assert not InspectionMembership.objects.filter(pk=membership.pk).exists()
    removal = InspectionMembership.history.filter(id=membership.pk).first()
    assert (removal.history_type, removal.history_user, removal.history_change_reason) == (
        "-",
        superuser,
        "Left the inspectorate",
    )


def test_the_team_is_read_only_on_the_inspection_admin_page(client, superuser, lead, inspection):
    client.force_login(superuser)
    page = client.get(reverse("admin:inspections_inspection_change", args=[inspection.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "memberships-0-role" not in html  # shown as text, not a field
    assert "memberships-TOTAL_FORMS" in html
    assert 'name="status"' not in html


def test_the_demo_lead_is_not_staff_and_the_admin_refuses_them(client, db):
    seed_demo()
    lead = UserFactory._meta.model.objects.get(username="lead")
    assert not lead.is_staff
    assert not Group.objects.get(name=LEAD_GROUP).permissions.exists()
    client.force_login(lead)
    case = InspectedCase.objects.first()
    response = client.get(reverse("admin:cases_inspectedcase_change", args=[case.pk]))
    assert response.status_code == 302
    judgement = Judgement.objects.first()
    assert client.post(reverse("admin:cases_judgement_change", args=[judgement.pk]), {}).status_code == 302


def test_an_inactive_superuser_is_refused(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, is_active=False))
    assert client.get(reverse("admin:index")).status_code == 302
