import pytest

from tests.factories import current_framework


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast password hashing and plain static storage (no collectstatic manifest) in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def framework(db):
    """The current PDU framework, loaded from its data file."""
    return current_framework()
