"""The lead's and quality assurers' writes to an inspection's cases: moving the inspection through fieldwork,
assigning cases, approving or returning them with a query, and the assistant inspector's answer to a query.

Every function is one transaction; the caller has already checked the user may do it (cases.permissions and
inspections.permissions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from inspections.models import Inspection, InspectionMembership, KeyQuestion, Role
from inspections.services import InspectionError, ensure_not_locked

from ..errors import CaseError
from ..models import CaseQuery, InspectedCase
from ..questions import case_fact_questions, case_key_questions
from .answers import EVIDENCE_MAX_LENGTH

if TYPE_CHECKING:
    from accounts.models import User

NOT_AN_ASSISTANT_INSPECTOR = "{user} is not an assistant inspector on this inspection's team."
NO_CASES_SELECTED = "Select at least one case"
APPROVED_CANNOT_MOVE = "Case {reference} is approved and cannot be reassigned."
NOT_SUBMITTED = "Only a submitted case can be approved or returned; this one is {status}."
QUERY_TEXT_MISSING = "Enter your query"
QUERY_SUBJECT_MISSING = "Select the key question or case fact your query is about"
QUERY_ANSWER_MISSING = "Enter your answer to the query"
QUERY_ANSWER_TOO_LONG = "Your answer to the query must be {limit:,} characters or less"
QUERY_ALREADY_ANSWERED = "This query has already been answered."
QUERY_NOT_YOURS = "Only the case's assistant inspector answers its queries."
NO_CASES = "Import the case sample before starting fieldwork."
CANNOT_ADVANCE = "This inspection cannot move on from {status}."


_NEXT_STATUS: dict[str, str] = {
    Inspection.Status.SETUP: Inspection.Status.FIELDWORK,
    Inspection.Status.FIELDWORK: Inspection.Status.QUALITY_ASSURANCE,
}


@transaction.atomic
def inspection_advance(*, inspection: Inspection, user: User) -> Inspection:
    """Move from set-up to fieldwork (once there is a sample), or from fieldwork to quality assurance."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    next_status = _NEXT_STATUS.get(inspection.status)
    if next_status is None:
        raise InspectionError(CANNOT_ADVANCE.format(status=inspection.get_status_display().lower()))
    if inspection.status == Inspection.Status.SETUP and not inspection.cases.exists():
        raise InspectionError(NO_CASES)
    inspection.status = next_status
    inspection._history_user = user
    inspection.save(update_fields=["status", "updated_at"])
    return inspection


def assistant_inspector_ids(inspection: Inspection) -> set[int]:
    """The user ids of the inspection's assistant inspectors."""
    team = InspectionMembership.objects.team(inspection, Role.ASSISTANT_INSPECTOR)
    return set(team.values_list("user_id", flat=True))


@transaction.atomic
def cases_assign(
    *, inspection: Inspection, case_ids: Iterable[int], assistant_inspector: User | None, user: User
) -> int:
    """Assign the chosen cases of an inspection to one assistant inspector (None to unassign); returns how many.

    Approved cases keep their assistant inspector: their marking is finished.
    """

    ensure_not_locked(inspection)
    if assistant_inspector is not None and assistant_inspector.pk not in assistant_inspector_ids(inspection):
        raise CaseError(NOT_AN_ASSISTANT_INSPECTOR.format(user=assistant_inspector))
    # Ordered by reference alone: the default order joins the inspection's PDU, which may be null (a regional
    # inspection), and PostgreSQL cannot lock the nullable side of an outer join.
    cases = list(inspection.cases.select_for_update().filter(pk__in=list(case_ids)).order_by("reference"))
    if not cases:
        raise CaseError(NO_CASES_SELECTED)
    approved = [case for case in cases if case.status == InspectedCase.Status.APPROVED]
    if approved:
        raise CaseError(APPROVED_CANNOT_MOVE.format(reference=approved[0].reference))
    for case in cases:
        case.assistant_inspector = assistant_inspector
        case.updated_at = timezone.now()
    bulk_update_with_history(
        cases, InspectedCase, ["assistant_inspector", "updated_at"], batch_size=500, default_user=user
    )
    return len(cases)


def _locked_submitted(case: InspectedCase) -> InspectedCase:
    current = InspectedCase.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    ensure_not_locked(current.inspection)
    if current.status != InspectedCase.Status.SUBMITTED:
        raise CaseError(NOT_SUBMITTED.format(status=current.get_status_display().lower()))
    return current


def _decide(current: InspectedCase, status: str, user: User) -> InspectedCase:
    """Quality assurance's decision on a locked, submitted case: its new status, a new version, in its history."""
    current.status = status
    current.version += 1
    current._history_user = user
    current.save(update_fields=["status", "version", "updated_at"])
    return current


@transaction.atomic
def case_approve(*, case: InspectedCase, user: User) -> InspectedCase:
    """Quality assurance approves a submitted case; it is read-only from then on."""
    return _decide(_locked_submitted(case), InspectedCase.Status.APPROVED, user)


@transaction.atomic
def case_return(
    *, case: InspectedCase, user: User, text: str, key_question_code: str = "", fact: str = ""
) -> CaseQuery:
    """Return a submitted case to its assistant inspector with a query on one key question or case fact."""
    current = _locked_submitted(case)
    errors = {}
    if not text.strip():
        errors["text"] = QUERY_TEXT_MISSING
    key_question = None
    if key_question_code in {kq.code for kq in case_key_questions(current)}:
        key_question = (
            KeyQuestion.objects.of_framework(current.inspection.framework_id)
            .filter(code=key_question_code)
            .first()
        )
    known_fact = fact in {asked.key for asked in case_fact_questions(current)}
    if bool(key_question) == known_fact or (key_question_code and key_question is None):
        errors["subject"] = QUERY_SUBJECT_MISSING
    if errors:
        raise ValidationError(errors)
    query = CaseQuery(case=current, key_question=key_question, fact=fact, text=text.strip(), raised_by=user)
    query._history_user = user
    query.save()
    _decide(current, InspectedCase.Status.RETURNED, user)
    return query


@transaction.atomic
def case_query_answer(*, query: CaseQuery, user: User, answer: str) -> CaseQuery:
    """The case's assistant inspector answers a query; the case can then be resubmitted with case_submit."""
    query = CaseQuery.objects.select_for_update().select_related("case__inspection").get(pk=query.pk)
    ensure_not_locked(query.case.inspection)
    if query.case.assistant_inspector_id != user.pk:
        raise CaseError(QUERY_NOT_YOURS)
    if not query.is_open:
        raise CaseError(QUERY_ALREADY_ANSWERED)
    if not answer.strip():
        raise ValidationError({"answer": QUERY_ANSWER_MISSING})
    if len(answer.strip()) > EVIDENCE_MAX_LENGTH:
        raise ValidationError({"answer": QUERY_ANSWER_TOO_LONG.format(limit=EVIDENCE_MAX_LENGTH)})
    query.answer, query.answered_by, query.answered_at = answer.strip(), user, timezone.now()
    query._history_user = user
    query.save()
    return query
