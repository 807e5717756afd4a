"""Who may do what with an inspection: small predicates of (user, inspection), shared by views and the API."""

from .models import Inspection, InspectionMembership, Role

# Everyone on an inspection team but assistant inspectors, who see only their own cases: they see its ratings.
DASHBOARD_ROLES = (Role.LEAD, Role.INSPECTOR, Role.QUALITY_ASSURER)


def has_role(user, inspection: Inspection, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    memberships = InspectionMembership.objects.filter(inspection=inspection, user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def can_manage_inspection(user, inspection: Inspection) -> bool:
    """Only the inspection's lead manages it (superusers too, for support)."""
    return user.is_authenticated and (user.is_superuser or has_role(user, inspection, Role.LEAD))


def can_view_dashboard(user, inspection: Inspection) -> bool:
    """Leads, inspectors and quality assurers of the inspection, national viewers and superusers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_national_viewer:
        return True
    return has_role(user, inspection, *DASHBOARD_ROLES)


def can_view_case_evidence(user, inspection: Inspection) -> bool:
    """Case-level evidence: members of the inspection (assistant inspectors only their own cases, checked by cases)."""
    return user.is_authenticated and (user.is_superuser or has_role(user, inspection))


LEAD_INSPECTORS_GROUP = "Lead inspectors"


def can_create_inspection(user) -> bool:
    """Members of the lead inspectors group (and superusers) set up new inspections."""
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=LEAD_INSPECTORS_GROUP).exists()
    )


def can_quality_assure(user, inspection: Inspection) -> bool:
    """The inspection's quality assurers and its lead approve or return its cases."""
    return user.is_authenticated and (
        user.is_superuser or has_role(user, inspection, Role.QUALITY_ASSURER, Role.LEAD)
    )


def can_second_mark(user, inspection: Inspection) -> bool:
    """Assistant inspectors of the inspection (each sees only the cases chosen for them, checked by the view)."""
    return has_role(user, inspection, Role.ASSISTANT_INSPECTOR)


def can_answer_query(user, query) -> bool:
    """Only the assistant inspector of the queried case answers a quality-assurance query."""
    return user.is_authenticated and query.case.assistant_inspector_id == user.pk
