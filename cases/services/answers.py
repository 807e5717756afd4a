"""The assistant inspector's writes to a case: saving any subset of its answers as a draft, and submitting it.

Every save is one transaction and is optimistic: the caller says which version of the case it started from, and a
save based on an older version is refused (CaseConflict) rather than overwriting someone else's work. The case page
and the API both call these functions.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inspections.definitions import PROMPT_ANSWERS
from inspections.models import KeyQuestion
from inspections.services import TEXT_MAX_LENGTH

from ..errors import CaseConflict, CaseError, CaseIncomplete, CaseNotEditable, Problem
from ..fields import fact_field, key_question_field, need_field, query_answer_field
from ..models import Answer, CaseFact, CaseNeed, CaseQuery, InspectedCase, Judgement
from ..questions import case_fact_questions, case_key_questions, recorded_attributes
from .counts import counts_kept

if TYPE_CHECKING:
    from accounts.models import User

UNKNOWN_KEY_QUESTION = "There is no key question {code} for this case in this inspection's framework."
UNKNOWN_NEED = "There is no criminogenic need called {need} for this case."
UNKNOWN_FACT = "{name} is not a case fact of this case."
UNKNOWN_FACT_VALUE = "Select one of the answers to “{question}”"
UNKNOWN_PROMPT = "{code} has no prompt {index} to answer."
UNKNOWN_PROMPT_ANSWER = "Select yes, no or not applicable for prompt {number} of {code}"
ADDRESSED_WITHOUT_LINK = (
    "Only say whether the {need} need was sufficiently addressed if it is linked to offending."
)
ANSWER_MISSING = "Select whether the work was sufficient for {code}"
EVIDENCE_MISSING = "Enter the evidence for your judgement on {code}"
PROMPT_MISSING = "Select yes, no or not applicable for prompt {number} of {code}"
FACT_MISSING = "Select an answer to “{question}”"
ATTRIBUTE_MISSING = "Select the {label}"
NEED_LINKED_MISSING = "Select yes if the {need} need is linked to offending"
NEED_ADDRESSED_MISSING = "Select yes if the {need} need was sufficiently addressed"
EVIDENCE_MAX_LENGTH = TEXT_MAX_LENGTH
EVIDENCE_TOO_LONG = "Evidence for your judgement on {code} must be {limit:,} characters or less"
EVIDENCE_HIDDEN_CHARACTERS = (
    "Evidence for your judgement on {code} must not include hidden or text-direction characters (it has "
    "{found}). Delete them, or paste the text again as plain text"
)
OPEN_QUERIES = "Answer every open query before resubmitting the case."
OPEN_QUERIES_WITH_DRAFT = "Answer every open query before resubmitting the case. A draft answer is not sent until you press “Send answer”."
QUERY_ANSWER_TOO_LONG = "Your answer to the query must be {limit:,} characters or less"
QUERY_ANSWER_HIDDEN_CHARACTERS = (
    "Your answer to the query must not include hidden or text-direction characters (it has {found}). Delete them, "
    "or paste the text again as plain text"
)
QUERY_ALREADY_ANSWERED = "This query has already been answered."


def hidden_characters(text: str) -> list[str]:
    """The invisible and direction-changing characters in text, named, each once, in order: control characters
    (C0 and C1) other than tab and line breaks, and format characters (Unicode Cf: zero-width spaces and joiners,
    direction overrides and isolates such as U+202E, the byte-order mark). Such characters hide or reorder what a
    reader of the evidence sees, so evidence is refused with them rather than kept."""
    found: dict[str, None] = {}
    for character in text:
        if character in "\t\n\r":
            continue
        if unicodedata.category(character) in ("Cc", "Cf"):
            code_point = f"U+{ord(character):04X}"
            name = unicodedata.name(character, "")
            found[f"{code_point} {name.lower()}" if name else code_point] = None
    return list(found)


def query_answer_problem(text: str) -> str | None:
    """Why an answer to a query (sent or kept as a draft) cannot be kept as it is, if it cannot: too long, or with
    hidden characters, as evidence is refused."""
    if len(text.strip()) > EVIDENCE_MAX_LENGTH:
        return QUERY_ANSWER_TOO_LONG.format(limit=EVIDENCE_MAX_LENGTH)
    hidden = hidden_characters(text)
    if hidden:
        return QUERY_ANSWER_HIDDEN_CHARACTERS.format(found=", ".join(hidden))
    return None


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


def _validated(instance: InspectedCase | Judgement | CaseNeed | CaseFact, user: User) -> None:
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
    judgements: Mapping[str, Mapping[str, Any]] | None = None,
    facts: Mapping[str, Any] | None = None,
    needs: Mapping[str, Mapping[str, bool | None]] | None = None,
    query_drafts: Mapping[int, str] | None = None,
) -> InspectedCase:
    """Save any subset of a case's answers as a draft.

    judgements: {key question code: {"answer": "yes" | "no" | "not_applicable" | "", "rationale": str,
    "prompts": {prompt index: "yes" | "no" | "not_applicable" | ""}}} (prompts where the framework records them);
    facts: {fact or recorded attribute key: option value, "" to clear}; needs: {need key: {"linked_to_offending":
    bool | None, "sufficiently_addressed": bool | None}}. Which there are is the case kind's, in the inspection's
    framework. Keys left out are left as they are.
    query_drafts: {query id: the answer typed to one of the case's open queries}, kept as its draft answer and not
    sent ("" clears it): sending an answer cannot be undone, so only workflow.case_query_answer does it.
    Raises CaseNotEditable, CaseConflict, or ValidationError (with field errors) for values that are not allowed,
    evidence longer than EVIDENCE_MAX_LENGTH included.
    """
    judgements, facts, needs = judgements or {}, facts or {}, needs or {}
    _check_keys(case, judgements, facts, needs)
    new_status = (
        InspectedCase.Status.IN_PROGRESS if case.status == InspectedCase.Status.NOT_STARTED else case.status
    )
    current = _claim_version(case, expected_version, status=new_status)

    attributes = recorded_attributes(current.case_kind)
    current.attributes = {
        **current.attributes,
        **{key: value for key, value in facts.items() if key in attributes and value},
    }
    _validated(current, user)
    current.save()  # also records who saved it, which the conflict page names
    fact_values = {key: value for key, value in facts.items() if key not in attributes}
    if fact_values:
        existing_facts = {f.key: f for f in current.facts.filter(key__in=fact_values)}
        for key, value in fact_values.items():
            fact = existing_facts.get(key)
            if not value:
                if fact is not None:
                    fact._history_user = user
                    fact.delete()
                continue
            if fact is not None and fact.value == value:
                continue
            fact = fact or CaseFact(case=current, key=key)
            fact.value, fact.updated_by = value, user
            _validated(fact, user)
            fact.save()

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
            prompts = {
                **judgement.prompt_answers,
                **{str(i): v for i, v in values.get("prompts", {}).items()},
            }
            prompts = {index: value for index, value in prompts.items() if value}
            unchanged = (answer, rationale.strip(), prompts) == (
                judgement.answer,
                judgement.rationale,
                judgement.prompt_answers,
            )
            if judgement.pk and unchanged:
                continue
            judgement.answer, judgement.rationale, judgement.updated_by = answer, rationale.strip(), user
            judgement.prompt_answers = prompts
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
                    label = next(n.label for n in current.case_kind.needs if n.key == need)
                    raise ValidationError(
                        {need_field(need, "addressed"): ADDRESSED_WITHOUT_LINK.format(need=label.lower())}
                    )
                addressed = None
            if row.pk and (linked, addressed) == (row.linked_to_offending, row.sufficiently_addressed):
                continue
            row.linked_to_offending, row.sufficiently_addressed = linked, addressed
            _validated(row, user)
            row.save()
    if query_drafts:
        _save_query_drafts(current, user, query_drafts)
    return current


def _save_query_drafts(case: InspectedCase, user: User, drafts: Mapping[int, str]) -> None:
    # Locked, as case_query_answer locks the query it answers: a draft is never saved beside a sent answer. Ordered
    # by pk alone: the default order joins the case's PDU, which may be null, and PostgreSQL cannot lock that join.
    locked = CaseQuery.objects.select_for_update().filter(case=case, pk__in=drafts).order_by("pk")
    queries = {query.pk: query for query in locked}
    errors = {}
    for query_id, draft in drafts.items():
        query, text = queries.get(query_id), draft.strip()
        problem = query_answer_problem(text)
        if query is None or not query.is_open:
            errors[query_answer_field(query_id)] = QUERY_ALREADY_ANSWERED
        elif problem:
            errors[query_answer_field(query_id)] = problem
        elif text != query.draft_answer:
            query.draft_answer = text
            query._history_user = user
            query.save(update_fields=["draft_answer"])
    if errors:
        raise ValidationError(errors)


def _check_keys(
    case: InspectedCase,
    judgements: Mapping[str, Mapping[str, Any]],
    facts: Mapping[str, Any],
    needs: Mapping[str, Mapping[str, bool | None]],
) -> None:
    errors: dict[str, str] = {}
    kind = case.case_kind
    key_questions = {kq.code: kq for kq in case_key_questions(case)}
    for code, values in judgements.items():
        key_question = key_questions.get(code)
        if key_question is None:
            errors[key_question_field(code, "answer")] = UNKNOWN_KEY_QUESTION.format(code=code)
            continue
        if values.get("answer", "") not in ("", *Answer.values):
            errors[key_question_field(code, "answer")] = "Select yes, no or not applicable"
        # Only the evidence being written is checked: longer evidence saved before the limit stays as it is.
        if len(values.get("rationale", "").strip()) > EVIDENCE_MAX_LENGTH:
            errors[key_question_field(code, "rationale")] = EVIDENCE_TOO_LONG.format(
                code=code, limit=EVIDENCE_MAX_LENGTH
            )
        for index, value in dict(values.get("prompts") or {}).items():
            recorded = key_question.record_prompts and str(index).isdigit()
            if not recorded or int(index) >= len(key_question.prompts):
                errors[key_question_field(code, "answer")] = UNKNOWN_PROMPT.format(code=code, index=index)
            elif value not in ("", *PROMPT_ANSWERS):
                errors[key_question_field(code, f"prompt_{index}")] = UNKNOWN_PROMPT_ANSWER.format(
                    number=int(index) + 1, code=code
                )
        hidden = hidden_characters(values.get("rationale", ""))
        if hidden:
            errors[key_question_field(code, "rationale")] = EVIDENCE_HIDDEN_CHARACTERS.format(
                code=code, found=", ".join(hidden)
            )
    asked = {fact.key: fact for fact in case_fact_questions(case)}
    for key, value in facts.items():
        if key not in asked:
            errors[fact_field(key)] = UNKNOWN_FACT.format(name=key)
        elif value not in ("", *(option for option, _ in asked[key].options)):
            errors[fact_field(key)] = UNKNOWN_FACT_VALUE.format(question=asked[key].question)
    known_needs = {need.key for need in kind.needs}
    errors.update(
        {
            need_field(need, "linked"): UNKNOWN_NEED.format(need=need)
            for need in needs
            if need not in known_needs
        }
    )
    if errors:
        raise ValidationError(errors)


def case_problems(case: InspectedCase) -> list[Problem]:
    """Everything still missing before the case can be submitted, in the order of the case page."""
    problems = []
    kind = case.case_kind
    judgements = {
        j.key_question.code: j
        for j in case.judgements.select_related("key_question").filter(
            key_question__standard__framework_id=case.inspection.framework_id
        )
    }
    for key_question in case_key_questions(case):
        judgement = judgements.get(key_question.code)
        code = key_question.code
        if not judgement or not judgement.answer:
            problems.append(Problem(key_question_field(code, "answer"), ANSWER_MISSING.format(code=code)))
        if key_question.record_prompts:
            answered = judgement.prompt_answers if judgement else {}
            problems += [
                Problem(
                    key_question_field(code, f"prompt_{i}"), PROMPT_MISSING.format(number=i + 1, code=code)
                )
                for i in range(len(key_question.prompts))
                if not answered.get(str(i))
            ]
        if not judgement or not judgement.rationale.strip():
            problems.append(
                Problem(key_question_field(code, "rationale"), EVIDENCE_MISSING.format(code=code))
            )
    recorded_facts = dict(case.facts.values_list("key", "value"))
    for fact in case_fact_questions(case):
        if fact.is_attribute and not case.attributes.get(fact.key):
            problems.append(Problem(fact_field(fact.key), ATTRIBUTE_MISSING.format(label=fact.label)))
        elif not fact.is_attribute and not recorded_facts.get(fact.key):
            problems.append(Problem(fact_field(fact.key), FACT_MISSING.format(question=fact.question)))
    recorded = {n.need: n for n in case.needs.all()}
    for need in kind.needs:
        row = recorded.get(need.key)
        if row is None or row.linked_to_offending is None:
            problems.append(
                Problem(need_field(need.key, "linked"), NEED_LINKED_MISSING.format(need=need.label.lower()))
            )
        elif row.linked_to_offending and row.sufficiently_addressed is None:
            problems.append(
                Problem(
                    need_field(need.key, "addressed"), NEED_ADDRESSED_MISSING.format(need=need.label.lower())
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
    open_drafts = list(case.queries.filter(answer="").values_list("draft_answer", flat=True))
    if open_drafts:
        raise CaseError(OPEN_QUERIES_WITH_DRAFT if any(open_drafts) else OPEN_QUERIES)
    with counts_kept(case):
        current = _claim_version(case, expected_version, status=InspectedCase.Status.SUBMITTED)
        current._history_user = user
        current.save(update_fields=["updated_at"])  # records the submission in the case's history
    return current


# Assignment, quality assurance and moderation: the lead's and quality assurers' writes to cases.
