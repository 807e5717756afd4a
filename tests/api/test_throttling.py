import os

import pytest
from django.core.cache import cache

from api.throttling import PerTokenThrottle, PerUserThrottle
from tests.factories import UserFactory


def test_a_token_over_its_rate_gets_a_429_problem_with_retry_after(monkeypatch, token_client):
    monkeypatch.setitem(PerTokenThrottle.THROTTLE_RATES, "token", "2/minute")
    client = token_client(UserFactory())
    assert [client.get("/api/v1/regions/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0


def test_each_token_has_its_own_count_but_the_user_has_one_in_total(monkeypatch, token_client):
    monkeypatch.setitem(PerTokenThrottle.THROTTLE_RATES, "token", "2/minute")
    monkeypatch.setitem(PerUserThrottle.THROTTLE_RATES, "user", "4/minute")
    user = UserFactory()
    first, second = token_client(user), token_client(user)
    assert [first.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/regions/").status_code == 200  # a fresh token, still under the user's total
    assert second.get("/api/v1/regions/").status_code == 429  # the user's total is spent


def test_one_users_requests_do_not_throttle_another(monkeypatch, token_client):
    monkeypatch.setitem(PerUserThrottle.THROTTLE_RATES, "user", "1/minute")
    assert token_client(UserFactory()).get("/api/v1/regions/").status_code == 200
    assert token_client(UserFactory()).get("/api/v1/regions/").status_code == 200


def test_throttles_count_in_the_default_cache_that_cache_url_configures():
    assert PerUserThrottle.cache is cache
    assert PerTokenThrottle.cache is cache


def test_with_redis_as_cache_url_the_counts_live_in_redis_for_every_worker(
    monkeypatch, settings, token_client
):
    """Workers share the counts only through a shared cache: with CACHE_URL=redis://... they are kept there."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    server.flushdb()
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}}
    monkeypatch.setitem(PerTokenThrottle.THROTTLE_RATES, "token", "2/minute")
    client = token_client(UserFactory())
    assert [client.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 429]
    keys = [key.decode() for key in server.keys("*throttle_token_*")]
    assert len(keys) == 1
    server.flushdb()
