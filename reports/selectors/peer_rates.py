"""What the lead needs beside an inspection's own rates to decide and defend its ratings (its peers' rates): the same key questions'
rates over locked inspections nationally and in its region, and its rates by assistant inspector (marker
consistency). Each is one grouped SQL query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from cases.models import Answer, InspectedCase, Judgement
from cases.questions import applicable_judgements
from inspections import statistics
from inspections.models import Inspection

SUFFICIENT = Q(answer=Answer.YES)
ANSWERED = Q(answer__in=[Answer.YES, Answer.NO])


@dataclass(frozen=True)
class ComparisonRate:
    """One key question's rate pooled over the counted cases of locked inspections of the same framework version."""

    national: statistics.Sufficiency
    national_inspections: int
    regional: statistics.Sufficiency
    regional_inspections: int


def key_question_comparisons(inspection: Inspection) -> dict[str, ComparisonRate]:
    """Each key question's national and regional rate (by code) over the locked inspections pinned to this
    inspection's framework version, with the number of those inspections; the region is the PDU's (or the regional
    inspection's own). One grouped query: a row per key question."""
    region_id = inspection.pdu.region_id if inspection.pdu is not None else inspection.region_id
    in_region = Q(case__inspection__pdu__region_id=region_id) | Q(case__inspection__region_id=region_id)
    rows = (
        Judgement.objects.filter(
            applicable_judgements([inspection.framework.definition]),
            case__inspection__framework_id=inspection.framework_id,
            case__inspection__status=Inspection.Status.LOCKED,
            case__status__in=InspectedCase.COUNTED_STATUSES,
        )
        .values("key_question__code")
        .annotate(
            sufficient=Count("pk", filter=SUFFICIENT),
            total=Count("pk", filter=ANSWERED),
            inspections=Count("case__inspection", distinct=True, filter=ANSWERED),
            regional_sufficient=Count("pk", filter=SUFFICIENT & in_region),
            regional_total=Count("pk", filter=ANSWERED & in_region),
            regional_inspections=Count("case__inspection", distinct=True, filter=ANSWERED & in_region),
        )
        .order_by()
    )
    return {
        row["key_question__code"]: ComparisonRate(
            statistics.sufficiency(row["sufficient"], row["total"]),
            row["inspections"],
            statistics.sufficiency(row["regional_sufficient"], row["regional_total"]),
            row["regional_inspections"],
        )
        for row in rows
    }


@dataclass(frozen=True)
class AssistantInspectorRates:
    """One assistant inspector's counted cases and the sufficiency of their answers, overall and by standard."""

    name: str
    cases: int
    overall: statistics.Sufficiency
    by_standard: dict[str, statistics.Sufficiency]  # standard code -> rate over its key questions


def assistant_inspector_rates(inspection: Inspection) -> list[AssistantInspectorRates]:
    """The inspection's key-question answers on counted cases by the assistant inspector the case is assigned to,
    pooled over each standard's key questions and over all of them, by name. One grouped query."""
    rows = (
        Judgement.objects.filter(
            applicable_judgements([inspection.framework.definition]),
            case__inspection=inspection,
            case__status__in=InspectedCase.COUNTED_STATUSES,
        )
        .values(
            "case__assistant_inspector",
            "case__assistant_inspector__first_name",
            "case__assistant_inspector__last_name",
            "case__assistant_inspector__username",
            "case__kind",
            "key_question__standard__code",
        )
        .annotate(
            sufficient=Count("pk", filter=SUFFICIENT),
            total=Count("pk", filter=ANSWERED),
            cases=Count("case", distinct=True),
        )
        .order_by()
    )
    by_person: dict[int | None, dict[str, Any]] = {}
    for row in rows:
        first = row["case__assistant_inspector__first_name"] or ""
        last = row["case__assistant_inspector__last_name"] or ""
        name = f"{first} {last}".strip() or row["case__assistant_inspector__username"] or "Not assigned"
        person = by_person.setdefault(
            row["case__assistant_inspector"], {"name": name, "cases": {}, "standards": {}}
        )
        # A case answers the key questions of every standard of its kind: the kind's most answered standard has
        # every one of its cases.
        kind = row["case__kind"]
        person["cases"][kind] = max(person["cases"].get(kind, 0), row["cases"])
        person["standards"][row["key_question__standard__code"]] = (row["sufficient"], row["total"])
    result = []
    for person in by_person.values():
        counts = person["standards"].values()
        result.append(
            AssistantInspectorRates(
                person["name"],
                sum(person["cases"].values()),
                statistics.sufficiency(sum(s for s, _ in counts), sum(t for _, t in counts)),
                {code: statistics.sufficiency(*count) for code, count in person["standards"].items()},
            )
        )
    return sorted(result, key=lambda rates: rates.name)
