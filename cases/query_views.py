"""The assistant inspector's side of quality-assurance queries: answering one.

The form lives in templates/cases/includes/case_queries.html, meant for the case page; this view answers and goes
back to the page it came from, or shows the case page again with the error and the user's answer.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from inspections.permissions import can_answer_query
from inspections.services import InspectionLocked

from . import permissions, selectors, services
from .forms import CaseForm, QueryAnswerForm, show_refusal
from .models import CaseQuery
from .views import render_case


@login_required
@require_POST
def query_answer(request, query_pk):
    query = get_object_or_404(CaseQuery.objects.select_related("case__inspection"), pk=query_pk)
    if not can_answer_query(request.user, query):
        raise Http404
    form = QueryAnswerForm(request.POST, query=query)
    form.is_valid()
    try:
        services.case_query_answer(query=query, user=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        # Show the case page again with the error against the answer and what the user typed.
        show_refusal(form, error)
        return _render_case_with_answer(request, query, form)
    except (services.CaseError, InspectionLocked) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Answer saved. Resubmit the case when you have answered every query.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


def _render_case_with_answer(request, query: CaseQuery, form: QueryAnswerForm):
    case = selectors.case_get(query.case_id)
    page = selectors.case_page(case)
    editable = permissions.can_edit_case(request.user, case)
    return render_case(
        request, case, page, CaseForm(page=page) if editable else None, editable, answer_form=form
    )
