"""Locking and unlocking an inspection: locking freezes its computed results in a snapshot that never changes, with
the counts of its cases the national figures read (FrozenCount); unlocking reopens it with a recorded reason and
keeps every earlier snapshot and its counts. Why an inspection cannot be locked yet is
reports.selectors.overview.lock_problems.

Every function is one transaction; the caller has already checked the user may do it (inspections.permissions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.counts import counted_rows
from inspections.models import Inspection
from inspections.services import InspectionError, ensure_not_locked

from .models import FrozenCount, InspectionSnapshot, InspectionUnlock
from .selectors.overview import lock_problems
from .selectors.results import inspection_result_data, inspection_results

if TYPE_CHECKING:
    from accounts.models import User

NOT_LOCKED = "This inspection is not locked."
REASON_MISSING = "Enter the reason for unlocking the inspection"


class InspectionNotReady(InspectionError):
    """Locking refused; `problems` lists every reason."""

    problem_type = "inspection-not-ready"
    problem_title = "The inspection cannot be locked yet"

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@transaction.atomic
def inspection_lock(*, inspection: Inspection, user: User) -> InspectionSnapshot:
    """Lock the inspection and freeze its computed results in a snapshot that never changes afterwards."""
    inspection = Inspection.objects.select_for_update().select_related("framework").get(pk=inspection.pk)
    ensure_not_locked(inspection)
    problems = lock_problems(inspection)
    if problems:
        raise InspectionNotReady(problems)
    inspection.status = Inspection.Status.LOCKED
    inspection._history_user = user
    inspection.save(update_fields=["status", "updated_at"])
    result = inspection_results([inspection])[inspection.pk]
    snapshot = InspectionSnapshot.objects.create(
        inspection=inspection,
        data=inspection_result_data(result),
        framework_version=inspection.framework.version,
        created_by=user,
    )
    frozen_counts_create(snapshots=[snapshot])
    return snapshot


def frozen_counts_create(*, snapshots: Iterable[InspectionSnapshot]) -> list[FrozenCount]:
    """Freeze the counts of the counted cases of each snapshot's inspection with the snapshot: what the national
    figures read instead of its cases while it stays locked. One query per framework version (each inspection's
    cases broken down by the attributes its own framework breaks down by) and one bulk insert. The inspections must
    be locked."""
    by_framework: dict[int, list[InspectionSnapshot]] = {}
    for snapshot in snapshots:
        by_framework.setdefault(snapshot.inspection.framework_id, []).append(snapshot)
    frozen = []
    for group in by_framework.values():
        definition = group[0].inspection.framework.definition
        rows = counted_rows([snapshot.inspection_id for snapshot in group], definition)
        for snapshot in group:
            frozen += [FrozenCount(snapshot=snapshot, **row) for row in rows.get(snapshot.inspection_id, [])]
    return FrozenCount.objects.bulk_create(frozen)


@transaction.atomic
def inspection_unlock(*, inspection: Inspection, reason: str, user: User) -> InspectionUnlock:
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
