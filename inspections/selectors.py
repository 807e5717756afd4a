"""Reads about inspections themselves: their organisational standards and who works on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from .models import Framework, Inspection, OrganisationalRating, OverallJudgement, Role, Standard

if TYPE_CHECKING:
    from accounts.models import User


def works_only_on_cases(user: User) -> bool:
    """Whether the user's only part in any inspection is as an assistant inspector (one query).

    Such a user's work is their cases, so signing in takes them there rather than to the PDU list.
    """
    if user.is_superuser or user.is_national_viewer:
        return False
    return set(user.memberships.values_list("role", flat=True).distinct()) == {Role.ASSISTANT_INSPECTOR}


def organisational_standards(inspection: Inspection) -> QuerySet[Standard]:
    """The standards of this inspection rated by the team's judgement, in order."""
    return inspection.rated_standards().filter(rated_by="team_judgement").order_by("order")


def organisational_ratings(inspection: Inspection) -> list[tuple[Standard, OrganisationalRating | None]]:
    """Each organisational standard of the inspection with the lead's rating of it, if any (two queries)."""
    ratings = {r.standard_id: r for r in OrganisationalRating.objects.filter(inspection=inspection)}
    return [(standard, ratings.get(standard.pk)) for standard in organisational_standards(inspection)]


def overall_judgement(inspection: Inspection) -> OverallJudgement | None:
    """The team's overall rating of the inspection, if recorded (one query)."""
    return OverallJudgement.objects.filter(inspection=inspection).first()


def framework_versions() -> QuerySet[Framework]:
    """Every framework version, the newest first within each framework, with who published it and the inspections
    that use it (`inspections_using`): two queries whatever their number."""
    return (
        Framework.objects.select_related("published_by")
        .prefetch_related(
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related("pdu", "region").order_by("-fieldwork_start"),
                to_attr="inspections_using",
            )
        )
        .order_by("slug", "-version")
    )


def framework_version(pk: int) -> Framework | None:
    """One framework version with who published it and the inspections that use it (two queries)."""
    return framework_versions().filter(pk=pk).first()
