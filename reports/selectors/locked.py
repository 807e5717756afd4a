"""Locked PDU inspections, whose frozen results are the national figures everyone who sees them sees alike: the
national report and comparisons read them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from inspections.definitions import Definition
from inspections.models import Inspection

from ..models import FrozenCount, InspectionSnapshot
from ..snapshots import results_shape

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass(frozen=True)
class LockedInspection:
    pk: int
    pdu: str
    region_id: int
    region: str
    fieldwork_start: datetime.date
    definition: Definition
    # the latest snapshot, where its counts were frozen with it (None for one taken before counts were frozen: its
    # counts are counted live from the cases, which cannot change once locked)
    frozen_snapshot_id: int | None = None

    @property
    def counted(self) -> tuple[int, int | None]:
        """What counts.counts_parts counts it from."""
        return self.pk, self.frozen_snapshot_id


class LatestSnapshot(TypedDict):
    snapshot_id: int | None
    counts_frozen: bool


def with_latest_snapshot(
    inspections: QuerySet[Inspection],
) -> QuerySet[WithAnnotations[Inspection, LatestSnapshot]]:
    """The inspections with the id of their latest snapshot (`snapshot_id`, None where there is none) and whether
    counts were frozen with it (`counts_frozen`): what counts.counts_parts reads a locked inspection from."""
    latest = InspectionSnapshot.objects.filter(inspection=OuterRef("pk")).order_by("-created_at", "-pk")
    return inspections.annotate(snapshot_id=Subquery(latest.values("pk")[:1])).annotate(
        counts_frozen=Exists(FrozenCount.objects.filter(snapshot_id=OuterRef("snapshot_id")))
    )


def locked_inspections(
    *, start: datetime.date | None = None, end: datetime.date | None = None, region: int | None = None
) -> list[LockedInspection]:
    """Every locked PDU inspection with a snapshot whose fieldwork starts in [start, end), in the region if given,
    newest first (one query). Locked results are the national figures everyone who sees them sees alike."""
    queryset = (
        with_latest_snapshot(Inspection.objects.filter(status=Inspection.Status.LOCKED, pdu__isnull=False))
        .filter(Exists(InspectionSnapshot.objects.filter(inspection=OuterRef("pk"))))
        .select_related("pdu__region", "framework")
        .order_by("-fieldwork_start", "-pk")
    )
    if start:
        queryset = queryset.filter(fieldwork_start__gte=start)
    if end:
        queryset = queryset.filter(fieldwork_start__lt=end)
    if region:
        queryset = queryset.filter(pdu__region_id=region)
    result = []
    for inspection in queryset:
        assert inspection.pdu is not None  # filtered above
        result.append(
            LockedInspection(
                inspection.pk,
                inspection.pdu.name,
                inspection.pdu.region_id,
                inspection.pdu.region.name,
                inspection.fieldwork_start,
                inspection.framework.definition,
                inspection.snapshot_id if inspection.counts_frozen else None,
            )
        )
    return result


def definitions_of(inspections: Iterable[LockedInspection]) -> list[Definition]:
    """Their framework versions, each once, newest first (its wording wins where codes meet)."""
    by_version = {(i.definition.slug, i.definition.version): i.definition for i in inspections}
    return sorted(by_version.values(), key=lambda d: (d.effective_from, d.version), reverse=True)


def latest_results(inspection_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each inspection's latest snapshot's results (one query)."""
    results: dict[int, dict[str, Any]] = {}
    snapshots = InspectionSnapshot.objects.filter(inspection_id__in=inspection_ids).order_by(
        "inspection_id", "-created_at", "-pk"
    )
    for inspection_id, data in snapshots.values_list("inspection_id", "data"):
        if inspection_id not in results:
            results[inspection_id] = results_shape(data)
    return results
