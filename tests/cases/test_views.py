import re

import pytest
from django.urls import reverse

from cases.forms.case_page import CaseForm
from cases.models import CaseFact, InspectedCase, Judgement
from cases.selectors.case_pages import case_page
from cases.selectors.case_tasks import case_tasks
from cases.services import answers, workflow
from inspections.models import Inspection
from tests.factories import InspectedCaseFactory, InspectionFactory, MembershipFactory, UserFactory


def form_data(case, **changes):
    """What the whole case's form posts when nothing was touched (the conflict page's "Keep my version" posts every
    field to the case page), with some changes."""
    data = dict(CaseForm(page=case_page(case)).initial)
    data.update(changes)
    return data


def section_url(case, slug):
    return reverse("case_section", args=[case.pk, slug])


def section_data(case, slug, **changes):
    """What a task's page of the case posts when nothing was touched, with some changes."""
    page = case_page(case)
    task = next(task for task in case_tasks(page, answers.case_problems(case)) if task.slug == slug)
    data = dict(CaseForm(page=page, only=task.fields).initial)
    data.update(changes)
    return data


# Your cases


def test_your_cases_lists_assigned_cases_with_status_and_progress(client, case, assistant):
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    client.force_login(assistant)
    response = client.get(reverse("case_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert "1 of 12 key questions answered" in html
    assert "In progress" in html


def test_your_cases_leaves_out_other_inspectors_cases_and_locked_inspections(client, case, assistant):
    InspectedCaseFactory(inspection=case.inspection, assistant_inspector=UserFactory(), reference="OTHER01")
    locked = InspectionFactory(status=Inspection.Status.LOCKED)
    MembershipFactory(inspection=locked, user=assistant)
    InspectedCaseFactory(inspection=locked, assistant_inspector=assistant, reference="LOCKED01")
    not_member = InspectionFactory()
    InspectedCaseFactory(inspection=not_member, assistant_inspector=assistant, reference="NOTMEMBER01")
    client.force_login(assistant)
    html = client.get(reverse("case_list")).content.decode()
    assert case.reference in html
    assert "OTHER01" not in html
    assert "LOCKED01" not in html
    assert "NOTMEMBER01" not in html


def test_your_cases_needs_sign_in_and_comes_back(client, db):
    response = client.get(reverse("case_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('case_list')}"


def test_your_cases_runs_a_fixed_number_of_queries(
    client, inspection, assistant, django_assert_max_num_queries
):
    for _ in range(3):
        InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
    client.force_login(assistant)
    # Session, user, inspections to filter by, cases, their answers that still apply.
    with django_assert_max_num_queries(5) as few:
        client.get(reverse("case_list"))
    other = InspectionFactory()
    MembershipFactory(inspection=other, user=assistant)
    for _ in range(20):
        InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
        InspectedCaseFactory(inspection=other, assistant_inspector=assistant)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("case_list"))


# The case page


def test_case_page_shows_every_standard_of_its_kind_with_its_key_questions_and_prompts(
    client, case, assistant, framework
):
    client.force_login(assistant)
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for slug, title in [
        ("2-2", "2.2 Assessment"),
        ("2-3", "2.3 Planning"),
        ("2-4", "2.4 Implementation and delivery"),
        ("2-5", "2.5 Reviewing"),
        ("case-facts", "Case facts"),
        ("needs", "Criminogenic needs"),
    ]:
        assert f'href="{section_url(case, slug)}" aria-describedby="task-{slug}-status">{title}</a>' in html
    assert html.count('govuk-tag--blue">Not started</strong>') == 6
    assert "Court work" not in html  # asked of court-report cases, not of a supervision case
    assert "<textarea" not in html  # the questions are on each task's page
    assert f'href="{reverse("case_check", args=[case.pk])}"' in html

    html = client.get(section_url(case, "2-2")).content.decode()
    kq = framework.standards.get(code="2.2").key_questions.get(code="2.2.1")
    assert kq.wording in html
    assert kq.prompts[0] in html
    assert 'id="kq_2_5_3_answer"' not in html  # only this task's questions
    html = client.get(section_url(case, "needs")).content.decode()
    for need in framework.definition.case_kind("supervision").needs:
        assert f'id="need_{need.key}_linked"' in html
    html = client.get(section_url(case, "2-5")).content.decode()
    assert 'id="kq_2_5_3_answer"' in html
    assert 'id="kq_2_5_3_rationale"' in html
    assert client.get(section_url(case, "2-1")).status_code == 404  # court work: not this kind's


def test_saving_a_draft_keeps_answers_and_redirects_back(client, case, assistant):
    client.force_login(assistant)
    url = section_url(case, "2-2")
    response = client.post(
        url,
        section_data(case, "2-2", kq_2_2_1_answer="no", kq_2_2_1_rationale="No induction.", action="save"),
    )
    assert response.status_code == 302
    assert response.url == url
    judgement = Judgement.objects.get(case=case)
    assert (judgement.answer, judgement.rationale, judgement.updated_by) == ("no", "No induction.", assistant)
    page = client.get(url).content.decode()
    assert "No induction." in page
    assert "have been saved" in page
    assert "Changed 1 time" in page


def test_an_untouched_form_creates_no_blank_answers(client, case, assistant):
    client.force_login(assistant)
    client.post(reverse("case_detail", args=[case.pk]), form_data(case))
    assert not Judgement.objects.filter(case=case).exists()
    assert not case.needs.exists()


def test_save_and_continue_goes_to_the_next_section(client, case, assistant):
    client.force_login(assistant)
    response = client.post(
        section_url(case, "2-2"), section_data(case, "2-2", kq_2_2_1_answer="yes", action="continue:2-3")
    )
    assert response.url == section_url(case, "2-3")
    response = client.post(section_url(case, "needs"), section_data(case, "needs", action="continue:check"))
    assert response.url == reverse("case_check", args=[case.pk])
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "In progress</strong>" in html  # 2.2 is started, not finished


def test_submitting_an_incomplete_case_lists_every_missing_item_linked_to_its_field(client, case, assistant):
    client.force_login(assistant)
    client.post(section_url(case, "2-2"), section_data(case, "2-2", kq_2_2_1_answer="yes"))
    case.refresh_from_db()
    response = client.post(reverse("case_check", args=[case.pk]), {"version": case.version})
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    targets = re.findall(r'href="([^"]+)"', summary)
    problems = answers.case_problems(InspectedCase.objects.get(pk=case.pk))
    assert [target.split("#")[1] for target in targets] == [problem.field for problem in problems]
    assert (
        targets[0] == section_url(case, "2-2") + "#kq_2_2_1_rationale"
    )  # each links to the field on its page
    assert 'id="kq_2_2_1_rationale"' in client.get(section_url(case, "2-2")).content.decode()
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.IN_PROGRESS
    assert "<title>Error:" in html


def test_submitting_a_complete_case_makes_it_read_only(client, case, assistant, complete_case):
    case = complete_case(case)
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    response = client.post(url, form_data(case, action="submit"))
    assert response.status_code == 302
    assert InspectedCase.objects.get(pk=case.pk).status == InspectedCase.Status.SUBMITTED
    html = client.get(url).content.decode()
    assert "has been submitted" in html
    assert "<textarea" not in html
    assert 'type="radio"' not in html
    assert "Evidence in the notes." in html


def test_a_submitted_case_cannot_be_saved(client, case, assistant, submit_case):
    case = submit_case(case)
    client.force_login(assistant)
    response = client.post(reverse("case_detail", args=[case.pk]), form_data(case, kq_2_2_1_answer="no"))
    assert response.status_code == 404
    assert Judgement.objects.get(case=case, key_question__code="2.2.1").answer == "yes"


def test_a_case_returned_by_the_lead_can_be_changed_again(client, case, assistant):
    InspectedCase.objects.filter(pk=case.pk).update(status=InspectedCase.Status.RETURNED)
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    assert "Not started</strong>" in client.get(url).content.decode()
    assert "<textarea" in client.get(section_url(case, "2-2")).content.decode()
    assert client.post(url, form_data(case, kq_2_2_1_answer="no")).status_code == 302
    assert Judgement.objects.get(case=case).answer == "no"


def test_a_save_from_an_old_version_shows_both_versions_with_409(client, case, assistant):
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    loaded = form_data(case)
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        judgements={"2.2.1": {"answer": "yes", "rationale": "Theirs."}},
    )
    response = client.post(url, {**loaded, "kq_2_2_1_answer": "no", "kq_2_2_1_rationale": "Mine."})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Mine." in html
    assert "Theirs." in html
    assert "Changed by both" in html
    assert Judgement.objects.get(case=case).rationale == "Theirs."

    response = client.post(url, hidden_inputs(html))  # keep my version
    assert response.status_code == 302
    assert Judgement.objects.get(case=case).rationale == "Mine."


def hidden_inputs(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_keeping_my_version_keeps_their_other_changes(client, case, assistant):
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    loaded = form_data(case)
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        judgements={"2.2.1": {"answer": "yes", "rationale": "Theirs."}},
        facts={"home_visits": "made"},
    )
    response = client.post(url, {**loaded, "kq_2_3_1_answer": "no", "kq_2_3_1_rationale": "Mine."})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-field="kq_2_3_1_rationale"' in html
    assert "Changed by both" not in html
    assert "3 other saved changes" in html
    assert "Theirs." in html

    assert client.post(url, hidden_inputs(html)).status_code == 302
    saved = {j.key_question.code: (j.answer, j.rationale) for j in Judgement.objects.filter(case=case)}
    assert saved == {"2.2.1": ("yes", "Theirs."), "2.3.1": ("no", "Mine.")}
    assert CaseFact.objects.get(case=case, key="home_visits").value == "made"


def test_a_save_changes_only_what_the_user_changed(client, case, assistant):
    client.force_login(assistant)
    loaded = form_data(case)
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    # The same person, in the tab they have kept open, reloads the version only (as after a conflict).
    stale = {**loaded, "version": 2, "kq_2_2_1_rationale": "Evidence added later."}
    assert client.post(reverse("case_detail", args=[case.pk]), stale).status_code == 302
    judgement = Judgement.objects.get(case=case)
    assert (judgement.answer, judgement.rationale) == ("yes", "Evidence added later.")


def test_an_invalid_choice_re_renders_with_the_users_input(client, case, assistant):
    client.force_login(assistant)
    response = client.post(
        reverse("case_detail", args=[case.pk]),
        form_data(case, kq_2_2_1_answer="maybe", kq_2_2_1_rationale="Kept text"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#kq_2_2_1_answer"' in html
    assert "Kept text" in html


@pytest.mark.parametrize("page", ["case_detail", "case_section", "case_check"])
def test_case_pages_run_a_fixed_number_of_queries(
    client, case, assistant, complete_case, django_assert_max_num_queries, page
):
    client.force_login(assistant)
    url = reverse(page, args=[case.pk, "2-2"] if page == "case_section" else [case.pk])
    # 16: the page's own reads (the case's key questions, judgements, needs and facts, each with its history, and
    # the case's history for the attributes recorded on it), what is still missing (judgements, facts, needs), the
    # queries thread, session and user.
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    complete_case(case)
    for version in range(2, 5):
        answers.case_save(
            case=case,
            user=assistant,
            expected_version=version,
            judgements={"2.2.1": {"answer": "yes", "rationale": f"Change {version}"}},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if page == "case_section":
        assert "Changed 4 times" in response.content.decode()


# Permissions


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_sign_in(client, case, method):
    url = reverse("case_detail", args=[case.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_inspectors_case_is_not_found(client, case, second_assistant, method):
    client.force_login(second_assistant)
    assert getattr(client, method)(reverse("case_detail", args=[case.pk])).status_code == 404


def test_a_case_in_an_inspection_the_user_is_not_a_member_of_is_not_found(client, assistant):
    elsewhere = InspectedCaseFactory(assistant_inspector=assistant)
    client.force_login(assistant)
    assert client.get(reverse("case_detail", args=[elsewhere.pk])).status_code == 404
    url = reverse("judgement_history", args=[elsewhere.pk, "2.2.1"])
    assert client.get(url).status_code == 404


def test_a_missing_case_is_not_found(client, assistant):
    client.force_login(assistant)
    assert client.get(reverse("case_detail", args=[99999])).status_code == 404


def test_a_case_in_a_locked_inspection_is_read_only(client, case, assistant, inspection):
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    assert "<textarea" not in client.get(url).content.decode()
    assert client.post(url, form_data(case)).status_code == 404


def test_the_lead_reads_a_case_but_cannot_change_it(client, case, lead):
    client.force_login(lead)
    url = reverse("case_detail", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()
    assert client.post(url, form_data(case)).status_code == 404


# History


def test_history_shows_who_changed_an_answer_and_what_it_was_before(client, case, assistant):
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        judgements={"2.2.1": {"answer": "yes", "rationale": "First."}},
    )
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=2,
        judgements={"2.2.1": {"answer": "no", "rationale": "Second."}},
    )
    client.force_login(assistant)
    response = client.get(reverse("judgement_history", args=[case.pk, "2.2.1"]))
    assert response.status_code == 200
    rows = response.context["changes"]
    assert [(r.answer_before, r.answer_after, r.rationale_before, r.rationale_after) for r in rows] == [
        ("Yes", "No", "First.", "Second."),
        ("", "Yes", "", "First."),
    ]
    assert "Amira Hussain" in response.content.decode()


def test_history_includes_changes_made_outside_the_case_page(client, case, assistant, superuser):
    """Case data is read-only in the admin (tests/security/test_admin.py); a change saved any other way, here an
    administrator's data fix, shows in the history with who made it."""
    answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        judgements={"2.2.1": {"answer": "yes", "rationale": "Mine."}},
    )
    judgement = Judgement.objects.get(case=case)
    judgement.answer, judgement.rationale = "no", "Moderated."
    judgement._history_user = superuser
    judgement.save()

    client.force_login(assistant)
    assert "Changed 2 times" in client.get(section_url(case, "2-2")).content.decode()
    html = client.get(reverse("judgement_history", args=[case.pk, "2.2.1"])).content.decode()
    assert "Ada Admin" in html
    assert "Moderated." in html


def test_history_of_an_unknown_key_question_is_not_found(client, case, assistant):
    client.force_login(assistant)
    assert client.get(reverse("judgement_history", args=[case.pk, "9.9.9"])).status_code == 404


def test_a_case_fact_shows_how_often_it_changed_and_its_history(client, case, assistant):
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    client.post(url, form_data(case, fact_home_visits="not_made"))
    client.post(url, form_data(InspectedCase.objects.get(pk=case.pk), fact_home_visits="made"))
    client.post(url, form_data(InspectedCase.objects.get(pk=case.pk), kq_2_2_1_answer="yes"))
    html = client.get(section_url(case, "case-facts")).content.decode()
    assert (
        'Changed 2 times<span class="govuk-visually-hidden">: history of Home visits made where needed'
        in html
    )
    response = client.get(reverse("fact_history", args=[case.pk, "home_visits"]))
    rows = [(change.answer_before, change.answer_after) for change in response.context["changes"]]
    assert rows == [("Not made", "Made"), ("", "Not made")]
    assert client.get(reverse("fact_history", args=[case.pk, "status"])).status_code == 404


def test_a_need_shows_how_often_it_changed_and_its_history(client, case, assistant):
    client.force_login(assistant)
    url = reverse("case_detail", args=[case.pk])
    client.post(url, form_data(case, need_drugs_linked="yes", need_drugs_addressed="no"))
    client.post(url, form_data(InspectedCase.objects.get(pk=case.pk), need_drugs_addressed="yes"))
    assert "history of Drugs" in client.get(section_url(case, "needs")).content.decode()
    response = client.get(reverse("need_history", args=[case.pk, "drugs"]))
    rows = [(change.answer_before, change.answer_after) for change in response.context["changes"]]
    assert rows == [
        (
            "Linked to offending; sufficiently addressed: no",
            "Linked to offending; sufficiently addressed: yes",
        ),
        ("", "Linked to offending; sufficiently addressed: no"),
    ]
    assert client.get(reverse("need_history", args=[case.pk, "gambling"])).status_code == 404


def test_demo_answers_are_recorded_as_given_by_their_assistant_inspector(db):
    from cases.demo import seed_demo

    seed_demo()
    judgement = Judgement.objects.select_related("case__assistant_inspector").first()
    assert judgement.history.get().history_user == judgement.case.assistant_inspector


def test_a_returned_case_shows_the_leads_query_with_a_form_to_answer_it(
    client, case, assistant, lead, submit_case
):
    workflow.case_return(
        case=submit_case(case), user=lead, text="Say what the police told you.", key_question_code="2.2.3"
    )
    client.force_login(assistant)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Say what the police told you." in html
    # answered on the page of the task it is about, with that page's answers
    assert f'href="{section_url(case, "2-2")}#query-answer-' in html
    html = client.get(section_url(case, "2-2")).content.decode()
    assert "Say what the police told you." in html
    assert 'id="query-answer-' in html
    assert "<textarea" in html  # the case itself is editable again


@pytest.fixture
def query(case, lead, submit_case):
    """The lead's query on home visits, with which `case` was returned to its assistant inspector."""
    return workflow.case_return(
        case=submit_case(case), user=lead, text="Say what the police told you.", fact="home_visits"
    )


def test_an_empty_query_answer_shows_an_error_summary_and_an_inline_error(client, case, assistant, query):
    client.force_login(assistant)
    response = client.post(
        reverse("inspections:query_answer", args=[query.pk]), {"answer": "  ", "next": f"/cases/{case.pk}/"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert f'<a href="#query-answer-{query.pk}">{workflow.QUERY_ANSWER_MISSING}</a>' in summary
    assert f'id="query-answer-{query.pk}-error"' in html
    assert "govuk-textarea--error" in html
    assert f'aria-describedby="query-answer-{query.pk}-error"' in html
    assert f'value="/cases/{case.pk}/"' in html  # the next answer still comes back to the case page
    query.refresh_from_db()
    assert query.is_open


def test_a_refused_query_answer_keeps_what_the_user_typed(client, assistant, query):
    client.force_login(assistant)
    typed = "The police said " + "x" * answers.EVIDENCE_MAX_LENGTH
    response = client.post(reverse("inspections:query_answer", args=[query.pk]), {"answer": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert answers.QUERY_ANSWER_TOO_LONG.format(limit=answers.EVIDENCE_MAX_LENGTH) in html
    assert "must be 5,000 characters or less" in html
    assert f">{typed}</textarea>" in html
    query.refresh_from_db()
    assert query.is_open


def test_a_query_answer_saves_and_goes_back_to_the_case_page(client, case, assistant, query):
    client.force_login(assistant)
    response = client.post(
        reverse("inspections:query_answer", args=[query.pk]),
        {"answer": "Two visits are in the log.", "next": f"/cases/{case.pk}/"},
    )
    assert response.url == f"/cases/{case.pk}/"
    query.refresh_from_db()
    assert query.answer == "Two visits are in the log."


# Conflicts


def stale_submit(client, case, assistant, saved_by):
    """Load the page of the complete case, let saved_by save it meanwhile, then press "Submit case" on the stale
    page."""
    loaded = form_data(case)
    answers.case_save(
        case=case,
        user=saved_by,
        expected_version=case.version,
        judgements={"2.2.1": {"rationale": "Theirs."}},
    )
    client.force_login(assistant)
    return client.post(
        reverse("case_detail", args=[case.pk]),
        {**loaded, "kq_2_3_1_rationale": "Mine.", "action": "submit"},
    )


def test_keeping_my_version_after_a_conflicting_submit_submits_the_case(
    client, case, assistant, complete_case
):
    response = stale_submit(client, complete_case(case), assistant, saved_by=assistant)
    assert response.status_code == 409
    html = response.content.decode()
    assert hidden_inputs(html)["action"] == "submit"
    assert "Keep my version and submit" in html

    response = client.post(reverse("case_detail", args=[case.pk]), hidden_inputs(html))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED
    saved = {j.key_question.code: j.rationale for j in Judgement.objects.filter(case=case)}
    assert (saved["2.2.1"], saved["2.3.1"]) == ("Theirs.", "Mine.")


def test_keeping_my_version_after_a_conflicting_submit_still_checks_the_case_is_complete(
    client, case, assistant
):
    client.force_login(assistant)
    loaded = form_data(case)
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    url = reverse("case_detail", args=[case.pk])
    html = client.post(url, {**loaded, "kq_2_3_1_answer": "no", "action": "submit"}).content.decode()
    response = client.post(url, hidden_inputs(html))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.IN_PROGRESS
    assert Judgement.objects.get(case=case, key_question__code="2.3.1").answer == "no"


def test_the_conflict_page_keeps_save_and_continue_and_ignores_unknown_actions(client, case, assistant):
    client.force_login(assistant)
    loaded = form_data(case)
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    url = reverse("case_detail", args=[case.pk])
    # (an untouched page has nothing to save, so it goes on without a conflict)
    html = client.post(url, {**loaded, "kq_2_3_1_answer": "no", "action": "continue:2-3"}).content.decode()
    assert hidden_inputs(html)["action"] == "continue:2-3"
    html = client.post(url, {**loaded, "kq_2_3_1_answer": "no", "action": "approve"}).content.decode()
    assert hidden_inputs(html)["action"] == "save"
    assert "Keep my version and submit" not in html


def test_the_conflict_page_says_you_saved_it_when_it_was_your_other_tab(
    client, case, assistant, complete_case
):
    html = stale_submit(client, complete_case(case), assistant, saved_by=assistant).content.decode()
    assert "This case was saved after you opened it" in html
    assert "You saved it at" in html
    assert "Amira Hussain saved it" not in html
    assert "Someone else" not in html


def test_the_conflict_page_names_whoever_else_saved_it(client, case, assistant, complete_case):
    other = UserFactory(first_name="Ben", last_name="Okafor")
    html = stale_submit(client, complete_case(case), assistant, saved_by=other).content.decode()
    assert "This case was saved after you opened it" in html
    assert "Ben Okafor saved it at" in html
    assert "You saved it" not in html


# What the page says about changing a case


def test_an_approved_case_says_it_cannot_be_changed_without_promising_a_return(client, case, assistant):
    InspectedCase.objects.filter(pk=case.pk).update(status=InspectedCase.Status.APPROVED)
    client.force_login(assistant)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "This case has been approved. It cannot be changed." in html
    assert "returns it" not in html


def test_a_submitted_case_says_quality_assurance_or_the_lead_can_return_it(client, case, assistant):
    InspectedCase.objects.filter(pk=case.pk).update(status=InspectedCase.Status.SUBMITTED)
    client.force_login(assistant)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "unless a quality assurer or the lead inspector returns it" in html
    assert "unless a lead inspector returns it" not in html


def test_the_submit_warning_says_who_can_return_the_case(client, case, assistant):
    client.force_login(assistant)
    html = client.get(reverse("case_check", args=[case.pk])).content.decode()
    assert "unless a quality assurer or the lead inspector returns it to you" in html
    assert "Once it is approved, it cannot be changed." in html


# Needs wording and evidence length


def test_every_need_is_asked_about_grammatically(client, case, assistant):
    client.force_login(assistant)
    html = client.get(section_url(case, "needs")).content.decode()
    assert "Is the drugs need linked to offending?" in html
    assert "Was the attitudes need sufficiently addressed?" in html
    assert "Is the education, training and employment need linked to offending?" in html
    assert "Is drugs linked" not in html
    history = client.get(reverse("need_history", args=[case.pk, "relationships"])).content.decode()
    assert "Is the relationships need linked to offending and, if so, sufficiently addressed?" in history


def test_too_long_evidence_is_refused_against_its_field_keeping_the_text(client, case, assistant):
    client.force_login(assistant)
    typed = "y" * (answers.EVIDENCE_MAX_LENGTH + 1)
    response = client.post(
        reverse("case_detail", args=[case.pk]),
        form_data(case, kq_2_2_1_answer="yes", kq_2_2_1_rationale=typed),
    )
    assert response.status_code == 200
    html = response.content.decode()
    message = "Evidence for your judgement on 2.2.1 must be 5,000 characters or less"
    assert f'<a href="#kq_2_2_1_rationale">{message}</a>' in html
    assert 'id="kq_2_2_1_rationale-error"' in html
    assert typed in html
    assert not Judgement.objects.filter(case=case).exists()


def test_long_evidence_wraps_on_the_history_page(client, case, assistant):
    answers.case_save(
        case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"rationale": "z" * 3000}}
    )
    client.force_login(assistant)
    html = client.get(reverse("judgement_history", args=[case.pk, "2.2.1"])).content.decode()
    cell = html.split("z" * 3000)[0].rsplit("<td", 1)[1]
    assert "app-break-anywhere" in cell  # see assets/scss/application.scss
