"""Finding 2 of issue 15: signing in is throttled (django-axes) by username and by address, with a GOV.UK
message that says how long to wait and tells nobody whether an account exists; lock-outs show in the admin;
wrong API tokens are throttled the same way, answered with a 429 problem and Retry-After."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.throttling import locked_out_message
from tests.factories import DEFAULT_PASSWORD, UserFactory

LIMIT = settings.AXES_FAILURE_LIMIT
API_URL = "/api/v1/regions/"


@pytest.fixture
def user(db):
    return UserFactory(username="victim")


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address="203.0.113.7"):
    for _ in range(times):
        _sign_in(client, username, "wrong", address)


def test_the_settings_throttle_at_a_few_failures_for_some_minutes():
    assert 3 <= LIMIT <= 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() >= 5 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_failures_below_the_limit_still_let_the_right_password_in(client, user):
    _fail(client, "victim", LIMIT - 1)
    response = _sign_in(client, "victim", DEFAULT_PASSWORD)
    assert response.status_code == 302


def test_a_username_past_the_limit_is_refused_even_with_the_right_password(client, user):
    _fail(client, "victim", LIMIT)
    response = _sign_in(client, "victim", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    page = response.content.decode()
    assert locked_out_message() in page
    assert "Wait 15 minutes" in page
    assert "govuk-error-summary" in page
    assert 'value="victim"' in page  # the username kept in the form
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_any_address(client, user):
    _fail(client, "victim", LIMIT, address="203.0.113.7")
    assert _sign_in(client, "victim", DEFAULT_PASSWORD, address="198.51.100.9").status_code == 429


def test_an_address_past_the_limit_is_refused_for_every_username(client, user):
    for n in range(LIMIT):
        _sign_in(client, f"guess{n}", "wrong")
    assert _sign_in(client, "victim", DEFAULT_PASSWORD).status_code == 429
    # The same account from elsewhere is not locked: its own failures are below the limit.
    assert _sign_in(client, "victim", DEFAULT_PASSWORD, address="198.51.100.9").status_code == 302


def test_an_unknown_username_is_answered_as_a_known_one(client, user):
    for username in ("victim", "nobody-by-this-name"):
        for _ in range(LIMIT - 1):
            wrong = _sign_in(client, username, "wrong", address=f"192.0.2.{len(username)}")
            assert wrong.status_code == 200
            assert "Enter a correct username and password" in wrong.content.decode()
        locked = _sign_in(client, username, "wrong", address=f"192.0.2.{len(username)}")
        assert locked.status_code == 429
        assert locked_out_message() in locked.content.decode()


def test_the_wait_ends(client, user, settings):
    _fail(client, "victim", LIMIT)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert _sign_in(client, "victim", DEFAULT_PASSWORD).status_code == 302


def test_behind_a_load_balancer_the_forwarded_address_counts(client, user, settings):
    settings.NUM_PROXIES = 1
    for n in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    other_client = _sign_in(client, "victim", DEFAULT_PASSWORD, address="10.0.0.1")
    assert other_client.status_code == 302  # the balancer's own address is not what is locked


def test_lock_outs_are_listed_in_the_admin(client, user, superuser):
    _fail(client, "victim", LIMIT)
    client.force_login(superuser)
    page = client.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert page.status_code == 200
    assert "victim" in page.content.decode()


@pytest.mark.parametrize("round_", [1, 2])
def test_no_test_is_locked_out_by_another(client, user, round_):
    """Run twice: the second run finds none of the first's failures (tests/conftest.py resets axes)."""
    assert not AccessAttempt.objects.exists()
    _fail(client, "victim", LIMIT)
    assert _sign_in(client, "victim", DEFAULT_PASSWORD).status_code == 429


def _token_client(secret="0" * 64, address="203.0.113.7"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_wrong_api_tokens_are_throttled_by_address_with_a_problem(db):
    client = _token_client()
    for _ in range(LIMIT - 1):
        response = client.get(API_URL)
        assert response.status_code == 401
    response = client.get(API_URL)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/problem+json")
    assert int(response["Retry-After"]) >= settings.AXES_COOLOFF_TIME.total_seconds()
    body = response.json()
    assert body["status"] == 429
    assert "Wait 15 minutes" in body["detail"]
    assert client.get(API_URL).status_code == 429
    # Another address is not throttled.
    assert _token_client(address="198.51.100.9").get(API_URL).status_code == 401


def test_a_right_token_still_works_from_a_throttled_address(db, user):
    client = _token_client()
    for _ in range(LIMIT):
        client.get(API_URL)
    _, secret = AuthToken.objects.create(user=user)
    assert _token_client(secret).get(API_URL).status_code == 200
