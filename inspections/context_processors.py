"""The sections the service navigation offers: those where the signed-in user has work or may look."""

from .permissions import can_manage_frameworks, can_view_national_dashboard


def navigation(request) -> dict:
    """Flags from inspections.backends.MembershipBackend's user; every section where they are unknown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if user.is_superuser or not hasattr(user, "works_on_cases"):
        return {
            "navigation": {
                "national_dashboard": True,
                "inspections": True,
                "cases": True,
                "frameworks": can_manage_frameworks(user),
            }
        }
    return {
        "navigation": {
            "national_dashboard": can_view_national_dashboard(user),
            "inspections": user.works_on_inspections,
            "cases": user.works_on_cases,
            "frameworks": False,  # superusers only, answered above
        }
    }
