"""The lead's and quality assurers' writes to an inspection's cases: moving the inspection through fieldwork,
assigning cases, approving or returning them with a query, and the assistant inspector's answer to a query.

Every function is one transaction; the caller has already checked the user may do it (cases.permissions and
inspections.permissions).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, update_change_reason

from inspections.models import Inspection, InspectionMembership, KeyQuestion, Role
from inspections.services import InspectionError, ensure_not_locked

from ..errors import CaseConflict, CaseError
from ..models import CaseQuery, InspectedCase
from ..questions import case_fact_questions, case_key_questions
from .answers import QUERY_ALREADY_ANSWERED, query_answer_problem
from .counts import counts_kept

if TYPE_CHECKING:
    from accounts.models import User

NOT_AN_ASSISTANT_INSPECTOR = "{user} is not an assistant inspector on this inspection's team."
NO_CASES_SELECTED = "Select at least one case"
CHANGED_SINCE_SHOWN = "It changed after the list was shown (it is now {status}): review it again."
APPROVED_CANNOT_MOVE = "Case {reference} is approved and cannot be reassigned."
NOT_SUBMITTED = "Only a submitted case can be approved or returned; this one is {status}."
NOT_RETURNABLE = "Only a submitted or approved case can be returned; this one is {status}."
RETURNED_AFTER_APPROVAL = "Returned after approval with a query: {text}"
QUERY_TEXT_MISSING = "Enter your query"
QUERY_SUBJECT_MISSING = "Select the key question, case fact or need your query is about"
SHARE_CHANGED = "The cases or the team changed since you looked, so nothing was assigned. Check the new share and confirm again."
NO_ASSISTANT_INSPECTORS = "This inspection has no assistant inspectors to share cases among."
NO_CASES_TO_SHARE = (
    "Select the cases to share, or leave them all unselected to share the cases not yet assigned"
)
QUERY_ANSWER_MISSING = "Enter your answer to the query"
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


Member = TypeVar("Member", bound=Hashable)
Item = TypeVar("Item")


def even_share(items: Sequence[Item], loads: Mapping[Member, int]) -> dict[Member, list[Item]]:
    """Share items (in their order) among members as evenly as whole numbers allow: each gets len // members, and
    the remainder goes one each to the members with the fewest already (loads), ties in the members' given order.
    Each member's items are consecutive."""
    if not loads:
        return {}
    base, remainder = divmod(len(items), len(loads))
    position = {member: index for index, member in enumerate(loads)}
    extra = set(sorted(loads, key=lambda m: (loads[m], position[m]))[:remainder])
    shares: dict[Member, list[Item]] = {}
    start = 0
    for member in loads:
        size = base + (1 if member in extra else 0)
        shares[member] = list(items[start : start + size])
        start += size
    return shares


def share_evenly_plan(*, inspection: Inspection, case_ids: Iterable[int]) -> dict[User, list[InspectedCase]]:
    """Who would get which cases if the chosen cases (or, with none chosen, every case not yet assigned) were shared
    evenly among the inspection's assistant inspectors; their cases outside the share count as their load."""
    chosen = list(case_ids)
    cases = inspection.cases.select_related("assistant_inspector").order_by("reference")
    cases = (
        cases.filter(pk__in=chosen)
        if chosen
        else cases.filter(assistant_inspector__isnull=True).exclude(status=InspectedCase.Status.APPROVED)
    )
    sharing = list(cases)
    if not sharing:
        raise CaseError(NO_CASES_TO_SHARE)
    approved = [case for case in sharing if case.status == InspectedCase.Status.APPROVED]
    if approved:
        raise CaseError(APPROVED_CANNOT_MOVE.format(reference=approved[0].reference))
    in_share = [case.pk for case in sharing]
    team = (
        get_user_model()
        .objects.filter(pk__in=assistant_inspector_ids(inspection))
        .annotate(
            load=Count(
                "assigned_cases",
                filter=Q(assigned_cases__inspection=inspection) & ~Q(assigned_cases__pk__in=in_share),
            )
        )
        .order_by("first_name", "last_name", "username")
    )
    members = list(team)
    if not members:
        raise CaseError(NO_ASSISTANT_INSPECTORS)
    return even_share(sharing, {member: member.load for member in members})


@transaction.atomic
def cases_share_evenly(
    *, inspection: Inspection, case_ids: Iterable[int], user: User, expected: Mapping[int, int]
) -> dict[User, list[InspectedCase]]:
    """Share the chosen (or unassigned) cases evenly among the assistant inspectors, as share_evenly_plan says.

    expected: {case id: assistant inspector id} as the lead confirmed it; if the plan is different now (cases or
    the team changed since), nothing is assigned and CaseError says so.
    """
    ensure_not_locked(inspection)
    # One share at a time per inspection (get() leaves out the default order, which joins the nullable PDU).
    Inspection.objects.select_for_update().get(pk=inspection.pk)
    plan = share_evenly_plan(inspection=inspection, case_ids=case_ids)
    if {case.pk: member.pk for member, cases in plan.items() for case in cases} != dict(expected):
        raise CaseError(SHARE_CHANGED)
    for member, cases in plan.items():
        if cases:
            cases_assign(
                inspection=inspection,
                case_ids=[case.pk for case in cases],
                assistant_inspector=member,
                user=user,
            )
    return plan


def _locked_submitted(
    case: InspectedCase,
    statuses: tuple[str, ...] = (InspectedCase.Status.SUBMITTED,),
    message: str = NOT_SUBMITTED,
) -> InspectedCase:
    current = InspectedCase.objects.select_for_update().select_related("inspection").get(pk=case.pk)
    ensure_not_locked(current.inspection)
    if current.status not in statuses:
        raise CaseError(message.format(status=current.get_status_display().lower()))
    return current


def _decide(current: InspectedCase, status: str, user: User, reason: str = "") -> InspectedCase:
    """Quality assurance's decision on a locked, submitted case: its new status, a new version, in its history."""
    current.status = status
    current.version += 1
    current._history_user = user
    current.save(update_fields=["status", "version", "updated_at"])
    if reason:
        update_change_reason(current, reason)
    return current


@transaction.atomic
def case_approve(*, case: InspectedCase, user: User, expected_version: int | None = None) -> InspectedCase:
    """Quality assurance approves a submitted case; it is read-only from then on.

    With expected_version (the version the approver saw), a case saved since is refused with CaseConflict.
    """
    current = InspectedCase.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        raise CaseConflict(current)
    return _decide(_locked_submitted(current), InspectedCase.Status.APPROVED, user)


@dataclass(frozen=True)
class BulkApproval:
    approved: list[InspectedCase]
    # (case reference, why it was not approved), in reference order.
    refused: list[tuple[str, str]]


def cases_approve(*, inspection: Inspection, versions: Mapping[int, int], user: User) -> BulkApproval:
    """Approve several submitted cases of an inspection, each through case_approve (its own transaction, its own
    history record by this user), at the version the approver saw: {case id: version}. A case changed or no longer
    submitted since is not approved, and is listed with the reason; the others are."""
    ensure_not_locked(inspection)
    cases = list(inspection.cases.filter(pk__in=list(versions)).order_by("reference"))
    if not cases:
        raise CaseError(NO_CASES_SELECTED)
    approved, refused = [], []
    for case in cases:
        try:
            approved.append(case_approve(case=case, user=user, expected_version=versions[case.pk]))
        except CaseConflict as conflict:
            status = conflict.current.get_status_display().lower()
            refused.append((case.reference, CHANGED_SINCE_SHOWN.format(status=status)))
        except CaseError as error:
            refused.append((case.reference, str(error)))
    return BulkApproval(approved, refused)


@transaction.atomic
def case_return(
    *,
    case: InspectedCase,
    user: User,
    text: str,
    key_question_code: str = "",
    fact: str = "",
    need: str = "",
) -> CaseQuery:
    """Return a submitted case to its assistant inspector with a query on one key question, case fact or need.

    An approved case can be returned too while the inspection is open (after unlocking it, to correct a case): its
    history says it was returned after approval, and it needs approving again before the inspection can be locked.
    """
    current = _locked_submitted(
        case, (InspectedCase.Status.SUBMITTED, InspectedCase.Status.APPROVED), NOT_RETURNABLE
    )
    was_approved = current.status == InspectedCase.Status.APPROVED
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
    known_need = need in {item.key for item in current.case_kind.needs}
    named = [bool(key_question_code), bool(fact), bool(need)]
    known = [key_question is not None, known_fact, known_need]
    if named.count(True) != 1 or named != known:
        errors["subject"] = QUERY_SUBJECT_MISSING
    if errors:
        raise ValidationError(errors)
    query = CaseQuery(
        case=current, key_question=key_question, fact=fact, need=need, text=text.strip(), raised_by=user
    )
    query._history_user = user
    query.save()
    reason = RETURNED_AFTER_APPROVAL.format(text=query.text) if was_approved else ""
    with counts_kept(current):
        _decide(current, InspectedCase.Status.RETURNED, user, reason)
    return query


@transaction.atomic
def case_query_answer(*, query: CaseQuery, user: User, answer: str) -> CaseQuery:
    """The case's assistant inspector answers a query (sends their answer, which cannot be changed after); the case
    can then be resubmitted with case_submit. The query's draft answer, if any, is replaced by the answer."""
    query = CaseQuery.objects.select_for_update().select_related("case__inspection").get(pk=query.pk)
    ensure_not_locked(query.case.inspection)
    if query.case.assistant_inspector_id != user.pk:
        raise CaseError(QUERY_NOT_YOURS)
    if not query.is_open:
        raise CaseError(QUERY_ALREADY_ANSWERED)
    if not answer.strip():
        raise ValidationError({"answer": QUERY_ANSWER_MISSING})
    problem = query_answer_problem(answer)
    if problem:
        raise ValidationError({"answer": problem})
    query.answer, query.answered_by, query.answered_at = answer.strip(), user, timezone.now()
    query.draft_answer = ""
    query._history_user = user
    query.save()
    return query
