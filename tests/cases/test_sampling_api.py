"""The sample designer through the API: upload a caseload, read and change the design, draw. Lead only."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases.sample_models import SampleDesign
from inspections.models import Role
from tests.factories import caseload_csv, caseload_row, team_member

KIND = "supervision"


def urls(inspection):
    args = [inspection.pk, KIND]
    return {
        "design": reverse("api:sample-design", args=args),
        "caseload": reverse("api:sample-caseload", args=args),
        "draw": reverse("api:sample-draw", args=args),
    }


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def caseload(rows=None):
    data = caseload_csv(rows if rows is not None else [caseload_row(i) for i in range(1, 151)])
    return {
        "file": SimpleUploadedFile("caseload.csv", data, content_type="text/csv"),
        "window_start": "2025-10-01",
        "window_end": "2026-05-31",
    }


def test_the_lead_uploads_designs_and_draws_through_the_api(inspection, lead):
    client = client_for(lead)
    url = urls(inspection)
    response = client.post(url["caseload"], caseload(), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["plan"]["population"] == SampleDesign.objects.get().eligible.count()
    assert body["sample"] is None
    changed = client.patch(url["design"], {"confidence": 0.9, "strata": ["gender"], "seed": 5}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["confidence"], changed.json()["strata"], changed.json()["seed"]) == (
        0.9,
        ["gender"],
        5,
    )
    assert changed.json()["plan"]["size"] > body["plan"]["size"]
    drawn = client.post(url["draw"])
    assert drawn.status_code == 201
    sample = drawn.json()["sample"]
    assert {row["role"] for row in sample} == {"selected", "reserve"}
    assert inspection.cases.count() == sum(row["role"] == "selected" for row in sample)
    assert client.get(url["design"]).json()["drawn_at"] is not None


def test_a_bad_caseload_is_a_422_listing_every_problem_with_line_and_column(inspection, lead):
    rows = [caseload_row(1), caseload_row(2)]
    rows[0][6] = rows[1][8] = "?"
    response = client_for(lead).post(urls(inspection)["caseload"], caseload(rows), format="multipart")
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("caseload-invalid")
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(2, "Gender"), (3, "RoSH level")]


def test_drawing_twice_or_changing_a_drawn_design_is_a_409(inspection, lead):
    client = client_for(lead)
    url = urls(inspection)
    client.post(url["caseload"], caseload(), format="multipart")
    assert client.post(url["draw"]).status_code == 201
    assert client.post(url["draw"]).status_code == 409
    assert client.patch(url["design"], {"seed": 1}, format="json").status_code == 409


def test_a_bad_design_is_a_400_naming_the_field(inspection, lead):
    client = client_for(lead)
    url = urls(inspection)
    client.post(url["caseload"], caseload(), format="multipart")
    response = client.patch(url["design"], {"confidence": 1.5, "colour": "red"}, format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} >= {"confidence"}
    response = client.patch(url["design"], {"strata": ["shoe size"]}, format="json")
    assert response.status_code == 400


def test_the_design_before_any_upload_and_an_unknown_kind_are_404(inspection, lead):
    client = client_for(lead)
    assert client.get(urls(inspection)["design"]).status_code == 404
    assert client.get(reverse("api:sample-design", args=[inspection.pk, "tea"])).status_code == 404


def test_anonymous_is_401_another_inspection_404_and_the_rest_of_the_team_403(
    inspection, other_inspection, inspector
):
    url = urls(inspection)
    assert APIClient().get(url["design"]).status_code == 401
    outsider = team_member(other_inspection, Role.LEAD)
    assert client_for(outsider).get(url["design"]).status_code == 404
    assert client_for(outsider).post(url["draw"]).status_code == 404
    assert client_for(inspector).get(url["design"]).status_code == 403
    assert client_for(inspector).post(url["caseload"], caseload(), format="multipart").status_code == 403
