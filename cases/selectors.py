"""Reads for the assistant inspector's screens, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from inspections.models import Inspection, KeyQuestion, Standard

from .models import CaseNeed, InspectedCase, Judgement, Need
from .services import key_question_field, need_field


@dataclass(frozen=True)
class InspectionCases:
    inspection: Inspection
    cases: list[InspectedCase]


def _key_question_total() -> Subquery:
    totals = (
        KeyQuestion.objects.filter(standard__framework_id=OuterRef("inspection__framework_id"))
        .order_by()
        .values("standard__framework_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


def cases_assigned(user) -> QuerySet[InspectedCase]:
    """The user's assigned cases in open inspections they are a member of, with `answered` and `total`
    key question counts."""
    inspections = Inspection.objects.open().filter(memberships__user=user).values("pk")
    return (
        InspectedCase.objects.assigned_to(user)
        .filter(inspection__in=inspections)
        .select_related("inspection__pdu")
        .annotate(
            answered=Count("judgements", filter=~Q(judgements__answer="")),
            total=_key_question_total(),
        )
        .order_by("inspection__fieldwork_start", "inspection__pk", "reference")
    )


def cases_assigned_by_inspection(user) -> list[InspectionCases]:
    """The user's assigned cases grouped by inspection, in one query."""
    return [
        InspectionCases(inspection=inspection, cases=list(cases))
        for inspection, cases in groupby(cases_assigned(user), key=lambda case: case.inspection)
    ]


@dataclass(frozen=True)
class KeyQuestionItem:
    key_question: KeyQuestion
    judgement: Judgement | None
    changes: int

    @property
    def answer_field(self) -> str:
        return key_question_field(self.key_question.code, "answer")

    @property
    def rationale_field(self) -> str:
        return key_question_field(self.key_question.code, "rationale")


@dataclass(frozen=True)
class StageSection:
    standard: Standard
    items: list[KeyQuestionItem]
    next_anchor: str = "case-facts"  # where "Save and continue" goes

    @property
    def anchor(self) -> str:
        return f"section-{self.standard.stage}"

    @property
    def title(self) -> str:
        return self.standard.get_stage_display()


@dataclass(frozen=True)
class NeedItem:
    need: Need
    row: CaseNeed | None

    @property
    def linked_field(self) -> str:
        return need_field(self.need.value, "linked")

    @property
    def addressed_field(self) -> str:
        return need_field(self.need.value, "addressed")


@dataclass
class CasePage:
    """Everything the case page shows: the case, one section per stage and the criminogenic needs."""

    case: InspectedCase
    sections: list[StageSection] = field(default_factory=list)
    needs: list[NeedItem] = field(default_factory=list)

    @property
    def key_question_items(self) -> list[KeyQuestionItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.key_question_items if item.judgement and item.judgement.answer)


def case_get(pk: int) -> InspectedCase | None:
    return (
        InspectedCase.objects.select_related(
            "inspection__framework", "inspection__pdu", "assistant_inspector"
        )
        .filter(pk=pk)
        .first()
    )


def case_page(case: InspectedCase) -> CasePage:
    """The case page's content in four queries, whatever the number of answers or their history."""
    key_questions = list(
        KeyQuestion.objects.filter(standard__framework_id=case.inspection.framework_id)
        .select_related("standard")
        .order_by("standard__order", "order")
    )
    judgements = {j.key_question_id: j for j in case.judgements.select_related(None)}
    changes = dict(
        Judgement.history.filter(case_id=case.pk)
        .order_by()
        .values("key_question_id")
        .annotate(changes=Count("history_id"))
        .values_list("key_question_id", "changes")
    )
    page = CasePage(case=case)
    for standard, items in groupby(key_questions, key=lambda kq: kq.standard):
        page.sections.append(
            StageSection(
                standard=standard,
                items=[KeyQuestionItem(kq, judgements.get(kq.pk), changes.get(kq.pk, 0)) for kq in items],
            )
        )
    recorded = {row.need: row for row in case.needs.all()}
    page.needs = [NeedItem(need, recorded.get(need.value)) for need in Need]
    page.sections = [
        StageSection(section.standard, section.items, following.standard.stage)
        for section, following in zip(page.sections, page.sections[1:], strict=False)
    ] + page.sections[-1:]
    return page


@dataclass(frozen=True)
class JudgementChange:
    when: object
    who: object
    answer_before: str
    answer_after: str
    rationale_before: str
    rationale_after: str
    kind: str


def judgement_history(case: InspectedCase, key_question: KeyQuestion) -> list[JudgementChange]:
    """Every recorded change to one answer, newest first: who, when, answer and evidence before and after."""
    records = list(
        Judgement.history.filter(case_id=case.pk, key_question_id=key_question.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes, before = [], None
    for record in records:
        changes.append(
            JudgementChange(
                when=record.history_date,
                who=record.history_user,
                answer_before=before.get_answer_display() if before else "",
                answer_after=record.get_answer_display() if record.history_type != "-" else "",
                rationale_before=before.rationale if before else "",
                rationale_after=record.rationale if record.history_type != "-" else "",
                kind=record.get_history_type_display(),
            )
        )
        before = record if record.history_type != "-" else None
    return list(reversed(changes))
