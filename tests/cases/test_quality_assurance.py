"""Assignment, quality assurance (approve / return with a query / answer / resubmit) and blind double marking."""

import pytest
from django.core.exceptions import ValidationError

from cases import errors
from cases.models import CaseQuery, InspectedCase, Judgement, SecondJudgement, SecondMarking
from cases.services import answers, moderation, workflow
from inspections.models import Inspection
from inspections.services import InspectionLocked
from tests.factories import InspectedCaseFactory, UserFactory, team_member


@pytest.fixture
def submitted(case, submit_case):
    return submit_case(case)


def test_bulk_assignment_moves_the_chosen_cases_to_one_assistant_inspector(
    inspection, other_inspection, assistant, second_assistant, lead
):
    cases = InspectedCaseFactory.create_batch(3, inspection=inspection, assistant_inspector=assistant)
    other = InspectedCaseFactory(inspection=other_inspection)

    moved = workflow.cases_assign(
        inspection=inspection,
        case_ids=[cases[0].pk, cases[1].pk, other.pk],
        assistant_inspector=second_assistant,
        user=lead,
    )

    assert moved == 2  # a case of another inspection is never touched
    owners = dict(InspectedCase.objects.values_list("reference", "assistant_inspector__username"))
    assert [owners[c.reference] for c in cases] == ["ben", "ben", "amira"]
    assert owners[other.reference] is None
    assert cases[0].history.first().history_user == lead


def test_assignment_refuses_someone_outside_the_team_an_empty_choice_and_approved_cases(
    inspection, assistant, lead
):
    case = InspectedCaseFactory(inspection=inspection)
    with pytest.raises(errors.CaseError, match="not an assistant inspector"):
        workflow.cases_assign(
            inspection=inspection, case_ids=[case.pk], assistant_inspector=UserFactory(), user=lead
        )
    with pytest.raises(errors.CaseError, match=workflow.NO_CASES_SELECTED):
        workflow.cases_assign(inspection=inspection, case_ids=[], assistant_inspector=assistant, user=lead)
    approved = InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.APPROVED)
    with pytest.raises(errors.CaseError, match="approved"):
        workflow.cases_assign(
            inspection=inspection, case_ids=[case.pk, approved.pk], assistant_inspector=assistant, user=lead
        )
    assert not InspectedCase.objects.filter(assistant_inspector=assistant).exists()


def test_assignment_into_a_locked_inspection_is_refused(inspection, assistant, lead):
    case = InspectedCaseFactory(inspection=inspection)
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    with pytest.raises(InspectionLocked):
        workflow.cases_assign(
            inspection=inspection, case_ids=[case.pk], assistant_inspector=assistant, user=lead
        )


def test_approving_a_submitted_case_makes_it_read_only(submitted, quality_assurer):
    approved = workflow.case_approve(case=submitted, user=quality_assurer)
    assert approved.status == InspectedCase.Status.APPROVED
    assert not approved.is_editable
    with pytest.raises(errors.CaseNotEditable):
        answers.case_save(
            case=approved, user=quality_assurer, expected_version=approved.version, facts={"home_visits": ""}
        )


@pytest.mark.parametrize("status", ["not_started", "in_progress", "returned", "approved"])
def test_only_a_submitted_case_can_be_approved_and_only_a_submitted_or_approved_one_returned(
    inspection, quality_assurer, status
):
    case = InspectedCaseFactory(inspection=inspection, status=status)
    with pytest.raises(errors.CaseError, match="Only a submitted case"):
        workflow.case_approve(case=case, user=quality_assurer)
    if status != "approved":  # an approved case may be returned to correct it (tests/reports/test_locking.py)
        with pytest.raises(errors.CaseError, match="Only a submitted or approved case can be returned"):
            workflow.case_return(case=case, user=quality_assurer, text="Why?", key_question_code="2.2.1")
    case.refresh_from_db()
    assert case.status == status


def test_returning_a_case_attaches_a_query_to_a_key_question_or_a_case_fact(submitted, quality_assurer):
    query = workflow.case_return(
        case=submitted,
        user=quality_assurer,
        text="Rationale does not mention the domestic abuse history",
        key_question_code="2.2.3",
    )
    assert (query.key_question.code, query.fact, query.raised_by) == ("2.2.3", "", quality_assurer)
    submitted.refresh_from_db()
    assert submitted.status == InspectedCase.Status.RETURNED
    assert submitted.is_editable


def test_a_query_needs_text_and_exactly_one_known_subject(submitted, quality_assurer):
    for kwargs in (
        {"text": "", "key_question_code": "2.2.1"},
        {"text": "Why?"},
        {"text": "Why?", "key_question_code": "2.2.1", "fact": "home_visits"},
        {"text": "Why?", "key_question_code": "9.9.9"},
        {"text": "Why?", "fact": "favourite_colour"},
    ):
        with pytest.raises(ValidationError):
            workflow.case_return(case=submitted, user=quality_assurer, **kwargs)
    submitted.refresh_from_db()
    assert submitted.status == InspectedCase.Status.SUBMITTED
    assert not CaseQuery.objects.exists()


def test_assistant_inspector_answers_the_query_and_resubmits_keeping_the_thread(
    submitted, quality_assurer, assistant
):
    query = workflow.case_return(
        case=submitted, user=quality_assurer, text="Home visits?", fact="home_visits"
    )
    returned = InspectedCase.objects.get(pk=submitted.pk)
    with pytest.raises(errors.CaseError, match=answers.OPEN_QUERIES):
        answers.case_submit(case=returned, user=assistant, expected_version=returned.version)

    workflow.case_query_answer(
        query=query, user=assistant, answer="None were needed: the case notes say why."
    )
    resubmitted = answers.case_submit(case=returned, user=assistant, expected_version=returned.version)
    assert resubmitted.status == InspectedCase.Status.SUBMITTED
    second = workflow.case_return(
        case=resubmitted, user=quality_assurer, text="And 2.3.1?", key_question_code="2.3.1"
    )

    thread = list(CaseQuery.objects.filter(case=submitted).order_by("raised_at", "pk"))
    assert thread == [query, second]
    assert thread[0].answer == "None were needed: the case notes say why."
    assert thread[0].answered_by == assistant


def test_only_the_cases_assistant_inspector_answers_once_not_blank_and_not_too_long(
    submitted, quality_assurer, assistant, second_assistant
):
    query = workflow.case_return(
        case=submitted, user=quality_assurer, text="Home visits?", fact="home_visits"
    )
    with pytest.raises(errors.CaseError, match=workflow.QUERY_NOT_YOURS):
        workflow.case_query_answer(query=query, user=second_assistant, answer="Me")
    with pytest.raises(ValidationError):
        workflow.case_query_answer(query=query, user=assistant, answer="  ")
    with pytest.raises(ValidationError) as too_long:
        workflow.case_query_answer(
            query=query, user=assistant, answer="x" * (answers.EVIDENCE_MAX_LENGTH + 1)
        )
    assert too_long.value.message_dict == {
        "answer": ["Your answer to the query must be 5,000 characters or less"]
    }
    workflow.case_query_answer(query=query, user=assistant, answer="Done")
    with pytest.raises(errors.CaseError, match=workflow.QUERY_ALREADY_ANSWERED):
        workflow.case_query_answer(query=query, user=assistant, answer="Again")


def test_a_draft_answer_is_saved_with_the_case_without_answering_the_query(
    submitted, quality_assurer, assistant
):
    query = workflow.case_return(
        case=submitted, user=quality_assurer, text="Home visits?", fact="home_visits"
    )
    returned = InspectedCase.objects.get(pk=submitted.pk)

    saved = answers.case_save(
        case=returned,
        user=assistant,
        expected_version=returned.version,
        judgements={"2.2.1": {"rationale": "Evidence typed beside the draft."}},
        query_drafts={query.pk: "  Not sure yet: checking the contact log.  "},
    )

    query.refresh_from_db()
    assert query.is_open  # a draft is not sent: the quality assurer sees no answer
    assert (query.draft_answer, query.answered_at) == ("Not sure yet: checking the contact log.", None)
    assert query.history.first().history_user == assistant
    assert saved.version == returned.version + 1  # a draft is a save of the case, conflict-checked like any
    with pytest.raises(errors.CaseError) as refused:
        answers.case_submit(case=saved, user=assistant, expected_version=saved.version)
    assert str(refused.value) == answers.OPEN_QUERIES_WITH_DRAFT  # says the draft was not sent

    workflow.case_query_answer(query=query, user=assistant, answer="Two visits, in the contact log.")
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("Two visits, in the contact log.", "")


def test_a_draft_answer_is_refused_when_too_long_or_once_the_query_is_answered(
    submitted, quality_assurer, assistant
):
    query = workflow.case_return(
        case=submitted, user=quality_assurer, text="Home visits?", fact="home_visits"
    )
    returned = InspectedCase.objects.get(pk=submitted.pk)
    with pytest.raises(ValidationError) as too_long:
        answers.case_save(
            case=returned,
            user=assistant,
            expected_version=returned.version,
            judgements={"2.2.1": {"rationale": "Not kept: the save is refused as a whole."}},
            query_drafts={query.pk: "x" * (answers.EVIDENCE_MAX_LENGTH + 1)},
        )
    assert too_long.value.message_dict == {
        f"query-{query.pk}-answer": ["Your answer to the query must be 5,000 characters or less"]
    }
    assert not Judgement.objects.filter(case=returned, rationale__startswith="Not kept").exists()

    workflow.case_query_answer(query=query, user=assistant, answer="Done")
    with pytest.raises(ValidationError) as answered:
        answers.case_save(
            case=returned, user=assistant, expected_version=returned.version, query_drafts={query.pk: "Later"}
        )
    assert answered.value.message_dict == {f"query-{query.pk}-answer": [workflow.QUERY_ALREADY_ANSWERED]}
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("Done", "")


def test_second_marker_must_be_another_assistant_inspector_on_the_team(
    submitted, assistant, second_assistant, lead
):
    with pytest.raises(errors.CaseError, match=moderation.MARKER_IS_FIRST):
        moderation.second_marking_choose(case=submitted, marker=assistant, user=lead)
    with pytest.raises(errors.CaseError, match="not an assistant inspector"):
        moderation.second_marking_choose(case=submitted, marker=UserFactory(), user=lead)
    moderation.second_marking_choose(case=submitted, marker=second_assistant, user=lead)
    with pytest.raises(errors.CaseError, match="already chosen"):
        moderation.second_marking_choose(case=submitted, marker=second_assistant, user=lead)


def test_second_marking_is_recorded_once_by_the_chosen_marker_with_every_key_question(
    submitted, assistant, second_assistant, lead
):
    marking = moderation.second_marking_choose(case=submitted, marker=second_assistant, user=lead)
    codes = list(Judgement.objects.filter(case=submitted).values_list("key_question__code", flat=True))
    answers = {code: {"answer": "no", "rationale": "Not enough."} for code in codes}
    with pytest.raises(errors.CaseError, match=moderation.NOT_THE_SECOND_MARKER):
        moderation.second_marking_save(marking=marking, user=assistant, judgements=answers)
    with pytest.raises(ValidationError):
        moderation.second_marking_save(
            marking=marking, user=second_assistant, judgements=dict(list(answers.items())[:3])
        )
    moderation.second_marking_save(marking=marking, user=second_assistant, judgements=answers)
    assert SecondJudgement.objects.filter(marking=marking).count() == len(codes) == 12
    with pytest.raises(errors.CaseError, match=moderation.SECOND_MARKING_DONE):
        moderation.second_marking_save(marking=marking, user=second_assistant, judgements=answers)


def test_the_leads_agreed_judgement_is_the_one_that_counts(submitted, second_assistant, lead):
    marking = moderation.second_marking_choose(case=submitted, marker=second_assistant, user=lead)
    codes = Judgement.objects.filter(case=submitted).values_list("key_question__code", flat=True)
    moderation.second_marking_save(
        marking=marking, user=second_assistant, judgements={c: {"answer": "no"} for c in codes}
    )
    second = SecondJudgement.objects.get(marking=marking, key_question__code="2.2.1")
    with pytest.raises(ValidationError):
        moderation.moderation_agree(second_judgement=second, answer="maybe", reason="", user=lead)

    moderation.moderation_agree(second_judgement=second, answer="no", reason="Agreed.", user=lead)

    assert Judgement.objects.get(case=submitted, key_question__code="2.2.1").answer == "no"
    second.refresh_from_db()
    assert (second.agreed_answer, second.agreed_by) == ("no", lead)


def test_queries_and_approval_are_refused_once_the_inspection_is_locked(submitted, quality_assurer):
    Inspection.objects.filter(pk=submitted.inspection_id).update(status=Inspection.Status.LOCKED)
    with pytest.raises(InspectionLocked):
        workflow.case_approve(case=submitted, user=quality_assurer)
    with pytest.raises(InspectionLocked):
        workflow.case_return(case=submitted, user=quality_assurer, text="Why?", key_question_code="2.2.1")


def test_choosing_ten_percent_spreads_cases_over_other_markers(inspection, assistant, second_assistant, lead):
    team_member(inspection, username="chloe")
    dan = team_member(inspection, username="dan")
    # Every case first marked by dan, so the other three are all eligible and the spread is the service's alone.
    InspectedCaseFactory.create_batch(25, inspection=inspection, assistant_inspector=dan)

    chosen = moderation.second_marking_choose_share(inspection=inspection, percentage=10, user=lead)

    assert len(chosen) == 3  # 10% of 25, rounded up
    assert all(row.marker_id != row.case.assistant_inspector_id for row in chosen)
    # Asking again for 10% chooses nothing more; 20% tops it up to 5.
    assert moderation.second_marking_choose_share(inspection=inspection, percentage=10, user=lead) == []
    assert len(moderation.second_marking_choose_share(inspection=inspection, percentage=20, user=lead)) == 2
    loads = list(SecondMarking.objects.values_list("marker__username", flat=True))
    assert loads.count("dan") == 0
    counts = [loads.count(name) for name in ("amira", "ben", "chloe")]
    assert sum(counts) == 5
    assert max(counts) - min(counts) <= 1


def test_choosing_a_share_needs_two_assistant_inspectors_and_a_sensible_percentage(
    inspection, assistant, lead
):
    InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)
    with pytest.raises(errors.CaseError, match=moderation.NO_SECOND_MARKERS):
        moderation.second_marking_choose_share(inspection=inspection, percentage=10, user=lead)
    with pytest.raises(ValidationError):
        moderation.second_marking_choose_share(inspection=inspection, percentage=0, user=lead)


def test_a_query_answer_with_hidden_characters_is_refused_sent_or_kept_as_a_draft(
    submitted, quality_assurer, assistant
):
    query = workflow.case_return(
        case=submitted, user=quality_assurer, text="Home visits?", fact="home_visits"
    )
    returned = InspectedCase.objects.get(pk=submitted.pk)
    reordered = "Two visits \u202ein the contact log"  # a right-to-left override hides what a reader sees
    message = answers.QUERY_ANSWER_HIDDEN_CHARACTERS.format(found="U+202E right-to-left override")
    with pytest.raises(ValidationError) as as_draft:
        answers.case_save(
            case=returned,
            user=assistant,
            expected_version=returned.version,
            query_drafts={query.pk: reordered},
        )
    assert as_draft.value.message_dict == {f"query-{query.pk}-answer": [message]}
    with pytest.raises(ValidationError) as sent:
        workflow.case_query_answer(query=query, user=assistant, answer=reordered)
    assert sent.value.message_dict == {"answer": [message]}
    query.refresh_from_db()
    assert (query.answer, query.draft_answer) == ("", "")
