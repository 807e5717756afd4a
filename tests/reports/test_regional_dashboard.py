"""Regional inspections on the national dashboard: each region's latest locked inspection in its own table, with the
results frozen when it was locked."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import Framework, Inspection, OverallJudgement
from reports.models import InspectionSnapshot
from reports.selectors import results
from tests.factories import (
    InspectionFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    current_framework,
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
def test_the_regions_table_takes_one_query_however_many_regions(
    client, region_framework, national_viewer, django_assert_max_num_queries, regions
):
    for number in range(regions):
        _regional(region_framework, RegionFactory(name=f"Region {number}"))
    client.force_login(national_viewer)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("national_dashboard"))
    assert len(response.context["regional"].rows) == regions
