"""Who may see and do what with an inspection: the one place that decides it.

Predicates of (user, inspection) written with the rules package and combined with & and |; views, the API and
templates (`{% load rules %}{% test_rule "inspections.manage" user inspection as can_manage %}`) use them alike.
Where a page needs the same rule as a filter on many rows, the queryset beside the predicate says it in SQL.

A user's roles in an inspection are read once and remembered on the user object, which lives as long as its request
(MembershipBackend and the API's token authentication load it afresh for each): a page that asks several questions
about one inspection, through however many copies of it, asks the database once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Exists, OuterRef, QuerySet

from .models import Inspection, InspectionMembership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Everyone on an inspection team but assistant inspectors, who see only their own cases: they see its ratings.
DASHBOARD_ROLES = (Role.LEAD, Role.INSPECTOR, Role.QUALITY_ASSURER)
# Roles that read every case of their inspection (quality assurance, moderation); they never edit it.
CASE_READER_ROLES = DASHBOARD_ROLES
LEAD_INSPECTORS_GROUP = "Lead inspectors"


def roles_in(user: User | AnonymousUser, inspection: Inspection) -> frozenset[str]:
    """The user's roles in the inspection (one query, remembered on the user object for its request)."""
    if not user.is_authenticated:
        return frozenset()
    # An attribute, not __dict__: request.user is a lazy proxy that passes attributes on to the user it wraps.
    known: dict[int, frozenset[str]] | None = getattr(user, "_roles_by_inspection", None)
    if known is None:
        known = {}
        user._roles_by_inspection = known  # type: ignore[attr-defined]
    if inspection.pk not in known:
        known[inspection.pk] = frozenset(
            InspectionMembership.objects.filter(inspection=inspection, user=user).values_list(
                "role", flat=True
            )
        )
    return known[inspection.pk]


def _has_role(*roles: str) -> rules.Predicate:
    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def has_role(user: User | AnonymousUser, inspection: Inspection) -> bool:
        return bool(roles_in(user, inspection).intersection(roles))

    return has_role


@rules.predicate
def is_superuser(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


@rules.predicate
def sees_every_result(user: User | AnonymousUser) -> bool:
    """National viewers and superusers see every inspection's results (never case evidence, for viewers)."""
    return bool(user.is_authenticated and (user.is_superuser or user.is_national_viewer))


@rules.predicate
def is_member(user: User | AnonymousUser, inspection: Inspection) -> bool:
    return bool(roles_in(user, inspection))


is_lead = _has_role(Role.LEAD)
is_assistant_inspector = _has_role(Role.ASSISTANT_INSPECTOR)
has_dashboard_role = _has_role(*DASHBOARD_ROLES)
has_case_reader_role = _has_role(*CASE_READER_ROLES)


@rules.predicate
def sees_ratings_somewhere(user: User | AnonymousUser) -> bool:
    """A lead, inspector or quality assurer of any inspection.

    MembershipBackend reads this with the user (`sees_ratings`), so the navigation asks no query of its own.
    """
    if not user.is_authenticated:
        return False
    if hasattr(user, "sees_ratings"):
        return bool(user.sees_ratings)
    return InspectionMembership.objects.filter(user=user, role__in=DASHBOARD_ROLES).exists()


@rules.predicate
def is_in_lead_inspectors_group(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.groups.filter(name=LEAD_INSPECTORS_GROUP).exists())


# Only the inspection's lead manages it (superusers too, for support).
can_manage_inspection = is_superuser | is_lead
# Leads, inspectors and quality assurers of the inspection, national viewers and superusers.
can_view_dashboard = sees_every_result | has_dashboard_role
# National viewers and superusers; and leads, inspectors and quality assurers of any inspection.
can_view_national_dashboard = sees_every_result | sees_ratings_somewhere
# Case-level evidence: members of the inspection (assistant inspectors only their own cases, checked by cases).
can_view_case_evidence = is_superuser | is_member
# The inspection's page (its task list, read-only for inspectors): leads, inspectors and quality assurers of it.
can_view_inspection = is_superuser | has_dashboard_role
# Members of the lead inspectors group (and superusers) set up new inspections.
can_create_inspection = is_superuser | is_in_lead_inspectors_group
# The inspection's quality assurers and its lead approve or return its cases.
can_quality_assure = is_superuser | _has_role(Role.QUALITY_ASSURER, Role.LEAD)
# Assistant inspectors of the inspection (each sees only the cases chosen for them, checked by the view).
can_second_mark = is_assistant_inspector

rules.add_rule("inspections.manage", can_manage_inspection)
rules.add_rule("inspections.view_dashboard", can_view_dashboard)
rules.add_rule("inspections.view_national_dashboard", can_view_national_dashboard)
rules.add_rule("inspections.quality_assure", can_quality_assure)
rules.add_rule("inspections.view", can_view_inspection)
rules.add_rule("inspections.create", can_create_inspection)
# Superusers load, publish and discard framework versions (the administrators' Frameworks pages).
can_manage_frameworks = is_superuser
rules.add_rule("inspections.manage_frameworks", can_manage_frameworks)


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    """Inspections the user may see at all: their own (any role); every one for national viewers and superusers."""
    queryset = Inspection.objects.select_related("pdu__region", "region", "framework")
    if sees_every_result(user):
        return queryset
    return queryset.filter(pk__in=InspectionMembership.objects.filter(user=user).values("inspection_id"))


def dashboard_membership(user: User) -> QuerySet[InspectionMembership]:
    """The user's memberships that let them see an outer inspection's ratings, for an Exists() (has_dashboard_role
    in SQL)."""
    return InspectionMembership.objects.filter(inspection=OuterRef("pk"), user=user, role__in=DASHBOARD_ROLES)


def inspections_with_visible_results(user: User | AnonymousUser) -> QuerySet[Inspection]:
    """Inspections whose ratings this user may see: can_view_dashboard as a filter."""
    queryset = Inspection.objects.select_related("pdu__region", "region", "framework")
    if sees_every_result(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Exists(dashboard_membership(user)))
