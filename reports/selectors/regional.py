"""Locked regional inspections (an Inspection of a region, under a framework whose unit is the region) on the
national dashboard: each region's latest, with the results frozen when it was locked. One query."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, JSONField, OuterRef, Subquery

from inspections.models import Inspection

from .. import rating as rules
from ..models import InspectionSnapshot
from ..snapshots import results_shape


@dataclass(frozen=True)
class RegionalResult:
    inspection_id: int
    region_id: int
    region: str
    fieldwork_start: datetime.date
    framework: str
    team_judges_overall: bool  # the overall rating is the team's judgement, beside an indicative composite
    composite_score: int | None
    max_score: int | None
    overall_rating: rules.Rating | None
    indicative_rating: rules.Rating | None
    ratings: dict[str, rules.Rating | None]  # standard code -> its rating


@dataclass(frozen=True)
class RegionalResults:
    rows: list[RegionalResult]
    standards: list[
        tuple[str, str]
    ]  # (code, title) of every standard rated in any row, in the frameworks' order


def regional_results(
    *,
    region: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> RegionalResults:
    """Each region's latest locked inspection with a snapshot whose fieldwork starts in [start, end), in the region
    if given, by region name; its results are the snapshot's. Locked results are shown alike to everyone who sees
    national figures, so nothing here depends on the user."""
    latest = InspectionSnapshot.objects.filter(inspection=OuterRef("pk")).order_by("-created_at", "-pk")
    inspections = (
        Inspection.objects.filter(status=Inspection.Status.LOCKED, region__isnull=False)
        .filter(Exists(InspectionSnapshot.objects.filter(inspection=OuterRef("pk"))))
        .select_related("region", "framework")
        .annotate(snapshot_data=Subquery(latest.values("data")[:1], output_field=JSONField()))
        .order_by("region__name", "region_id", "-fieldwork_start", "-pk")
    )
    if region:
        inspections = inspections.filter(region_id=region)
    if start:
        inspections = inspections.filter(fieldwork_start__gte=start)
    if end:
        inspections = inspections.filter(fieldwork_start__lt=end)
    return regional_rows(inspections)


def regional_rows(inspections: Iterable[Inspection]) -> RegionalResults:
    """The rows of locked regional inspections with their latest snapshot's data (`snapshot_data`) and region, in
    region-name order, newest first within a region: each region's first is its row."""
    rows: list[RegionalResult] = []
    standards: dict[str, str] = {}
    for inspection in inspections:
        assert inspection.region is not None  # a regional inspection
        if rows and rows[-1].region_id == inspection.region.pk:
            continue  # an earlier inspection of a region already shown
        data = results_shape(inspection.snapshot_data)  # type: ignore[attr-defined]  # annotated by the callers' queries
        ratings = {}
        for standard in data["standards"]:
            if standard["rating"] is not None or standard["rated_by"] != "not_rated":
                ratings[standard["code"]] = rules.rating_of(standard["rating"])
                standards.setdefault(standard["code"], standard["title"])
        rows.append(
            RegionalResult(
                inspection_id=inspection.pk,
                region_id=inspection.region.pk,
                region=inspection.region.name,
                fieldwork_start=inspection.fieldwork_start,
                framework=data["framework"]["name"],
                team_judges_overall=data["overall_rule"] == "team_judgement",
                composite_score=data["composite_score"],
                max_score=data["max_score"],
                overall_rating=rules.rating_of(data["overall_rating"]),
                indicative_rating=rules.rating_of(data.get("indicative_rating")),
                ratings=ratings,
            )
        )
    return RegionalResults(rows, list(standards.items()))
