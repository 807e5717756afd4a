"""Reading counts over the counted cases of inspections (cases.counts), in one shape whether computed live, frozen
at lock or kept current.

A locked inspection is read from the counts frozen with its snapshot (reports.models.FrozenCount, written by
reports.services), an open one from the counts the services keep current (cases.count_models.KeptCount), and an
inspection with neither from its cases (`live_counts`). `read_counts` turns any of them, or all in one UNION ALL,
into what the rates need.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, IntegerField, QuerySet, Sum, Value
from django.db.models.fields.json import KeyTextTransform

from cases.count_models import KeptCount, Measure
from cases.counts import (
    EVERY_MEASURE,
    INSPECTION,
    KEY,
    KIND,
    MEASURE,
    NEED_ANSWERED,
    NEED_LINKED,
    NEED_MET,
    VALUE,
    attribute_column,
    live_counts,
    shape,
)
from inspections.definitions import Definition

from ..models import FrozenCount
from .results import ANSWERED, SUFFICIENT


def _stored_counts(
    rows: QuerySet[Any], inspection: Any, attributes: Sequence[str], measures: Collection[str]
) -> QuerySet[Any]:
    by_attribute = {
        attribute_column(i): KeyTextTransform(key, "attributes") for i, key in enumerate(attributes)
    }
    row = shape(inspection, F("measure"), F("case_kind"), F("key"), F("value"), by_attribute)
    return rows.filter(measure__in=list(measures)).values(**row).annotate(n=Sum("count")).order_by()


def frozen_counts(
    snapshot_ids: Iterable[int],
    attributes: Sequence[str],
    measures: Collection[str] = EVERY_MEASURE,
    by_inspection: bool = False,
) -> QuerySet[Any]:
    """The counts frozen with these snapshots, summed over them (the rows name no inspection), or per inspection
    where `by_inspection` (one snapshot of each)."""
    inspection = F("snapshot__inspection_id") if by_inspection else Value(None, output_field=IntegerField())
    return _stored_counts(
        FrozenCount.objects.filter(snapshot_id__in=list(snapshot_ids)), inspection, attributes, measures
    )


def kept_counts(
    inspection_ids: Iterable[int], attributes: Sequence[str], measures: Collection[str]
) -> QuerySet[Any]:
    """The counts kept current for these inspections, per inspection (none for those whose counts are not kept)."""
    rows = KeptCount.objects.filter(counts_id__in=list(inspection_ids))
    return _stored_counts(rows, F("counts_id"), attributes, measures)


def counts_parts(
    inspections: Iterable[tuple[int, int | None]],
    attributes: Sequence[str],
    measures: Collection[str] = EVERY_MEASURE,
    by_inspection: bool = False,
    definitions: Iterable[Definition] = (),
) -> list[QuerySet[Any]]:
    """The counts of these (inspection, snapshot with frozen counts or None) pairs: frozen with the snapshot where
    there is one; for every other (open, or locked before counts were frozen), kept where its counts are kept and
    live from its cases where not (their answers counted where their key questions apply under these framework
    versions, as live_counts says)."""
    frozen: list[int] = []
    live: list[int] = []
    for inspection_id, snapshot_id in inspections:
        if snapshot_id is None:
            live.append(inspection_id)
        else:
            frozen.append(snapshot_id)
    parts = []
    if live:
        parts += live_counts(live, attributes, measures, definitions=definitions, unkept_only=True)
        parts.append(kept_counts(live, attributes, measures))
    if frozen:
        parts.append(frozen_counts(frozen, attributes, measures, by_inspection))
    return parts


@dataclass
class Counts:
    """Counts read into what the rates sum."""

    # judgement_breakdown's rows: per inspection (None for frozen counts pooled over their inspections), key
    # question code and breakdown attribute values, the sufficient and answered judgements
    judgements: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)  # counted cases by case kind
    # counted cases of every kind per inspection (None for frozen counts pooled over their inspections, as above)
    inspection_cases: dict[int | None, int] = field(default_factory=dict)
    facts: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (kind, fact, answer)
    needs: dict[tuple[str, str], dict[str, int]] = field(
        default_factory=dict
    )  # (kind, need): linked, met, answered


def read_counts(rows: Iterable[dict[str, Any]] | None, attributes: Sequence[str]) -> Counts:
    """Counts from rows of live_counts or frozen_counts (or both): judgements summed into sufficient and answered
    per inspection, key question and attribute values, facts and needs per case kind."""
    counts = Counts()
    columns = [attribute_column(i) for i in range(len(attributes))]
    judgements: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows or ():
        measure, kind, key, value, n = row[MEASURE], row[KIND], row[KEY], row[VALUE], row["n"]
        if measure == Measure.JUDGEMENTS:
            group = (row[INSPECTION], key, *(row[column] for column in columns))
            found = judgements.get(group)
            if found is None:
                found = judgements[group] = {
                    "case__inspection_id": row[INSPECTION],
                    "key_question__code": key,
                    **{column: row[column] for column in columns},
                    "sufficient": 0,
                    "total": 0,
                }
            found["sufficient"] += n if value in SUFFICIENT else 0
            found["total"] += n if value in ANSWERED else 0
        elif measure == Measure.CASES:
            counts.cases[kind] = counts.cases.get(kind, 0) + n
            counts.inspection_cases[row[INSPECTION]] = counts.inspection_cases.get(row[INSPECTION], 0) + n
        elif measure == Measure.FACTS:
            counts.facts[(kind, key, value)] = counts.facts.get((kind, key, value), 0) + n
        elif measure == Measure.NEEDS:
            need = counts.needs.setdefault((kind, key), {"linked": 0, "met": 0, "answered": 0})
            need["linked"] += n if value in NEED_LINKED else 0
            need["met"] += n if value == NEED_MET else 0
            need["answered"] += n if value in NEED_ANSWERED else 0
    counts.judgements = list(judgements.values())
    return counts
