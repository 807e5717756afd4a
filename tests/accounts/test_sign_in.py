"""Signing in lands each user where their work is: assistant inspectors on their cases, everyone else on the PDUs."""

import pytest
from django.urls import reverse

from inspections.models import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory, user_with_roles

pytestmark = pytest.mark.usefixtures("framework")


def _lands_on(client, user, **query) -> str:
    """Where signing in leads, after every redirect."""
    url = reverse("login") + (f"?next={query['next']}" if query else "")
    response = client.post(url, {"username": user.username, "password": DEFAULT_PASSWORD}, follow=True)
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def test_an_assistant_inspector_lands_on_their_cases(client):
    assert _lands_on(client, user_with_roles(Role.ASSISTANT_INSPECTOR, Role.ASSISTANT_INSPECTOR)) == reverse(
        "case_list"
    )


@pytest.mark.parametrize(
    ("roles", "fields"),
    [
        ((Role.LEAD,), {}),
        ((Role.ASSISTANT_INSPECTOR, Role.QUALITY_ASSURER), {}),
        ((Role.ASSISTANT_INSPECTOR,), {"is_national_viewer": True}),
        ((), {}),
    ],
)
def test_everyone_else_lands_on_the_pdu_list(client, roles, fields):
    assert _lands_on(client, user_with_roles(*roles, **fields)) == reverse("home")


def test_a_page_asked_for_before_signing_in_wins(client):
    target = reverse("api_tokens")
    assert _lands_on(client, user_with_roles(Role.ASSISTANT_INSPECTOR), next=target) == target


def test_a_wrong_password_signs_nobody_in(client):
    user = user_with_roles(Role.ASSISTANT_INSPECTOR)
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_the_sign_in_page_does_not_move_focus_past_the_skip_link(client):
    page = client.get(reverse("login")).content.decode()
    assert 'id="id_username"' in page
    assert "autofocus" not in page


@pytest.mark.parametrize(
    ("flags", "shown"),
    [({}, False), ({"is_staff": True}, False), ({"is_staff": True, "is_superuser": True}, True)],
)
def test_only_administrators_see_the_administration_link(client, flags, shown):
    client.force_login(UserFactory(**flags))
    page = client.get(reverse("case_list")).content.decode()
    assert (reverse("admin:index") in page) is shown
