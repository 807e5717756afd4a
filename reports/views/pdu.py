"""A PDU's page: its ratings over time, the published composites beside the computed results of its inspections."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .. import charts
from ..selectors import pdu_history


@login_required
def pdu_detail(request, pk: int):
    history = pdu_history.pdu_history(request.user, pk)
    if history is None:
        raise Http404("No PDU found")
    chart = charts.composite_chart(
        "chart-ratings-over-time",
        f"{history.pdu.name}: composite scores over time",
        [
            (
                f"{'Published' if r.published else 'Inspected'} {r.when:%b %Y}",
                r.composite_score,
                r.max_score,
                r.overall_rating,
            )
            for r in history.ratings
        ],
    )
    return render(request, "reports/pdu_detail.html", {"history": history, "chart": chart})
