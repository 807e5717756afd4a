"""Finding 10 of issue 15: the API tokens of a user whose password changes, or who is deactivated, stop working,
and the user is told why (in the API's problem, on the password page and on the tokens page)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.services import ENDED_BY_DEACTIVATION, api_token_create
from tests.factories import DEFAULT_PASSWORD, UserFactory

API_URL = "/api/v1/regions/"
NEW_PASSWORD = "a-new-and-longer-passphrase-2026"


@pytest.fixture
def user(db):
    return UserFactory(username="script-owner")


def _api(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _change_password_on_the_account_page(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    return response


def test_a_password_change_stops_the_users_tokens_and_says_why(client, user):
    _, secret = api_token_create(user=user, name="nightly export")
    assert _api(secret).get(API_URL).status_code == 200

    done = _change_password_on_the_account_page(client, user)
    assert "API tokens you made before changing your password no longer work" in done.content.decode()

    response = _api(secret).get(API_URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert "stopped working when your password was changed" in response.json()["detail"]


def test_a_token_made_after_the_change_works(client, user):
    _change_password_on_the_account_page(client, user)
    _, secret = api_token_create(user=user, name="after")
    assert _api(secret).get(API_URL).status_code == 200


def test_the_tokens_page_shows_which_tokens_stopped(client, user):
    api_token_create(user=user, name="old script")
    _change_password_on_the_account_page(client, user)
    api_token_create(user=user, name="new script")
    page = client.get(reverse("api_tokens")).content.decode()
    assert 'id="stopped-tokens"' in page
    assert "1 of your tokens stopped working" in page
    old_row = page[page.index("old script") :].split("</tr>")[0]
    new_row = page[page.index("new script") :].split("</tr>")[0]
    assert "Stopped working" in old_row
    assert "Stopped working" not in new_row


def test_a_password_set_in_the_admin_stops_the_tokens_too(client, user, superuser):
    _, secret = api_token_create(user=user, name="x")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _api(secret).get(API_URL).status_code == 401


def test_signing_in_leaves_the_tokens_working(client, user, settings):
    """Django re-hashes an unchanged password at sign-in when the hasher's settings changed: not a change."""
    _, secret = api_token_create(user=user, name="x")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    response = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")  # re-hashed
    assert _api(secret).get(API_URL).status_code == 200


def test_a_deactivated_users_tokens_stop_and_say_why(user):
    _, secret = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    response = _api(secret).get(API_URL)
    assert response.status_code == 401
    assert response.json()["detail"] == ENDED_BY_DEACTIVATION


def test_a_refused_genuine_token_is_not_counted_as_a_guess(user, settings):
    _, secret = api_token_create(user=user, name="x")
    user.is_active = False
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert _api(secret).get(API_URL).status_code == 401


def test_tokens_made_before_this_change_was_deployed_keep_working(user):
    """Users whose password was set before password_changed_at existed have none recorded."""
    type(user).objects.filter(pk=user.pk).update(password_changed_at=None)
    token, secret = api_token_create(user=user, name="x")
    AuthToken.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=30))
    assert _api(secret).get(API_URL).status_code == 200
