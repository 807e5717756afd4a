"""Low finding: the schema says what the API takes, so a request that looks valid by it is not refused: ids are
whole numbers from 1, a period has the form "2026-27", and bodies are limited (413)."""

import re

import pytest
from rest_framework.test import APIClient

from reports.api import PERIOD_FORMAT
from reports.selectors.dashboards import PERIOD_PATTERN, Period
from tests.factories import PDUFactory, RegionFactory

ID_FILTERS = [
    ("/api/v1/inspections/", "pdu"),
    ("/api/v1/inspections/", "region"),
    ("/api/v1/pdus/", "region"),
    ("/api/v1/key-questions/", "standard__framework"),
    ("/api/v1/national/pdus/", "region"),
]


@pytest.fixture
def schema(db):
    return APIClient().get("/api/schema/?format=json").json()


def parameter(schema, path, name, location="query"):
    operation = schema["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name and p["in"] == location)


@pytest.mark.parametrize(("path", "name"), ID_FILTERS)
def test_id_filters_are_whole_numbers_from_1(schema, path, name):
    assert parameter(schema, path, name)["schema"]["type"] == "integer"
    assert parameter(schema, path, name)["schema"]["minimum"] == 1


def path_parameters(schema):
    return [
        p
        for methods in schema["paths"].values()
        for operation in methods.values()
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    ]


def test_path_ids_are_whole_numbers_from_1(schema):
    """Every path parameter is an id, but for a sample design's case kind (a slug, below)."""
    parameters = path_parameters(schema)
    ids = [p["schema"] for p in parameters if p["name"] != "kind"]
    assert ids
    assert all(id_schema == {"type": "integer", "minimum": 1} for id_schema in ids)


def test_a_path_case_kind_is_a_slug_as_long_as_the_field(schema):
    kinds = [p["schema"] for p in path_parameters(schema) if p["name"] == "kind"]
    assert kinds
    assert all(kind == {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "maxLength": 50} for kind in kinds)


def test_period_has_its_pattern(schema):
    assert parameter(schema, "/api/v1/national/pdus/", "period")["schema"]["pattern"] == PERIOD_PATTERN
    for name in ("first_year", "second_year", "within"):
        assert parameter(schema, "/api/v1/national/comparison/", name)["schema"]["pattern"] == PERIOD_PATTERN


def test_a_period_matches_the_schemas_pattern_exactly_when_it_is_a_real_period():
    """ "0000-00" and "2026-99" matched the pattern once and were refused with 400 (schemathesis found them)."""
    for first in range(1000, 3000):
        for second in range(100):
            slug = f"{first}-{second:02d}"
            assert bool(re.fullmatch(PERIOD_PATTERN, slug)) == (Period.from_slug(slug) is not None), slug
    assert not re.fullmatch(PERIOD_PATTERN, "0000-01")


def test_changes_document_413(schema):
    assert "413" in schema["paths"]["/api/v1/cases/{id}/"]["patch"]["responses"]


def test_a_region_that_exists_nowhere_filters_pdus_to_none_rather_than_a_400(national_viewer):
    PDUFactory(region=RegionFactory())
    client = APIClient()
    client.force_login(national_viewer)
    response = client.get("/api/v1/pdus/?region=987654")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("period", ["2026", "26-27", "2026/27", "abcd-ef"])
def test_a_period_not_of_the_pattern_is_a_400_saying_the_form(national_viewer, period):
    client = APIClient()
    client.force_login(national_viewer)
    response = client.get("/api/v1/national/pdus/", {"period": period})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == PERIOD_FORMAT
