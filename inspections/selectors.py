"""Reads about inspections themselves: their organisational standards and who works on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Inspection, OrganisationalRating, Role, Standard

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
