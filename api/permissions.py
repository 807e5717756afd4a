"""DRF permission classes made from the apps' permission predicates (the rules package), so the API asks exactly the
questions the pages ask. Plumbing: the predicates come from the app's api.py, this module knows none of them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import rules
from rest_framework.permissions import BasePermission, IsAuthenticated


class PredicatePermission(BasePermission):
    """A predicate of the user and the object the view passes to check_object_permissions, or with `of_object`
    False, of the user alone (checked for the whole view). Refused with `message`, a 403 problem."""

    predicate: rules.Predicate
    message: str
    of_object: bool = True
    methods: Collection[str] | None = None  # the methods it applies to; None for every method

    def _applies(self, request: Any) -> bool:
        return self.methods is None or request.method in self.methods

    def has_permission(self, request: Any, view: Any) -> bool:
        if self.of_object or not self._applies(request):
            return True
        return bool(self.predicate.test(request.user))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if not self.of_object or not self._applies(request):
            return True
        return bool(self.predicate.test(request.user, obj))


def allowed_by(
    predicate: rules.Predicate,
    message: str,
    *,
    of_object: bool = True,
    methods: Collection[str] | None = None,
) -> list[type[BasePermission]]:
    """A view's permission_classes: signed in, and allowed by the predicate (for the given methods only)."""
    permission = type(
        f"AllowedBy_{predicate.name}",
        (PredicatePermission,),
        {"predicate": predicate, "message": message, "of_object": of_object, "methods": methods},
    )
    return [IsAuthenticated, permission]
