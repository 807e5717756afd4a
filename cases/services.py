"""Writes to inspected cases: saving a draft, submitting, assignment, quality assurance and second marking.

Every save is one transaction and is optimistic: the caller says which version of the case it started from,
and a save based on an older version is refused (CaseConflict) rather than overwriting someone else's work.
The HTML forms and the API both call these functions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from inspections.models import KeyQuestion, Role
from inspections.services import ensure_not_locked

from .models import (
    Answer,
    CaseNeed,
    CaseQuery,
    InspectedCase,
    Judgement,
    Need,
    SecondJudgement,
    SecondMarking,
)

NOT_EDITABLE = "This case cannot be changed now: it has been submitted, approved or its inspection is locked."
CONFLICT = "This case was saved after you opened it. Nothing you typed has been saved yet."
UNKNOWN_KEY_QUESTION = "There is no key question {code} in this inspection's framework."
UNKNOWN_NEED = "There is no criminogenic need called {need}."
UNKNOWN_FACT = "{name} is not a case fact."
ADDRESSED_WITHOUT_LINK = (
    "Only say whether the {need} need was sufficiently addressed if it is linked to offending."
)
NEED_LINKED_MISSING = "Select yes if the {need} need is linked to offending"
NEED_ADDRESSED_MISSING = "Select yes if the {need} need was sufficiently addressed"
# Long enough for any real evidence; a limit keeps pages that show it (history, quality assurance) readable.
EVIDENCE_MAX_LENGTH = 5000
EVIDENCE_TOO_LONG = "Evidence for your judgement on {code} must be {limit:,} characters or less"

# Case facts an assistant inspector records, in the order the form shows them.
FACT_FIELDS = (
    "rosh_level",
    "rosh_classified_correctly",
    "domestic_abuse_enquiries",
    "child_safeguarding_enquiries",
    "home_visits",
    "management_oversight",
)
FACT_QUESTIONS = {
    "rosh_level": "Select the RoSH level",
    "rosh_classified_correctly": "Select yes if RoSH was classified correctly",
    "domestic_abuse_enquiries": "Select whether domestic abuse enquiries were made",
    "child_safeguarding_enquiries": "Select whether child safeguarding enquiries were made",
    "home_visits": "Select whether home visits were made",
    "management_oversight": "Select whether management oversight was sufficient",
}


class CaseError(Exception):
    """A case write that was refused; the message is for the user."""


class CaseNotEditable(CaseError):
    def __init__(self, message: str = NOT_EDITABLE):
        super().__init__(message)


class CaseConflict(CaseError):
    def __init__(self, current: InspectedCase):
        super().__init__(CONFLICT)
        self.current = current


@dataclass(frozen=True)
class Problem:
    """Something missing before a case can be submitted. `field` is the form field's name."""

    field: str
    message: str


class CaseIncomplete(CaseError):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} items need an answer before this case can be submitted.")
        self.problems = problems


def key_question_field(code: str, part: str) -> str:
    """Form field name for a key question's answer or rationale: kq_2_1_3_answer."""
    return f"kq_{code.replace('.', '_')}_{part}"


def need_field(need: str, part: str) -> str:
    """Form field name for a need's linked or addressed answer: need_drugs_linked."""
    return f"need_{need}_{part}"


def _claim_version(case: InspectedCase, expected_version: int, **changes: Any) -> InspectedCase:
    """Bump the version if nobody saved since expected_version; otherwise refuse. Atomic on every database."""
    claimed = InspectedCase.objects.filter(
        pk=case.pk, version=expected_version, status__in=InspectedCase.EDITABLE_STATUSES
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    current = InspectedCase.objects.select_related("inspection__framework").get(pk=case.pk)
    if not claimed:
        if not current.is_editable:
            raise CaseNotEditable()
        raise CaseConflict(current)
    if current.inspection.is_locked:
        raise CaseNotEditable()
    return current


def _validated(instance, user) -> None:
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance._history_user = user


@transaction.atomic
def case_save(
    *,
    case: InspectedCase,
    user,
    expected_version: int,
    judgements: Mapping[str, Mapping[str, str]] | None = None,
    facts: Mapping[str, Any] | None = None,
    needs: Mapping[str, Mapping[str, bool | None]] | None = None,
) -> InspectedCase:
    """Save any subset of a case's answers as a draft.

    judgements: {key question code: {"answer": "yes" | "no" | "not_applicable" | "", "rationale": str}}
    facts: {fact field name: value}; needs: {need: {"linked_to_offending": bool | None,
    "sufficiently_addressed": bool | None}}. Keys left out are left as they are.
    Raises CaseNotEditable, CaseConflict, or ValidationError (with field errors) for values that are not allowed,
    evidence longer than EVIDENCE_MAX_LENGTH included.
    """
    judgements, facts, needs = judgements or {}, facts or {}, needs or {}
    _check_keys(case, judgements, facts, needs)
    new_status = (
        InspectedCase.Status.IN_PROGRESS if case.status == InspectedCase.Status.NOT_STARTED else case.status
    )
    current = _claim_version(case, expected_version, status=new_status)

    for name, value in facts.items():
        setattr(current, name, value)
    _validated(current, user)
    current.save()

    if judgements:
        key_questions = {
            kq.code: kq
            for kq in KeyQuestion.objects.filter(
                standard__framework_id=current.inspection.framework_id, code__in=judgements
            )
        }
        existing = {
            j.key_question_id: j for j in current.judgements.filter(key_question__in=key_questions.values())
        }
        for code, values in judgements.items():
            key_question = key_questions[code]
            judgement = existing.get(key_question.pk) or Judgement(case=current, key_question=key_question)
            answer, rationale = (
                values.get("answer", judgement.answer),
                values.get("rationale", judgement.rationale),
            )
            if judgement.pk and (answer, rationale) == (judgement.answer, judgement.rationale):
                continue
            judgement.answer, judgement.rationale, judgement.updated_by = answer, rationale.strip(), user
            _validated(judgement, user)
            judgement.save()

    if needs:
        existing_needs = {n.need: n for n in current.needs.filter(need__in=needs)}
        for need, values in needs.items():
            row = existing_needs.get(need) or CaseNeed(case=current, need=need)
            linked = values.get("linked_to_offending", row.linked_to_offending)
            addressed = values.get("sufficiently_addressed", row.sufficiently_addressed)
            if linked is not True:
                if addressed is not None and "sufficiently_addressed" in values:
                    raise ValidationError(
                        {
                            need_field(need, "addressed"): ADDRESSED_WITHOUT_LINK.format(
                                need=Need(need).label.lower()
                            )
                        }
                    )
                addressed = None
            if row.pk and (linked, addressed) == (row.linked_to_offending, row.sufficiently_addressed):
                continue
            row.linked_to_offending, row.sufficiently_addressed = linked, addressed
            _validated(row, user)
            row.save()
    return current


def _check_keys(case: InspectedCase, judgements: Mapping, facts: Mapping, needs: Mapping) -> None:
    errors: dict[str, str] = {}
    if judgements:
        known = set(
            KeyQuestion.objects.filter(standard__framework_id=case.inspection.framework_id).values_list(
                "code", flat=True
            )
        )
        for code in judgements:
            if code not in known:
                errors[key_question_field(code, "answer")] = UNKNOWN_KEY_QUESTION.format(code=code)
                continue
            if judgements[code].get("answer", "") not in ("", *Answer.values):
                errors[key_question_field(code, "answer")] = "Select yes, no or not applicable"
            # Only the evidence being written is checked: longer evidence saved before the limit stays as it is.
            if len(judgements[code].get("rationale", "").strip()) > EVIDENCE_MAX_LENGTH:
                errors[key_question_field(code, "rationale")] = EVIDENCE_TOO_LONG.format(
                    code=code, limit=EVIDENCE_MAX_LENGTH
                )
    errors.update({name: UNKNOWN_FACT.format(name=name) for name in facts if name not in FACT_FIELDS})
    errors.update(
        {
            need_field(need, "linked"): UNKNOWN_NEED.format(need=need)
            for need in needs
            if need not in Need.values
        }
    )
    if errors:
        raise ValidationError(errors)


def case_problems(case: InspectedCase) -> list[Problem]:
    """Everything still missing before the case can be submitted, in the order of the case page."""
    problems = []
    judgements = {j.key_question_id: j for j in case.judgements.all()}
    key_questions = KeyQuestion.objects.filter(
        standard__framework_id=case.inspection.framework_id
    ).select_related("standard")
    for key_question in key_questions.order_by("standard__order", "order"):
        judgement = judgements.get(key_question.pk)
        if not judgement or not judgement.answer:
            problems.append(
                Problem(
                    key_question_field(key_question.code, "answer"),
                    f"Select whether the work was sufficient for {key_question.code}",
                )
            )
        if not judgement or not judgement.rationale.strip():
            problems.append(
                Problem(
                    key_question_field(key_question.code, "rationale"),
                    f"Enter the evidence for your judgement on {key_question.code}",
                )
            )
    for name in FACT_FIELDS:
        if getattr(case, name) in (None, ""):
            problems.append(Problem(name, FACT_QUESTIONS[name]))
    recorded = {n.need: n for n in case.needs.all()}
    for need in Need:
        row = recorded.get(need.value)
        if row is None or row.linked_to_offending is None:
            problems.append(
                Problem(
                    need_field(need.value, "linked"),
                    NEED_LINKED_MISSING.format(need=need.label.lower()),
                )
            )
        elif row.linked_to_offending and row.sufficiently_addressed is None:
            problems.append(
                Problem(
                    need_field(need.value, "addressed"),
                    NEED_ADDRESSED_MISSING.format(need=need.label.lower()),
                )
            )
    return problems


@transaction.atomic
def case_submit(*, case: InspectedCase, user, expected_version: int) -> InspectedCase:
    """Submit a complete case for quality assurance; it is then read-only to its assistant inspector."""
    if not case.is_editable:
        raise CaseNotEditable()
    problems = case_problems(case)
    if problems:
        raise CaseIncomplete(problems)
    if case.queries.filter(answer="").exists():
        raise CaseError(OPEN_QUERIES)
    current = _claim_version(case, expected_version, status=InspectedCase.Status.SUBMITTED)
    current._history_user = user
    current.save(update_fields=["updated_at"])  # records the submission in the case's history
    return current


# Assignment, quality assurance and moderation: the lead's and quality assurers' writes to cases.

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
OPEN_QUERIES = "Answer every open query before resubmitting the case."
MARKER_IS_FIRST = "The second marker must be a different assistant inspector from the first."
ALREADY_SECOND_MARKED = "Case {reference} is already chosen for second marking."
NOT_THE_SECOND_MARKER = "Only the chosen second marker marks this case."
SECOND_MARKING_DONE = "The second marking of this case has been recorded already."
AGREEMENT_MISSING = "Select the agreed judgement"


def _assistant_inspector_ids(inspection) -> set[int]:
    return set(inspection.memberships.filter(role=Role.ASSISTANT_INSPECTOR).values_list("user_id", flat=True))


@transaction.atomic
def cases_assign(*, inspection, case_ids, assistant_inspector, user) -> int:
    """Assign the chosen cases of an inspection to one assistant inspector (None to unassign); returns how many.

    Approved cases keep their assistant inspector: their marking is finished.
    """

    ensure_not_locked(inspection)
    if assistant_inspector is not None and assistant_inspector.pk not in _assistant_inspector_ids(inspection):
        raise CaseError(NOT_AN_ASSISTANT_INSPECTOR.format(user=assistant_inspector))
    cases = list(inspection.cases.select_for_update().filter(pk__in=list(case_ids)))
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


def _decide(current: InspectedCase, status: str, user) -> InspectedCase:
    """Quality assurance's decision on a locked, submitted case: its new status, a new version, in its history."""
    current.status = status
    current.version += 1
    current._history_user = user
    current.save(update_fields=["status", "version", "updated_at"])
    return current


@transaction.atomic
def case_approve(*, case: InspectedCase, user) -> InspectedCase:
    """Quality assurance approves a submitted case; it is read-only from then on."""
    return _decide(_locked_submitted(case), InspectedCase.Status.APPROVED, user)


@transaction.atomic
def case_return(*, case: InspectedCase, user, text: str, key_question_code: str = "", fact: str = ""):
    """Return a submitted case to its assistant inspector with a query on one key question or case fact."""
    current = _locked_submitted(case)
    errors = {}
    if not text.strip():
        errors["text"] = QUERY_TEXT_MISSING
    key_question = None
    if key_question_code:
        key_question = KeyQuestion.objects.filter(
            standard__framework_id=current.inspection.framework_id, code=key_question_code
        ).first()
    if bool(key_question) == bool(fact in FACT_FIELDS) or (key_question_code and key_question is None):
        errors["subject"] = QUERY_SUBJECT_MISSING
    if errors:
        raise ValidationError(errors)
    query = CaseQuery(case=current, key_question=key_question, fact=fact, text=text.strip(), raised_by=user)
    query._history_user = user
    query.save()
    _decide(current, InspectedCase.Status.RETURNED, user)
    return query


@transaction.atomic
def case_query_answer(*, query, user, answer: str):
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


@transaction.atomic
def second_marking_choose(*, case: InspectedCase, marker, user):
    """The lead chooses a case for blind double marking by a second assistant inspector."""
    ensure_not_locked(case.inspection)
    if marker.pk not in _assistant_inspector_ids(case.inspection):
        raise CaseError(NOT_AN_ASSISTANT_INSPECTOR.format(user=marker))
    if marker.pk == case.assistant_inspector_id:
        raise CaseError(MARKER_IS_FIRST)
    if SecondMarking.objects.filter(case=case).exists():
        raise CaseError(ALREADY_SECOND_MARKED.format(reference=case.reference))
    marking = SecondMarking(case=case, marker=marker, chosen_by=user)
    marking._history_user = user
    marking.save()
    return marking


@transaction.atomic
def second_marking_save(*, marking, user, judgements: Mapping[str, Mapping[str, str]]):
    """The second marker's judgement of every key question, recorded once, without seeing the first marking."""
    ensure_not_locked(marking.case.inspection)
    if marking.marker_id != user.pk:
        raise CaseError(NOT_THE_SECOND_MARKER)
    if marking.judgements.exists():
        raise CaseError(SECOND_MARKING_DONE)
    key_questions = list(
        KeyQuestion.objects.filter(standard__framework_id=marking.case.inspection.framework_id).order_by(
            "standard__order", "order"
        )
    )
    errors = {
        key_question_field(kq.code, "answer"): f"Select whether the work was sufficient for {kq.code}"
        for kq in key_questions
        if judgements.get(kq.code, {}).get("answer") not in Answer.values
    }
    if errors:
        raise ValidationError(errors)
    rows = [
        SecondJudgement(
            marking=marking,
            key_question=kq,
            answer=judgements[kq.code]["answer"],
            rationale=judgements[kq.code].get("rationale", "").strip(),
        )
        for kq in key_questions
    ]
    for row in rows:
        row._history_user = user
        row.save()
    return rows


@transaction.atomic
def moderation_agree(*, second_judgement, answer: str, user) -> Judgement:
    """The lead records the agreed judgement of a double-marked key question; it is the one that counts."""
    ensure_not_locked(second_judgement.marking.case.inspection)
    if answer not in Answer.values:
        raise ValidationError({"answer": AGREEMENT_MISSING})
    second_judgement.agreed_answer, second_judgement.agreed_by = answer, user
    second_judgement.agreed_at = timezone.now()
    second_judgement._history_user = user
    second_judgement.save()
    judgement, _ = Judgement.objects.get_or_create(
        case=second_judgement.marking.case, key_question=second_judgement.key_question
    )
    judgement.answer, judgement.updated_by = answer, user
    judgement._history_user = user
    judgement.save(update_fields=["answer", "updated_by", "updated_at"])
    return judgement


NO_SECOND_MARKERS = "At least two assistant inspectors are needed for second marking."
PERCENTAGE_OUT_OF_RANGE = "Enter a percentage between 1 and 100"


@transaction.atomic
def second_marking_choose_share(*, inspection, percentage: int, user, seed: int | None = None) -> list:
    """Choose a random share of the sample not yet chosen (at least one case) for blind second marking.

    Each case goes to the assistant inspector, other than its first marker, with the fewest second markings so far.
    Returns the new SecondMarking rows. Random but repeatable for a given seed (default: the inspection's id).
    """

    ensure_not_locked(inspection)
    if not 1 <= percentage <= 100:
        raise ValidationError({"percentage": PERCENTAGE_OUT_OF_RANGE})
    markers = sorted(_assistant_inspector_ids(inspection))
    if len(markers) < 2:
        raise CaseError(NO_SECOND_MARKERS)
    total = inspection.cases.count()
    wanted = max(1, math.ceil(total * percentage / 100)) if total else 0
    already = SecondMarking.objects.filter(case__inspection=inspection)
    candidates = list(
        inspection.cases.exclude(pk__in=already.values("case_id"))
        .order_by("pk")
        .values_list("pk", "assistant_inspector_id")
    )
    chosen = random.Random(inspection.pk if seed is None else seed).sample(
        candidates, min(len(candidates), max(0, wanted - already.count()))
    )
    load = dict.fromkeys(markers, 0)
    for marker_id in already.values_list("marker_id", flat=True):
        if marker_id in load:
            load[marker_id] += 1
    rows = []
    for case_id, first_marker in sorted(chosen):
        marker = min((m for m in markers if m != first_marker), key=lambda m: (load[m], m))
        load[marker] += 1
        row = SecondMarking(case_id=case_id, marker_id=marker, chosen_by=user)
        row._history_user = user
        row.save()
        rows.append(row)
    return rows
