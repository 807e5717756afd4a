"""Changing an inspection's set-up after it was created (its fieldwork dates, team and optional standards) and deleting
one made by mistake. They live with the cases because what may change depends on them: an assistant inspector with
cases stays on the team, and an inspection with judgements is not deleted.

Every function is one transaction; the caller has already checked the user may do it (inspections.permissions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from inspections.models import Inspection, InspectionMembership, OrganisationalRating, Role, Standard
from inspections.services import (
    DATES_OUT_OF_ORDER,
    InspectionError,
    ensure_no_overlap,
    ensure_not_locked,
)

from ..models import Judgement

if TYPE_CHECKING:
    from accounts.models import User

HAS_CASES = "{names} cannot leave the team: they have cases in this inspection. Assign their cases to someone else first."
OPTIONAL_STANDARD_RATED = (
    "Standard {code} has been judged (a rating, or judgements on its key questions), so it stays rated. Delete "
    "the rating, or clear the judgements, first."
)
HAS_JUDGEMENTS = (
    "This inspection cannot be deleted: it has {count} judgement{s}. An inspection is deleted only before any case "
    "or standard has been judged."
)
DELETED = "Inspection of {unit} ({start} to {end}) deleted"


def judgement_count(inspection: Inspection) -> int:
    """The case judgements and organisational ratings recorded for the inspection (one query each)."""
    cases = Judgement.objects.filter(case__inspection=inspection).count()  # a draft's evidence counts too
    return cases + OrganisationalRating.objects.filter(inspection=inspection).count()


@transaction.atomic
def inspection_update(
    *,
    inspection: Inspection,
    fieldwork_start: datetime.date,
    fieldwork_end: datetime.date,
    inspectors: Iterable[User],
    assistant_inspectors: Iterable[User],
    quality_assurers: Iterable[User],
    optional_standards: Iterable[Standard] | None = None,
    user: User,
) -> Inspection:
    """Change the fieldwork dates, the team (the lead stays) and the optional standards rated, recorded in history.

    Refused while locked, for dates that clash with another inspection of the PDU, for removing an assistant
    inspector who still has cases, and for dropping an optional standard that has been rated.
    """
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("pdu", "region")
        .get(pk=inspection.pk)
    )
    ensure_not_locked(inspection)
    if fieldwork_end < fieldwork_start:
        raise ValidationError({"fieldwork_end": DATES_OUT_OF_ORDER})
    ensure_no_overlap(
        pdu=inspection.pdu,
        region=inspection.region,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        exclude=inspection,
    )
    wanted = {
        Role.INSPECTOR: {member.pk for member in inspectors},
        Role.ASSISTANT_INSPECTOR: {member.pk for member in assistant_inspectors},
        Role.QUALITY_ASSURER: {member.pk for member in quality_assurers},
    }
    current = InspectionMembership.objects.team(inspection, *wanted).select_related("user")
    leaving = [m for m in current if m.user_id not in wanted[m.role]]
    with_cases = [
        m.user
        for m in leaving
        if m.role == Role.ASSISTANT_INSPECTOR and inspection.cases.filter(assistant_inspector=m.user).exists()
    ]
    if with_cases:
        names = ", ".join(member.get_full_name() or member.username for member in with_cases)
        raise ValidationError({"assistant_inspectors": HAS_CASES.format(names=names)})
    if optional_standards is not None:
        chosen = {standard.pk for standard in optional_standards}
        dropped = inspection.optional_standards.exclude(pk__in=chosen)
        rating = OrganisationalRating.objects.filter(inspection=inspection, standard__in=dropped).first()
        judgement = (
            Judgement.objects.filter(case__inspection=inspection, key_question__standard__in=dropped)
            .exclude(answer="")
            .first()
        )
        judged = rating.standard if rating else judgement.key_question.standard if judgement else None
        if judged is not None:
            raise ValidationError({"optional_standards": OPTIONAL_STANDARD_RATED.format(code=judged.code)})
        inspection.optional_standards.set(chosen)

    inspection.fieldwork_start, inspection.fieldwork_end = fieldwork_start, fieldwork_end
    inspection.full_clean()
    inspection._history_user = user
    inspection.save(update_fields=["fieldwork_start", "fieldwork_end", "updated_at"])
    for membership in leaving:
        membership._history_user = user
        membership.delete()
    present = {(m.user_id, m.role) for m in current}
    for role, user_ids in wanted.items():
        for user_id in sorted(user_ids):
            if (user_id, role) not in present:
                membership = InspectionMembership(inspection=inspection, user_id=user_id, role=role)
                membership._history_user = user
                membership.save()
    return inspection


@transaction.atomic
def inspection_delete(*, inspection: Inspection, user: User) -> str:
    """Delete an inspection set up by mistake, with its sample and team; refused once anything has been judged.

    Returns the confirmation message (the inspection is gone afterwards). Its history records who deleted it.
    """
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("pdu", "region")
        .get(pk=inspection.pk)
    )
    ensure_not_locked(inspection)
    count = judgement_count(inspection)
    if count:
        raise InspectionError(HAS_JUDGEMENTS.format(count=count, s="" if count == 1 else "s"))
    message = DELETED.format(
        unit=inspection.unit.name,
        start=f"{inspection.fieldwork_start.day} {inspection.fieldwork_start:%B %Y}",
        end=f"{inspection.fieldwork_end.day} {inspection.fieldwork_end:%B %Y}",
    )
    inspection._history_user = user
    inspection.delete()
    return message
