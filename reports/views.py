from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def pdu_list(request):
    """Every PDU with its published composite, and live ratings of the inspections the user may see."""
    return render(request, "reports/pdu_list.html", {"rows": selectors.pdu_overview(request.user)})
