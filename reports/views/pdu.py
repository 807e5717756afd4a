"""A PDU's page: its ratings over time, the published composites beside the computed results of its inspections."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from ..selectors import pdu_history


@login_required
def pdu_detail(request, pk: int):
    history = pdu_history.pdu_history(request.user, pk)
    if history is None:
        raise Http404("No PDU found")
    return render(request, "reports/pdu_detail.html", {"history": history})
