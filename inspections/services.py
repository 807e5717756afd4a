"""The inspection workflow: set-up, organisational ratings, moving through fieldwork, locking and unlocking.

Every function is one transaction; the caller has already checked the user may do it (inspections.permissions).
Locking reads the cases and the computed results, so this module imports cases' models and reports' selectors:
the lock is the one place where the inspection workflow depends on what it freezes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import ngettext

from .models import (
    Framework,
    Inspection,
    InspectionMembership,
    InspectionSnapshot,
    InspectionUnlock,
    OrganisationalRating,
    RatedFrom,
    Role,
    Standard,
)

LOCKED = "This inspection is locked. Unlock it, giving a reason, before changing anything."
NOT_LOCKED = "This inspection is not locked."
DATES_OUT_OF_ORDER = "The fieldwork end date must be the same as or after the start date"
NOT_ORGANISATIONAL = "Standard {code} is rated from the case sample, not by the lead inspector."
RATIONALE_MISSING = "Enter the rationale for the rating"
REASON_MISSING = "Enter the reason for unlocking the inspection"
NO_CASES = "Import the case sample before starting fieldwork."
CANNOT_ADVANCE = "This inspection cannot move on from {status}."
CASE_NOT_APPROVED = "{count} case is not yet approved by quality assurance."
CASES_NOT_APPROVED = "{count} cases are not yet approved by quality assurance."
STANDARDS_NOT_RATED = "Organisational standards not yet rated: {codes}."
NO_CASES_TO_LOCK = "An inspection with no cases cannot be locked."


class InspectionError(Exception):
    """An inspection write that was refused; the message is for the user."""


class InspectionLocked(InspectionError):
    def __init__(self, message: str = LOCKED):
        super().__init__(message)


class InspectionNotReady(InspectionError):
    """Locking refused; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def ensure_not_locked(inspection: Inspection) -> None:
    if inspection.is_locked:
        raise InspectionLocked()


@transaction.atomic
def inspection_create(
    *,
    pdu,
    framework: Framework,
    fieldwork_start: datetime.date,
    fieldwork_end: datetime.date,
    lead,
    inspectors: Iterable = (),
    assistant_inspectors: Iterable = (),
    quality_assurers: Iterable = (),
    user,
) -> Inspection:
    """Create an inspection in set-up, with its team. The lead is always a member as lead."""
    if fieldwork_end < fieldwork_start:
        raise ValidationError({"fieldwork_end": DATES_OUT_OF_ORDER})
    inspection = Inspection(
        pdu=pdu,
        framework=framework,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        status=Inspection.Status.SETUP,
    )
    inspection.full_clean()
    inspection._history_user = user
    inspection.save()
    team = [(lead, Role.LEAD)]
    team += [(member, Role.INSPECTOR) for member in inspectors]
    team += [(member, Role.ASSISTANT_INSPECTOR) for member in assistant_inspectors]
    team += [(member, Role.QUALITY_ASSURER) for member in quality_assurers]
    for member, role in dict.fromkeys(team):
        membership = InspectionMembership(inspection=inspection, user=member, role=role)
        membership._history_user = user
        membership.save()
    return inspection


_NEXT_STATUS = {
    Inspection.Status.SETUP: Inspection.Status.FIELDWORK,
    Inspection.Status.FIELDWORK: Inspection.Status.QUALITY_ASSURANCE,
}


@transaction.atomic
def inspection_advance(*, inspection: Inspection, user) -> Inspection:
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


def organisational_standards(inspection: Inspection):
    return inspection.rated_standards().filter(rated_from=RatedFrom.LEAD_JUDGEMENT).order_by("order")


@transaction.atomic
def organisational_rating_save(
    *, inspection: Inspection, standard: Standard, rating: str, rationale: str, user
) -> OrganisationalRating:
    """Record (or change) the lead's rating of an organisational standard, with its rationale."""
    ensure_not_locked(inspection)
    if standard.rated_from != RatedFrom.LEAD_JUDGEMENT or standard.framework_id != inspection.framework_id:
        raise InspectionError(NOT_ORGANISATIONAL.format(code=standard.code))
    if not rationale.strip():
        raise ValidationError({"rationale": RATIONALE_MISSING})
    row = OrganisationalRating.objects.filter(inspection=inspection, standard=standard).first()
    row = row or OrganisationalRating(inspection=inspection, standard=standard)
    row.rating, row.rationale, row.rated_by = rating, rationale.strip(), user
    row.full_clean(validate_unique=False, validate_constraints=False)
    row._history_user = user
    row.save()
    return row


def lock_problems(inspection: Inspection) -> list[str]:
    """Every reason the inspection cannot be locked yet (empty when it can)."""
    from cases.models import InspectedCase

    problems = []
    counts = inspection.cases.aggregate(
        total=Count("pk"), unapproved=Count("pk", filter=~Q(status=InspectedCase.Status.APPROVED))
    )
    if not counts["total"]:
        problems.append(NO_CASES_TO_LOCK)
    elif counts["unapproved"]:
        unapproved = counts["unapproved"]
        problems.append(ngettext(CASE_NOT_APPROVED, CASES_NOT_APPROVED, unapproved).format(count=unapproved))
    rated = OrganisationalRating.objects.filter(inspection=inspection).values("standard_id")
    missing = list(organisational_standards(inspection).exclude(pk__in=rated).values_list("code", flat=True))
    if missing:
        problems.append(STANDARDS_NOT_RATED.format(codes=", ".join(missing)))
    return problems


@transaction.atomic
def inspection_lock(*, inspection: Inspection, user) -> InspectionSnapshot:
    """Lock the inspection and freeze its computed results in a snapshot that never changes afterwards."""
    from reports.selectors import inspection_result_data, inspection_results

    inspection = Inspection.objects.select_for_update().select_related("framework").get(pk=inspection.pk)
    ensure_not_locked(inspection)
    problems = lock_problems(inspection)
    if problems:
        raise InspectionNotReady(problems)
    inspection.status = Inspection.Status.LOCKED
    inspection._history_user = user
    inspection.save(update_fields=["status", "updated_at"])
    result = inspection_results([inspection])[inspection.pk]
    return InspectionSnapshot.objects.create(
        inspection=inspection,
        data=inspection_result_data(result),
        framework_version=inspection.framework.version,
        created_by=user,
    )


@transaction.atomic
def inspection_unlock(*, inspection: Inspection, reason: str, user) -> InspectionUnlock:
    """Reopen a locked inspection (back to quality assurance), recording why. Earlier snapshots are kept."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not inspection.is_locked:
        raise InspectionError(NOT_LOCKED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_MISSING})
    inspection.status = Inspection.Status.QUALITY_ASSURANCE
    inspection._history_user = user
    inspection._change_reason = reason.strip()
    inspection.save(update_fields=["status", "updated_at"])
    return InspectionUnlock.objects.create(inspection=inspection, reason=reason.strip(), unlocked_by=user)
