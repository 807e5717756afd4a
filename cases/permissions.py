"""Who may see and change an inspected case: predicates of (user, case) with the rules package, built on the
inspection's roles (inspections.permissions), shared by views, the API and templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Q, QuerySet

from inspections.models import InspectionMembership, Role
from inspections.permissions import CASE_READER_ROLES, is_superuser, roles_in

from .models import CaseQuery, InspectedCase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@rules.predicate
def is_assigned_assistant_inspector(user: User | AnonymousUser, case: InspectedCase) -> bool:
    """The case is assigned to this user, an assistant inspector of its inspection: the one who may change it."""
    return case.assistant_inspector_id == user.pk and Role.ASSISTANT_INSPECTOR in roles_in(
        user, case.inspection
    )


@rules.predicate
def reads_every_case_of_the_inspection(user: User | AnonymousUser, case: InspectedCase) -> bool:
    return bool(roles_in(user, case.inspection).intersection(CASE_READER_ROLES))


@rules.predicate
def is_editable(user: User | AnonymousUser, case: InspectedCase) -> bool:
    return case.is_editable


@rules.predicate
def is_the_queried_cases_assistant_inspector(user: User | AnonymousUser, query: CaseQuery) -> bool:
    return bool(user.is_authenticated and query.case.assistant_inspector_id == user.pk)


# The assistant inspector assigned to the case (a member of its inspection), the inspection's lead, inspectors and
# quality assurers, and superusers.
can_view_case = is_superuser | is_assigned_assistant_inspector | reads_every_case_of_the_inspection
# Only the assigned assistant inspector, a member of the inspection, while the case is editable.
can_edit_case = is_editable & is_assigned_assistant_inspector
# Only the assistant inspector of the queried case answers a quality-assurance query.
can_answer_query = is_the_queried_cases_assistant_inspector

rules.add_rule("cases.view_case", can_view_case)
rules.add_rule("cases.edit_case", can_edit_case)


def viewable_cases(user: User | AnonymousUser) -> QuerySet[InspectedCase]:
    """The cases the user may see: can_view_case as one query."""
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
