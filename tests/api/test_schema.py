import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield path, method, operation


def test_the_schema_generates_and_validates_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()


def test_every_operation_documents_its_problem_responses(schema):
    seen = 0
    for path, method, operation in operations(schema):
        seen += 1
        responses = operation["responses"]
        for code in ("401", "403", "429"):
            assert code in responses, f"{method.upper()} {path} does not document {code}"
            assert "application/problem+json" in responses[code]["content"]
        if "{" in path:
            assert "404" in responses, f"{method.upper()} {path} does not document 404"
    assert seen >= 16


def test_changes_document_the_etag_preconditions(schema):
    patch = schema["paths"]["/api/v1/cases/{id}/"]["patch"]
    submit = schema["paths"]["/api/v1/cases/{id}/submit/"]["post"]
    for operation in (patch, submit):
        assert {"409", "412", "428"} <= set(operation["responses"])
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"])
    assert "422" in submit["responses"]


def test_aggregates_document_csv(schema):
    results = schema["paths"]["/api/v1/inspections/{id}/results/"]["get"]
    assert "text/csv" in results["responses"]["200"]["content"]


def test_every_list_is_paginated_and_none_is_a_bare_array(schema):
    lists = set()
    for path, _method, operation in operations(schema):
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        assert body.get("schema", {}).get("type") != "array", f"{path} is a list without pagination"
        if body.get("schema", {}).get("$ref", "").startswith("#/components/schemas/Paginated"):
            lists.add(path)
            assert {"page", "page_size", "ordering"} <= {p["name"] for p in operation["parameters"]}
    assert lists == {
        "/api/v1/regions/",
        "/api/v1/pdus/",
        "/api/v1/pdus/{id}/ratings/",
        "/api/v1/frameworks/",
        "/api/v1/key-questions/",
        "/api/v1/inspections/",
        "/api/v1/inspections/{inspection_pk}/cases/",
        "/api/v1/national/pdus/",
    }


def test_the_browsable_docs_are_served(client, db):
    client.force_login(UserFactory())
    response = client.get("/api/docs/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<code>/api/v1/cases/{id}/submit/</code>" in content
    assert "If-Match" in content
    assert "application/problem+json" in content


def test_every_problem_type_is_explained_on_the_docs_page(client, db):
    from api.problems import TYPES, declared_problems

    content = client.get("/api/docs/").content.decode()
    slugs = [*TYPES.values(), *(error.problem_type for error in declared_problems())]
    assert {"case-not-editable", "stale-etag", "case-incomplete", "if-match-required"} <= set(slugs)
    for slug in slugs:
        assert f'id="problem-{slug}"' in content


def test_a_problems_type_links_to_its_explanation(db):
    response = APIClient().get("/api/v1/regions/")
    assert response.json()["type"] == "/api/docs/#problem-not-authenticated"


def test_the_national_dashboards_endpoints_document_the_choice_of_open_inspections(schema):
    dashboard = ["pdus", "distribution", "key-questions", "case-facts", "staffing"]
    for name in dashboard:
        parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/national/{name}/"]["get"]["parameters"]}
        assert "include-provisional" in parameters["inspections"]["schema"]["enum"], name
        assert "locked inspections only" in parameters["inspections"]["description"], name
    # The report, the comparison and the regions are of locked inspections only: no such choice.
    for name in ["report", "comparison", "regions", "survey"]:
        names = {p["name"] for p in schema["paths"][f"/api/v1/national/{name}/"]["get"]["parameters"]}
        assert "inspections" not in names, name
