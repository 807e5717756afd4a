import pytest
from django.core.cache import caches
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts live in the cache; each test starts with none.

    The cache cleared after the test is the one cleared before it: a test that points CACHES elsewhere (a Redis
    that is down, for the health check) has not yet given the setting back when this fixture ends."""
    project_cache = caches["default"]
    project_cache.clear()
    yield
    project_cache.clear()


@pytest.fixture
def api_client_for(db):
    """Make an API client signed in as the given user."""

    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return client_for
