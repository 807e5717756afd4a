"""Counts over the counted cases of inspections, in one shape whether computed live or frozen at lock.

Every pooled figure (key question rates and their breakdowns, case facts, needs) is a sum of these counts: judgements
by key question, answer and breakdown attribute; counted cases by kind; case facts by answer; needs by answer, each
per case kind. `live_counts` computes them from the cases; locking stores the same rows (reports.models.FrozenCount,
written by reports.services) and `frozen_counts` reads them back, so a locked inspection is read as a few hundred
counts instead of every judgement. `read_counts` turns either, or both in one UNION ALL, into what the rates need.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform

from cases.models import CaseFact, CaseNeed, InspectedCase, Judgement
from cases.questions import applicable_judgements
from inspections.definitions import Definition

from ..models import FrozenCount
from .results import ANSWERED, SUFFICIENT, attribute_column

Measure = FrozenCount.Measure
EVERY_MEASURE = tuple(Measure)
FACT_MEASURES = (Measure.CASES, Measure.FACTS, Measure.NEEDS)

# A need's answers as one value: linked to offending or not, and if linked whether sufficiently addressed.
NEED_MET = "linked_met"
NEED_NOT_MET = "linked_not_met"
NEED_NOT_ANSWERED = "linked_not_answered"
NEED_NOT_LINKED = "not_linked"  # answered no, or not answered
NEED_LINKED = (NEED_MET, NEED_NOT_MET, NEED_NOT_ANSWERED)
NEED_ANSWERED = (NEED_MET, NEED_NOT_MET)

# The columns of a row of counts, live or frozen (named apart from every model's fields, which annotations may not
# shadow), then attribute_<i> for each breakdown attribute, then "n".
INSPECTION, MEASURE, KIND, KEY, VALUE = "row_inspection", "row_measure", "row_kind", "row_key", "row_value"


def _shape(
    inspection: Any, measure: Any, kind: Any, key: Any, value: Any, attributes: dict[str, Any]
) -> dict[str, Any]:
    return {
        INSPECTION: inspection,
        MEASURE: Value(measure, output_field=CharField()) if isinstance(measure, str) else measure,
        KIND: kind,
        KEY: key,
        VALUE: value,
        **attributes,
    }


def _no_attributes(attributes: Sequence[str]) -> dict[str, Any]:
    return {attribute_column(i): Value(None, output_field=CharField()) for i in range(len(attributes))}


def live_counts(
    inspection_ids: Iterable[int],
    attributes: Sequence[str],
    measures: Collection[str] = EVERY_MEASURE,
    where: tuple[str, str] | None = None,
    definitions: Iterable[Definition] = (),
) -> list[QuerySet[Any]]:
    """The counts of these inspections' counted cases, one grouped query per measure, each row per inspection; only
    the cases whose attribute has the value, where `where` (attribute key, value) is given. Judgements count only
    where their key question applies to the case as it is now, under these framework versions (the inspections')."""
    ids = list(inspection_ids)
    counted = {"case__inspection_id__in": ids, "case__status__in": InspectedCase.COUNTED_STATUSES}
    of_cases = {}
    if where is not None:
        counted[f"case__attributes__{where[0]}"] = where[1]
        of_cases[f"attributes__{where[0]}"] = where[1]
    parts: list[QuerySet[Any]] = []
    if Measure.JUDGEMENTS in measures:
        by_attribute = {
            attribute_column(i): KeyTextTransform(key, "case__attributes") for i, key in enumerate(attributes)
        }
        row = _shape(
            F("case__inspection_id"),
            Measure.JUDGEMENTS,
            F("case__kind"),
            F("key_question__code"),
            F("answer"),
            by_attribute,
        )
        applicable = Judgement.objects.filter(applicable_judgements(definitions), **counted)
        parts.append(applicable.values(**row).annotate(n=Count("pk")).order_by())
    none = Value("", output_field=CharField())
    if Measure.CASES in measures:
        row = _shape(F("inspection_id"), Measure.CASES, F("kind"), none, none, _no_attributes(attributes))
        parts.append(
            InspectedCase.objects.counted()
            .filter(inspection_id__in=ids, **of_cases)
            .values(**row)
            .annotate(n=Count("pk"))
            .order_by()
        )
    if Measure.FACTS in measures:
        row = _shape(
            F("case__inspection_id"),
            Measure.FACTS,
            F("case__kind"),
            F("key"),
            F("value"),
            _no_attributes(attributes),
        )
        parts.append(CaseFact.objects.filter(**counted).values(**row).annotate(n=Count("pk")).order_by())
    if Measure.NEEDS in measures:
        answer = Case(
            When(linked_to_offending=True, sufficiently_addressed=True, then=Value(NEED_MET)),
            When(linked_to_offending=True, sufficiently_addressed=False, then=Value(NEED_NOT_MET)),
            When(linked_to_offending=True, then=Value(NEED_NOT_ANSWERED)),
            default=Value(NEED_NOT_LINKED),
            output_field=CharField(),
        )
        row = _shape(
            F("case__inspection_id"),
            Measure.NEEDS,
            F("case__kind"),
            F("need"),
            answer,
            _no_attributes(attributes),
        )
        parts.append(CaseNeed.objects.filter(**counted).values(**row).annotate(n=Count("pk")).order_by())
    return parts


def frozen_counts(
    snapshot_ids: Iterable[int],
    attributes: Sequence[str],
    measures: Collection[str] = EVERY_MEASURE,
    by_inspection: bool = False,
) -> QuerySet[Any]:
    """The counts frozen with these snapshots, summed over them (the rows name no inspection), or per inspection
    where `by_inspection` (one snapshot of each)."""
    by_attribute = {
        attribute_column(i): KeyTextTransform(key, "attributes") for i, key in enumerate(attributes)
    }
    row = _shape(
        F("snapshot__inspection_id") if by_inspection else Value(None, output_field=IntegerField()),
        F("measure"),
        F("case_kind"),
        F("key"),
        F("value"),
        by_attribute,
    )
    return (
        FrozenCount.objects.filter(snapshot_id__in=list(snapshot_ids), measure__in=list(measures))
        .values(**row)
        .annotate(n=Sum("count"))
        .order_by()
    )


def counts_parts(
    inspections: Iterable[tuple[int, int | None]],
    attributes: Sequence[str],
    measures: Collection[str] = EVERY_MEASURE,
    by_inspection: bool = False,
    definitions: Iterable[Definition] = (),
) -> list[QuerySet[Any]]:
    """The counts of these (inspection, snapshot with frozen counts or None) pairs: frozen with the snapshot where
    there is one, live from the cases of every other (open, or locked before counts were frozen; their answers
    counted where their key questions apply under these framework versions, as live_counts says)."""
    frozen: list[int] = []
    live: list[int] = []
    for inspection_id, snapshot_id in inspections:
        if snapshot_id is None:
            live.append(inspection_id)
        else:
            frozen.append(snapshot_id)
    parts = live_counts(live, attributes, measures, definitions=definitions) if live else []
    if frozen:
        parts.append(frozen_counts(frozen, attributes, measures, by_inspection))
    return parts


def counts_query(parts: list[QuerySet[Any]]) -> QuerySet[Any] | None:
    """The parts as one statement (UNION ALL); None where there are none."""
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


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


def frozen_rows(
    inspection_ids: Iterable[int], attributes: Sequence[str], definitions: Iterable[Definition]
) -> dict[int, list[FrozenCount]]:
    """The counts to freeze for each of these inspections (unsaved, without their snapshot), as live_counts computes
    them (one query)."""
    query = counts_query(live_counts(inspection_ids, attributes, definitions=definitions))
    assert query is not None
    rows: dict[int, list[FrozenCount]] = {}
    for row in query:
        frozen_attributes = {}
        if row[MEASURE] == Measure.JUDGEMENTS:
            frozen_attributes = {key: row[attribute_column(i)] for i, key in enumerate(attributes)}
        rows.setdefault(row[INSPECTION], []).append(
            FrozenCount(
                measure=row[MEASURE],
                case_kind=row[KIND],
                key=row[KEY],
                value=row[VALUE],
                attributes=frozen_attributes,
                count=row["n"],
            )
        )
    return rows
