"""The query thread include the assistant inspector's case page embeds."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from cases.selectors.case_pages import case_queries
from cases.services import workflow


def test_thread_shows_every_query_and_an_answer_form_only_for_open_ones(
    case, assistant, quality_assurer, django_assert_max_num_queries
):
    case.status = "submitted"
    case.save()
    first = workflow.case_return(
        case=case, user=quality_assurer, text="Home visits were needed", fact="home_visits"
    )
    workflow.case_query_answer(query=first, user=assistant, answer="Two visits are in the contact log")
    case.refresh_from_db()
    case.status = "submitted"
    case.save()
    workflow.case_return(
        case=case, user=quality_assurer, text="Mention the DA history", key_question_code="2.2.3"
    )

    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = assistant
    with django_assert_max_num_queries(1):
        queries = case_queries(case)
    html = render_to_string(
        "cases/includes/case_queries.html",
        {"case": case, "queries": queries, "can_answer": True},
        request=request,
    )
    assert "Case fact: Home visits made where needed" in html
    assert "Two visits are in the contact log" in html
    assert "2.2.3 Does assessment focus sufficiently on keeping other people safe?" in html
    assert html.count('name="answer"') == 1  # only the open query can be answered
    assert f'value="/cases/{case.pk}/"' in html  # the answer comes back to the case page

    read_only = render_to_string(
        "cases/includes/case_queries.html",
        {"case": case, "queries": queries, "can_answer": False},
        request=request,
    )
    assert 'name="answer"' not in read_only
