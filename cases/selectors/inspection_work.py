"""Reads for the lead inspector's and quality assurers' pages about an inspection's cases: the inspections they
work on, the sample, assignment, quality assurance and moderation. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When

from inspections import statistics
from inspections.models import Inspection, KeyQuestion, Role

from ..imports import in_sentence
from ..models import (
    Answer,
    CaseQuery,
    InspectedCase,
    Judgement,
    SecondJudgement,
    SecondMarking,
)
from .case_pages import FactItem, NeedItem, case_page, case_queries

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.models import User


def managed_inspections(user: User) -> QuerySet[Inspection]:
    """Inspections the user leads or quality-assures (every inspection for a superuser), with case counts."""
    queryset = Inspection.objects.select_related("pdu", "framework")
    if not user.is_superuser:
        queryset = queryset.filter(
            pk__in=Inspection.objects.filter(
                memberships__user=user, memberships__role__in=[Role.LEAD, Role.QUALITY_ASSURER]
            ).values("pk")
        )
    return queryset.annotate(
        case_count=Count("cases"),
        approved_count=Count("cases", filter=Q(cases__status=InspectedCase.Status.APPROVED)),
        submitted_count=Count("cases", filter=Q(cases__status=InspectedCase.Status.SUBMITTED)),
    )


@dataclass(frozen=True)
class CaseProgress:
    """How far an inspection's cases have got: how many in each status, not assigned, chosen for second marking."""

    status_counts: dict[str, int]
    total: int
    unassigned: int
    second_marked: int

    @property
    def unapproved(self) -> int:
        return self.total - self.status_counts[InspectedCase.Status.APPROVED]


def case_progress(inspection: Inspection) -> CaseProgress:
    """The inspection's cases counted by status, assignment and second marking (one query)."""
    counts = inspection.cases.aggregate(
        total=Count("pk"),
        unassigned=Count("pk", filter=Q(assistant_inspector__isnull=True)),
        second_marked=Count("second_marking"),
        **{status: Count("pk", filter=Q(status=status)) for status in InspectedCase.Status.values},
    )
    return CaseProgress(
        status_counts={status: counts[status] for status in InspectedCase.Status.values},
        total=counts["total"],
        unassigned=counts["unassigned"],
        second_marked=counts["second_marked"],
    )


@dataclass(frozen=True)
class SampleSummary:
    total: int
    # (heading, [(label, count)]): cases by kind, then each kind's cases by each attribute the reports break down by.
    tables: list[tuple[str, list[tuple[str, int]]]]
    margin_of_error: float | None


def sample_summary(inspection: Inspection) -> SampleSummary:
    """Counts by case kind and by each attribute the framework breaks rates down by (one query), and the 95% margin
    of error for a rate at this sample size."""
    kinds = inspection.framework.definition.case_kinds
    # SQL aliases are numbered: attribute values are the framework's and need not make good column names.
    cells = [("kind", kind.slug, "", "") for kind in kinds] + [
        ("value", kind.slug, attribute.key, option.value)
        for kind in kinds
        for attribute in kind.attributes
        if attribute.breakdown
        for option in attribute.options
    ]
    counts = inspection.cases.aggregate(
        total=Count("pk"),
        **{
            f"cell{index}": Count(
                "pk", filter=Q(kind=kind) & (Q(**{f"attributes__{key}": value}) if key else Q())
            )
            for index, (_, kind, key, value) in enumerate(cells)
        },
    )
    count = {cell: counts[f"cell{index}"] for index, cell in enumerate(cells)}
    tables = [("By kind of case", [(kind.plural, count[("kind", kind.slug, "", "")]) for kind in kinds])]
    tables += [
        (
            f"{kind.plural} by {in_sentence(attribute.label)}",
            [(o.label, count[("value", kind.slug, attribute.key, o.value)]) for o in attribute.options],
        )
        for kind in kinds
        if count[("kind", kind.slug, "", "")]
        for attribute in kind.attributes
        if attribute.breakdown
    ]
    return SampleSummary(
        total=counts["total"], tables=tables, margin_of_error=statistics.margin_of_error(counts["total"])
    )


def assistant_inspectors_with_load(inspection: Inspection) -> QuerySet[User]:
    """The inspection's assistant inspectors, each with their number of cases in it and how many are done."""
    in_inspection = Q(assigned_cases__inspection=inspection)
    done = Q(assigned_cases__status__in=InspectedCase.COUNTED_STATUSES)
    return (
        get_user_model()
        .objects.filter(memberships__inspection=inspection, memberships__role=Role.ASSISTANT_INSPECTOR)
        .annotate(
            load=Count("assigned_cases", filter=in_inspection, distinct=True),
            done=Count("assigned_cases", filter=in_inspection & done, distinct=True),
        )
        .order_by("first_name", "last_name", "username")
    )


def inspection_cases(inspection: Inspection) -> QuerySet[InspectedCase]:
    return inspection.cases.select_related("assistant_inspector").order_by("reference")


def quality_assurance_queue(inspection: Inspection) -> QuerySet[InspectedCase]:
    """Cases waiting for quality assurance first, then returned and approved ones, with open query counts."""
    return (
        inspection.cases.filter(status__in=InspectedCase.REVIEWED_STATUSES)
        .select_related("assistant_inspector")
        .annotate(
            open_queries=Count("queries", filter=Q(queries__answer="")),
            queue_order=Case(
                When(status=InspectedCase.Status.SUBMITTED, then=Value(0)),
                When(status=InspectedCase.Status.RETURNED, then=Value(1)),
                default=Value(2),
            ),
        )
        .order_by("queue_order", "reference")
    )


@dataclass(frozen=True)
class CaseReview:
    case: InspectedCase
    judgements: list[tuple[KeyQuestion, Judgement | None]]
    queries: list[CaseQuery]
    facts: list[FactItem]
    needs: list[NeedItem]


def case_review(case: InspectedCase) -> CaseReview:
    """What quality assurance reads: every key question the case answers with the assistant inspector's judgement,
    its facts and needs, and the thread."""
    page = case_page(case)
    return CaseReview(
        case=case,
        judgements=[(item.key_question, item.judgement) for item in page.key_question_items],
        queries=case_queries(case),
        facts=page.facts,
        needs=page.needs,
    )


@dataclass(frozen=True)
class KeyQuestionAgreement:
    key_question: KeyQuestion
    agreement: statistics.Agreement


class Marked(TypedDict):
    marked: int  # how many key questions the second marker has judged


class FirstAnswer(TypedDict):
    first_answer: str | None  # the first marker's answer to the same key question


@dataclass(frozen=True)
class Moderation:
    markings: list[WithAnnotations[SecondMarking, Marked]]
    agreements: list[KeyQuestionAgreement]
    disagreements: list[WithAnnotations[SecondJudgement, FirstAnswer]]


def moderation(inspection: Inspection) -> Moderation:
    """Agreement per key question between first and second markers, and the disagreements to settle."""
    first_answer = Judgement.objects.filter(
        case=OuterRef("marking__case"), key_question=OuterRef("key_question")
    ).values("answer")[:1]
    second = SecondJudgement.objects.filter(marking__case__inspection=inspection).annotate(
        first_answer=Subquery(first_answer)
    )
    table = second.values("key_question_id", "first_answer", "answer").annotate(n=Count("pk"))
    pairs: dict[int, list[tuple[str, str]]] = {}
    for row in table:
        pairs.setdefault(row["key_question_id"], []).extend(
            [(row["first_answer"] or "", row["answer"])] * row["n"]
        )
    key_questions = KeyQuestion.objects.of_framework(inspection.framework_id)
    markings = list(
        SecondMarking.objects.filter(case__inspection=inspection)
        .select_related("case__assistant_inspector", "marker")
        .annotate(marked=Count("judgements"))
        .order_by("case__reference")
    )
    disagreements = list(
        second.exclude(answer=Subquery(first_answer))
        .select_related("marking__case", "marking__marker", "key_question")
        .order_by("marking__case__reference", "key_question__standard__order", "key_question__order")
    )
    for disagreement in disagreements:
        first = disagreement.first_answer
        # For the moderation page; a label computed here, not a field or SQL annotation the model type knows.
        disagreement.first_answer_label = Answer(first).label if first else "Not answered"  # type: ignore[attr-defined]
    return Moderation(
        markings=markings,
        agreements=[
            KeyQuestionAgreement(kq, statistics.agreement(pairs.get(kq.pk, []))) for kq in key_questions
        ],
        disagreements=disagreements,
    )


def second_markings_of(user: User) -> QuerySet[WithAnnotations[SecondMarking, Marked]]:
    """Every case the user is to second-mark, in inspections not yet locked, with whether it is done."""
    return (
        SecondMarking.objects.filter(marker=user)
        .exclude(case__inspection__status=Inspection.Status.LOCKED)
        .select_related("case__inspection__pdu")
        .annotate(marked=Count("judgements"))
        .order_by("case__inspection__fieldwork_start", "case__reference")
    )
