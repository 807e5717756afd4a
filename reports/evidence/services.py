"""Recording the staffing evidence of an inspected PDU (the lead's entry). The survey's import is survey_import."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inspections.models import Inspection
from inspections.services import ensure_not_locked

from .models import Grade, StaffingEvidence, StaffingVacancy

VACANT_MORE_THAN_POSTS = "Vacant posts must be no more than the {grade} posts"
MANAGEABLE_MORE_THAN_SURVEYED = (
    "Staff saying their workload is manageable must be no more than the staff asked"
)


class StaffingInvalid(ValueError):
    """Figures that cannot be true; `field` is the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@transaction.atomic
def staffing_record(
    *,
    inspection: Inspection,
    user,
    staff_in_post: int,
    sickness_days: Decimal,
    staff_surveyed: int,
    workloads_manageable: int,
    vacancies: dict[str, tuple[Decimal, Decimal]],
) -> StaffingEvidence:
    """Save the PDU's staffing for the inspection, replacing what was recorded. `vacancies`: grade -> (posts,
    vacant); a grade left out has no posts recorded. Raises InspectionLocked or StaffingInvalid."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    ensure_not_locked(inspection)
    if workloads_manageable > staff_surveyed:
        raise StaffingInvalid("workloads_manageable", MANAGEABLE_MORE_THAN_SURVEYED)
    for grade, (posts, vacant) in vacancies.items():
        if vacant > posts:
            raise StaffingInvalid(
                f"{grade}_vacant", VACANT_MORE_THAN_POSTS.format(grade=Grade(grade).label.lower())
            )
    evidence = StaffingEvidence.objects.filter(inspection=inspection).first() or StaffingEvidence(
        inspection=inspection
    )
    evidence.staff_in_post = staff_in_post
    evidence.sickness_days = sickness_days
    evidence.staff_surveyed = staff_surveyed
    evidence.workloads_manageable = workloads_manageable
    evidence.updated_by = user
    evidence.full_clean()
    evidence.save()
    evidence.vacancies.all().delete()
    rows = [
        StaffingVacancy(evidence=evidence, grade=grade, posts=posts, vacant=vacant)
        for grade, (posts, vacant) in vacancies.items()
    ]
    for row in rows:
        row.full_clean(exclude=["evidence"])
    StaffingVacancy.objects.bulk_create(rows)
    return evidence
