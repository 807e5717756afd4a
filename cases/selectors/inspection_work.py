"""Reads for the lead inspector's and quality assurers' pages about an inspection's cases: the inspections they
work on, the sample, assignment, quality assurance and moderation. Each runs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When

from inspections import statistics
from inspections.models import Inspection, KeyQuestion, Role

from ..imports import in_sentence
from ..models import (
    Answer,
    CaseFact,
    CaseNeed,
    CaseQuery,
    InspectedCase,
    Judgement,
    SecondJudgement,
    SecondMarking,
)
from .case_pages import CasePage, FactItem, NeedItem, StaleAnswer, case_page, case_queries
from .case_pages import _need_display as need_display

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from accounts.models import User


def managed_inspections(user: User) -> QuerySet[Inspection]:
    """Inspections the user leads, inspects or quality-assures (every inspection for a superuser), with case
    counts."""
    queryset = Inspection.objects.select_related("pdu", "framework")
    if not user.is_superuser:
        queryset = queryset.filter(
            pk__in=Inspection.objects.filter(
                memberships__user=user,
                memberships__role__in=[Role.LEAD, Role.INSPECTOR, Role.QUALITY_ASSURER],
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


def quality_assurance_queue(inspection: Inspection, statuses: Sequence[str] = ()) -> QuerySet[InspectedCase]:
    """Cases waiting for quality assurance first, then returned and approved ones (only those of `statuses`, if
    given), with open query counts."""
    return (
        inspection.cases.filter(status__in=statuses or InspectedCase.REVIEWED_STATUSES)
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
class StatusChange:
    status: str
    label: str
    at: datetime.datetime
    by: str
    reason: str


@dataclass(frozen=True)
class AnswerChange:
    """One answer as it was when the latest query was raised and as it is now."""

    subject: str
    before: str
    after: str
    evidence_before: str = ""
    evidence_after: str = ""


@dataclass(frozen=True)
class CaseReview:
    case: InspectedCase
    judgements: list[tuple[KeyQuestion, Judgement | None, int]]  # with how many times each answer changed
    queries: list[CaseQuery]
    status_history: list[StatusChange]
    facts: list[FactItem]
    needs: list[NeedItem]
    # Since the latest query was raised: when, and each answer changed since (key questions, facts, needs).
    query_raised_at: datetime.datetime | None = None
    changed_since_query: list[AnswerChange] = field(default_factory=list)
    stale: list[StaleAnswer] = field(default_factory=list)  # answers to key questions that no longer apply


def status_history(case: InspectedCase) -> list[StatusChange]:
    """Each change of the case's status, oldest first, with who made it and why (one query over its history)."""
    rows = case.history.order_by("history_date", "history_id").values_list(
        "status", "history_date", "history_user__username", "history_change_reason"
    )
    changes: list[StatusChange] = []
    for status, at, by, reason in rows:
        if not changes or changes[-1].status != status:
            label = InspectedCase.Status(status).label
            changes.append(StatusChange(status, label, at, by or "", reason or ""))
    return changes


def case_review(case: InspectedCase) -> CaseReview:
    """What quality assurance reads: every key question the case answers with the assistant inspector's judgement,
    its facts and needs, the thread and the case's status history (returned after approval shows there)."""
    page = case_page(case)
    queries = case_queries(case)
    since = queries[-1].raised_at if queries else None
    return CaseReview(
        case=case,
        judgements=[(item.key_question, item.judgement, item.changes) for item in page.key_question_items],
        queries=queries,
        status_history=status_history(case),
        facts=page.facts,
        needs=page.needs,
        query_raised_at=since,
        changed_since_query=changes_since(page, since) if since else [],
        stale=page.stale,
    )


def _as_at(records: Iterable[Any], key: Callable[[Any], Any]) -> dict[Any, Any]:
    """The last historical record of each row (None where it was deleted), from records oldest first."""
    latest: dict[Any, Any] = {}
    for record in records:
        latest[key(record)] = None if record.history_type == "-" else record
    return latest


def changes_since(page: CasePage, since: datetime.datetime) -> list[AnswerChange]:
    """Each answer on the case page that differs from what it was at `since` (from django-simple-history, four
    queries): key questions with their evidence, then facts (and attributes recorded on the case), then needs."""
    case = page.case
    earlier = {"case_id": case.pk, "history_date__lte": since}
    judgements = _as_at(
        Judgement.history.filter(**earlier).order_by("history_date", "history_id"),
        lambda r: r.key_question_id,
    )
    changes = []
    for item in page.key_question_items:
        was, now = judgements.get(item.key_question.pk), item.judgement
        before = (was.get_answer_display() if was else "", was.rationale if was else "")
        after = (now.get_answer_display() if now else "", now.rationale if now else "")
        if before != after:
            subject = f"{item.key_question.code} {item.key_question.wording}"
            changes.append(AnswerChange(subject, before[0], after[0], before[1], after[1]))
    facts = _as_at(CaseFact.history.filter(**earlier).order_by("history_date", "history_id"), lambda r: r.key)
    then = case.history.filter(history_date__lte=since).order_by("-history_date", "-history_id").first()
    attributes = (then.attributes if then else None) or {}
    on_case = {a.key for a in case.case_kind.attributes if a.recorded_on_case}
    for fact in page.facts:
        value = (attributes.get(fact.key) or "") if fact.key in on_case else None
        if value is None:
            record = facts.get(fact.key)
            value = record.value if record else ""
        if value != fact.value:
            labels = dict(fact.choices)
            changes.append(AnswerChange(fact.label, labels.get(value, value), fact.display))
    needs = _as_at(
        CaseNeed.history.filter(**earlier).order_by("history_date", "history_id"), lambda r: r.need
    )
    for need in page.needs:
        before_need, after_need = need_display(needs.get(need.need.key)), need_display(need.row)
        if before_need != after_need:
            changes.append(AnswerChange(need.need.label, before_need, after_need))
    return changes


@dataclass(frozen=True)
class KeyQuestionAgreement:
    key_question: KeyQuestion
    agreement: statistics.Agreement


class Marked(TypedDict):
    marked: int  # how many key questions the second marker has judged


class FirstAnswer(TypedDict):
    first_marking: str | None  # the first marker's answer: as it was when agreed, or the case's current one
    first_evidence: str | None  # and their evidence


@dataclass(frozen=True)
class Moderation:
    markings: list[WithAnnotations[SecondMarking, Marked]]
    agreements: list[KeyQuestionAgreement]
    unresolved: list[WithAnnotations[SecondJudgement, FirstAnswer]]
    resolved: list[WithAnnotations[SecondJudgement, FirstAnswer]]


def _second_judgements(inspection: Inspection) -> QuerySet[WithAnnotations[SecondJudgement, FirstAnswer]]:
    """The inspection's second judgements with the first marking beside each: the first marker's answer and
    evidence kept when the disagreement was resolved, else the case's judgement now."""
    current = Judgement.objects.filter(case=OuterRef("marking__case"), key_question=OuterRef("key_question"))
    resolved = ~Q(agreed_answer="")
    return SecondJudgement.objects.filter(marking__case__inspection=inspection).annotate(
        first_marking=Case(
            When(resolved, then=F("first_answer")), default=Subquery(current.values("answer")[:1])
        ),
        first_evidence=Case(
            When(resolved, then=F("first_rationale")), default=Subquery(current.values("rationale")[:1])
        ),
    )


def moderation_agreement(inspection: Inspection) -> list[KeyQuestionAgreement]:
    """Agreement between first and second markers per key question of the inspection's framework: observed
    agreement, Cohen's kappa and Gwet's AC1 with n (two queries). A resolved disagreement still counts as one."""
    table = (
        _second_judgements(inspection)
        .values("key_question_id", "first_marking", "answer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pairs: dict[int, list[tuple[str, str]]] = {}
    for row in table:
        pairs.setdefault(row["key_question_id"], []).extend(
            [(row["first_marking"] or "", row["answer"])] * row["n"]
        )
    key_questions = KeyQuestion.objects.of_framework(inspection.framework_id)
    return [KeyQuestionAgreement(kq, statistics.agreement(pairs.get(kq.pk, []))) for kq in key_questions]


def _label(answer: str | None) -> str:
    return Answer(answer).label if answer else "Not answered"


def moderation(inspection: Inspection) -> Moderation:
    """The cases chosen, agreement per key question, the disagreements to resolve and those resolved (with the
    first marker's evidence beside the second's, and the resolution: A, B or a new answer, and why)."""
    markings = list(
        SecondMarking.objects.filter(case__inspection=inspection)
        .select_related("case__assistant_inspector", "marker")
        .annotate(marked=Count("judgements"))
        .order_by("case__reference")
    )
    disagreements = list(
        _second_judgements(inspection)
        .exclude(answer=F("first_marking"))
        .select_related("marking__case__assistant_inspector", "marking__marker", "key_question", "agreed_by")
        .order_by("marking__case__reference", "key_question__standard__order", "key_question__order")
    )
    for item in disagreements:
        # For the moderation page; labels computed here, not fields or SQL annotations the model type knows.
        item.first_answer_label = _label(item.first_marking)  # type: ignore[attr-defined]
        if item.agreed_answer:
            item.resolution = (  # type: ignore[attr-defined]
                "the first marking (A)"
                if item.agreed_answer == item.first_marking
                else "the second marking (B)"
                if item.agreed_answer == item.answer
                else "a new answer"
            )
    return Moderation(
        markings=markings,
        agreements=moderation_agreement(inspection),
        unresolved=[item for item in disagreements if not item.agreed_answer],
        resolved=[item for item in disagreements if item.agreed_answer],
    )


def unresolved_disagreements(inspection: Inspection) -> int:
    """How many double-marked key questions have a second answer unlike the first and no agreed answer yet (one
    query): locking waits for them."""
    first_answer = Judgement.objects.filter(
        case=OuterRef("marking__case"), key_question=OuterRef("key_question")
    ).values("answer")[:1]
    return (
        SecondJudgement.objects.filter(marking__case__inspection=inspection, agreed_answer="")
        .exclude(answer=Subquery(first_answer))
        .count()
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
