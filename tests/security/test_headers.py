"""Finding 8: a Content-Security-Policy without inline script or style, a Permissions-Policy, and
`Cache-Control: no-store` on case pages, case API answers and the token page. (tests/e2e/test_security_headers.py
checks the pages work under the policy in a browser, with no violation reported.)"""

import re

import pytest
from django.urls import reverse

PAGES = [
    ("assistant", lambda case: f"/cases/{case.pk}/"),
    ("assistant", lambda case: reverse("api_tokens")),
    ("lead", lambda case: f"/dashboards/inspections/{case.inspection_id}/"),
    ("lead", lambda case: f"/inspections/{case.inspection_id}/"),
    ("lead", lambda case: "/dashboards/national/"),
    ("lead", lambda case: "/api/docs/"),
]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(("role", "url"), PAGES)
def test_every_page_has_a_strict_policy_and_no_inline_script_or_style(
    client, case, assistant, lead, role, url
):
    client.force_login({"assistant": assistant, "lead": lead}[role])
    response = client.get(url(case))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    html = response.content.decode()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]
    assert inline_scripts == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_the_sign_in_page_has_the_policy_too(client, db):
    response = client.get(reverse("login"))
    assert directives(response)["default-src"] == ["'self'"]


def test_case_pages_are_never_stored(client, case, assistant):
    client.force_login(assistant)
    assert "no-store" in client.get(f"/cases/{case.pk}/")["Cache-Control"]


def test_the_token_page_is_never_stored(client, assistant):
    client.force_login(assistant)
    assert "no-store" in client.get(reverse("api_tokens"))["Cache-Control"]


def test_case_api_answers_are_never_stored(case, assistant, api_client_for):
    client = api_client_for(assistant)
    for response in (
        client.get(f"/api/v1/cases/{case.pk}/"),
        client.get(f"/api/v1/inspections/{case.inspection_id}/cases/"),
        client.patch(
            f"/api/v1/cases/{case.pk}/",
            {"facts": {"home_visits": "made"}},
            format="json",
            HTTP_IF_MATCH=case.etag,
        ),
        client.get("/api/v1/cases/999999/"),
    ):
        assert "no-store" in response["Cache-Control"], response.status_code
        assert "camera=()" in response["Permissions-Policy"]
