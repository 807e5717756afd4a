"""A PDU's ratings over time: the composites the inspectorate published, labelled as published, beside the results
of its inspections the user may see (a locked inspection's snapshot; an open one's live, provisional results only
for those who may see its dashboard). A fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inspections.models import Inspection
from inspections.permissions import can_view_national_dashboard, inspections_with_visible_results
from pdus.models import PDU, PublishedRating

from .. import rating as rules
from .dashboards import published_overall_rule
from .national_report import latest_results
from .results import inspection_result_data, inspection_results

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class RatingAt:
    when: datetime.date
    label: str  # the published period, or the inspection's fieldwork month
    published: bool
    source: str  # the publication, for a published rating
    provisional: bool
    composite_score: int | None
    max_score: int | None
    overall_rating: rules.Rating | None
    inspection_id: int | None
    dashboard: bool = False  # the user may open the inspection's dashboard


@dataclass(frozen=True)
class PDUHistory:
    pdu: PDU
    ratings: list[RatingAt]  # oldest first


def pdu_history(user: User | AnonymousUser, pk: int) -> PDUHistory | None:
    """The PDU's published and computed ratings, oldest first; None if there is no such PDU."""
    pdu = PDU.objects.select_related("region").filter(pk=pk).first()
    if pdu is None:
        return None
    overall_of = published_overall_rule()
    ratings = [
        RatingAt(
            row.period_start,
            row.period_label,
            True,
            row.source,
            False,
            row.composite_score,
            row.composite_max,
            overall_of(row.overall_rating, row.composite_score, row.composite_max, row.period_start),
            None,
        )
        for row in PublishedRating.objects.filter(pdu=pdu)
    ]
    visible = list(inspections_with_visible_results(user).filter(pdu=pdu))
    visible_ids = {inspection.pk for inspection in visible}
    if can_view_national_dashboard(user):
        # Locked results are national figures: whoever sees those sees every PDU's.
        visible += (
            Inspection.objects.select_related("framework")
            .filter(pdu=pdu, status=Inspection.Status.LOCKED)
            .exclude(pk__in=visible_ids)
        )
    snapshots = latest_results([i.pk for i in visible if i.is_locked])
    live = inspection_results([i for i in visible if i.pk not in snapshots])
    for inspection in visible:
        data = snapshots.get(inspection.pk)
        if data is None and inspection.pk in live:
            data = inspection_result_data(live[inspection.pk])
        if data is None:
            continue
        ratings.append(
            RatingAt(
                inspection.fieldwork_start,
                f"Inspected {inspection.fieldwork_start:%B %Y}",
                False,
                "",
                inspection.pk not in snapshots,
                data.get("composite_score"),
                data.get("max_score"),
                rules.rating_of(data.get("overall_rating")),
                inspection.pk,
                inspection.pk in visible_ids,
            )
        )
    return PDUHistory(pdu, sorted(ratings, key=lambda rating: (rating.when, not rating.published)))
