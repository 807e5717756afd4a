"""An inspection's task list: how far its cases and ratings have got, and what locking has frozen."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

from cases.selectors.inspection_work import CaseProgress, case_progress, unresolved_disagreements
from inspections.models import Inspection, OrganisationalRating, OverallJudgement
from inspections.selectors import organisational_standards

from .. import rating as rules
from ..models import InspectionSnapshot, InspectionUnlock

CASE_NOT_APPROVED = "{count} case is not yet approved by quality assurance."
CASES_NOT_APPROVED = "{count} cases are not yet approved by quality assurance."
STANDARDS_NOT_RATED = "Organisational standards not yet rated: {codes}."
OVERALL_NOT_RATED = "The team’s overall rating is not yet recorded."
NO_CASES_TO_LOCK = "An inspection with no cases cannot be locked."
DISAGREEMENT_UNRESOLVED = "{count} second-marking disagreement is not yet resolved in moderation."
DISAGREEMENTS_UNRESOLVED = "{count} second-marking disagreements are not yet resolved in moderation."


def lock_problems(inspection: Inspection, progress: CaseProgress | None = None) -> list[str]:
    """Every reason the inspection cannot be locked yet (empty when it can). `progress` saves its query where the
    caller has it."""
    problems = []
    progress = progress or case_progress(inspection)
    if not progress.total:
        problems.append(NO_CASES_TO_LOCK)
    elif progress.unapproved:
        count = progress.unapproved
        problems.append(ngettext(CASE_NOT_APPROVED, CASES_NOT_APPROVED, count).format(count=count))
    if disagreements := unresolved_disagreements(inspection):
        problems.append(
            ngettext(DISAGREEMENT_UNRESOLVED, DISAGREEMENTS_UNRESOLVED, disagreements).format(
                count=disagreements
            )
        )
    rated = OrganisationalRating.objects.filter(inspection=inspection).values("standard_id")
    missing = list(organisational_standards(inspection).exclude(pk__in=rated).values_list("code", flat=True))
    if missing:
        problems.append(STANDARDS_NOT_RATED.format(codes=", ".join(missing)))
    judged_overall = inspection.framework.definition.overall.rule == "team_judgement"
    if judged_overall and not OverallJudgement.objects.filter(inspection=inspection).exists():
        problems.append(OVERALL_NOT_RATED)
    return problems


@dataclass(frozen=True)
class Overview:
    inspection: Inspection
    cases: CaseProgress
    organisational_total: int
    organisational_rated: int
    snapshot: InspectionSnapshot | None
    unlocks: list[InspectionUnlock]
    lock_problems: list[str]

    @property
    def snapshot_overall(self) -> str:
        """The locked overall rating's label, or "" when there is none."""
        rating = rules.rating_of(self.snapshot.data.get("overall_rating") if self.snapshot else None)
        return rating.label if rating else ""


def inspection_overview(inspection: Inspection) -> Overview:
    """Everything the task list shows about one inspection, in a fixed number of queries."""
    organisational = organisational_standards(inspection)
    progress = case_progress(inspection)
    return Overview(
        inspection=inspection,
        cases=progress,
        organisational_total=organisational.count(),
        organisational_rated=OrganisationalRating.objects.filter(
            inspection=inspection, standard__in=organisational
        ).count(),
        snapshot=InspectionSnapshot.objects.filter(inspection=inspection)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first(),
        unlocks=list(InspectionUnlock.objects.filter(inspection=inspection).select_related("unlocked_by")),
        lock_problems=lock_problems(inspection, progress),
    )
