"""Who may see and change an inspected case: small predicates of (user, case), shared by views and the API."""

from django.db.models import Q, QuerySet

from inspections.models import InspectionMembership, Role

from .models import InspectedCase

# Roles that read every case of their inspection (quality assurance, moderation); they never edit it here.
CASE_READER_ROLES = (Role.LEAD, Role.INSPECTOR, Role.QUALITY_ASSURER)


def _roles(user, case: InspectedCase) -> set[str]:
    """The user's roles in the case's inspection, remembered on the case so a page asks the database once."""
    known = case.__dict__.setdefault("_member_roles", {})
    if user.pk not in known:
        known[user.pk] = set(
            InspectionMembership.objects.filter(inspection_id=case.inspection_id, user=user).values_list(
                "role", flat=True
            )
        )
    return known[user.pk]


def _is_assigned_assistant(user, case: InspectedCase, roles: set[str]) -> bool:
    return case.assistant_inspector_id == user.pk and Role.ASSISTANT_INSPECTOR in roles


def can_view_case(user, case: InspectedCase) -> bool:
    """The assistant inspector assigned to the case (and a member of its inspection), the inspection's lead,
    inspectors and quality assurers, and superusers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = _roles(user, case)
    return _is_assigned_assistant(user, case, roles) or bool(roles.intersection(CASE_READER_ROLES))


def is_assigned_assistant_inspector(user, case: InspectedCase) -> bool:
    """The case is assigned to this user, an assistant inspector of its inspection: the one who may change it."""
    return user.is_authenticated and _is_assigned_assistant(user, case, _roles(user, case))


def can_edit_case(user, case: InspectedCase) -> bool:
    """Only the assigned assistant inspector, a member of the inspection, while the case is editable."""
    return case.is_editable and is_assigned_assistant_inspector(user, case)


def viewable_cases(user) -> QuerySet[InspectedCase]:
    """The cases the user may see, by the rule of can_view_case, as one query."""
    queryset = InspectedCase.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    memberships = InspectionMembership.objects.filter(user=user)
    return queryset.filter(
        Q(inspection_id__in=memberships.filter(role__in=CASE_READER_ROLES).values("inspection_id"))
        | Q(
            assistant_inspector=user,
            inspection_id__in=memberships.filter(role=Role.ASSISTANT_INSPECTOR).values("inspection_id"),
        )
    )
