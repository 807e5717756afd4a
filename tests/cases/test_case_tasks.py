"""The assistant inspector's case as a task list: each task's page, its status, answering a query on it with the
page's answers, check your answers and submitting, a case reassigned while its inspector types, and "Your cases"."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.errors import REASSIGNED
from cases.forms.case_page import CaseForm
from cases.models import InspectedCase, Judgement
from cases.selectors.case_pages import case_page
from cases.selectors.case_tasks import case_tasks
from cases.services import answers, workflow
from cases.views.case_tasks import CHANGED_SINCE_CHECKED, DRAFT_ANSWER_KEPT, QUERY_ANSWERED
from cases.views.sample import WORK_IN_PROGRESS_MOVED
from tests.factories import InspectedCaseFactory, InspectionFactory, MembershipFactory


def section_url(case, slug):
    return reverse("case_section", args=[case.pk, slug])


def section_data(case, slug, **changes):
    """What a task's page posts when nothing was touched, with some changes."""
    case.refresh_from_db()
    page = case_page(case)
    task = next(task for task in case_tasks(page, answers.case_problems(case)) if task.slug == slug)
    data = dict(CaseForm(page=page, only=task.fields).initial)
    data.update(changes)
    return data


def statuses(html):
    """{task title: status} as the task list shows them."""
    found = re.findall(
        r'aria-describedby="task-[^"]+">([^<]+)</a>.*?id="task-[^"]+-status">(.*?)</div>', html, re.S
    )
    return {title: re.sub(r"<[^>]+>", "", status).strip() for title, status in found}


# The task list


def test_each_task_is_not_started_then_in_progress_then_completed(client, case, assistant, complete_case):
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    assert set(statuses(client.get(url).text).values()) == {"Not started"}

    client.post(section_url(case, "2-3"), section_data(case, "2-3", kq_2_3_1_answer="yes"))
    assert statuses(client.get(url).text)["2.3 Planning"] == "In progress"

    complete_case(InspectedCase.objects.get(pk=case.pk))
    html = client.get(url).text
    assert set(statuses(html).values()) == {"Completed"}
    assert "You have completed 6 of 6 sections." in html


def test_a_task_with_only_its_evidence_missing_is_still_in_progress(client, case, assistant):
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        needs={need.key: {"linked_to_offending": False} for need in case.case_kind.needs},
    )
    client.force_login(assistant)
    found = statuses(client.get(reverse("case_detail", args=[case.pk])).text)
    assert found["Criminogenic needs"] == "Completed"
    assert found["Case facts"] == "Not started"


@pytest.mark.parametrize("page", ["case_section", "case_check"])
def test_task_pages_need_sign_in(client, case, page):
    url = reverse(page, args=[case.pk, "2-2"] if page == "case_section" else [case.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", ["case_section", "case_check"])
def test_task_pages_are_not_found_for_other_inspectors_and_readers(
    client, case, second_assistant, lead, page
):
    url = reverse(page, args=[case.pk, "2-2"] if page == "case_section" else [case.pk])
    for user in (second_assistant, lead):  # the lead reads the case on its page, but changes nothing
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": 1}).status_code == 404
    client.force_login(lead)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200


@pytest.mark.parametrize("page", ["case_section", "case_check"])
def test_task_pages_are_not_found_once_the_case_is_submitted(client, case, assistant, submit_case, page):
    submit_case(case)
    client.force_login(assistant)
    url = reverse(page, args=[case.pk, "2-2"] if page == "case_section" else [case.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200


def test_an_unknown_task_is_not_found(client, case, assistant):
    client.force_login(assistant)
    assert client.get(section_url(case, "9-9")).status_code == 404


def test_a_task_page_saves_only_its_own_fields(client, case, assistant):
    answers.case_save(
        case=case, user=assistant, expected_version=1, judgements={"2.3.1": {"rationale": "Kept."}}
    )
    client.force_login(assistant)
    response = client.post(
        section_url(case, "2-2"),
        {**section_data(case, "2-2", kq_2_2_1_rationale="Mine."), "kq_2_3_1_rationale": "Not on this page."},
    )
    assert response.status_code == 302
    saved = {j.key_question.code: j.rationale for j in Judgement.objects.filter(case=case)}
    assert saved == {"2.2.1": "Mine.", "2.3.1": "Kept."}


def test_each_task_page_keeps_its_own_browser_draft(client, case, assistant):
    client.force_login(assistant)
    html = client.get(section_url(case, "2-2")).text
    assert f'data-draft-key="case-draft:{assistant.pk}:{case.pk}:2-2"' in html


def test_a_save_from_a_stale_task_page_shows_the_conflict_page_posting_back_to_it(client, case, assistant):
    client.force_login(assistant)
    loaded = section_data(case, "2-2")
    answers.case_save(
        case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"rationale": "Theirs."}}
    )
    response = client.post(section_url(case, "2-2"), {**loaded, "kq_2_2_1_rationale": "Mine."})
    assert response.status_code == 409
    html = response.text
    assert f'<form method="post" action="{section_url(case, "2-2")}"' in html
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert client.post(section_url(case, "2-2"), fields).status_code == 302
    assert Judgement.objects.get(case=case).rationale == "Mine."


# Defect 1: a query answered on a task's page keeps what else was typed there


@pytest.fixture
def query(case, lead, submit_case):
    """The lead's query on 2.2.3, with which `case` was returned to its assistant inspector."""
    return workflow.case_return(
        case=submit_case(case), user=lead, text="Say what the police told you.", key_question_code="2.2.3"
    )


def test_saving_a_query_answer_also_saves_the_evidence_changed_on_the_page(client, case, assistant, query):
    client.force_login(assistant)
    data = section_data(
        case,
        "2-2",
        kq_2_2_1_rationale="New evidence typed before answering.",
        action=f"answer:{query.pk}",
    )
    data[f"query-{query.pk}-answer"] = "The police had no callouts."
    response = client.post(section_url(case, "2-2"), data)
    assert response.status_code == 302
    assert response.url == section_url(case, "2-2")
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("The police had no callouts.", "")
    judgement = Judgement.objects.get(case=case, key_question__code="2.2.1")
    assert judgement.rationale == "New evidence typed before answering."
    html = client.get(response.url).text
    assert "New evidence typed before answering." in html
    assert QUERY_ANSWERED in html


@pytest.mark.parametrize("action", ["save", "continue:2-3"])
def test_save_draft_keeps_a_typed_query_answer_as_a_draft_without_sending_it(
    client, case, assistant, lead, query, action
):
    client.force_login(assistant)
    data = section_data(case, "2-2", kq_2_2_1_rationale="Changed.", action=action)
    data[f"query-{query.pk}-answer"] = "Half written: checking with the police."
    response = client.post(section_url(case, "2-2"), data)
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.is_open  # answering is a deliberate act: only "Send answer" sends it
    assert query.draft_answer == "Half written: checking with the police."
    assert Judgement.objects.get(case=case, key_question__code="2.2.1").rationale == "Changed."
    assert DRAFT_ANSWER_KEPT in client.get(response.url).text
    html = client.get(section_url(case, "2-2")).text
    assert ">Half written: checking with the police.</textarea>" in html
    assert f'name="query-{query.pk}-loaded" value="Half written: checking with the police."' in html
    assert "Your draft answer, not sent" in client.get(reverse("case_detail", args=[case.pk])).text
    client.force_login(lead)  # a draft is the assistant inspector's own until they send it
    assert "Half written" not in client.get(reverse("case_detail", args=[case.pk])).text


def test_send_answer_sends_the_saved_draft_as_typed_and_clears_it(client, case, assistant, query):
    client.force_login(assistant)
    data = section_data(case, "2-2", action="save")
    data[f"query-{query.pk}-answer"] = "Draft."
    client.post(section_url(case, "2-2"), data)
    data = section_data(case, "2-2", action=f"answer:{query.pk}")
    data.update({f"query-{query.pk}-answer": "Draft, finished.", f"query-{query.pk}-loaded": "Draft."})
    assert client.post(section_url(case, "2-2"), data).status_code == 302
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("Draft, finished.", "")


def test_an_untouched_draft_answer_saves_nothing(client, case, assistant, query):
    case.refresh_from_db()
    answers.case_save(
        case=case, user=assistant, expected_version=case.version, query_drafts={query.pk: "Kept as it is."}
    )
    client.force_login(assistant)
    data = section_data(case, "2-2", action="save")
    data.update({f"query-{query.pk}-answer": "Kept as it is.", f"query-{query.pk}-loaded": "Kept as it is."})
    version = InspectedCase.objects.get(pk=case.pk).version
    assert client.post(section_url(case, "2-2"), data).status_code == 302
    assert InspectedCase.objects.get(pk=case.pk).version == version


def test_an_empty_query_answer_is_refused_keeping_the_pages_evidence(client, case, assistant, query):
    client.force_login(assistant)
    data = section_data(case, "2-2", kq_2_2_1_rationale="Evidence kept.", action=f"answer:{query.pk}")
    data[f"query-{query.pk}-answer"] = "  "
    response = client.post(section_url(case, "2-2"), data)
    assert response.status_code == 200
    html = response.text
    assert "<title>Error:" in html
    assert f'<a href="#query-answer-{query.pk}">{workflow.QUERY_ANSWER_MISSING}</a>' in html
    assert "Evidence kept." in html
    assert Judgement.objects.get(case=case, key_question__code="2.2.1").rationale == "Evidence kept."
    query.refresh_from_db()
    assert query.is_open


def test_a_query_is_answered_on_its_tasks_page_not_another(client, case, assistant, query):
    client.force_login(assistant)
    assert f'name="query-{query.pk}-answer"' in client.get(section_url(case, "2-2")).text
    assert "Say what the police told you." not in client.get(section_url(case, "2-3")).text


def test_a_query_on_a_need_is_answered_on_the_needs_page(client, case, assistant, lead, submit_case):
    query = workflow.case_return(case=submit_case(case), user=lead, text="Was drug use linked?", need="drugs")
    client.force_login(assistant)
    assert f'name="query-{query.pk}-answer"' in client.get(section_url(case, "needs")).text
    assert "Was drug use linked?" not in client.get(section_url(case, "2-2")).text


def test_a_task_page_answering_a_query_runs_a_fixed_number_of_queries(
    client, case, assistant, query, django_assert_max_num_queries
):
    client.force_login(assistant)
    with django_assert_max_num_queries(17):
        assert client.get(section_url(case, "2-2")).status_code == 200


def hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


@pytest.mark.parametrize("action", ["save", "answer"])
def test_a_conflict_shows_the_typed_query_answer_and_keeping_my_version_keeps_it(
    client, case, assistant, query, action
):
    client.force_login(assistant)
    action = f"answer:{query.pk}" if action == "answer" else action
    loaded = section_data(case, "2-2", kq_2_2_1_rationale="Mine.", action=action)
    loaded[f"query-{query.pk}-answer"] = "Typed on the tablet, not to be lost."
    case.refresh_from_db()
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=case.version,
        judgements={"2.2.1": {"rationale": "Theirs."}},
    )

    response = client.post(section_url(case, "2-2"), loaded)
    assert response.status_code == 409
    html = response.text
    assert re.search(r"<td[^>]*>Typed on the tablet, not to be lost\.</td>", html)  # shown, to copy
    fields = hidden_fields(html)
    assert fields[f"query-{query.pk}-answer"] == "Typed on the tablet, not to be lost."
    assert fields["action"] == action
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("", "")  # nothing saved until the user chooses

    assert client.post(section_url(case, "2-2"), fields).status_code == 302  # "Keep my version"
    query.refresh_from_db()
    if action == "save":
        assert (query.answer, query.draft_answer) == ("", "Typed on the tablet, not to be lost.")
    else:
        assert (query.answer, query.draft_answer) == ("Typed on the tablet, not to be lost.", "")
    assert Judgement.objects.get(case=case, key_question__code="2.2.1").rationale == "Mine."


# Check your answers


def test_check_your_answers_shows_every_answer_with_a_change_link_to_its_field(
    client, case, assistant, complete_case
):
    complete_case(case)
    client.force_login(assistant)
    html = client.get(reverse("case_check", args=[case.pk])).text
    assert "Check your answers before submitting the case" in html
    assert "govuk-summary-list" in html
    page = case_page(InspectedCase.objects.get(pk=case.pk))
    for item in page.key_question_items:
        assert (
            f'href="{section_url(case, item.key_question.standard.code.replace(".", "-"))}#{item.answer_field}"'
            in html
        )
    for fact in page.facts:
        assert f'href="{section_url(case, "case-facts")}#{fact.name}"' in html
    for need in page.needs:
        assert f'href="{section_url(case, "needs")}#{need.linked_field}"' in html
    assert "Not answered" not in html
    assert html.count(">Change<") == len(page.key_question_items) + len(page.facts) + len(page.needs)


def test_submitting_from_check_your_answers_submits_the_case(client, case, assistant, complete_case):
    case = complete_case(case)
    client.force_login(assistant)
    response = client.post(reverse("case_check", args=[case.pk]), {"version": case.version})
    assert response.status_code == 302
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.SUBMITTED
    assert "has been submitted" in client.get(response.url).text


def test_a_case_changed_since_its_answers_were_checked_is_not_submitted(
    client, case, assistant, complete_case
):
    case = complete_case(case)
    checked = case.version
    answers.case_save(
        case=case, user=assistant, expected_version=checked, judgements={"2.2.1": {"answer": "no"}}
    )
    client.force_login(assistant)
    response = client.post(reverse("case_check", args=[case.pk]), {"version": checked})
    assert response.url == reverse("case_check", args=[case.pk])
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.IN_PROGRESS
    assert CHANGED_SINCE_CHECKED.format(case=case.reference) in client.get(response.url).text


# Defect 2: the case reassigned while its assistant inspector types


@pytest.fixture
def reassigned(case, lead, second_assistant):
    """`case`, in progress with `assistant`, reassigned by the lead to the second assistant inspector."""
    answers.case_save(
        case=case, user=case.assistant_inspector, expected_version=1, facts={"home_visits": "made"}
    )
    workflow.cases_assign(
        inspection=case.inspection, case_ids=[case.pk], assistant_inspector=second_assistant, user=lead
    )
    return case


def test_saving_a_reassigned_case_says_so_and_shows_what_was_typed_to_copy(
    client, case, assistant, reassigned
):
    client.force_login(assistant)
    data = section_data(case, "2-2", kq_2_2_1_answer="no", kq_2_2_1_rationale="Typed while it moved.")
    response = client.post(section_url(case, "2-2"), {**data, "action": "save"})
    assert response.status_code == 403
    html = response.text
    assert "This case has been reassigned" in html
    assert "Lena Okafor reassigned case" in html
    assert "to Ben Clarke" in html
    assert "Typed while it moved." in html
    assert "What you typed has not been saved" in html
    assert not Judgement.objects.filter(case=case).exists()


@pytest.mark.parametrize("page", ["case_detail", "case_check"])
def test_every_case_page_says_a_case_was_reassigned(client, case, assistant, reassigned, page):
    client.force_login(assistant)
    response = client.get(reverse(page, args=[case.pk]))
    assert response.status_code == 403
    assert "This case has been reassigned" in response.text
    assert client.post(reverse(page, args=[case.pk]), {"version": 2}).status_code == 403


def test_a_case_that_was_never_yours_is_still_not_found(client, case, second_assistant):
    client.force_login(second_assistant)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404


def test_the_api_answers_a_change_to_a_reassigned_case_with_a_problem(case, assistant, reassigned):
    client = APIClient()
    client.force_authenticate(assistant)
    response = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"facts": {"home_visits": "not_made"}},
        format="json",
        HTTP_IF_MATCH=f'"{case.pk}-2"',
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("case-reassigned")
    assert "reassigned to Ben Clarke" in body["detail"]
    assert body["detail"].startswith(REASSIGNED.split("{")[0] + case.reference)


def test_the_lead_is_told_the_case_was_in_progress_when_reassigning_it(
    client, case, assistant, lead, second_assistant
):
    answers.case_save(case=case, user=assistant, expected_version=1, facts={"home_visits": "made"})
    untouched = InspectedCaseFactory(inspection=case.inspection, assistant_inspector=assistant)
    client.force_login(lead)
    response = client.post(
        reverse("inspections:assignment", args=[case.inspection.pk]),
        {"cases": [case.pk, untouched.pk], "assistant_inspector": second_assistant.pk},
        follow=True,
    )
    expected = WORK_IN_PROGRESS_MOVED.format(references=case.reference, verb="was", who="Amira Hussain")
    assert expected in response.text
    assert untouched.reference not in expected


# Your cases


def test_your_cases_lists_returned_and_not_started_cases_first(client, inspection, assistant, lead):
    made = {
        status: InspectedCaseFactory(
            inspection=inspection, assistant_inspector=assistant, reference=reference
        )
        for reference, status in [
            ("A-APPROVED", InspectedCase.Status.APPROVED),
            ("B-PROGRESS", InspectedCase.Status.IN_PROGRESS),
            ("C-SUBMITTED", InspectedCase.Status.SUBMITTED),
            ("D-NOTSTARTED", InspectedCase.Status.NOT_STARTED),
            ("E-RETURNED", InspectedCase.Status.RETURNED),
        ]
    }
    for status, case in made.items():
        InspectedCase.objects.filter(pk=case.pk).update(status=status)
    client.force_login(assistant)
    html = client.get(reverse("case_list")).text
    order = re.findall(r">([A-E]-[A-Z]+)</a>", html)
    assert order == ["E-RETURNED", "D-NOTSTARTED", "B-PROGRESS", "A-APPROVED", "C-SUBMITTED"]


def test_your_cases_filter_by_status_and_inspection(client, inspection, assistant):
    InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference="MINE-1")
    returned = InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference="MINE-2")
    InspectedCase.objects.filter(pk=returned.pk).update(status=InspectedCase.Status.RETURNED)
    other = InspectionFactory()
    MembershipFactory(inspection=other, user=assistant)
    InspectedCaseFactory(inspection=other, assistant_inspector=assistant, reference="OTHER-1")
    client.force_login(assistant)
    url = reverse("case_list")

    html = client.get(url, {"status": "returned"}).text
    assert re.findall(r">(MINE-\d|OTHER-\d)</a>", html) == ["MINE-2"]
    assert '<option value="returned" selected>' in html
    html = client.get(url, {"inspection": other.pk}).text
    assert re.findall(r">(MINE-\d|OTHER-\d)</a>", html) == ["OTHER-1"]
    assert f'<option value="{other.pk}" selected>' in html
    html = client.get(url, {"status": "approved"}).text
    assert "None of your cases match these filters." in html
    html = client.get(url, {"status": "nonsense", "inspection": "x"}).text  # ignored, not an error
    assert set(re.findall(r">(MINE-\d|OTHER-\d)</a>", html)) == {"MINE-1", "MINE-2", "OTHER-1"}


def test_a_history_page_goes_back_to_its_tasks_page_or_to_the_read_only_case(client, case, assistant, lead):
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.3.1": {"answer": "yes"}})
    url = reverse("judgement_history", args=[case.pk, "2.3.1"])
    client.force_login(assistant)
    assert f'<a href="{section_url(case, "2-3")}" class="govuk-back-link">' in client.get(url).text
    client.force_login(lead)
    back = reverse("case_detail", args=[case.pk]) + "#section-2-3"
    assert f'<a href="{back}" class="govuk-back-link">' in client.get(url).text
