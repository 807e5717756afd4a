"""Moderation by double marking: the lead chooses cases (one by one or a random share), the second marker
marks them blind, and the lead records the agreed judgement where the two differ.

Every function is one transaction; the caller has already checked the user may do it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inspections.models import Inspection
from inspections.services import ensure_not_locked

from ..errors import CaseError
from ..fields import key_question_field
from ..models import Answer, InspectedCase, Judgement, SecondJudgement, SecondMarking
from ..questions import case_key_question_rows
from .answers import ANSWER_MISSING
from .counts import counts_kept
from .workflow import NOT_AN_ASSISTANT_INSPECTOR, assistant_inspector_ids

if TYPE_CHECKING:
    from accounts.models import User

MARKER_IS_FIRST = "The second marker must be a different assistant inspector from the first."
ALREADY_SECOND_MARKED = "Case {reference} is already chosen for second marking."
NOT_THE_SECOND_MARKER = "Only the chosen second marker marks this case."
SECOND_MARKING_DONE = "The second marking of this case has been recorded already."
AGREEMENT_MISSING = "Select the agreed judgement"
AGREEMENT_REASON_MISSING = "Enter why this is the agreed judgement"
ALREADY_AGREED = "This disagreement has been resolved already."
SECOND_MARKING_STARTED = (
    "Case {reference} cannot be taken off second marking: its second marking is recorded."
)


@transaction.atomic
def second_marking_choose(*, case: InspectedCase, marker: User, user: User) -> SecondMarking:
    """The lead chooses a case for blind double marking by a second assistant inspector."""
    ensure_not_locked(case.inspection)
    if marker.pk not in assistant_inspector_ids(case.inspection):
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
def second_marking_save(
    *, marking: SecondMarking, user: User, judgements: Mapping[str, Mapping[str, str]]
) -> list[SecondJudgement]:
    """The second marker's judgement of every key question, recorded once, without seeing the first marking."""
    ensure_not_locked(marking.case.inspection)
    if marking.marker_id != user.pk:
        raise CaseError(NOT_THE_SECOND_MARKER)
    if marking.judgements.exists():
        raise CaseError(SECOND_MARKING_DONE)
    key_questions = case_key_question_rows(marking.case)
    errors = {
        key_question_field(kq.code, "answer"): ANSWER_MISSING.format(code=kq.code)
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
def second_marking_unchoose(*, marking: SecondMarking, user: User) -> InspectedCase:
    """The lead takes a case off second marking, before its second marker has recorded anything (kept in history)."""
    marking = SecondMarking.objects.select_for_update().select_related("case__inspection").get(pk=marking.pk)
    ensure_not_locked(marking.case.inspection)
    if marking.judgements.exists():
        raise CaseError(SECOND_MARKING_STARTED.format(reference=marking.case.reference))
    marking._history_user = user
    marking.delete()
    return marking.case


@transaction.atomic
def moderation_agree(*, second_judgement: SecondJudgement, answer: str, reason: str, user: User) -> Judgement:
    """The lead resolves a disagreement: the agreed judgement (the first marker's, the second's or a new one) and
    why. It is the one that counts; the first marker's answer and evidence are kept beside it."""
    second_judgement = (
        SecondJudgement.objects.select_for_update(of=("self",))
        .select_related("marking__case__inspection", "key_question")
        .get(pk=second_judgement.pk)
    )
    ensure_not_locked(second_judgement.marking.case.inspection)
    if second_judgement.agreed_answer:
        raise CaseError(ALREADY_AGREED)
    errors = {}
    if answer not in Answer.values:
        errors["answer"] = AGREEMENT_MISSING
    if not reason.strip():
        errors["reason"] = AGREEMENT_REASON_MISSING
    if errors:
        raise ValidationError(errors)
    with counts_kept(second_judgement.marking.case):
        judgement, _ = Judgement.objects.get_or_create(
            case=second_judgement.marking.case, key_question=second_judgement.key_question
        )
        second_judgement.first_answer, second_judgement.first_rationale = (
            judgement.answer,
            judgement.rationale,
        )
        second_judgement.agreed_answer, second_judgement.agreed_by = answer, user
        second_judgement.agreed_reason, second_judgement.agreed_at = reason.strip(), timezone.now()
        second_judgement._history_user = user
        second_judgement.save()
        judgement.answer, judgement.updated_by = answer, user
        judgement._history_user = user
        judgement.save(update_fields=["answer", "updated_by", "updated_at"])
    return judgement


NO_SECOND_MARKERS = "At least two assistant inspectors are needed for second marking."
PERCENTAGE_OUT_OF_RANGE = "Enter a percentage between 1 and 100"


@transaction.atomic
def second_marking_choose_share(
    *, inspection: Inspection, percentage: int, user: User, seed: int | None = None
) -> list[SecondMarking]:
    """Choose a random share of the sample not yet chosen (at least one case) for blind second marking.

    Each case goes to the assistant inspector, other than its first marker, with the fewest second markings so far.
    Returns the new SecondMarking rows. Random but repeatable for a given seed (default: the inspection's id).
    """

    ensure_not_locked(inspection)
    if not 1 <= percentage <= 100:
        raise ValidationError({"percentage": PERCENTAGE_OUT_OF_RANGE})
    markers = sorted(assistant_inspector_ids(inspection))
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
