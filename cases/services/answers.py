"""The assistant inspector's writes to a case: saving any subset of its answers as a draft, and submitting it.

Every save is one transaction and is optimistic: the caller says which version of the case it started from, and a
save based on an older version is refused (CaseConflict) rather than overwriting someone else's work. The case page
and the API both call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inspections.models import KeyQuestion
from inspections.services import TEXT_MAX_LENGTH

from ..errors import CaseConflict, CaseError, CaseIncomplete, CaseNotEditable, Problem
from ..fields import FACT_FIELDS, key_question_field, need_field
from ..models import Answer, CaseNeed, InspectedCase, Judgement, Need

if TYPE_CHECKING:
    from accounts.models import User

UNKNOWN_KEY_QUESTION = "There is no key question {code} in this inspection's framework."
UNKNOWN_NEED = "There is no criminogenic need called {need}."
UNKNOWN_FACT = "{name} is not a case fact."
ADDRESSED_WITHOUT_LINK = (
    "Only say whether the {need} need was sufficiently addressed if it is linked to offending."
)
ANSWER_MISSING = "Select whether the work was sufficient for {code}"
EVIDENCE_MISSING = "Enter the evidence for your judgement on {code}"
NEED_LINKED_MISSING = "Select yes if the {need} need is linked to offending"
NEED_ADDRESSED_MISSING = "Select yes if the {need} need was sufficiently addressed"
EVIDENCE_MAX_LENGTH = TEXT_MAX_LENGTH
EVIDENCE_TOO_LONG = "Evidence for your judgement on {code} must be {limit:,} characters or less"

FACT_QUESTIONS = {
    "rosh_level": "Select the RoSH level",
    "rosh_classified_correctly": "Select yes if RoSH was classified correctly",
    "domestic_abuse_enquiries": "Select whether domestic abuse enquiries were made",
    "child_safeguarding_enquiries": "Select whether child safeguarding enquiries were made",
    "home_visits": "Select whether home visits were made",
    "management_oversight": "Select whether management oversight was sufficient",
}
OPEN_QUERIES = "Answer every open query before resubmitting the case."


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


def _validated(instance: InspectedCase | Judgement | CaseNeed, user: User) -> None:
    # The rows it points to were read in this transaction (the case locked by _claim_version, the key question and
    # the signed-in user) and the database enforces the foreign keys, so full_clean's existence query per foreign
    # key (five per judgement saved) would check nothing: the fields' values are still validated.
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    instance._history_user = user


@transaction.atomic
def case_save(
    *,
    case: InspectedCase,
    user: User,
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
            for kq in KeyQuestion.objects.of_framework(current.inspection.framework_id).filter(
                code__in=judgements
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
        for need, need_values in needs.items():
            row = existing_needs.get(need) or CaseNeed(case=current, need=need)
            linked = need_values.get("linked_to_offending", row.linked_to_offending)
            addressed = need_values.get("sufficiently_addressed", row.sufficiently_addressed)
            if linked is not True:
                if addressed is not None and "sufficiently_addressed" in need_values:
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


def _check_keys(
    case: InspectedCase,
    judgements: Mapping[str, Mapping[str, str]],
    facts: Mapping[str, Any],
    needs: Mapping[str, Mapping[str, bool | None]],
) -> None:
    errors: dict[str, str] = {}
    if judgements:
        known = set(
            KeyQuestion.objects.of_framework(case.inspection.framework_id).values_list("code", flat=True)
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
    for key_question in KeyQuestion.objects.of_framework(case.inspection.framework_id):
        judgement = judgements.get(key_question.pk)
        if not judgement or not judgement.answer:
            problems.append(
                Problem(
                    key_question_field(key_question.code, "answer"),
                    ANSWER_MISSING.format(code=key_question.code),
                )
            )
        if not judgement or not judgement.rationale.strip():
            problems.append(
                Problem(
                    key_question_field(key_question.code, "rationale"),
                    EVIDENCE_MISSING.format(code=key_question.code),
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
def case_submit(*, case: InspectedCase, user: User, expected_version: int) -> InspectedCase:
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
