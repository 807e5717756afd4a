"""Issue 16, defect 11: the sign-in page says the user was signed out by an expired session, and only then."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.middleware import SIGNED_IN_COOKIE
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EXPIRED = "You were signed out because your session expired."
KEPT = "Answers you typed but had not saved are kept in this browser."


def _sign_in(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def test_signing_in_marks_the_browser_and_an_expired_session_is_named_on_the_sign_in_page(client):
    response = _sign_in(client)
    assert response.cookies[SIGNED_IN_COOKIE].value == "1"
    assert response.cookies[SIGNED_IN_COOKIE]["httponly"]

    Session.objects.all().delete()  # the session expires on the server
    response = client.get(reverse("api_tokens"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert EXPIRED in response.text
    assert KEPT in response.text


def test_signing_out_is_not_called_an_expired_session(client):
    _sign_in(client)
    response = client.post(reverse("logout"), follow=True)
    assert client.cookies[SIGNED_IN_COOKIE].value == ""  # deleted
    assert EXPIRED not in response.text
    assert EXPIRED not in client.get(reverse("api_tokens"), follow=True).text


def test_a_browser_never_signed_in_is_not_told_its_session_expired(client):
    response = client.get(reverse("api_tokens"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert EXPIRED not in response.text
