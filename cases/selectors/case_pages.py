"""Reads for the assistant inspector's screens (their cases, the case page, answer history), each in a fixed
number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, QuerySet, Value, When
from django.utils import timezone

from inspections.definitions import KeyQuestion as KeyQuestionDefinition
from inspections.definitions import Need
from inspections.framework_preview import applies_text
from inspections.models import Inspection, KeyQuestion, Standard

from ..errors import CaseReassigned
from ..fields import fact_field, key_question_field, need_field
from ..models import CaseFact, CaseNeed, CaseQuery, InspectedCase, Judgement
from ..questions import (
    applicable_judgements,
    case_fact_questions,
    case_key_question_rows,
    case_key_questions,
    stale_judgements,
)

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class InspectionCases:
    inspection: Inspection
    cases: list[InspectedCase]


# "Your cases" lists first what waits for the assistant inspector: returned cases (a query to answer), then cases not
# started, then those in progress, then the rest (submitted, approved).
WAITING_FIRST = Case(
    When(status=InspectedCase.Status.RETURNED, then=Value(0)),
    When(status=InspectedCase.Status.NOT_STARTED, then=Value(1)),
    When(status=InspectedCase.Status.IN_PROGRESS, then=Value(2)),
    default=Value(3),
)


def cases_assigned(
    user: User, *, status: str = "", inspection_id: int | None = None
) -> QuerySet[InspectedCase]:
    """The user's assigned cases in open inspections they are a member of, waiting work first (cases_assigned_by_inspection
    adds the `answered` and `total` key questions of each, from its framework). Optionally only those of one status
    or one inspection."""
    inspections = Inspection.objects.open().filter(memberships__user=user).values("pk")
    cases = InspectedCase.objects.assigned_to(user).filter(inspection__in=inspections)
    if status:
        cases = cases.filter(status=status)
    if inspection_id is not None:
        cases = cases.filter(inspection_id=inspection_id)
    return (
        cases.select_related("inspection__pdu", "inspection__region", "inspection__framework")
        .annotate(waiting=WAITING_FIRST)
        .order_by("inspection__fieldwork_start", "inspection__pk", "waiting", "reference")
    )


def inspections_with_cases_assigned(user: User) -> QuerySet[Inspection]:
    """The open inspections in which the user has cases assigned: what "Your cases" can be filtered by."""
    return (
        Inspection.objects.open()
        .filter(memberships__user=user, cases__assistant_inspector=user)
        .select_related("pdu", "region")
        .distinct()
        .order_by("fieldwork_start", "pk")
    )


def cases_assigned_by_inspection(
    user: User, *, status: str = "", inspection_id: int | None = None
) -> list[InspectionCases]:
    """The user's assigned cases grouped by inspection, in two queries; each with the key questions it has
    `answered` (of those that still apply to it) and the `total` it answers."""
    cases = list(cases_assigned(user, status=status, inspection_id=inspection_id))
    definitions = [case.inspection.framework.definition for case in cases]
    answered = dict(
        Judgement.objects.filter(applicable_judgements(definitions), case__in=cases)
        .exclude(answer="")
        .values("case")
        .annotate(answered=Count("pk"))
        .values_list("case", "answered")
        .order_by()
    )
    for case in cases:
        case.answered = answered.get(case.pk, 0)  # type: ignore[attr-defined]
        case.total = len(case_key_questions(case))  # type: ignore[attr-defined]  # shown beside `answered`
    return [
        InspectionCases(inspection=inspection, cases=list(group))
        for inspection, group in groupby(cases, key=lambda case: case.inspection)
    ]


@dataclass(frozen=True)
class KeyQuestionItem:
    key_question: KeyQuestion
    judgement: Judgement | None
    changes: int
    definition: KeyQuestionDefinition

    @property
    def answer_field(self) -> str:
        return key_question_field(self.key_question.code, "answer")

    @property
    def rationale_field(self) -> str:
        return key_question_field(self.key_question.code, "rationale")

    @property
    def prompt_fields(self) -> list[tuple[str, str]]:
        """(field name, prompt) for each prompt the framework records on the case; none otherwise."""
        if not self.definition.record_prompts:
            return []
        prompts = self.definition.prompts
        return [(key_question_field(self.key_question.code, f"prompt_{i}"), p) for i, p in enumerate(prompts)]

    @property
    def prompt_answers(self) -> list[tuple[str, str]]:
        """(prompt, answer shown) for each prompt the framework records on the case."""
        recorded = self.judgement.prompt_answers if self.judgement else {}
        labels = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}
        return [
            (prompt, labels.get(recorded.get(str(i), ""), "Not answered"))
            for i, (_, prompt) in enumerate(self.prompt_fields)
        ]


def standard_anchor(code: str) -> str:
    return "section-" + code.replace(".", "-")


@dataclass(frozen=True)
class StandardSection:
    standard: Standard
    items: list[KeyQuestionItem]
    next_anchor: str = "case-facts"  # where "Save and continue" goes

    @property
    def anchor(self) -> str:
        return standard_anchor(self.standard.code)

    @property
    def title(self) -> str:
        return self.standard.title


@dataclass(frozen=True)
class NeedItem:
    need: Need
    row: CaseNeed | None
    changes: int = 0

    @property
    def linked_field(self) -> str:
        return need_field(self.need.key, "linked")

    @property
    def addressed_field(self) -> str:
        return need_field(self.need.key, "addressed")


@dataclass(frozen=True)
class FactItem:
    """A case fact, or an attribute recorded on the case (the RoSH level), as its framework asks it."""

    key: str
    label: str  # short: "Home visits made where needed"
    question: str  # as the form asks it
    choices: tuple[tuple[str, str], ...]
    value: str
    changes: int

    @property
    def name(self) -> str:
        return fact_field(self.key)

    @property
    def display(self) -> str:
        return dict(self.choices).get(self.value, self.value)

    @property
    def inline(self) -> bool:
        return len(self.choices) <= 2


@dataclass(frozen=True)
class StaleAnswer:
    """An answer kept for a key question that no longer applies to the case (its attributes changed since): shown
    so nobody relies on it, and left out of every rate."""

    judgement: Judgement
    applies: str  # when its key question applies, in words: "Only where Case type is Licence"

    @property
    def key_question(self) -> KeyQuestion:
        return self.judgement.key_question


@dataclass
class CasePage:
    """Everything the case page shows: the case, one section per standard it answers, its facts and needs, and
    any answers to key questions that no longer apply to it."""

    case: InspectedCase
    sections: list[StandardSection] = field(default_factory=list)
    needs: list[NeedItem] = field(default_factory=list)
    facts: list[FactItem] = field(default_factory=list)
    stale: list[StaleAnswer] = field(default_factory=list)

    @property
    def key_question_items(self) -> list[KeyQuestionItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.key_question_items if item.judgement and item.judgement.answer)


def case_get(pk: int) -> InspectedCase | None:
    return (
        InspectedCase.objects.select_related(
            "inspection__framework", "inspection__pdu", "inspection__region", "assistant_inspector"
        )
        .filter(pk=pk)
        .first()
    )


def reassigned_from(case: InspectedCase, user: User) -> CaseReassigned | None:
    """Why the user can no longer open a case that was theirs: the change that moved it from them to someone else
    (or to nobody), as the error to show; None if it was never theirs. Two queries."""
    if case.assistant_inspector_id == user.pk:
        return None
    last_theirs = case.history.filter(assistant_inspector_id=user.pk).order_by("-history_date").first()
    if last_theirs is None:
        return None
    moved = (
        case.history.filter(history_date__gt=last_theirs.history_date)
        .exclude(assistant_inspector_id=user.pk)
        .select_related("history_user", "assistant_inspector")
        .order_by("history_date", "history_id")
        .first()
    )
    if moved is None:
        return None
    to = moved.assistant_inspector
    by = moved.history_user
    return CaseReassigned(
        case,
        to=(to.get_full_name() or to.username) if to else "nobody yet",
        when=timezone.localtime(moved.history_date),
        by=(by.get_full_name() or by.username) if by else "the lead inspector",
    )


def case_page(case: InspectedCase) -> CasePage:
    """The case page's content in a fixed number of queries, whatever the number of answers or their history."""
    applicable = {kq.code: kq for kq in case_key_questions(case)}
    key_questions = case_key_question_rows(case)
    judgements = {j.key_question_id: j for j in case.judgements.select_related("key_question__standard")}
    changes = dict(
        Judgement.history.filter(case_id=case.pk)
        .order_by()
        .values("key_question_id")
        .annotate(changes=Count("history_id"))
        .values_list("key_question_id", "changes")
    )
    sections = [
        (
            standard,
            [
                KeyQuestionItem(kq, judgements.get(kq.pk), changes.get(kq.pk, 0), applicable[kq.code])
                for kq in items
            ],
        )
        for standard, items in groupby(key_questions, key=lambda kq: kq.standard)
    ]
    page = CasePage(case=case)
    page.sections = [
        StandardSection(standard, items, standard_anchor(following[0].code).removeprefix("section-"))
        for (standard, items), following in pairwise(sections)
    ] + [StandardSection(standard, items) for standard, items in sections[-1:]]
    kind = case.case_kind
    asked = {kq.code: kq for _, kq in case.inspection.framework.definition.key_questions(case.kind)}
    page.stale = [
        StaleAnswer(judgement, applies_text(kind, asked[judgement.key_question.code].applies_when))
        for judgement in stale_judgements(case, judgements.values())
        if judgement.key_question.code in asked
    ]
    recorded = {row.need: row for row in case.needs.all()}
    need_changes = dict(
        CaseNeed.history.filter(case_id=case.pk)
        .order_by()
        .values("need")
        .annotate(changes=Count("history_id"))
        .values_list("need", "changes")
    )
    page.needs = [
        NeedItem(need, recorded.get(need.key), need_changes.get(need.key, 0)) for need in case.case_kind.needs
    ]
    values = {**dict(case.facts.values_list("key", "value")), **_recorded_attributes(case)}
    fact_changes = _fact_change_counts(case)
    page.facts = [
        FactItem(f.key, f.label, f.question, f.options, values.get(f.key, ""), fact_changes.get(f.key, 0))
        for f in case_fact_questions(case)
    ]
    return page


def _recorded_attributes(case: InspectedCase) -> dict[str, str]:
    return {a.key: case.attributes.get(a.key, "") for a in case.case_kind.attributes if a.recorded_on_case}


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
    """How many saves changed each case fact (and each attribute recorded on the case), in two queries."""
    counts = dict(
        CaseFact.history.filter(case_id=case.pk)
        .order_by()
        .values("key")
        .annotate(changes=Count("history_id"))
        .values_list("key", "changes")
    )
    keys = list(_recorded_attributes(case))
    before: dict[str, Any] = {}
    for attributes in case.history.order_by("history_date", "history_id").values_list(
        "attributes", flat=True
    ):
        for key in keys:
            if (attributes or {}).get(key) != before.get(key) and key in before:
                counts[key] = counts.get(key, 0) + 1
        before = attributes or {}
    return counts


def _yes_no(value: bool | None) -> str:
    labels: dict[bool | None, str] = {True: "Yes", False: "No"}
    return labels.get(value, "")


def fact_history(case: InspectedCase, key: str) -> list[JudgementChange]:
    """Every recorded change to one case fact (or attribute recorded on the case), newest first."""
    asked = {f.key: dict(f.options) for f in case_fact_questions(case)}
    labels = asked.get(key, {})
    changes, before = [], ""
    if key in _recorded_attributes(case):
        records = case.history.select_related("history_user").order_by("history_date", "history_id")
        for record in records:
            after = labels.get((record.attributes or {}).get(key, ""), "")
            if after != before:
                changes.append(
                    JudgementChange(record.history_date, record.history_user, before, after, "", "", "")
                )
            before = after
        return list(reversed(changes))
    fact_records = CaseFact.history.filter(case_id=case.pk, key=key).select_related("history_user")
    for record in fact_records.order_by("history_date", "history_id"):
        after = "" if record.history_type == "-" else labels.get(record.value, record.value)
        changes.append(
            JudgementChange(
                record.history_date,
                record.history_user,
                before,
                after,
                "",
                "",
                record.get_history_type_display(),
            )
        )
        before = after
    return list(reversed(changes))


# record: a historical CaseNeed, or None; django-simple-history's generated models have no static type.
def _need_display(record: Any) -> str:
    # A current CaseNeed (no history_type) is shown as its latest record would be.
    if record is None or getattr(record, "history_type", "") == "-" or record.linked_to_offending is None:
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
