"""Reads for the assistant inspector's screens (their cases, the case page, answer history), each in a fixed
number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Field, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from inspections.models import Inspection, KeyQuestion, Standard

from ..fields import FACT_FIELDS, key_question_field, need_field
from ..models import CaseNeed, CaseQuery, InspectedCase, Judgement, Need

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class InspectionCases:
    inspection: Inspection
    cases: list[InspectedCase]


def _key_question_total() -> Coalesce:
    totals = (
        KeyQuestion.objects.filter(standard__framework_id=OuterRef("inspection__framework_id"))
        .order_by()
        .values("standard__framework_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


def cases_assigned(user: User) -> QuerySet[InspectedCase]:
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


def cases_assigned_by_inspection(user: User) -> list[InspectionCases]:
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
    changes: int = 0

    @property
    def linked_field(self) -> str:
        return need_field(self.need.value, "linked")

    @property
    def addressed_field(self) -> str:
        return need_field(self.need.value, "addressed")


@dataclass(frozen=True)
class FactItem:
    name: str
    changes: int
    display: str = ""

    @property
    def label(self) -> str:
        fact_field = InspectedCase._meta.get_field(self.name)
        assert isinstance(fact_field, Field)  # a case fact is a column of the case
        return str(fact_field.verbose_name)

    @property
    def inline(self) -> bool:
        return self.name == "rosh_classified_correctly"


@dataclass
class CasePage:
    """Everything the case page shows: the case, one section per stage and the criminogenic needs."""

    case: InspectedCase
    sections: list[StageSection] = field(default_factory=list)
    needs: list[NeedItem] = field(default_factory=list)
    facts: list[FactItem] = field(default_factory=list)

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
        KeyQuestion.objects.of_framework(case.inspection.framework_id).select_related("standard")
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
    need_changes = dict(
        CaseNeed.history.filter(case_id=case.pk)
        .order_by()
        .values("need")
        .annotate(changes=Count("history_id"))
        .values_list("need", "changes")
    )
    page.needs = [NeedItem(need, recorded.get(need.value), need_changes.get(need.value, 0)) for need in Need]
    fact_changes = _fact_change_counts(case)
    page.facts = [FactItem(name, fact_changes[name], _fact_display(case, name)) for name in FACT_FIELDS]
    page.sections = [
        StageSection(section.standard, section.items, following.standard.stage)
        for section, following in zip(page.sections, page.sections[1:], strict=False)
    ] + page.sections[-1:]
    return page


@dataclass(frozen=True)
class JudgementChange:
    when: datetime.datetime
    who: User | None
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


def _fact_change_counts(case: InspectedCase) -> dict[str, int]:
    """How many saves changed each case fact, from the case's history in one query."""

    def recorded(value: object) -> object:
        return None if value in (None, "") else value

    counts = dict.fromkeys(FACT_FIELDS, 0)
    before = dict.fromkeys(FACT_FIELDS)
    for values in case.history.order_by("history_date", "history_id").values(*FACT_FIELDS):
        for name in FACT_FIELDS:
            if recorded(values[name]) != recorded(before[name]):
                counts[name] += 1
        before = values
    return counts


def _yes_no(value: bool | None) -> str:
    labels: dict[bool | None, str] = {True: "Yes", False: "No"}
    return labels.get(value, "")


def _fact_display(record: object, name: str) -> str:
    value = getattr(record, name)
    if isinstance(value, bool) or value is None:
        return _yes_no(value)
    return getattr(record, f"get_{name}_display")()


def fact_history(case: InspectedCase, name: str) -> list[JudgementChange]:
    """Every recorded change to one case fact, newest first."""
    changes, before = [], ""
    for record in case.history.select_related("history_user").order_by("history_date", "history_id"):
        after = _fact_display(record, name)
        if after != before:
            changes.append(
                JudgementChange(record.history_date, record.history_user, before, after, "", "", "")
            )
        before = after
    return list(reversed(changes))


# record: a historical CaseNeed, or None; django-simple-history's generated models have no static type.
def _need_display(record: Any) -> str:
    if record is None or record.history_type == "-" or record.linked_to_offending is None:
        return ""
    if not record.linked_to_offending:
        return "Not linked to offending"
    addressed = _yes_no(record.sufficiently_addressed) or "not answered"
    return f"Linked to offending; sufficiently addressed: {addressed.lower()}"


def need_history(case: InspectedCase, need: str) -> list[JudgementChange]:
    """Every recorded change to one criminogenic need of a case, newest first."""
    records = CaseNeed.history.filter(case_id=case.pk, need=need).select_related("history_user")
    changes, before = [], None
    for record in records.order_by("history_date", "history_id"):
        changes.append(
            JudgementChange(
                record.history_date,
                record.history_user,
                _need_display(before),
                _need_display(record),
                "",
                "",
                record.get_history_type_display(),
            )
        )
        before = record
    return list(reversed(changes))


def case_queries(case: InspectedCase) -> list[CaseQuery]:
    """The case's quality-assurance thread, oldest first."""
    return list(
        case.queries.select_related("key_question", "raised_by", "answered_by").order_by("raised_at", "pk")
    )
