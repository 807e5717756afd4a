"""An inspection's counted judgements and facts, as the framework asks for them: for each key question, its
sufficient and answered cases (yes / yes + no); for each case kind's fact, its sufficient and counted cases. One
query each, in SQL, whatever the sample's size. reports turns them into ratings; the case pages and the tests of the
framework's shape read them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from inspections.models import Inspection

from ..models import Answer, CaseFact, InspectedCase, Judgement
from ..questions import applicable_judgements


@dataclass(frozen=True)
class Counted:
    sufficient: int
    total: int  # cases counted: answered yes or no (a key question), or with a counted answer (a fact)

    @property
    def percentage(self) -> float | None:
        return 100 * self.sufficient / self.total if self.total else None


def key_question_counts(inspection: Inspection) -> dict[str, Counted]:
    """By key question code: the inspection's counted cases judged sufficient, of those answered yes or no. A key
    question is answered only by the cases of its standard's kind it applies to, so that is whom it counts: an
    answer kept after the case's attributes changed so that it no longer applies is left out."""
    counted = InspectedCase.objects.counted().filter(inspection=inspection).values("pk")
    rows = (
        Judgement.objects.filter(
            applicable_judgements([inspection.framework.definition]),
            case__in=counted,
            key_question__standard__framework_id=inspection.framework_id,
        )
        .values("key_question__code")
        .annotate(
            yes=Count("pk", filter=Q(answer=Answer.YES)),
            answered=Count("pk", filter=Q(answer__in=[Answer.YES, Answer.NO])),
        )
        .order_by()
    )
    return {row["key_question__code"]: Counted(row["yes"], row["answered"]) for row in rows}


def fact_counts(inspection: Inspection) -> dict[tuple[str, str], Counted]:
    """By (case kind, fact key): the counted cases whose answer is sufficient, of those whose answer is counted
    (e.g. enquiries made, of the cases where they were needed), as the framework defines each fact."""
    counted = InspectedCase.objects.counted().filter(inspection=inspection).values("pk")
    rows = (
        CaseFact.objects.filter(case__in=counted)
        .values("case__kind", "key", "value")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    totals: dict[tuple[str, str], list[int]] = {}
    definition = inspection.framework.definition
    for row in rows:
        kind = definition.case_kind(row["case__kind"])
        fact = kind.fact(row["key"]) if kind else None
        if kind is None or fact is None:
            continue
        total = totals.setdefault((kind.slug, fact.key), [0, 0])
        if row["value"] in fact.counted:
            total[1] += row["cases"]
            total[0] += row["cases"] if row["value"] in fact.sufficient else 0
    return {key: Counted(sufficient, counted) for key, (sufficient, counted) in totals.items()}
