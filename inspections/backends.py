"""Signing in with Django's model backend, the user read together with their parts in inspections."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import InspectionMembership, Role
from .permissions import DASHBOARD_ROLES, LEAD_INSPECTORS_GROUP


class MembershipBackend(ModelBackend):
    """Django's ModelBackend, whose user of each request also says where they work, for the navigation.

    `works_on_cases` (an assistant inspector somewhere), `sees_ratings` (a lead, inspector or quality assurer
    somewhere) and `works_on_inspections` (any inspection team, or the lead inspectors group) are read in the one
    query that loads the user, so the navigation follows the roles without a query of its own.
    """

    def get_user(self, user_id):
        User = get_user_model()
        memberships = InspectionMembership.objects.filter(user=OuterRef("pk"))
        lead_inspectors = User.groups.through.objects.filter(
            user=OuterRef("pk"), group__name=LEAD_INSPECTORS_GROUP
        )
        try:
            user = User._default_manager.annotate(
                works_on_cases=Exists(memberships.filter(role=Role.ASSISTANT_INSPECTOR)),
                sees_ratings=Exists(memberships.filter(role__in=DASHBOARD_ROLES)),
                works_on_inspections=Exists(memberships) | Exists(lead_inspectors),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
