import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from inspections.models import Role
from tests.factories import InspectedCaseFactory, InspectionFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    """A client that authenticates as a script does: with a knox token."""
    _, secret = AuthToken.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def inspection(framework):
    return InspectionFactory(framework=framework)


@pytest.fixture
def other_inspection(framework):
    return InspectionFactory(framework=framework)


def member(inspection, role=Role.ASSISTANT_INSPECTOR, user=None):
    return MembershipFactory(inspection=inspection, role=role, user=user or UserFactory()).user


@pytest.fixture
def lead(inspection):
    return member(inspection, Role.LEAD)


@pytest.fixture
def assistant(inspection):
    return member(inspection, Role.ASSISTANT_INSPECTOR)


@pytest.fixture
def case(inspection, assistant):
    return InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
