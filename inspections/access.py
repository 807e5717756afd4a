"""How a page about one inspection gets it: checked against a permission predicate, 404 otherwise.

Shared by the inspection pages of every app (inspections, cases, reports), so each of them refuses the same way and
a locked inspection never shows a form to fill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect

from .models import Inspection
from .permissions import can_manage_inspection
from .services import LOCKED


def inspection_for_user(
    request: HttpRequest, pk: int, predicate: Callable[[Any, Inspection], bool] = can_manage_inspection
) -> Inspection:
    """The inspection, if this user may act on it by the predicate; otherwise 404 so its existence is not revealed."""
    inspection = get_object_or_404(Inspection.objects.select_related("pdu", "region", "framework"), pk=pk)
    if not predicate(request.user, inspection):
        raise Http404
    return inspection


def refuse_if_locked(
    request: HttpRequest, inspection: Inspection, *, keep_posted: bool = False
) -> HttpResponse | None:
    """A redirect to the inspection with the locked message, so a locked inspection never shows a form to fill.

    With `keep_posted`, a form sent before the lock is let through: the service refuses it and the page shows the
    refusal with what the user typed, rather than losing it in a redirect.
    """
    if inspection.is_locked and not (keep_posted and request.method == "POST"):
        messages.error(request, LOCKED)
        return redirect("inspections:detail", pk=inspection.pk)
    return None


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on a POST (even an empty one, so the form shows its errors), otherwise None."""
    return request.POST if request.method == "POST" else None
