"""Writes to an inspection itself: creating it with its team, and the lead's organisational ratings.

Every function is one transaction; the caller has already checked the user may do it (inspections.permissions).
Moving through fieldwork belongs to cases (it needs the sample), locking and unlocking to reports (they freeze the
results).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    Framework,
    Inspection,
    InspectionMembership,
    OrganisationalRating,
    OverallJudgement,
    Role,
    Standard,
    Unit,
)

if TYPE_CHECKING:
    from accounts.models import User
    from pdus.models import PDU, Region

LOCKED = "This inspection is locked. Unlock it, giving a reason, before changing anything."
DATES_OUT_OF_ORDER = "The fieldwork end date must be the same as or after the start date"
# Fieldwork runs for weeks, not months: a longer span is a mistyped date.
FIELDWORK_WEEKS_MAX = 13
FIELDWORK_TOO_LONG = f"The fieldwork end date must be within {FIELDWORK_WEEKS_MAX} weeks of the start date"
DUPLICATE_INSPECTION = (
    "There is already an inspection of {unit} with fieldwork from {start} to {end}. Open that inspection, or change "
    "the dates."
)
NOT_ORGANISATIONAL = "Standard {code} is not rated by the team's judgement."
NOT_JUDGED_OVERALL = (
    "This inspection's overall rating is its composite score banded, not the team's judgement."
)
WRONG_UNIT = "A {framework} inspects a {unit}: choose one."
NOT_OPTIONAL = "Standard {code} is not an optional standard of this framework."
NOT_PUBLISHED = "This framework version is a draft: publish it before an inspection uses it."
RATIONALE_MISSING = "Enter the rationale for the rating"
# Free text (evidence, rationales, queries, reasons): long enough for any real evidence; a limit keeps the pages that
# show it (history, quality assurance, reports) readable.
TEXT_MAX_LENGTH = 5000


class InspectionError(Exception):
    """An inspection write that was refused; the message is for the user.

    Like every service error it carries its meaning for the API (api.problems): an HTTP status, a problem type
    and a title.
    """

    http_status = 409
    problem_type = "inspection-refused"
    problem_title = "The inspection does not allow this now"


class InspectionLocked(InspectionError):
    problem_type = "inspection-locked"
    problem_title = "The inspection is locked"

    def __init__(self, message: str = LOCKED):
        super().__init__(message)


def ensure_not_locked(inspection: Inspection) -> None:
    if inspection.is_locked:
        raise InspectionLocked()


def _written(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def ensure_no_overlap(
    *,
    pdu: PDU | None,
    region: Region | None = None,
    fieldwork_start: datetime.date,
    fieldwork_end: datetime.date,
    exclude: Inspection | None = None,
) -> None:
    """Refuse a second inspection of a PDU or region whose fieldwork overlaps one it already has (the constraint
    inspection_pdu_fieldwork_start_unique is the database's backstop for a PDU's same start)."""
    others = Inspection.objects.filter(
        pdu=pdu, region=region, fieldwork_start__lte=fieldwork_end, fieldwork_end__gte=fieldwork_start
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    clash = others.order_by("fieldwork_start").first()
    if clash is not None:
        message = DUPLICATE_INSPECTION.format(
            unit=clash.unit.name,
            start=_written(clash.fieldwork_start),
            end=_written(clash.fieldwork_end),
        )
        raise ValidationError({"fieldwork_start": message})


@transaction.atomic
def inspection_create(
    *,
    framework: Framework,
    fieldwork_start: datetime.date,
    fieldwork_end: datetime.date,
    lead: User,
    pdu: PDU | None = None,
    region: Region | None = None,
    optional_standards: Iterable[Standard] | None = None,
    inspectors: Iterable[User] = (),
    assistant_inspectors: Iterable[User] = (),
    quality_assurers: Iterable[User] = (),
    user: User,
) -> Inspection:
    """Create an inspection in set-up, with its team. The lead is always a member as lead.

    The unit is a PDU or a region, as the framework inspects. The optional standards it rates are those given, or
    else those the framework rates by default.
    """
    if fieldwork_end < fieldwork_start:
        raise ValidationError({"fieldwork_end": DATES_OUT_OF_ORDER})
    if not framework.is_published:
        raise ValidationError({"framework": NOT_PUBLISHED})
    unit = {"pdu": pdu, "region": region}
    if unit[framework.unit] is None or any(v is not None for k, v in unit.items() if k != framework.unit):
        label = dict(Unit.choices)[framework.unit]
        raise ValidationError({framework.unit: WRONG_UNIT.format(framework=framework.name, unit=label)})
    definition = framework.definition
    optional = framework.standards.filter(is_optional=True)
    if optional_standards is None:
        defaults = [s.code for s in definition.standards if s.optional and s.rated_by_default]
        chosen = list(optional.filter(code__in=defaults))
    else:
        chosen = list(optional_standards)
        for standard in chosen:
            if standard.framework_id != framework.pk or not standard.is_optional:
                raise ValidationError({"optional_standards": NOT_OPTIONAL.format(code=standard.code)})
    ensure_no_overlap(pdu=pdu, region=region, fieldwork_start=fieldwork_start, fieldwork_end=fieldwork_end)
    inspection = Inspection(
        pdu=pdu,
        region=region,
        framework=framework,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_end,
        status=Inspection.Status.SETUP,
    )
    inspection.full_clean()
    inspection._history_user = user
    inspection.save()
    inspection.optional_standards.set(chosen)
    team = [(lead, Role.LEAD)]
    team += [(member, Role.INSPECTOR) for member in inspectors]
    team += [(member, Role.ASSISTANT_INSPECTOR) for member in assistant_inspectors]
    team += [(member, Role.QUALITY_ASSURER) for member in quality_assurers]
    for member, role in dict.fromkeys(team):
        membership = InspectionMembership(inspection=inspection, user=member, role=role)
        membership._history_user = user
        membership.save()
    return inspection


@transaction.atomic
def organisational_rating_save(
    *, inspection: Inspection, standard: Standard, rating: str, rationale: str, user: User
) -> OrganisationalRating:
    """Record (or change) the team's judgement of a standard rated by judgement, with its rationale."""
    ensure_not_locked(inspection)
    if standard.rated_by != "team_judgement" or standard.framework_id != inspection.framework_id:
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


@transaction.atomic
def overall_judgement_save(
    *, inspection: Inspection, rating: str, rationale: str, user: User
) -> OverallJudgement:
    """Record (or change) the team's overall rating of the inspection, with its rationale, where its framework's
    overall rule is the team's judgement."""
    ensure_not_locked(inspection)
    if inspection.framework.definition.overall.rule != "team_judgement":
        raise InspectionError(NOT_JUDGED_OVERALL)
    if not rationale.strip():
        raise ValidationError({"rationale": RATIONALE_MISSING})
    row = OverallJudgement.objects.filter(inspection=inspection).first() or OverallJudgement(
        inspection=inspection
    )
    row.rating, row.rationale, row.rated_by = rating, rationale.strip(), user
    row.full_clean(validate_unique=False, validate_constraints=False)
    row._history_user = user
    row.save()
    return row
