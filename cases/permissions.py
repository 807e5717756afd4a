"""Who may see and change an inspected case: small predicates of (user, case), shared by views and the API."""

from inspections.models import InspectionMembership, Role

from .models import InspectedCase

# Roles that read every case of their inspection (quality assurance, moderation); they never edit it here.
CASE_READER_ROLES = (Role.LEAD, Role.INSPECTOR, Role.QUALITY_ASSURER)


def _roles(user, case: InspectedCase) -> set[str]:
    """The user's roles in the case's inspection, remembered on the case so one request asks once."""
    remembered = case.__dict__.setdefault("_member_roles", {})
    if user.pk not in remembered:
        remembered[user.pk] = set(
            InspectionMembership.objects.filter(inspection_id=case.inspection_id, user=user).values_list(
                "role", flat=True
            )
        )
    return remembered[user.pk]


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


def can_edit_case(user, case: InspectedCase) -> bool:
    """Only the assigned assistant inspector, a member of the inspection, while the case is editable."""
    if not user.is_authenticated or not case.is_editable:
        return False
    return _is_assigned_assistant(user, case, _roles(user, case))
