"""The service navigation offers each user the sections of their roles, read with the user at no extra query."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from inspections.models import Role
from inspections.permissions import LEAD_INSPECTORS_GROUP
from tests.factories import UserFactory, user_with_roles

pytestmark = pytest.mark.usefixtures("framework")


def _sections(client, user) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("api_tokens")).content.decode()
    return re.findall(r'class="govuk-service-navigation__link"[^>]*>([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("roles", "sections"),
    [
        ([Role.ASSISTANT_INSPECTOR], ["Case Assessment", "PDUs", "Inspections", "Your cases", "API tokens"]),
        (
            [Role.LEAD],
            ["Case Assessment", "PDUs", "National dashboard", "National report", "Inspections", "API tokens"],
        ),
        (
            [Role.QUALITY_ASSURER],
            ["Case Assessment", "PDUs", "National dashboard", "National report", "Inspections", "API tokens"],
        ),
        (
            [Role.INSPECTOR, Role.ASSISTANT_INSPECTOR],
            [
                "Case Assessment",
                "PDUs",
                "National dashboard",
                "National report",
                "Inspections",
                "Your cases",
                "API tokens",
            ],
        ),
        ([], ["Case Assessment", "PDUs", "API tokens"]),
    ],
)
def test_the_navigation_offers_the_sections_of_the_users_roles(client, roles, sections):
    assert _sections(client, user_with_roles(*roles)) == sections


def test_a_national_viewer_is_offered_the_national_dashboard_but_no_inspection_work(client, national_viewer):
    assert _sections(client, national_viewer) == [
        "Case Assessment",
        "PDUs",
        "National dashboard",
        "National report",
        "API tokens",
    ]


def test_a_lead_inspector_with_no_team_yet_is_offered_inspections_to_set_one_up(client):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    assert "Inspections" in _sections(client, user)


def test_a_superuser_is_offered_every_section(client, superuser):
    assert _sections(client, superuser) == [
        "Case Assessment",
        "PDUs",
        "National dashboard",
        "National report",
        "Inspections",
        "Your cases",
        "Frameworks",
        "API tokens",
    ]


def test_the_roles_are_read_with_the_user(client, django_assert_num_queries):
    client.force_login(user_with_roles(Role.LEAD, Role.ASSISTANT_INSPECTOR))
    client.get(reverse("api_tokens"))
    with django_assert_num_queries(3):  # session, user with roles, the user's tokens
        response = client.get(reverse("api_tokens"))
    assert "Your cases" in response.content.decode()
