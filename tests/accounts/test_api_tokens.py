import datetime

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import ApiTokenName
from accounts.services import api_token_create
from accounts.views import REVOKED
from tests.factories import UserFactory

URL = "/account/api-tokens/"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def api(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert client.post(URL, {"name": "x"}).status_code == 302
    assert AuthToken.objects.count() == 0


def test_a_new_token_is_shown_once_and_works(signed_in, user):
    response = signed_in.post(URL, {"name": "Ratings spreadsheet"}, follow=True)
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode()
    assert "Ratings spreadsheet" in response.content.decode()
    assert ApiTokenName.objects.get(token__user=user).name == "Ratings spreadsheet"

    again = signed_in.get(URL)
    assert secret not in again.content.decode()
    assert "Ratings spreadsheet" in again.content.decode()  # listed by name, never by secret

    assert api(secret).get("/api/v1/regions/").status_code == 200


def test_a_token_is_stored_only_as_a_digest(user):
    token, secret = api_token_create(user=user, name="Script")
    assert secret not in (token.digest, token.token_key)
    assert token.expiry > timezone.now() + datetime.timedelta(days=89)


def test_a_token_needs_a_name(signed_in):
    response = signed_in.post(URL, {"name": "   "})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is no problem" not in content
    assert "govuk-error-summary" in content
    assert "Enter a name for the token" in content
    assert AuthToken.objects.count() == 0


def test_a_revoked_token_no_longer_works(signed_in, user):
    token, secret = api_token_create(user=user, name="Old script")
    response = signed_in.post(f"{URL}{token.token_key}/revoke/", follow=True)
    assert REVOKED in response.content.decode()
    assert not AuthToken.objects.filter(pk=token.pk).exists()
    assert api(secret).get("/api/v1/regions/").status_code == 401


def test_nobody_revokes_another_users_token(signed_in):
    token, secret = api_token_create(user=UserFactory(), name="Theirs")
    assert signed_in.post(f"{URL}{token.token_key}/revoke/").status_code == 404
    assert api(secret).get("/api/v1/regions/").status_code == 200


def test_revoking_needs_a_post(signed_in, user):
    token, _ = api_token_create(user=user, name="Script")
    assert signed_in.get(f"{URL}{token.token_key}/revoke/").status_code == 405


def test_an_expired_token_is_refused_and_not_listed(signed_in, user):
    token, secret = api_token_create(user=user, name="Expired script")
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    assert "Expired script" not in signed_in.get(URL).content.decode()
    response = api(secret).get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_user_sees_only_their_own_tokens(signed_in):
    api_token_create(user=UserFactory(), name="Someone else's")
    assert "Someone else&#x27;s" not in signed_in.get(URL).content.decode()
