"""Regional inspections on the national dashboard: each region's latest locked inspection in its own table, with the
results frozen when it was locked, in the dashboard's CSV and XLSX exports and in the API."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from inspections.models import Framework, Inspection, OverallJudgement, Role
from reports.models import InspectionSnapshot
from reports.selectors import results
from tests.factories import (
    InspectionFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    current_framework,
    team_member,
)


@pytest.fixture
def region_framework(db):
    current_framework()  # loads every shipped framework
    return Framework.objects.get(slug="region-2023")


def _regional(framework, region, *, locked=True, rating="good", start=datetime.date(2026, 9, 7)):
    inspection = InspectionFactory(framework=framework, pdu=None, region=region, fieldwork_start=start)
    for standard in framework.standards.filter(rated_by="team_judgement"):
        OrganisationalRatingFactory(inspection=inspection, standard=standard, rating=rating)
    OverallJudgement.objects.create(inspection=inspection, rating=rating, rationale="Strong leadership.")
    if locked:
        result = results.inspection_results([inspection])[inspection.pk]
        InspectionSnapshot.objects.create(
            inspection=inspection,
            data=results.inspection_result_data(result),
            framework_version=framework.version,
            created_by=UserFactory(),
        )
        Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    return inspection


def test_the_national_dashboard_shows_each_regions_locked_inspection_with_its_ratings(
    client, region_framework, national_viewer
):
    north = _regional(region_framework, RegionFactory(name="North East"))
    _regional(region_framework, RegionFactory(name="Wales"), locked=False)
    client.force_login(national_viewer)
    response = client.get(reverse("national_dashboard"))
    regional = response.context["regional"]
    assert [row.region for row in regional.rows] == ["North East"]
    row = regional.rows[0]
    assert row.inspection_id == north.pk
    assert row.team_judges_overall
    assert row.overall_rating.value == "good"
    assert row.ratings["1.1"].value == "good"
    assert row.ratings["2.1"] is None  # pooled from PDUs' cases, none counted
    assert ("1.2", region_framework.standards.get(code="1.2").title) in regional.standards
    page = response.content.decode()
    assert 'id="table-regions"' in page
    assert reverse("inspection_dashboard", args=[north.pk]) in page
    assert "Wales" not in page.split('id="table-regions"')[1].split("</table>")[0]


def test_the_regions_table_follows_the_region_and_period_chosen(client, region_framework, national_viewer):
    north = RegionFactory(name="North East")
    PDUFactory(region=north)  # the region filter offers the regions of PDUs
    _regional(region_framework, north, rating="good", start=datetime.date(2025, 9, 1))
    latest = _regional(region_framework, north, rating="requires_improvement")
    _regional(region_framework, RegionFactory(name="Wales"))
    client.force_login(national_viewer)
    shown = client.get(reverse("national_dashboard")).context["regional"].rows
    assert [(row.region, row.inspection_id) for row in shown] == [
        ("North East", latest.pk),
        ("Wales", shown[1].inspection_id),
    ]
    in_region = client.get(reverse("national_dashboard"), {"region": north.pk})
    assert [row.inspection_id for row in in_region.context["regional"].rows] == [latest.pk]
    in_region = client.get(reverse("national_dashboard"), {"region": north.pk, "period": "2025-26"})
    [row] = in_region.context["regional"].rows
    assert (row.region, row.overall_rating.value) == ("North East", "good")


@pytest.mark.parametrize("regions", [1, 4])
def test_the_regions_table_takes_no_query_of_its_own_however_many_regions(
    client, region_framework, national_viewer, django_assert_max_num_queries, regions
):
    for number in range(regions):
        _regional(region_framework, RegionFactory(name=f"Region {number}"))
    client.force_login(national_viewer)
    # The national page's default nine (tests/reports/test_frozen_counts.py): the regional inspections come with the
    # PDU inspections, in one query.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("national_dashboard"))
    assert len(response.context["regional"].rows) == regions


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_and_xlsx_exports_have_the_regions_table_with_their_about_columns(
    client, region_framework, national_viewer
):
    _regional(region_framework, RegionFactory(name="North East"))
    client.force_login(national_viewer)
    page = client.get(reverse("national_dashboard")).content.decode()
    assert reverse("national_dashboard_csv", args=["regions"]) in page
    [row] = _csv(client.get(reverse("national_dashboard_csv", args=["regions"])))
    title = region_framework.standards.get(code="1.1").title
    assert (row["Region"], row["Inspection period"], row["Fieldwork started"]) == (
        "North East",
        "2026-27",
        "2026-09-07",
    )
    assert (row["Overall rating"], row["Overall rating decided by"]) == ("Good", "The team’s judgement")
    assert row[f"Standard 1.1 {title}"] == "Good"
    assert row["About: PDU or region"] == "National: every PDU"
    assert row["About: Inspections included"] == "Locked only"
    assert row["About: Generated at"]
    workbook = load_workbook(io.BytesIO(client.get(reverse("national_dashboard_xlsx")).content))
    assert workbook.sheetnames[:4] == ["about", "pdus", "regions", "distribution"]
    sheet = list(workbook["regions"].iter_rows(values_only=True))
    assert sheet[0][0] == "Latest locked inspection of each region"
    assert sheet[1][:2] == ("Region", "Inspection period")
    assert sheet[2][0] == "North East"
    assert (
        dict(workbook["about"].iter_rows(min_row=2, values_only=True))["Inspections included"]
        == "Locked only"
    )


def test_the_regions_csv_follows_the_region_and_period_chosen(client, region_framework, national_viewer):
    north = RegionFactory(name="North East")
    PDUFactory(region=north)
    _regional(region_framework, north, rating="good", start=datetime.date(2025, 9, 1))
    _regional(region_framework, north, rating="requires_improvement")
    _regional(region_framework, RegionFactory(name="Wales"))
    client.force_login(national_viewer)
    url = reverse("national_dashboard_csv", args=["regions"])
    assert [row["Region"] for row in _csv(client.get(url))] == ["North East", "Wales"]
    [row] = _csv(client.get(url, {"region": north.pk, "period": "2025-26"}))
    assert (row["Region"], row["Overall rating"], row["About: Period"]) == (
        "North East",
        "Good",
        "April 2025 to March 2026",
    )


def test_the_api_serves_the_regions_table_with_the_dashboards_filters(
    client, region_framework, national_viewer
):
    north = RegionFactory(name="North East")
    older = _regional(region_framework, north, rating="good", start=datetime.date(2025, 9, 1))
    latest = _regional(region_framework, north, rating="requires_improvement")
    _regional(region_framework, RegionFactory(name="Wales"), locked=False)
    client.force_login(national_viewer)
    data = client.get("/api/v1/national/regions/").json()
    assert (data["region"], data["period"]) == (None, None)
    assert {"code": "1.1", "title": region_framework.standards.get(code="1.1").title} in data["standards"]
    [row] = data["regions"]
    assert {
        key: row[key] for key in ("inspection_id", "region", "period", "overall_rule", "overall_rating")
    } == {
        "inspection_id": latest.pk,
        "region": "North East",
        "period": "2026-27",
        "overall_rule": "team_judgement",
        "overall_rating": "requires_improvement",
    }
    assert row["ratings"]["1.1"] == "requires_improvement"
    assert row["ratings"]["2.1"] is None  # pooled from PDUs' cases, none counted
    earlier = client.get("/api/v1/national/regions/", {"region": north.pk, "period": "2025-26"}).json()
    assert (earlier["region"], earlier["period"]) == ("North East", "2025-26")
    assert [row["inspection_id"] for row in earlier["regions"]] == [older.pk]
    [line] = _csv(client.get("/api/v1/national/regions/", {"format": "csv"}))
    assert (line["region"], line["overall_rating"], line["standard_1.1"]) == (
        "North East",
        "requires_improvement",
        "requires_improvement",
    )


def test_the_regions_api_refuses_filters_it_cannot_read(client, region_framework, national_viewer):
    client.force_login(national_viewer)
    unknown = client.get("/api/v1/national/regions/", {"region": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [{"field": "region", "message": "There is no region with id 999999."}]
    bad_period = client.get("/api/v1/national/regions/", {"period": "2026"})
    assert [error["field"] for error in bad_period.json()["errors"]] == ["period"]


def test_the_regions_api_is_for_those_who_see_national_figures(client, region_framework, national_viewer):
    _regional(region_framework, RegionFactory(name="North East"))
    assert APIClient().get("/api/v1/national/regions/").status_code == 401
    inspection = InspectionFactory()
    client.force_login(team_member(inspection, Role.ASSISTANT_INSPECTOR))
    assert client.get("/api/v1/national/regions/").status_code == 403
    client.force_login(UserFactory())
    assert client.get("/api/v1/national/regions/").status_code == 403
    for user in (team_member(inspection, Role.LEAD), national_viewer):
        client.force_login(user)
        assert len(client.get("/api/v1/national/regions/").json()["regions"]) == 1


@pytest.mark.parametrize("regions", [1, 4])
def test_the_regions_exports_and_api_take_a_fixed_number_of_queries(
    client, region_framework, national_viewer, django_assert_max_num_queries, regions
):
    for number in range(regions):
        _regional(region_framework, RegionFactory(name=f"Region {number}"))
    client.force_login(national_viewer)
    # Session and user (2), the regions' locked inspections (1); a lead's roles for the permission (1, none for a
    # national viewer).
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/national/regions/").json()["regions"]) == regions
    # Session and user (2); the national dashboard's PDUs, frameworks and inspections (3) and its counts (1, none
    # here: no PDU inspection is shown); the regions' locked inspections (1).
    with django_assert_max_num_queries(7):
        assert client.get(reverse("national_dashboard_csv", args=["regions"])).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("national_dashboard_xlsx")).status_code == 200
