"""What the inspection's framework asks of a case, by its kind and attributes: the key questions that apply to it and
the facts (and attributes recorded on the case). The services check answers against it; the case page, quality
assurance and second marking ask it. Pure reads of the framework, except the key question rows (one query).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from inspections.definitions import CaseKind, Definition
from inspections.definitions import KeyQuestion as KeyQuestionDefinition
from inspections.models import KeyQuestion

from .models import InspectedCase, Judgement


def case_key_questions(case: InspectedCase) -> list[KeyQuestionDefinition]:
    """The key questions this case answers: those of its kind's standards that apply to its attributes."""
    definition = case.inspection.framework.definition
    return [kq for _, kq in definition.key_questions(case.kind) if kq.applies_to(case.attributes)]


def applicable_judgements(definitions: Iterable[Definition]) -> Q:
    """A filter on Judgement, for answers under these framework versions: the answers to key questions that apply
    to their case as it is now. An answer kept after the case's attributes changed so that its key question no
    longer applies (e.g. a licence-only question, the case now a community order) no longer counts. Empty (every
    answer) where no key question has a condition."""
    applies = Q()
    for definition in {(d.slug, d.version): d for d in definitions}.values():
        for _, key_question in definition.key_questions():
            condition = key_question.applies_when
            if condition is None:
                continue
            of_it = Q(
                key_question__standard__framework__slug=definition.slug,
                key_question__standard__framework__version=definition.version,
                key_question__code=key_question.code,
            )
            holds = Q(**{f"case__attributes__{condition.attribute}__in": list(condition.values)})
            applies &= ~of_it | holds
    return applies


def stale_judgements(case: InspectedCase, judgements: Iterable[Judgement]) -> list[Judgement]:
    """Of the case's recorded answers (with their key questions), those to key questions that no longer apply to
    it: kept, shown, but not counted."""
    applicable = {kq.code for kq in case_key_questions(case)}
    return [
        judgement
        for judgement in judgements
        if judgement.key_question.code not in applicable
        and (judgement.answer or judgement.rationale or judgement.prompt_answers)
    ]


def case_key_question_rows(case: InspectedCase) -> list[KeyQuestion]:
    """The key questions this case answers, as rows (with their standards), in the framework's order (one query)."""
    codes = {kq.code for kq in case_key_questions(case)}
    rows = KeyQuestion.objects.of_framework(case.inspection.framework_id).select_related("standard")
    return [kq for kq in rows if kq.code in codes]


@dataclass(frozen=True)
class FactQuestion:
    """A case fact the case page asks, or an attribute recorded on the case (the RoSH level)."""

    key: str
    label: str  # short, for lists and history: "Home visits made where needed"
    question: str  # as asked: "Were home visits made where needed?"
    options: tuple[tuple[str, str], ...]
    is_attribute: bool = False


def case_fact_questions(case: InspectedCase) -> list[FactQuestion]:
    """What the case page asks about the case besides key questions and needs, in order: each attribute recorded
    on the case, then each fact that applies to it."""
    kind = case.case_kind
    asked = [
        FactQuestion(a.key, a.label, a.label, tuple((o.value, o.label) for o in a.options), is_attribute=True)
        for a in kind.attributes
        if a.recorded_on_case and a.type == "choice"
    ]
    asked += [
        FactQuestion(f.key, f.label, f.question, tuple((o.value, o.label) for o in f.options))
        for f in kind.facts
        if f.applies_when is None or f.applies_when.holds(case.attributes)
    ]
    return asked


def recorded_attributes(kind: CaseKind) -> set[str]:
    return {a.key for a in kind.attributes if a.recorded_on_case and a.type == "choice"}
