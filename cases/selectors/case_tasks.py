"""The case as a task list: one task per part of the case its framework defines (a section per standard the case
answers, its case facts, its criminogenic needs), each with its fields and a status worked out from the case page's
content and the problems that still stop it being submitted. No query of its own: it reads a CasePage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices

from ..errors import Problem
from ..models import CaseQuery
from .case_pages import CasePage, FactItem, KeyQuestionItem, NeedItem, StandardSection

FACTS = "case-facts"
NEEDS = "needs"
CHECK = "check"  # "Save and continue" from the last task goes to checking the answers


class TaskStatus(TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


@dataclass(frozen=True)
class CaseTask:
    """One part of the case: its slug (in its page's address), title, fields, what it shows, and its status."""

    slug: str
    title: str
    fields: frozenset[str]
    status: TaskStatus
    section: StandardSection | None = None
    facts: list[FactItem] = field(default_factory=list)
    needs: list[NeedItem] = field(default_factory=list)
    next_slug: str = CHECK

    @property
    def items(self) -> list[KeyQuestionItem]:
        return self.section.items if self.section else []


def _item_fields(item: KeyQuestionItem) -> list[str]:
    return [item.answer_field, item.rationale_field, *(name for name, _ in item.prompt_fields)]


def _item_started(item: KeyQuestionItem) -> bool:
    judgement = item.judgement
    return bool(judgement and (judgement.answer or judgement.rationale or judgement.prompt_answers))


def _status(started: bool, fields: frozenset[str], missing: set[str]) -> TaskStatus:
    if not fields & missing:
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED


def case_tasks(page: CasePage, problems: Iterable[Problem]) -> list[CaseTask]:
    """The case's tasks in the order its framework gives them. `problems` is what still stops the case being
    submitted (cases.services.answers.case_problems): a task with none of them is completed."""
    missing = {problem.field for problem in problems}
    drafts: list[dict[str, Any]] = []
    for section in page.sections:
        fields = frozenset(name for item in section.items for name in _item_fields(item))
        started = any(_item_started(item) for item in section.items)
        drafts.append(
            {
                "slug": section.anchor.removeprefix("section-"),
                "title": f"{section.standard.code} {section.title}",
                "fields": fields,
                "status": _status(started, fields, missing),
                "section": section,
            }
        )
    if page.facts:
        fields = frozenset(fact.name for fact in page.facts)
        # Saved by the inspector: a RoSH level the sample brought is not their work started.
        started = any(fact.changes for fact in page.facts)
        drafts.append(
            {
                "slug": FACTS,
                "title": "Case facts",
                "fields": fields,
                "status": _status(started, fields, missing),
                "facts": page.facts,
            }
        )
    if page.needs:
        fields = frozenset(name for item in page.needs for name in (item.linked_field, item.addressed_field))
        started = any(item.row and item.row.linked_to_offending is not None for item in page.needs)
        drafts.append(
            {
                "slug": NEEDS,
                "title": "Criminogenic needs",
                "fields": fields,
                "status": _status(started, fields, missing),
                "needs": page.needs,
            }
        )
    following = [draft["slug"] for draft in drafts[1:]] + [CHECK]
    return [
        CaseTask(**draft, next_slug=next_slug) for draft, next_slug in zip(drafts, following, strict=True)
    ]


def task_of_query(tasks: list[CaseTask], query: CaseQuery) -> CaseTask | None:
    """The task a quality-assurance query is about (its key question's standard, the case facts or the needs); None
    when it is about nothing a task asks."""
    if query.key_question_id is not None:
        code = query.key_question.code if query.key_question else ""
        return next((task for task in tasks if any(i.key_question.code == code for i in task.items)), None)
    if query.need:
        return next((task for task in tasks if any(n.need.key == query.need for n in task.needs)), None)
    return next((task for task in tasks if query.fact and any(f.key == query.fact for f in task.facts)), None)
