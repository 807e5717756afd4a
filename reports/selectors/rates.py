"""Rates pooled over cases: each key question overall and by RoSH level and case type, the case facts and the
needs. Pooled over the cases of whichever inspections a dashboard shows, never averaged over their percentages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from cases.models import CaseNeed, InspectedCase
from inspections import statistics
from inspections.models import KeyQuestion, Standard

from ..legacy_shape import CaseType, Enquiries, Need, Oversight, RoshLevel


@dataclass(frozen=True)
class RateBreakdown:
    """One rate overall and by RoSH level and case type (keys are the stored values, e.g. "high", "licence")."""

    key: str
    label: str
    overall: statistics.Sufficiency
    by_rosh_level: dict[str, statistics.Sufficiency]
    by_case_type: dict[str, statistics.Sufficiency]


@dataclass(frozen=True)
class KeyQuestionRate:
    code: str
    wording: str
    standard_code: str
    standard_title: str
    criterion: str
    rates: RateBreakdown


@dataclass(frozen=True)
class NeedRate:
    need: str
    label: str
    linked: int  # cases where the need is linked to offending
    met: statistics.Sufficiency  # of those (answered), how many sufficiently addressed


@dataclass(frozen=True)
class CaseFacts:
    cases: int
    rosh_classified_correctly: statistics.Sufficiency
    domestic_abuse_enquiries: statistics.Sufficiency
    child_safeguarding_enquiries: statistics.Sufficiency
    home_visits: statistics.Sufficiency
    management_oversight: statistics.Sufficiency
    needs: list[NeedRate]

    def rows(self) -> list[tuple[str, str, statistics.Sufficiency]]:
        """(key, label, rate) for every fact except the needs, in the inspectorate's order."""
        return [
            ("rosh_classified_correctly", "RoSH classified correctly", self.rosh_classified_correctly),
            (
                "domestic_abuse_enquiries",
                "Domestic abuse enquiries made where needed",
                self.domestic_abuse_enquiries,
            ),
            (
                "child_safeguarding_enquiries",
                "Child safeguarding enquiries made where needed",
                self.child_safeguarding_enquiries,
            ),
            ("home_visits", "Home visits made where needed", self.home_visits),
            ("management_oversight", "Management oversight sufficient", self.management_oversight),
        ]


def _rate_breakdowns(
    rows: list[dict[str, Any]], keys: list[tuple[str, str]], key_of: Callable[[dict[str, Any]], str | None]
) -> dict[str, RateBreakdown]:
    """Sum (sufficient, total) of breakdown rows per key, overall and by RoSH level and case type."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        for part, value in (("all", ""), ("rosh", row["case__rosh_level"]), ("type", row["case__case_type"])):
            counted = totals.setdefault((key, part, value), [0, 0])
            counted[0] += row["sufficient"]
            counted[1] += row["total"]

    def rate(key: str, part: str, value: str) -> statistics.Sufficiency:
        sufficient, total = totals.get((key, part, value), (0, 0))
        return statistics.sufficiency(sufficient, total)

    return {
        key: RateBreakdown(
            key,
            label,
            rate(key, "all", ""),
            {level: rate(key, "rosh", level) for level in RoshLevel.values},
            {case_type: rate(key, "type", case_type) for case_type in CaseType.values},
        )
        for key, label in keys
    }


def key_question_rates(
    breakdown: list[dict[str, Any]], standards: Iterable[Standard]
) -> list[KeyQuestionRate]:
    """Each key question's pooled rate, by RoSH level and by case type, keyed by code across framework versions.

    `breakdown` is results.judgement_breakdown's rows; `standards` carry `ordered_key_questions`
    (results.standards_by_framework).
    """
    key_questions: dict[str, tuple[Standard, KeyQuestion]] = {}
    code_of_pk: dict[int, str] = {}
    for standard in standards:
        for kq in standard.ordered_key_questions:  # type: ignore[attr-defined]  # standards_by_framework
            key_questions.setdefault(kq.code, (standard, kq))
            code_of_pk[kq.pk] = kq.code
    ordered = sorted(key_questions.items(), key=lambda item: (item[1][0].order, item[1][1].order, item[0]))
    rates = _rate_breakdowns(
        breakdown,
        [(code, kq.wording) for code, (_, kq) in ordered],
        lambda row: code_of_pk.get(row["key_question_id"]),
    )
    return [
        KeyQuestionRate(code, kq.wording, standard.code, standard.title, kq.criterion, rates[code])
        for code, (standard, kq) in ordered
    ]


_ANSWERED_ENQUIRIES = [Enquiries.MADE, Enquiries.NOT_MADE]
_ANSWERED_OVERSIGHT = [Oversight.SUFFICIENT, Oversight.INSUFFICIENT]


def case_facts(inspection_ids: Iterable[int]) -> CaseFacts:
    """Case facts of the counted cases of these inspections, pooled over cases (two queries: the cases, the needs)."""
    ids = list(inspection_ids)
    counts = (
        InspectedCase.objects.counted()
        .filter(inspection_id__in=ids)
        .aggregate(
            cases=Count("pk"),
            rosh_yes=Count("pk", filter=Q(rosh_classified_correctly=True)),
            rosh_all=Count("pk", filter=Q(rosh_classified_correctly__isnull=False)),
            da_yes=Count("pk", filter=Q(domestic_abuse_enquiries=Enquiries.MADE)),
            da_all=Count("pk", filter=Q(domestic_abuse_enquiries__in=_ANSWERED_ENQUIRIES)),
            cs_yes=Count("pk", filter=Q(child_safeguarding_enquiries=Enquiries.MADE)),
            cs_all=Count("pk", filter=Q(child_safeguarding_enquiries__in=_ANSWERED_ENQUIRIES)),
            hv_yes=Count("pk", filter=Q(home_visits=Enquiries.MADE)),
            hv_all=Count("pk", filter=Q(home_visits__in=_ANSWERED_ENQUIRIES)),
            mo_yes=Count("pk", filter=Q(management_oversight=Oversight.SUFFICIENT)),
            mo_all=Count("pk", filter=Q(management_oversight__in=_ANSWERED_OVERSIGHT)),
        )
    )
    by_need = {
        row["need"]: row
        for row in CaseNeed.objects.filter(
            case__inspection_id__in=ids, case__status__in=InspectedCase.COUNTED_STATUSES
        )
        .values("need")
        .annotate(
            linked=Count("pk", filter=Q(linked_to_offending=True)),
            met=Count("pk", filter=Q(linked_to_offending=True, sufficiently_addressed=True)),
            answered=Count("pk", filter=Q(linked_to_offending=True, sufficiently_addressed__isnull=False)),
        )
        .order_by()
    }
    no_need = {"linked": 0, "met": 0, "answered": 0}
    return CaseFacts(
        cases=counts["cases"],
        rosh_classified_correctly=statistics.sufficiency(counts["rosh_yes"], counts["rosh_all"]),
        domestic_abuse_enquiries=statistics.sufficiency(counts["da_yes"], counts["da_all"]),
        child_safeguarding_enquiries=statistics.sufficiency(counts["cs_yes"], counts["cs_all"]),
        home_visits=statistics.sufficiency(counts["hv_yes"], counts["hv_all"]),
        management_oversight=statistics.sufficiency(counts["mo_yes"], counts["mo_all"]),
        needs=[
            NeedRate(
                need.value,
                need.label,
                by_need.get(need.value, no_need)["linked"],
                statistics.sufficiency(
                    by_need.get(need.value, no_need)["met"], by_need.get(need.value, no_need)["answered"]
                ),
            )
            for need in Need
        ],
    )
