"""What locking freezes: the snapshot of an inspection's results, and the record of each unlock.

The tables keep the names they had when these models lived in inspections (db_table), so moving the models here
moved no data.
"""

from django.conf import settings
from django.db import models

from cases.count_models import CountRow
from inspections.models import Inspection

from . import rating


class InspectionSnapshotQuerySet(models.QuerySet):
    def of_inspection(self, inspection: Inspection) -> "InspectionSnapshotQuerySet":
        """Every snapshot of the inspection, newest first: relocking adds one beside the earlier ones."""
        return self.filter(inspection=inspection).select_related("created_by").order_by("-created_at", "-pk")


class InspectionSnapshot(models.Model):
    """The computed results of an inspection, frozen when it is locked; never changed afterwards.

    `data` has the shape of reports.selectors.results.inspection_result_data (framework, standards with key
    questions, composite score, maximum, overall rating).
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="snapshots")
    data = models.JSONField()
    framework_version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = InspectionSnapshotQuerySet.as_manager()

    class Meta:
        db_table = "inspections_inspectionsnapshot"
        ordering = ["inspection", "-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Snapshot of {self.inspection} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def overall_label(self) -> str:
        """The frozen overall rating in words, or "" when there was none."""
        overall = rating.rating_of(self.data.get("overall_rating"))
        return overall.label if overall else ""


class InspectionUnlock(models.Model):
    """A locked inspection reopened, with the reason; the snapshot it replaced is kept."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="unlocks")
    reason = models.TextField()
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unlocked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "inspections_inspectionunlock"
        ordering = ["inspection", "-unlocked_at"]

    def __str__(self) -> str:
        return f"{self.inspection} unlocked at {self.unlocked_at:%Y-%m-%d %H:%M}"


class FrozenCount(CountRow):
    """One count over a locked inspection's counted cases, frozen with its snapshot when it is locked.

    A locked inspection's cases cannot change, so the national figures read these few hundred counts per inspection
    instead of its judgements, facts and needs. cases.counts computes them (the same rows live, frozen and kept) and
    reports.selectors.counts reads them back; relocking freezes a new set with the new snapshot and keeps the old
    one's.
    """

    snapshot = models.ForeignKey(InspectionSnapshot, on_delete=models.CASCADE, related_name="counts")


# The survey of people on probation and staffing evidence live in their own module (reports.evidence).
from .evidence.models import (  # noqa: E402, F401
    Grade,
    StaffingEvidence,
    StaffingVacancy,
    SurveyCount,
    SurveyImport,
)
