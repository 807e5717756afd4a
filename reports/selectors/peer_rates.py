"""What the lead needs beside an inspection's own rates to decide and defend its ratings (its peers' rates): the same key questions'
rates over locked inspections nationally and in its region (read from their frozen counts), and its rates by
assistant inspector (marker consistency, one grouped SQL query).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from cases.count_models import Measure
from cases.counts import INSPECTION, KEY, VALUE, counts_query
from cases.models import InspectedCase, Judgement
from cases.questions import applicable_judgements
from inspections import statistics
from inspections.models import Inspection

from .counts import counts_parts
from .locked import with_latest_snapshot
from .results import ANSWERED, SUFFICIENT


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
    inspection's own). Two queries: the locked inspections, then their counts (frozen with their latest snapshot,
    or counted from their cases where it has none), a row per inspection, key question and answer."""
    region_id = inspection.pdu.region_id if inspection.pdu is not None else inspection.region_id
    locked = with_latest_snapshot(
        Inspection.objects.filter(framework_id=inspection.framework_id, status=Inspection.Status.LOCKED)
    ).values_list("pk", "snapshot_id", "counts_frozen", "pdu__region_id", "region_id")
    in_region, pairs = set(), []
    for pk, snapshot_id, counts_frozen, pdu_region_id, own_region_id in locked:
        pairs.append((pk, snapshot_id if counts_frozen else None))
        if region_id is not None and region_id in (pdu_region_id, own_region_id):
            in_region.add(pk)
    query = counts_query(
        counts_parts(
            pairs, [], [Measure.JUDGEMENTS], by_inspection=True, definitions=[inspection.framework.definition]
        )
    )
    national: dict[str, _Pooled] = {}
    regional: dict[str, _Pooled] = {}
    for row in query if query is not None else ():
        code, answer, n, of = row[KEY], row[VALUE], row["n"], row[INSPECTION]
        for pooled in (national, regional) if of in in_region else (national,):
            pooled.setdefault(code, _Pooled()).add(of, answer, n)
    return {
        code: ComparisonRate(
            rate.sufficiency, len(rate.inspections), *regional.get(code, _Pooled()).rate_and_inspections
        )
        for code, rate in national.items()
    }


@dataclass
class _Pooled:
    """One key question's answers pooled over inspections: sufficient and answered, and the inspections with one."""

    sufficient: int = 0
    total: int = 0
    inspections: set[int] = field(default_factory=set)

    def add(self, inspection_id: int, answer: str, n: int) -> None:
        if answer in ANSWERED:
            self.total += n
            self.sufficient += n if answer in SUFFICIENT else 0
            self.inspections.add(inspection_id)

    @property
    def sufficiency(self) -> statistics.Sufficiency:
        return statistics.sufficiency(self.sufficient, self.total)

    @property
    def rate_and_inspections(self) -> tuple[statistics.Sufficiency, int]:
        return self.sufficiency, len(self.inspections)


@dataclass(frozen=True)
class AssistantInspectorRates:
    """One assistant inspector's counted cases and the sufficiency of their answers, overall and by standard."""

    name: str
    cases: int
    overall: statistics.Sufficiency
    by_standard: dict[str, statistics.Sufficiency]  # standard code -> rate over its key questions


def assistant_inspector_rates(inspection: Inspection) -> list[AssistantInspectorRates]:
    """The inspection's key-question answers on counted cases by the assistant inspector the case is assigned to,
    pooled over each standard's key questions and over all of them, with their counted cases, by name. Two grouped
    queries: the answers (grouped by ids alone, the cheapest way through the inspection's judgements) and the
    cases, with their assistant inspectors' names."""
    answers = (
        Judgement.objects.filter(
            applicable_judgements([inspection.framework.definition]),
            case__inspection=inspection,
            case__status__in=InspectedCase.COUNTED_STATUSES,
        )
        .values_list("case__assistant_inspector_id", "key_question__standard__code")
        .annotate(
            sufficient=Count("pk", filter=Q(answer__in=SUFFICIENT)),
            total=Count("pk", filter=Q(answer__in=ANSWERED)),
        )
        .order_by()
    )
    cases = (
        InspectedCase.objects.counted()
        .filter(inspection=inspection)
        .values_list(
            "assistant_inspector_id",
            "assistant_inspector__first_name",
            "assistant_inspector__last_name",
            "assistant_inspector__username",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    standards: dict[int | None, dict[str, tuple[int, int]]] = {}
    for person_id, code, sufficient, total in answers:
        standards.setdefault(person_id, {})[code] = (sufficient, total)
    result = []
    for person_id, first, last, username, n in cases:
        counts = standards.get(person_id, {})
        result.append(
            AssistantInspectorRates(
                f"{first or ''} {last or ''}".strip() or username or "Not assigned",
                n,
                statistics.sufficiency(
                    sum(s for s, _ in counts.values()), sum(t for _, t in counts.values())
                ),
                {code: statistics.sufficiency(*count) for code, count in counts.items()},
            )
        )
    return sorted(result, key=lambda rates: rates.name)
