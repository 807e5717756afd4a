"""A user's roles in an inspection are read once per request, whichever copy of the inspection asks, and never lent
to another user or another inspection."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from inspections.models import Inspection
from inspections.permissions import (
    can_manage_inspection,
    can_view_dashboard,
    can_view_inspection,
    has_case_reader_role,
)


def test_every_question_about_one_inspection_reads_the_users_roles_once(
    inspection, lead, django_assert_num_queries
):
    first, second = (Inspection.objects.get(pk=inspection.pk) for _ in range(2))
    with django_assert_num_queries(1):
        assert can_manage_inspection(lead, first)
        assert can_view_dashboard(lead, second)
        assert can_view_inspection(lead, second)
        assert has_case_reader_role(lead, first)


def test_roles_read_for_one_user_or_inspection_answer_for_no_other(
    inspection, other_inspection, lead, assistant
):
    assert can_manage_inspection(lead, inspection)
    assert not can_manage_inspection(lead, other_inspection)
    assert not can_view_dashboard(lead, other_inspection)
    assert not can_manage_inspection(assistant, inspection)
    assert not can_view_dashboard(assistant, inspection)


def test_each_request_reads_the_roles_afresh(client, inspection, lead):
    """The remembered roles live on the user object of one request: a role taken away is gone by the next."""
    client.force_login(lead)
    dashboard = reverse("inspection_dashboard", args=[inspection.pk])
    assert client.get(dashboard).status_code == 200
    inspection.memberships.filter(user=lead).delete()
    assert client.get(dashboard).status_code == 404
    assert not can_view_dashboard(get_user_model().objects.get(pk=lead.pk), inspection)
