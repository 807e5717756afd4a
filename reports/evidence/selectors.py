"""Reads of the survey of people on probation and of staffing evidence, each in a fixed number of SQL aggregates.

Survey counts below settings.SURVEY_MINIMUM_COUNT are never returned (reports.disclosure.suppressed_counts), so no
page, export or API answer built on these can show them. The staff's answers about their workloads are a survey too:
their share (Staffing.workloads) is held back by the same rule and minimum.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Sum

from inspections import statistics
from inspections.models import Inspection

from ..disclosure import SuppressedRate, not_shown, suppressed_counts
from .models import Grade, StaffingEvidence, StaffingVacancy, SurveyCount


@dataclass(frozen=True)
class SurveyResponse:
    response: str
    count: int | None  # None where it is not shown (too few)
    share: statistics.Sufficiency | None  # of the question's n, with its 95% interval; None where not shown

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class SurveyQuestion:
    question: str
    n: int  # everyone who answered it
    responses: list[SurveyResponse]


@dataclass(frozen=True)
class SurveyResults:
    """A survey's results pooled over the PDUs of a scope in one period, with the periods there are results for."""

    period: str | None  # e.g. "2022-23"; None where there are no results
    periods: list[str]  # newest first
    pdu_names: list[tuple[int, str]]  # the PDUs with results in the period: (id, name), by name
    respondents: int  # the most who answered any one question
    questions: list[SurveyQuestion]
    minimum: int

    @property
    def note(self) -> str:
        return not_shown(self.minimum, "responses")

    @property
    def pdus(self) -> int:
        return len(self.pdu_names)

    @property
    def any_suppressed(self) -> bool:
        return any(r.suppressed for q in self.questions for r in q.responses)


def survey_minimum() -> int:
    return settings.SURVEY_MINIMUM_COUNT


def survey_results(
    *, pdu_id: int | None = None, region_id: int | None = None, period: str | None = None
) -> SurveyResults:
    """Counts pooled over one PDU, a region's PDUs or every PDU, in the period given or else the latest with
    results. Two queries."""
    counts = SurveyCount.objects.all()
    if pdu_id is not None:
        counts = counts.filter(pdu_id=pdu_id)
    if region_id is not None:
        counts = counts.filter(pdu__region_id=region_id)
    periods = sorted(set(counts.values_list("period", flat=True).distinct()), reverse=True)
    chosen = period if period is not None else (periods[0] if periods else None)
    minimum = survey_minimum()
    if chosen is None:
        return SurveyResults(None, periods, [], 0, [], minimum)
    rows = list(
        counts.filter(period=chosen)
        .values("question", "response")
        .annotate(
            total=Sum("count"),
            question_order=Min("question_order"),
            response_order=Min("response_order"),
            pdus=Count("pdu", distinct=True),
        )
        .order_by("question_order", "question", "response_order", "response")
    )
    by_question: dict[str, list[dict]] = {}
    for row in rows:
        by_question.setdefault(row["question"], []).append(row)
    questions = []
    for question, responses in by_question.items():
        n = sum(row["total"] for row in responses)
        hidden = suppressed_counts([row["total"] for row in responses], minimum)
        questions.append(
            SurveyQuestion(
                question,
                n,
                [
                    SurveyResponse(row["response"], None, None)
                    if hide
                    else SurveyResponse(
                        row["response"], row["total"], statistics.sufficiency(row["total"], n)
                    )
                    for row, hide in zip(responses, hidden, strict=True)
                ],
            )
        )
    pdu_names = (
        list(counts.filter(period=chosen).values_list("pdu_id", "pdu__name").distinct().order_by("pdu__name"))
        if rows
        else []
    )
    return SurveyResults(
        chosen, periods, pdu_names, max((q.n for q in questions), default=0), questions, minimum
    )


@dataclass(frozen=True)
class VacancyRate:
    grade: str  # its label
    posts: Decimal
    vacant: Decimal

    @property
    def rate(self) -> float | None:
        """Vacant posts as a percentage of posts."""
        return float(100 * self.vacant / self.posts) if self.posts else None


WORKLOADS_NOT_SHOWN = "fewer than {minimum} staff gave one of the answers: not shown"


def workload_share(manageable: int, asked: int) -> statistics.Sufficiency:
    """Staff saying their workload is manageable, of those asked, with its 95% interval; a SuppressedRate (no
    figures, a note why) where fewer than the survey's minimum gave either answer, as a survey question's counts are
    hidden (with two answers, hiding one hides both, or the other gives it away)."""
    minimum = survey_minimum()
    if asked and any(suppressed_counts([manageable, asked - manageable], minimum)):
        return SuppressedRate(
            0, 0, None, None, None, minimum, note=WORKLOADS_NOT_SHOWN.format(minimum=minimum)
        )
    return statistics.sufficiency(manageable, asked)


@dataclass(frozen=True)
class Staffing:
    """Staffing evidence of one inspected PDU, or pooled over the inspected PDUs of a region."""

    label: str  # the PDU's or the region's name
    inspections: int
    staff_in_post: int
    sickness_days: Decimal
    # The workload answers, for pooling only: pages, exports and the API show `workloads`, which hides small counts.
    staff_asked: int
    staff_manageable: int
    vacancies: list[VacancyRate]  # by grade, in the grades' order
    updated_at: datetime.datetime | None = None
    updated_by: str = ""

    @property
    def workloads(self) -> statistics.Sufficiency:
        """Staff saying their workload is manageable, of those asked (workload_share: small counts not shown)."""
        return workload_share(self.staff_manageable, self.staff_asked)

    @property
    def workloads_not_shown(self) -> str:
        """Why the workload share is not shown, where it is not; else ""."""
        workloads = self.workloads
        return workloads.note if isinstance(workloads, SuppressedRate) else ""

    @property
    def sickness_days_per_person(self) -> float | None:
        return float(self.sickness_days / self.staff_in_post) if self.staff_in_post else None


def _vacancies(rows: Iterable[Mapping[str, Any]]) -> list[VacancyRate]:
    by_grade = {row["grade"]: row for row in rows}
    return [
        VacancyRate(label, by_grade[grade]["posts"], by_grade[grade]["vacant"])
        for grade, label in Grade.choices
        if grade in by_grade
    ]


def inspection_staffing(inspection: Inspection) -> Staffing | None:
    """The staffing evidence recorded for the inspection, or None. Two queries."""
    evidence = StaffingEvidence.objects.select_related("updated_by").filter(inspection=inspection).first()
    if evidence is None:
        return None
    return Staffing(
        label=str(inspection.unit),
        inspections=1,
        staff_in_post=evidence.staff_in_post,
        sickness_days=evidence.sickness_days,
        staff_asked=evidence.staff_surveyed,
        staff_manageable=evidence.workloads_manageable,
        vacancies=_vacancies(evidence.vacancies.values("grade", "posts", "vacant")),
        updated_at=evidence.updated_at,
        updated_by=str(evidence.updated_by),
    )


def staffing_by_region(inspection_ids: Iterable[int]) -> list[Staffing]:
    """Staffing evidence of these inspections pooled by their PDU's region: posts and vacancies summed by grade,
    sickness days over staff in post, workload answers over those asked. Two grouped queries."""
    ids = list(inspection_ids)
    totals = (
        StaffingEvidence.objects.filter(inspection_id__in=ids, inspection__pdu__isnull=False)
        .values("inspection__pdu__region__name")
        .annotate(
            inspections=Count("pk"),
            staff=Sum("staff_in_post"),
            sickness=Sum("sickness_days"),
            surveyed=Sum("staff_surveyed"),
            manageable=Sum("workloads_manageable"),
        )
        .order_by()
    )
    vacancies: dict[str, list[dict]] = {}
    for row in (
        StaffingVacancy.objects.filter(
            evidence__inspection_id__in=ids, evidence__inspection__pdu__isnull=False
        )
        .values("evidence__inspection__pdu__region__name", "grade")
        .annotate(posts=Sum("posts"), vacant=Sum("vacant"))
        .order_by()
    ):
        vacancies.setdefault(row["evidence__inspection__pdu__region__name"], []).append(row)
    result = [
        Staffing(
            label=row["inspection__pdu__region__name"],
            inspections=row["inspections"],
            staff_in_post=row["staff"],
            sickness_days=row["sickness"],
            staff_asked=row["surveyed"],
            staff_manageable=row["manageable"],
            vacancies=_vacancies(vacancies.get(row["inspection__pdu__region__name"], [])),
        )
        for row in totals
    ]
    return sorted(result, key=lambda staffing: staffing.label)


def staffing_pooled(regions: list[Staffing], label: str) -> Staffing:
    """The regions' staffing pooled into one (e.g. England and Wales): the sums staffing_by_region pools, added up."""
    posts: dict[str, Decimal] = {}
    vacant: dict[str, Decimal] = {}
    for region in regions:
        for vacancy in region.vacancies:
            posts[vacancy.grade] = posts.get(vacancy.grade, Decimal(0)) + vacancy.posts
            vacant[vacancy.grade] = vacant.get(vacancy.grade, Decimal(0)) + vacancy.vacant
    return Staffing(
        label=label,
        inspections=sum(region.inspections for region in regions),
        staff_in_post=sum(region.staff_in_post for region in regions),
        sickness_days=sum((region.sickness_days for region in regions), Decimal(0)),
        staff_asked=sum(region.staff_asked for region in regions),
        staff_manageable=sum(region.staff_manageable for region in regions),
        vacancies=[
            VacancyRate(grade, posts[grade], vacant[grade]) for _, grade in Grade.choices if grade in posts
        ],
    )
