"""The service's own GOV.UK error pages, not Django's plain ones."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_missing_page_is_a_govuk_page_not_found(client):
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "govuk-template__body" in html


@pytest.mark.django_db
def test_a_case_the_user_may_not_see_gets_the_same_page_not_found(client):
    from tests.factories import InspectedCaseFactory

    client.force_login(UserFactory())
    response = client.get(f"/cases/{InspectedCaseFactory().pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "restore your unsaved answers" in html
