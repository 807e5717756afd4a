"""Counts over the counted cases of inspections: judgements by key question, answer and breakdown attribute; counted
cases by kind; case facts by answer; needs by answer, each per case kind. Every pooled figure (key question rates
and their breakdowns, case facts, needs) is a sum of these.

`live_counts` computes them from the cases. The same rows are stored (cases.count_models): frozen with a locked
inspection's snapshot (reports.models.FrozenCount) and kept current for an open one (KeptCount, by
cases.services.counts), so the national figures read a few hundred counts per inspection instead of its judgements.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform

from inspections.definitions import Definition

from .count_models import Measure
from .models import CaseFact, CaseNeed, InspectedCase, Judgement
from .questions import applicable_judgements

EVERY_MEASURE = tuple(Measure)
FACT_MEASURES = (Measure.CASES, Measure.FACTS, Measure.NEEDS)

# A need's answers as one value: linked to offending or not, and if linked whether sufficiently addressed.
NEED_MET = "linked_met"
NEED_NOT_MET = "linked_not_met"
NEED_NOT_ANSWERED = "linked_not_answered"
NEED_NOT_LINKED = "not_linked"  # answered no, or not answered
NEED_LINKED = (NEED_MET, NEED_NOT_MET, NEED_NOT_ANSWERED)
NEED_ANSWERED = (NEED_MET, NEED_NOT_MET)

# The columns of a row of counts, live or stored (named apart from every model's fields, which annotations may not
# shadow), then attribute_<i> for each breakdown attribute, then "n".
INSPECTION, MEASURE, KIND, KEY, VALUE = "row_inspection", "row_measure", "row_kind", "row_key", "row_value"


def breakdown_attributes(definitions: Iterable[Definition]) -> list[str]:
    """The attribute keys the reports break rates down by (breakdown=True in any case kind), in first-seen order."""
    keys: list[str] = []
    for definition in definitions:
        for kind in definition.case_kinds:
            for attribute in kind.attributes:
                if attribute.breakdown and attribute.key not in keys:
                    keys.append(attribute.key)
    return keys


def attribute_column(index: int) -> str:
    """The name a breakdown attribute's value has in rows of counts and of judgement breakdowns."""
    return f"attribute_{index}"


def shape(
    inspection: Any, measure: Any, kind: Any, key: Any, value: Any, attributes: dict[str, Any]
) -> dict[str, Any]:
    """A row of counts' columns, as `values()` takes them."""
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
    case_id: int | None = None,
    unkept_only: bool = False,
) -> list[QuerySet[Any]]:
    """The counts of these inspections' counted cases, one grouped query per measure, each row per inspection; only
    the cases whose attribute has the value, where `where` (attribute key, value) is given; only one case, where
    `case_id` is; only the inspections whose counts are not kept, where `unkept_only`. Judgements count only where
    their key question applies to the case as it is now, under these framework versions (the inspections')."""
    ids = list(inspection_ids)
    of_cases: dict[str, Any] = {"inspection_id__in": ids}
    if where is not None:
        of_cases[f"attributes__{where[0]}"] = where[1]
    if case_id is not None:
        of_cases["pk"] = case_id
    if unkept_only:
        of_cases["inspection__kept_counts__isnull"] = True
    counted = {f"case__{lookup}": value for lookup, value in of_cases.items()}
    counted["case__status__in"] = InspectedCase.COUNTED_STATUSES
    parts: list[QuerySet[Any]] = []
    if Measure.JUDGEMENTS in measures:
        by_attribute = {
            attribute_column(i): KeyTextTransform(key, "case__attributes") for i, key in enumerate(attributes)
        }
        row = shape(
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
        row = shape(F("inspection_id"), Measure.CASES, F("kind"), none, none, _no_attributes(attributes))
        parts.append(
            InspectedCase.objects.counted()
            .filter(**of_cases)
            .values(**row)
            .annotate(n=Count("pk"))
            .order_by()
        )
    if Measure.FACTS in measures:
        row = shape(
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
        row = shape(
            F("case__inspection_id"),
            Measure.NEEDS,
            F("case__kind"),
            F("need"),
            answer,
            _no_attributes(attributes),
        )
        parts.append(CaseNeed.objects.filter(**counted).values(**row).annotate(n=Count("pk")).order_by())
    return parts


def counts_query(parts: list[QuerySet[Any]]) -> QuerySet[Any] | None:
    """The parts as one statement (UNION ALL); None where there are none."""
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def stored_rows(rows: Iterable[dict[str, Any]], attributes: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
    """Rows of live_counts as the fields of stored counts (CountRow), per inspection: a judgement's breakdown
    attributes as {key: value}."""
    stored: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        stored_attributes = {}
        if row[MEASURE] == Measure.JUDGEMENTS:
            stored_attributes = {key: row[attribute_column(i)] for i, key in enumerate(attributes)}
        stored.setdefault(row[INSPECTION], []).append(
            {
                "measure": row[MEASURE],
                "case_kind": row[KIND],
                "key": row[KEY],
                "value": row[VALUE],
                "attributes": stored_attributes,
                "count": row["n"],
            }
        )
    return stored


def counted_rows(
    inspection_ids: Iterable[int], definition: Definition, case_id: int | None = None
) -> dict[int, list[dict[str, Any]]]:
    """The counts to store for each of these inspections of one framework version (or for one case of them), as the
    fields of stored counts: one query."""
    attributes = breakdown_attributes([definition])
    query = counts_query(live_counts(inspection_ids, attributes, definitions=[definition], case_id=case_id))
    assert query is not None
    return stored_rows(query, attributes)
