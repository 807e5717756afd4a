"""The lead's tools: sharing cases evenly, bulk approval, the case review's history and what changed since the
query, queries on a need, and moderation (un-choosing, resolving with a reason, agreement with kappa and AC1)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import errors
from cases.models import Answer, CaseQuery, InspectedCase, Judgement, SecondJudgement, SecondMarking
from cases.services import answers, moderation, workflow
from inspections.models import Role
from tests.factories import InspectedCaseFactory, JudgementFactory, team_member

# Sharing evenly: the arithmetic.


@pytest.mark.parametrize(
    ("count", "loads", "sizes"),
    [
        (9, {"a": 0, "b": 0, "c": 0}, {"a": 3, "b": 3, "c": 3}),
        (10, {"a": 0, "b": 0, "c": 0}, {"a": 4, "b": 3, "c": 3}),  # a tie: the first in the given order
        (11, {"a": 0, "b": 0, "c": 0}, {"a": 4, "b": 4, "c": 3}),
        (10, {"a": 5, "b": 0, "c": 2}, {"a": 3, "b": 4, "c": 3}),  # the remainder to the least loaded
        (11, {"a": 5, "b": 0, "c": 2}, {"a": 3, "b": 4, "c": 4}),
        (2, {"a": 1, "b": 1, "c": 0}, {"a": 1, "b": 0, "c": 1}),  # fewer items than people
        (0, {"a": 0, "b": 0}, {"a": 0, "b": 0}),
        (7, {"a": 3}, {"a": 7}),
    ],
)
def test_even_share_gives_each_the_same_and_the_remainder_to_the_least_loaded(count, loads, sizes):
    shares = workflow.even_share(list(range(count)), loads)
    assert {member: len(items) for member, items in shares.items()} == sizes
    assert sorted(item for items in shares.values() for item in items) == list(range(count))


def test_even_share_keeps_each_members_items_consecutive_and_needs_someone_to_share_with():
    assert workflow.even_share(["A", "B", "C", "D", "E"], {"x": 0, "y": 0}) == {
        "x": ["A", "B", "C"],
        "y": ["D", "E"],
    }
    assert workflow.even_share(["A"], {}) == {}


def test_sharing_with_nothing_selected_shares_the_unassigned_cases(
    inspection, lead, assistant, second_assistant
):
    InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference="OLD1")
    unassigned = [InspectedCaseFactory(inspection=inspection, reference=f"NEW{n}") for n in range(5)]
    plan = workflow.share_evenly_plan(inspection=inspection, case_ids=[])
    # Amira has one case already, so Ben gets the odd one.
    assert {member.username: [c.reference for c in cases] for member, cases in plan.items()} == {
        "amira": ["NEW0", "NEW1"],
        "ben": ["NEW2", "NEW3", "NEW4"],
    }
    expected = {case.pk: member.pk for member, cases in plan.items() for case in cases}
    workflow.cases_share_evenly(inspection=inspection, case_ids=[], user=lead, expected=expected)
    owners = dict(InspectedCase.objects.values_list("reference", "assistant_inspector__username"))
    assert owners == {
        "OLD1": "amira",
        "NEW0": "amira",
        "NEW1": "amira",
        "NEW2": "ben",
        "NEW3": "ben",
        "NEW4": "ben",
    }
    assert unassigned[0].history.first().history_user == lead


def test_sharing_is_refused_when_the_plan_changed_since_it_was_shown(
    inspection, lead, assistant, second_assistant
):
    cases = InspectedCaseFactory.create_batch(3, inspection=inspection)  # Amira 2, Ben 1 (a tie)
    plan = workflow.share_evenly_plan(inspection=inspection, case_ids=[c.pk for c in cases])
    expected = {case.pk: member.pk for member, cases in plan.items() for case in cases}
    InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)  # now Ben would get 2
    with pytest.raises(errors.CaseError, match="changed since you looked"):
        workflow.cases_share_evenly(
            inspection=inspection, case_ids=[c.pk for c in cases], user=lead, expected=expected
        )
    assert not InspectedCase.objects.filter(pk__in=[c.pk for c in cases], assistant_inspector__isnull=False)


def test_sharing_refuses_approved_cases_and_an_empty_team(inspection, lead):
    approved = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
    with pytest.raises(errors.CaseError, match="Select the cases to share"):  # approved cases are not shared
        workflow.share_evenly_plan(inspection=inspection, case_ids=[])
    InspectedCaseFactory(inspection=inspection)
    with pytest.raises(errors.CaseError, match=workflow.NO_ASSISTANT_INSPECTORS):
        workflow.share_evenly_plan(inspection=inspection, case_ids=[])
    with pytest.raises(errors.CaseError, match="approved"):
        workflow.share_evenly_plan(inspection=inspection, case_ids=[approved.pk])


def share_url(inspection):
    return reverse("inspections:assignment_share", kwargs={"pk": inspection.pk})


def test_share_page_needs_sign_in(client, inspection):
    response = client.post(share_url(inspection))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_share_page_is_not_found_for_assistant_inspectors_and_other_leads(
    client, inspection, other_inspection, assistant
):
    InspectedCaseFactory(inspection=inspection)
    for user in (assistant, team_member(other_inspection, Role.LEAD)):
        client.force_login(user)
        assert client.post(share_url(inspection)).status_code == 404
    assert not InspectedCase.objects.filter(assistant_inspector__isnull=False).exists()


def test_the_lead_sees_the_share_then_confirms_it(
    client, inspection, lead, assistant, second_assistant, django_assert_max_num_queries
):
    cases = [InspectedCaseFactory(inspection=inspection, reference=f"S{n}") for n in range(3)]
    client.force_login(lead)
    with django_assert_max_num_queries(10):
        page = client.post(share_url(inspection))
    assert page.status_code == 200
    assert "Check how the cases will be shared" in page.text
    assert "S0, S1" in page.text
    assert "S2" in page.text
    assert not InspectedCase.objects.filter(assistant_inspector__isnull=False).exists()  # nothing yet

    plan = [
        f"{cases[0].pk}:{assistant.pk}",
        f"{cases[1].pk}:{assistant.pk}",
        f"{cases[2].pk}:{second_assistant.pk}",
    ]
    done = client.post(share_url(inspection), {"confirm": "yes", "plan": plan}, follow=True)
    assert "3 cases shared among 2 assistant inspectors" in done.text
    assert InspectedCase.objects.filter(assistant_inspector=assistant).count() == 2


def test_assignment_page_offers_select_all_and_share_evenly(client, inspection, lead):
    InspectedCaseFactory(inspection=inspection)
    client.force_login(lead)
    page = client.get(reverse("inspections:assignment", kwargs={"pk": inspection.pk})).text
    assert 'data-select-all="cases" hidden' in page  # shown by static/js/select-all.js
    assert f'formaction="{share_url(inspection)}"' in page


# Bulk approval.


@pytest.fixture
def submitted_cases(inspection, assistant, submit_case):
    return [
        submit_case(
            InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference=f"B{n}")
        )
        for n in range(3)
    ]


def test_bulk_approval_approves_each_case_by_the_approver(submitted_cases, inspection, quality_assurer):
    result = workflow.cases_approve(
        inspection=inspection, versions={c.pk: c.version for c in submitted_cases}, user=quality_assurer
    )
    assert [c.reference for c in result.approved] == ["B0", "B1", "B2"]
    assert result.refused == []
    for case in submitted_cases:
        case.refresh_from_db()
        assert case.status == InspectedCase.Status.APPROVED
        assert case.history.first().history_user == quality_assurer


def test_bulk_approval_refuses_cases_changed_since_they_were_shown_and_says_which(
    submitted_cases, inspection, quality_assurer
):
    versions = {c.pk: c.version for c in submitted_cases}
    workflow.case_return(
        case=submitted_cases[1], user=quality_assurer, text="Why?", key_question_code="2.2.1"
    )
    result = workflow.cases_approve(inspection=inspection, versions=versions, user=quality_assurer)
    assert [c.reference for c in result.approved] == ["B0", "B2"]
    assert result.refused == [("B1", workflow.CHANGED_SINCE_SHOWN.format(status="returned"))]
    submitted_cases[1].refresh_from_db()
    assert submitted_cases[1].status == InspectedCase.Status.RETURNED


def test_approving_one_case_at_an_old_version_is_refused(submitted_cases, quality_assurer):
    case = submitted_cases[0]
    with pytest.raises(errors.CaseConflict):
        workflow.case_approve(case=case, user=quality_assurer, expected_version=case.version - 1)
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED


def approve_url(inspection):
    return reverse("inspections:cases_approve", kwargs={"pk": inspection.pk})


def approve_post(cases, **extra):
    return {"cases": [c.pk for c in cases], **{f"version-{c.pk}": c.version for c in cases}, **extra}


def test_bulk_approval_needs_sign_in_and_the_right_role(
    client, inspection, other_inspection, assistant, submitted_cases
):
    response = client.post(approve_url(inspection), approve_post(submitted_cases, confirm="yes"))
    assert response.url.startswith("/sign-in/")
    for user in (assistant, team_member(other_inspection, Role.QUALITY_ASSURER)):
        client.force_login(user)
        assert (
            client.post(approve_url(inspection), approve_post(submitted_cases, confirm="yes")).status_code
            == 404
        )
    assert not InspectedCase.objects.filter(status=InspectedCase.Status.APPROVED).exists()


def test_bulk_approval_asks_for_confirmation_then_approves_and_names_refused_cases(
    client, inspection, quality_assurer, submitted_cases, django_assert_max_num_queries
):
    client.force_login(quality_assurer)
    queue = client.get(reverse("inspections:quality_assurance", kwargs={"pk": inspection.pk})).text
    assert f'name="version-{submitted_cases[0].pk}" value="{submitted_cases[0].version}"' in queue
    with django_assert_max_num_queries(8):
        confirm = client.post(approve_url(inspection), approve_post(submitted_cases))
    assert "Approve 3 cases" in confirm.text
    assert not InspectedCase.objects.filter(status=InspectedCase.Status.APPROVED).exists()

    workflow.case_return(
        case=submitted_cases[2], user=quality_assurer, text="Why?", key_question_code="2.2.1"
    )
    done = client.post(approve_url(inspection), approve_post(submitted_cases, confirm="yes"), follow=True)
    assert "2 cases approved" in done.text
    assert "Case B2 was not approved. It changed after the list was shown (it is now returned)" in done.text


def test_bulk_approval_with_nothing_selected_says_so(client, inspection, quality_assurer):
    client.force_login(quality_assurer)
    response = client.post(approve_url(inspection), {}, follow=True)
    assert "Select at least one case to approve" in response.text


def test_quality_assurance_filters_by_status(client, inspection, quality_assurer):
    InspectedCaseFactory(inspection=inspection, reference="F-APPROVED", status=InspectedCase.Status.APPROVED)
    InspectedCaseFactory(inspection=inspection, reference="F-RETURNED", status=InspectedCase.Status.RETURNED)
    InspectedCaseFactory(
        inspection=inspection, reference="F-SUBMITTED", status=InspectedCase.Status.SUBMITTED
    )
    client.force_login(quality_assurer)
    path = reverse("inspections:quality_assurance", kwargs={"pk": inspection.pk})
    text = client.get(path, {"status": ["returned", "approved"]}).text
    assert "F-SUBMITTED" not in text
    assert "F-RETURNED" in text
    assert "F-APPROVED" in text
    assert "F-SUBMITTED" in client.get(path, {"status": "not_a_status"}).text  # ignored: all shown


# The case review: history links and what changed since the query.


def test_case_review_links_every_answer_to_its_history_and_shows_what_changed_since_the_query(
    client, inspection, quality_assurer, assistant, submit_case, case
):
    case = submit_case(case)
    workflow.case_return(case=case, user=quality_assurer, text="Check 2.2.1", key_question_code="2.2.1")
    case.refresh_from_db()
    case = answers.case_save(
        case=case,
        user=assistant,
        expected_version=case.version,
        judgements={"2.2.1": {"answer": Answer.NO, "rationale": "No engagement recorded."}},
        facts={"home_visits": "made"},
        needs={"accommodation": {"linked_to_offending": True, "sufficiently_addressed": False}},
    )
    client.force_login(quality_assurer)
    page = client.get(
        reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    ).text
    assert reverse("judgement_history", args=[case.pk, "2.2.1"]) in page
    assert reverse("need_history", args=[case.pk, "accommodation"]) in page
    assert reverse("fact_history", args=[case.pk, "home_visits"]) in page
    changed = page.split('id="changed-since-query"')[1]
    assert "2.2.1" in changed
    assert "No engagement recorded." in changed
    assert "Evidence in the notes." in changed
    assert "Home visits" in changed
    assert "Linked to offending; sufficiently addressed: no" in changed
    assert "2.2.2" not in changed  # unchanged answers are left out


def test_case_review_says_when_nothing_changed_since_the_query(
    client, inspection, quality_assurer, submit_case, case
):
    case = submit_case(case)
    workflow.case_return(case=case, user=quality_assurer, text="Check 2.2.1", key_question_code="2.2.1")
    client.force_login(quality_assurer)
    page = client.get(
        reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    ).text
    assert 'id="nothing-changed"' in page


# A query on a need.


def test_a_query_can_be_raised_on_a_need_and_answered_like_any_other(
    client, inspection, quality_assurer, assistant, submit_case, case
):
    case = submit_case(case)
    client.force_login(quality_assurer)
    review = reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    assert 'value="need:accommodation"' in client.get(review).text
    response = client.post(review, {"subject": "need:accommodation", "text": "Was housing linked?"})
    assert response.status_code == 302
    query = CaseQuery.objects.get()
    assert (query.need, query.fact, query.key_question) == ("accommodation", "", None)
    assert query.subject == "Criminogenic need: Accommodation"

    client.force_login(assistant)
    assert "Criminogenic need: Accommodation" in client.get(reverse("case_detail", args=[case.pk])).text
    client.post(
        reverse("inspections:query_answer", kwargs={"query_pk": query.pk}),
        {"answer": "Yes, see notes.", "next": "/"},
    )
    query.refresh_from_db()
    assert query.answer == "Yes, see notes."


def test_a_query_on_an_unknown_need_is_refused(submit_case, case, quality_assurer):
    case = submit_case(case)
    with pytest.raises(ValidationError):
        workflow.case_return(case=case, user=quality_assurer, text="Why?", need="favourite_colour")
    with pytest.raises(ValidationError):
        workflow.case_return(
            case=case, user=quality_assurer, text="Why?", need="accommodation", fact="home_visits"
        )


# Moderation.


@pytest.fixture
def marking(inspection, lead, assistant, second_assistant, submit_case):
    case = submit_case(
        InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference="M1")
    )
    return moderation.second_marking_choose(case=case, marker=second_assistant, user=lead)


def test_a_chosen_case_can_be_unchosen_until_its_second_marking_is_recorded(marking, lead, second_assistant):
    case = moderation.second_marking_unchoose(marking=marking, user=lead)
    assert not SecondMarking.objects.exists()
    again = moderation.second_marking_choose(case=case, marker=second_assistant, user=lead)
    codes = Judgement.objects.filter(case=case).values_list("key_question__code", flat=True)
    moderation.second_marking_save(
        marking=again, user=second_assistant, judgements={c: {"answer": "yes"} for c in codes}
    )
    with pytest.raises(errors.CaseError, match="second marking is recorded"):
        moderation.second_marking_unchoose(marking=again, user=lead)


def unchoose_url(marking):
    return reverse(
        "inspections:second_marking_unchoose",
        kwargs={"pk": marking.case.inspection_id, "marking_pk": marking.pk},
    )


def test_unchoosing_needs_sign_in_and_the_lead(client, marking, other_inspection, second_assistant, lead):
    assert client.post(unchoose_url(marking)).url.startswith("/sign-in/")
    for user in (second_assistant, team_member(other_inspection, Role.LEAD)):
        client.force_login(user)
        assert client.post(unchoose_url(marking)).status_code == 404
    assert SecondMarking.objects.exists()
    client.force_login(lead)
    response = client.post(unchoose_url(marking), follow=True)
    assert "Case M1 is no longer chosen for second marking" in response.text
    assert not SecondMarking.objects.exists()


@pytest.fixture
def disagreement(marking, second_assistant):
    codes = Judgement.objects.filter(case=marking.case).values_list("key_question__code", flat=True)
    judgements = {c: {"answer": "yes", "rationale": "Agree."} for c in codes}
    judgements["2.2.1"] = {"answer": "no", "rationale": "No engagement in the first weeks."}
    moderation.second_marking_save(marking=marking, user=second_assistant, judgements=judgements)
    return SecondJudgement.objects.get(marking=marking, key_question__code="2.2.1")


def test_resolving_needs_a_reason_and_keeps_the_text_typed(client, inspection, lead, disagreement):
    client.force_login(lead)
    path = reverse(
        "inspections:moderation_agree", kwargs={"pk": inspection.pk, "judgement_pk": disagreement.pk}
    )
    response = client.post(
        path, {f"agree-{disagreement.pk}-answer": "no", f"agree-{disagreement.pk}-reason": ""}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert (
        f'href="#id_agree-{disagreement.pk}-reason">Enter why this is the agreed judgement' in response.text
    )
    assert (
        f'id="id_agree-{disagreement.pk}-answer_2" name="agree-{disagreement.pk}-answer" type="radio" value="no" checked'
        in response.text
    )
    disagreement.refresh_from_db()
    assert not disagreement.agreed_answer


def test_a_resolved_disagreement_stays_listed_with_both_markings_its_resolution_and_why(
    client, inspection, lead, disagreement, django_assert_max_num_queries
):
    moderation.moderation_agree(
        second_judgement=disagreement,
        answer="no",
        reason="The notes show no contact for six weeks.",
        user=lead,
    )
    with pytest.raises(errors.CaseError, match="resolved already"):
        moderation.moderation_agree(second_judgement=disagreement, answer="yes", reason="x", user=lead)
    client.force_login(lead)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("inspections:moderation", kwargs={"pk": inspection.pk})).text
    resolved = page.split("Resolved disagreements")[1]
    assert "M1, 2.2.1" in resolved
    assert "Evidence in the notes." in resolved  # the first marker's evidence, as it was
    assert "No engagement in the first weeks." in resolved  # beside the second's
    assert "No: the second marking (B)" in resolved
    assert "The notes show no contact for six weeks." in resolved
    assert 'id="no-unresolved"' in page
    # Agreement still counts the disagreement: 2.2.1 is 0% over one case, with no kappa or AC1 for one case.
    row = page.split("2.2.1 <span")[1].split("</tr>")[0]
    assert ">1<" in row
    assert ">0%<" in row
    assert row.count(">–<") == 2


def test_agreement_shows_observed_agreement_kappa_and_ac1_per_key_question_with_n(
    inspection, lead, assistant, second_assistant
):
    from cases.selectors.inspection_work import moderation_agreement

    pairs = [("yes", "yes"), ("yes", "yes"), ("yes", "no"), ("no", "no")]
    for n, (first, second) in enumerate(pairs):
        case = InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant, reference=f"K{n}")
        judgement = JudgementFactory(case=case, answer=first)
        marking = SecondMarking.objects.create(case=case, marker=second_assistant, chosen_by=lead)
        SecondJudgement.objects.create(marking=marking, key_question=judgement.key_question, answer=second)
    [row] = [row for row in moderation_agreement(inspection) if row.agreement.cases]
    assert (row.agreement.cases, row.agreement.percentage) == (4, 75.0)
    assert row.agreement.kappa == pytest.approx(0.5)
    assert row.agreement.ac1 == pytest.approx(0.529, abs=0.001)


def test_the_inspection_dashboard_shows_moderation_agreement_and_links_back_to_the_inspection(
    client, inspection, lead, disagreement
):
    client.force_login(lead)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).text
    assert 'id="moderation-agreement"' in page
    assert "Gwet&#x27;s AC1" in page or "Gwet's AC1" in page
    assert f'href="{reverse("inspections:detail", kwargs={"pk": inspection.pk})}"' in page


def test_the_dashboard_does_not_link_national_viewers_to_an_inspection_they_cannot_open(
    client, inspection, national_viewer
):
    client.force_login(national_viewer)
    page = client.get(reverse("inspection_dashboard", args=[inspection.pk])).text
    assert f'href="{reverse("inspections:detail", kwargs={"pk": inspection.pk})}"' not in page
    assert "No case has been double-marked yet." in page
