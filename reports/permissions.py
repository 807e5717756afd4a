"""Who may see the reports. Per-inspection dashboards use inspections.permissions.can_view_dashboard."""

from inspections.models import InspectionMembership
from inspections.permissions import DASHBOARD_ROLES


def can_view_national_dashboard(user) -> bool:
    """National viewers and superusers; and leads, inspectors and quality assurers of any inspection.

    Assistant inspectors (and anyone on no inspection team) see no dashboards.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_national_viewer:
        return True
    return InspectionMembership.objects.filter(user=user, role__in=DASHBOARD_ROLES).exists()
