import pytest
from django.core.exceptions import ValidationError

from cases import errors
from cases.models import InspectedCase, Judgement
from cases.services import answers


def test_saving_a_draft_records_answers_and_bumps_the_version(case, assistant):
    saved = answers.case_save(
        case=case,
        user=assistant,
        expected_version=1,
        judgements={"2.2.1": {"answer": "yes", "rationale": "  Good induction.  "}},
        facts={"rosh_classified_correctly": "no", "rosh_level": "high"},
        needs={"drugs": {"linked_to_offending": True, "sufficiently_addressed": False}},
    )
    assert saved.version == 2
    assert saved.status == InspectedCase.Status.IN_PROGRESS
    assert saved.facts.get(key="rosh_classified_correctly").value == "no"
    assert saved.attributes["rosh_level"] == "high"  # an attribute recorded on the case
    judgement = Judgement.objects.get(case=case, key_question__code="2.2.1")
    assert (judgement.answer, judgement.rationale, judgement.updated_by) == (
        "yes",
        "Good induction.",
        assistant,
    )
    assert judgement.history.first().history_user == assistant
    assert saved.needs.get(need="drugs").sufficiently_addressed is False


def test_a_save_from_an_older_version_is_refused_and_changes_nothing(case, assistant):
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    with pytest.raises(errors.CaseConflict) as conflict:
        answers.case_save(
            case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "no"}}
        )
    assert conflict.value.current.version == 2
    assert Judgement.objects.get(case=case).answer == "yes"


def test_an_unchanged_answer_adds_no_history(case, assistant):
    values = {"2.2.1": {"answer": "yes", "rationale": "Evidence."}}
    answers.case_save(case=case, user=assistant, expected_version=1, judgements=values)
    answers.case_save(case=case, user=assistant, expected_version=2, judgements=values)
    assert Judgement.objects.get(case=case).history.count() == 1


def test_values_that_are_not_allowed_are_refused_with_field_errors(case, assistant):
    with pytest.raises(ValidationError) as error:
        answers.case_save(
            case=case,
            user=assistant,
            expected_version=1,
            judgements={"9.9.9": {"answer": "yes"}, "2.2.1": {"answer": "maybe"}},
            facts={"status": "approved"},
        )
    assert set(error.value.message_dict) == {"kq_9_9_9_answer", "kq_2_2_1_answer", "fact_status"}
    assert InspectedCase.objects.get(pk=case.pk).version == 1


def test_a_need_not_linked_to_offending_cannot_be_marked_addressed(case, assistant):
    with pytest.raises(ValidationError) as error:
        answers.case_save(
            case=case,
            user=assistant,
            expected_version=1,
            needs={"alcohol": {"linked_to_offending": False, "sufficiently_addressed": True}},
        )
    assert error.value.message_dict == {
        "need_alcohol_addressed": [answers.ADDRESSED_WITHOUT_LINK.format(need="alcohol")]
    }


def test_submitting_an_incomplete_case_lists_every_missing_item(case, assistant, framework):
    with pytest.raises(errors.CaseIncomplete) as incomplete:
        answers.case_submit(case=case, user=assistant, expected_version=1)
    missing = [problem.field for problem in incomplete.value.problems]
    supervision = framework.definition.case_kind("supervision")
    # Every key question (answer and evidence), fact and need; the RoSH level is set already, from the import.
    assert len(missing) == 12 * 2 + len(supervision.facts) + len(supervision.needs)
    assert missing[:2] == ["kq_2_2_1_answer", "kq_2_2_1_rationale"]
    assert "need_accommodation_linked" in missing


def test_a_complete_case_is_submitted_and_then_read_only(case, assistant, complete_answers):
    judgements, facts, needs = complete_answers
    case = answers.case_save(
        case=case, user=assistant, expected_version=1, judgements=judgements, facts=facts, needs=needs
    )
    submitted = answers.case_submit(case=case, user=assistant, expected_version=case.version)
    assert submitted.status == InspectedCase.Status.SUBMITTED
    with pytest.raises(errors.CaseNotEditable):
        answers.case_save(
            case=submitted, user=assistant, expected_version=submitted.version, facts={"home_visits": "made"}
        )


def test_a_linked_need_needs_an_addressed_answer_before_submission(case, assistant, complete_answers):
    judgements, facts, needs = complete_answers
    needs["drugs"] = {"linked_to_offending": True}
    case = answers.case_save(
        case=case, user=assistant, expected_version=1, judgements=judgements, facts=facts, needs=needs
    )
    assert [p.field for p in answers.case_problems(case)] == ["need_drugs_addressed"]


def test_a_case_in_a_locked_inspection_cannot_be_saved(case, assistant):
    case.inspection.status = "locked"
    case.inspection.save()
    with pytest.raises(errors.CaseNotEditable):
        answers.case_save(case=case, user=assistant, expected_version=1, facts={"home_visits": "made"})


def test_missing_needs_are_named_grammatically_whatever_the_need(case, assistant, complete_answers):
    judgements, facts, needs = complete_answers
    del needs["drugs"]
    needs["attitudes"] = {"linked_to_offending": True}
    case = answers.case_save(
        case=case, user=assistant, expected_version=1, judgements=judgements, facts=facts, needs=needs
    )
    assert [p.message for p in answers.case_problems(case)] == [
        "Select yes if the drugs need is linked to offending",
        "Select yes if the attitudes need was sufficiently addressed",
    ]


def test_evidence_longer_than_the_limit_is_refused_against_its_field(case, assistant):
    with pytest.raises(ValidationError) as error:
        answers.case_save(
            case=case,
            user=assistant,
            expected_version=1,
            judgements={"2.2.1": {"answer": "yes", "rationale": "x" * (answers.EVIDENCE_MAX_LENGTH + 1)}},
        )
    assert error.value.message_dict == {
        "kq_2_2_1_rationale": ["Evidence for your judgement on 2.2.1 must be 5,000 characters or less"]
    }
    assert not Judgement.objects.filter(case=case).exists()
    assert InspectedCase.objects.get(pk=case.pk).version == 1

    padded = " " * 10 + "x" * answers.EVIDENCE_MAX_LENGTH + " " * 10  # spaces around it are not kept
    answers.case_save(
        case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"rationale": padded}}
    )
    assert len(Judgement.objects.get(case=case).rationale) == answers.EVIDENCE_MAX_LENGTH


def test_evidence_saved_before_the_limit_does_not_stop_other_changes(case, assistant):
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    Judgement.objects.filter(case=case).update(rationale="x" * 200_000)
    answers.case_save(case=case, user=assistant, expected_version=2, judgements={"2.2.1": {"answer": "no"}})
    judgement = Judgement.objects.get(case=case)
    assert (judgement.answer, len(judgement.rationale)) == ("no", 200_000)


def test_saving_a_judgement_does_not_read_again_the_rows_it_points_to(
    case, assistant, django_assert_num_queries
):
    """full_clean would check that the case, key question and user exist with a query each (five per save): they
    were read in the same transaction and the database enforces the foreign keys. The key question codes come from
    the framework's definition (data already read with the case), so the save is, in order: claim the version, the
    case again, the case's row and its history, the key question, the case's judgement, the judgement's row and its
    history (and a savepoint around them in a test)."""
    answers.case_save(case=case, user=assistant, expected_version=1, judgements={"2.2.1": {"answer": "yes"}})
    with django_assert_num_queries(10):
        answers.case_save(
            case=case, user=assistant, expected_version=2, judgements={"2.2.1": {"rationale": "Evidence."}}
        )
