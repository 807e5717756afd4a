"""The lead inspector's and quality assurers' pages: who may see them, and what they do."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseQuery, InspectedCase, SecondJudgement, SecondMarking
from cases.services import answers, moderation, workflow
from inspections import forms
from inspections.models import Framework, Inspection, OrganisationalRating, Role
from inspections.permissions import LEAD_INSPECTORS_GROUP
from reports.models import InspectionSnapshot
from tests.factories import (
    SAMPLE_HEADER,
    InspectedCaseFactory,
    InspectionFactory,
    OrganisationalRatingFactory,
    PDUFactory,
    RegionFactory,
    UserFactory,
    team_member,
)

LEAD_PAGES = [
    ("inspections:detail", {}),
    ("inspections:sample", {}),
    ("inspections:sample_import", {}),
    ("inspections:assignment", {}),
    ("inspections:ratings", {}),
    ("inspections:rating_edit", {"code": "1.1"}),
    ("inspections:moderation", {}),
    ("inspections:lock", {}),
    ("inspections:unlock", {}),
    ("inspections:quality_assurance", {}),
    ("inspections:case_review", {"case": True}),
]
LEAD_ONLY = [page for page in LEAD_PAGES if page[0] not in {
    "inspections:detail", "inspections:quality_assurance", "inspections:case_review"
}]  # fmt: skip
QA_PAGES = [page for page in LEAD_PAGES if page not in LEAD_ONLY]


def url(name, inspection, kwargs, case=None):
    kwargs = dict(kwargs)
    if kwargs.pop("case", False):
        kwargs["case_pk"] = case.pk
    return reverse(name, kwargs={"pk": inspection.pk, **kwargs})


@pytest.mark.parametrize(("name", "kwargs"), LEAD_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, inspection, case, name, kwargs):
    response = client.get(url(name, inspection, kwargs, case))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize(("name", "kwargs"), LEAD_PAGES)
def test_the_lead_sees_every_page(client, inspection, case, lead, name, kwargs):
    client.force_login(lead)
    assert client.get(url(name, inspection, kwargs, case)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), LEAD_PAGES)
def test_assistant_inspectors_never_see_the_leads_pages(client, inspection, case, assistant, name, kwargs):
    client.force_login(assistant)
    assert client.get(url(name, inspection, kwargs, case)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), LEAD_PAGES)
def test_the_lead_of_another_inspection_gets_404(client, inspection, other_inspection, case, name, kwargs):
    other_lead = team_member(other_inspection, Role.LEAD)
    client.force_login(other_lead)
    assert client.get(url(name, inspection, kwargs, case)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), LEAD_ONLY)
def test_quality_assurers_do_not_manage_the_inspection(
    client, inspection, case, quality_assurer, name, kwargs
):
    client.force_login(quality_assurer)
    assert client.get(url(name, inspection, kwargs, case)).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), QA_PAGES)
def test_quality_assurers_see_the_overview_queue_and_cases(
    client, inspection, case, quality_assurer, name, kwargs
):
    client.force_login(quality_assurer)
    assert client.get(url(name, inspection, kwargs, case)).status_code == 200


def test_quality_assurer_of_another_inspection_cannot_approve(
    client, inspection, other_inspection, submit_case, case
):
    case = submit_case(case)
    outsider = team_member(other_inspection, Role.QUALITY_ASSURER)
    client.force_login(outsider)
    response = client.post(
        reverse("inspections:case_approve", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED


def test_a_case_of_another_inspection_is_not_found_through_this_one(
    client, inspection, other_inspection, lead
):
    other = InspectedCaseFactory(inspection=other_inspection)
    client.force_login(lead)
    response = client.get(
        reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": other.pk})
    )
    assert response.status_code == 404


def test_inspection_list_shows_only_the_users_inspections(client, inspection, lead, framework):
    InspectionFactory(framework=framework, pdu=PDUFactory(name="Elsewhere"))
    client.force_login(lead)
    response = client.get(reverse("inspections:list"))
    assert inspection.pdu.name in response.text
    assert "Elsewhere" not in response.text
    assert "Create an inspection" not in response.text


def test_only_lead_inspectors_may_create_an_inspection(client, framework):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("inspections:create")).status_code == 404
    user.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    assert client.get(reverse("inspections:create")).status_code == 200


def test_creating_an_inspection_through_the_form(client, framework):
    lead = UserFactory(username="lena")
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    ai = UserFactory(username="amira")
    pdu = PDUFactory(name="Derby City")
    client.force_login(lead)
    response = client.post(
        reverse("inspections:create"),
        {
            "pdu": pdu.pk,
            "framework": framework.pk,
            "fieldwork_start_0": "4",
            "fieldwork_start_1": "1",
            "fieldwork_start_2": "2027",
            "fieldwork_end_0": "15",
            "fieldwork_end_1": "1",
            "fieldwork_end_2": "2027",
            "assistant_inspectors": [ai.pk],
        },
    )
    inspection = Inspection.objects.get(pdu=pdu)
    assert response.url == reverse("inspections:detail", kwargs={"pk": inspection.pk})
    assert set(inspection.memberships.values_list("user__username", "role")) == {
        ("lena", Role.LEAD),
        ("amira", Role.ASSISTANT_INSPECTOR),
    }


def test_the_create_form_ticks_court_work_and_rates_only_what_the_lead_ticks(client, framework):
    lead = UserFactory(username="lena")
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    court_work = framework.standards.get(code="2.1")
    client.force_login(lead)
    html = client.get(reverse("inspections:create")).content.decode()
    assert re.search(rf'value="{court_work.pk}"[^>]*checked', html)
    assert "2.1 Court work" in html
    dates = {
        "fieldwork_start_0": "4",
        "fieldwork_start_1": "1",
        "fieldwork_start_2": "2027",
        "fieldwork_end_0": "15",
        "fieldwork_end_1": "1",
        "fieldwork_end_2": "2027",
    }
    with_court_work, without = PDUFactory(name="Gateshead"), PDUFactory(name="Derby")
    url = reverse("inspections:create")
    base = {"framework": framework.pk, **dates}
    client.post(url, {**base, "pdu": with_court_work.pk, "optional_standards": [court_work.pk]})
    client.post(url, {**base, "pdu": without.pk})
    assert Inspection.objects.get(pdu=with_court_work).rated_standards().count() == 9  # out of 27
    assert Inspection.objects.get(pdu=without).rated_standards().count() == 8  # out of 24


def test_choosing_a_framework_without_court_work_ignores_court_work_ticked_by_default(client, framework):
    """The form ticks every published framework's optional standards rated by default (pdu-2021's court work); a
    lead who chooses another framework rates only its standards, as the field's hint says, not a refusal."""
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    second_programme = Framework.objects.get(slug="pdu-2023")
    client.force_login(lead)
    form = client.get(reverse("inspections:create")).context["form"]
    ticked = list(form.fields["optional_standards"].initial)
    assert ticked == [framework.standards.get(code="2.1").pk]
    response = client.post(
        reverse("inspections:create"),
        {
            "framework": second_programme.pk,
            "pdu": PDUFactory(name="Sunderland").pk,
            "optional_standards": ticked,
            "fieldwork_start_0": "4",
            "fieldwork_start_1": "1",
            "fieldwork_start_2": "2027",
            "fieldwork_end_0": "15",
            "fieldwork_end_1": "1",
            "fieldwork_end_2": "2027",
        },
    )
    inspection = Inspection.objects.get(pdu__name="Sunderland")
    assert response.url == reverse("inspections:detail", kwargs={"pk": inspection.pk})
    assert inspection.framework == second_programme
    assert not inspection.optional_standards.exists()


def test_the_create_form_asks_for_the_unit_its_framework_inspects(client, framework):
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    client.force_login(lead)
    response = client.post(
        reverse("inspections:create"), {"framework": framework.pk, "region": RegionFactory().pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pdu"] == [forms.PDU_MISSING]


def test_create_form_errors_keep_the_input_and_show_the_summary(client, framework):
    lead = UserFactory()
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    client.force_login(lead)
    response = client.post(
        reverse("inspections:create"),
        {
            "framework": framework.pk,
            "fieldwork_start_0": "15",
            "fieldwork_start_1": "1",
            "fieldwork_start_2": "2027",
            "fieldwork_end_0": "4",
            "fieldwork_end_1": "1",
            "fieldwork_end_2": "2027",
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Select the PDU" in response.text
    assert "The fieldwork end date must be the same as or after the start date" in response.text
    assert 'value="2027"' in response.text
    assert not Inspection.objects.filter(fieldwork_start__year=2027).exists()


def test_upload_with_errors_shows_every_problem_and_saves_nothing(client, inspection, lead):
    client.force_login(lead)
    data = SAMPLE_HEADER + "A1,caution,low,2026-03-02,\nA2,licence,low,31/02/2026,\n"
    response = client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("sample.csv", data.encode(), content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "The file has two problems" in response.text
    assert "Case type must be community order, licence or post-sentence supervision" in response.text
    assert "Supervision start date must be a real date" in response.text
    assert "Import 2 cases" not in response.text
    assert not InspectedCase.objects.exists()
    confirm = client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))
    assert confirm.status_code == 302
    assert not InspectedCase.objects.exists()


def test_upload_problems_name_each_column_by_its_documented_heading(client, inspection, lead):
    client.force_login(lead)
    data = "Case reference,Case type,rosh_level,Supervision start date\nR1,licence,extreme,2099-01-01\n"
    response = client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("sample.csv", data.encode(), content_type="text/csv")},
    )
    assert "Line 2, RoSH level: RoSH level must be low, medium, high or very high" in response.text
    assert '<td class="govuk-table__cell">RoSH level</td>' in response.text
    assert (
        "Line 2, Supervision start date: Supervision start date must be today or in the past" in response.text
    )
    assert "rosh level" not in response.text


def test_clean_upload_is_previewed_then_imported_on_confirmation(client, inspection, lead, assistant):
    client.force_login(lead)
    data = SAMPLE_HEADER + "A1,licence,low,2026-03-02,amira\nA2,community order,high,2026-03-09,\n"
    response = client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("sample.csv", data.encode(), content_type="text/csv")},
    )
    assert "Import 2 cases" in response.text
    assert not InspectedCase.objects.exists()

    response = client.post(reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}))

    assert response.url == reverse("inspections:sample", kwargs={"pk": inspection.pk})
    assert list(
        InspectedCase.objects.order_by("reference").values_list("reference", "assistant_inspector")
    ) == [
        ("A1", assistant.pk),
        ("A2", None),
    ]
    summary = client.get(response.url)
    assert "2 cases in the sample" in summary.text
    assert "±69.3 percentage points" in summary.text


@pytest.mark.usefixtures("second_assistant")
def test_counts_of_one_case_are_singular(client, inspection, lead, assistant):
    client.force_login(lead)
    upload = reverse("inspections:sample_import", kwargs={"pk": inspection.pk})
    data = SAMPLE_HEADER + "S1,licence,low,2026-03-02,\n"
    preview = client.post(upload, {"file": SimpleUploadedFile("sample.csv", data.encode())})
    assert "The file is ready: 1 case and no problems" in preview.text
    assert re.search(r">Import 1 case</button>", preview.text)

    imported = client.post(
        reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}), follow=True
    )
    assert "1 case imported" in imported.text
    detail = client.get(reverse("inspections:detail", kwargs={"pk": inspection.pk}))
    assert re.search(r'id="task-sample-status">1 case<', detail.text)
    assert re.search(r'id="task-moderation-status">0 cases chosen<', detail.text)

    case = InspectedCase.objects.get()
    assignment = reverse("inspections:assignment", kwargs={"pk": inspection.pk})
    assigned = client.post(assignment, {"cases": [case.pk], "assistant_inspector": assistant.pk}, follow=True)
    assert "1 case assigned to" in assigned.text
    assert ">1 case</caption>" in assigned.text

    moderation = reverse("inspections:moderation", kwargs={"pk": inspection.pk})
    chosen = client.post(moderation, {"percentage": "10"}, follow=True)
    assert "1 case chosen for second marking" in chosen.text


def test_an_upload_over_the_limit_is_refused(client, inspection, lead, settings):
    client.force_login(lead)
    from cases import imports

    big = SimpleUploadedFile("big.csv", b"x" * (imports.MAX_UPLOAD_BYTES + 1), content_type="text/csv")
    response = client.post(reverse("inspections:sample_import", kwargs={"pk": inspection.pk}), {"file": big})
    assert "The file must be smaller than 5 MB" in response.text


def test_bulk_assignment_page_shows_loads_and_reassigns(client, inspection, lead, assistant):
    cases = InspectedCaseFactory.create_batch(3, inspection=inspection)
    client.force_login(lead)
    response = client.post(
        reverse("inspections:assignment", kwargs={"pk": inspection.pk}),
        {"cases": [cases[0].pk, cases[2].pk], "assistant_inspector": assistant.pk},
    )
    assert response.status_code == 302
    assert InspectedCase.objects.filter(assistant_inspector=assistant).count() == 2
    page = client.get(response.url)
    assert "2 cases assigned to" in page.text


def test_assignment_without_a_choice_shows_errors(client, inspection, lead):
    InspectedCaseFactory(inspection=inspection)
    client.force_login(lead)
    response = client.post(reverse("inspections:assignment", kwargs={"pk": inspection.pk}), {})
    assert "Select at least one case" in response.text
    assert "Select an assistant inspector" in response.text


def start_tag(html: str, element_id: str) -> str:
    """The opening tag of the element with this id (exactly one on the page)."""
    tags = re.findall(rf'<[a-z]+\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert len(tags) == 1, f"{len(tags)} elements with id {element_id}"
    return tags[0]


def described_by(tag: str) -> list[str]:
    match = re.search(r'aria-describedby="([^"]*)"', tag)
    return match.group(1).split() if match else []


def test_assignment_errors_are_tied_to_their_fields_in_page_order(client, inspection, lead):
    InspectedCaseFactory.create_batch(2, inspection=inspection)
    client.force_login(lead)
    html = client.post(reverse("inspections:assignment", kwargs={"pk": inspection.pk}), {}).text

    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert re.findall(r'<a href="#([^"]*)">([^<]*)</a>', summary) == [
        ("id_assistant_inspector", "Select an assistant inspector"),
        ("id_cases_1", "Select at least one case"),
    ]
    assert 'type="checkbox"' in start_tag(html, "id_cases_1")

    select = start_tag(html, "id_assistant_inspector")
    assert "govuk-select--error" in select
    [select_error] = described_by(select)
    assert "govuk-error-message" in start_tag(html, select_error)
    assert re.search(
        rf'id="{select_error}"><span class="govuk-visually-hidden">Error:</span> Select an assistant', html
    )

    fieldset = re.search(r'<fieldset class="govuk-fieldset"[^>]*>', html).group(0)
    hint, cases_error = described_by(fieldset)
    assert "govuk-hint" in start_tag(html, hint)
    assert "govuk-error-message" in start_tag(html, cases_error)
    assert re.search(
        rf'id="{cases_error}"><span class="govuk-visually-hidden">Error:</span> Select at least one', html
    )
    assert html.count("govuk-form-group--error") == 2


def test_assignment_page_runs_a_fixed_number_of_queries(
    client, inspection, lead, assistant, django_assert_max_num_queries
):
    InspectedCaseFactory.create_batch(30, inspection=inspection, assistant_inspector=assistant)
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:assignment", kwargs={"pk": inspection.pk}))


def test_lead_rates_an_organisational_standard(client, inspection, lead):
    client.force_login(lead)
    path = reverse("inspections:rating_edit", kwargs={"pk": inspection.pk, "code": "1.3"})
    missing = client.post(path, {"rating": "good"})
    assert "Enter the rationale for the rating" in missing.text
    response = client.post(path, {"rating": "good", "rationale": "A wide range of services."})
    assert response.status_code == 302
    assert OrganisationalRating.objects.get(inspection=inspection, standard__code="1.3").rating == "good"


def test_a_case_sample_standard_cannot_be_rated_by_the_lead(client, inspection, lead):
    client.force_login(lead)
    path = reverse("inspections:rating_edit", kwargs={"pk": inspection.pk, "code": "2.1"})
    assert client.get(path).status_code == 404


def test_quality_assurer_returns_a_case_with_a_query_then_approves_it(
    client, inspection, quality_assurer, assistant, submit_case, case
):
    case = submit_case(case)
    client.force_login(quality_assurer)
    review = reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    response = client.post(
        review, {"subject": "kq:2.2.3", "text": "Rationale does not mention domestic abuse"}
    )
    assert response.status_code == 302
    query = CaseQuery.objects.get()
    assert query.key_question.code == "2.2.3"

    # The assistant inspector answers through the include's form and resubmits.
    client.force_login(assistant)
    answer = client.post(
        reverse("inspections:query_answer", kwargs={"query_pk": query.pk}),
        {"answer": "Added the history to the rationale.", "next": "/"},
    )
    assert answer.url == "/"
    case.refresh_from_db()
    answers.case_submit(case=case, user=assistant, expected_version=case.version)

    client.force_login(quality_assurer)
    page = client.get(review)
    assert "Added the history to the rationale." in page.text
    client.post(reverse("inspections:case_approve", kwargs={"pk": inspection.pk, "case_pk": case.pk}))
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.APPROVED


def test_return_without_a_subject_or_text_shows_errors(
    client, inspection, quality_assurer, submit_case, case
):
    case = submit_case(case)
    client.force_login(quality_assurer)
    review = reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    response = client.post(review, {"subject": "", "text": ""})
    assert workflow.QUERY_SUBJECT_MISSING in response.text
    assert "Enter your query" in response.text
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED


def test_approving_a_draft_through_the_page_is_refused(client, inspection, case, quality_assurer):
    client.force_login(quality_assurer)
    response = client.post(
        reverse("inspections:case_approve", kwargs={"pk": inspection.pk, "case_pk": case.pk}), follow=True
    )
    assert "Only a submitted case can be approved or returned" in response.text
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.NOT_STARTED


def test_only_the_cases_assistant_inspector_may_answer_its_query(
    client, inspection, quality_assurer, submit_case, case
):
    case = submit_case(case)
    query = workflow.case_return(case=case, user=quality_assurer, text="Why?", fact="home_visits")
    client.force_login(quality_assurer)
    path = reverse("inspections:query_answer", kwargs={"query_pk": query.pk})
    assert client.post(path, {"answer": "Me"}).status_code == 404
    client.logout()
    assert client.post(path, {"answer": "Me"}).status_code == 302
    query.refresh_from_db()
    assert query.is_open


def test_lock_page_lists_what_is_missing_and_locks_when_ready(client, inspection, lead):
    InspectedCaseFactory(inspection=inspection, status=InspectedCase.Status.SUBMITTED)
    client.force_login(lead)
    path = reverse("inspections:lock", kwargs={"pk": inspection.pk})
    page = client.get(path)
    assert "1 case is not yet approved" in page.text
    client.post(path)
    inspection.refresh_from_db()
    assert not inspection.is_locked

    InspectedCase.objects.update(status=InspectedCase.Status.APPROVED)
    for code in ("1.1", "1.2", "1.3", "1.4"):
        OrganisationalRatingFactory(
            inspection=inspection, standard=inspection.framework.standards.get(code=code)
        )
    assert client.post(path).status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_locked
    assert InspectionSnapshot.objects.filter(inspection=inspection).count() == 1

    unlock = reverse("inspections:unlock", kwargs={"pk": inspection.pk})
    assert "Enter the reason for unlocking" in client.post(unlock, {"reason": ""}).text
    client.post(unlock, {"reason": "A case was misfiled"})
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.QUALITY_ASSURANCE
    assert (
        "A case was misfiled" in client.get(reverse("inspections:detail", kwargs={"pk": inspection.pk})).text
    )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("inspections:sample_import", {}),
        ("inspections:assignment", {}),
        ("inspections:rating_edit", {"code": "1.1"}),
    ],
)
def test_a_locked_inspection_sends_the_lead_back_with_the_locked_message_before_any_form(
    client, inspection, lead, assistant, name, kwargs
):
    from inspections.services import LOCKED

    case = InspectedCaseFactory(inspection=inspection)  # not yet assigned
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    client.force_login(lead)
    path = url(name, inspection, kwargs, case)
    detail = reverse("inspections:detail", kwargs={"pk": inspection.pk})

    page = client.get(path, follow=True)
    assert page.redirect_chain == [(detail, 302)]
    assert LOCKED in page.text

    if name != "inspections:rating_edit":  # a rating sent after the lock keeps its text: see below
        posted = client.post(path, {"cases": [case.pk], "assistant_inspector": assistant.pk})
        assert posted.url == detail
    case.refresh_from_db()
    assert case.assistant_inspector is None
    assert not OrganisationalRating.objects.exists()


def test_a_rating_sent_just_after_the_lock_is_refused_with_the_rationale_kept(client, inspection, lead):
    from inspections.services import LOCKED

    client.force_login(lead)
    path = reverse("inspections:rating_edit", kwargs={"pk": inspection.pk, "code": "1.1"})
    client.get(path)  # the form is open...
    inspection.status = Inspection.Status.LOCKED
    inspection.save()  # ...when someone locks the inspection
    page = client.post(path, {"rating": "good", "rationale": "Two paragraphs of evidence."})
    assert page.status_code == 200
    assert LOCKED in page.text
    assert "Two paragraphs of evidence." in page.text
    assert not OrganisationalRating.objects.exists()


def test_a_locked_sample_offers_no_assignment(client, inspection, case, lead):
    inspection.status = Inspection.Status.LOCKED
    inspection.save()
    client.force_login(lead)
    page = client.get(reverse("inspections:sample", kwargs={"pk": inspection.pk}))
    assert reverse("inspections:assignment", kwargs={"pk": inspection.pk}) not in page.text


def test_moderation_choose_second_mark_blind_and_agree(
    client, inspection, framework, lead, second_assistant, submit_case, case
):
    case = submit_case(case)
    client.force_login(lead)
    client.post(
        reverse("inspections:moderation", kwargs={"pk": inspection.pk}),
        {"case": case.pk, "marker": second_assistant.pk},
    )
    marking = SecondMarking.objects.get(case=case)

    client.force_login(second_assistant)
    marking_url = reverse(
        "inspections:second_marking", kwargs={"pk": inspection.pk, "marking_pk": marking.pk}
    )
    page = client.get(marking_url)
    assert "Evidence in the notes." not in page.text  # the first marker's rationale stays hidden
    codes = list(
        framework.standards.values_list("key_questions__code", flat=True).exclude(key_questions=None)
    )
    post = {f"kq_{code.replace('.', '_')}_answer": "yes" for code in codes}
    post["kq_2_2_1_answer"] = "no"
    assert client.post(marking_url, post).status_code == 302

    client.force_login(lead)
    page = client.get(reverse("inspections:moderation", kwargs={"pk": inspection.pk}))
    assert page.text.count(f"{case.reference}, 2.2.1 <span") == 1  # the one disagreement
    assert page.text.count(">100%<") == 11
    disagreement = SecondJudgement.objects.get(marking=marking, key_question__code="2.2.1")
    client.post(
        reverse(
            "inspections:moderation_agree", kwargs={"pk": inspection.pk, "judgement_pk": disagreement.pk}
        ),
        {f"agree-{disagreement.pk}-answer": "no", f"agree-{disagreement.pk}-reason": "No plan recorded."},
    )
    assert case.judgements.get(key_question__code="2.2.1").answer == "no"


def test_second_marking_page_is_only_for_the_chosen_marker(
    client, inspection, lead, assistant, second_assistant, submit_case, case
):
    case = submit_case(case)
    marking = moderation.second_marking_choose(case=case, marker=second_assistant, user=lead)
    path = reverse("inspections:second_marking", kwargs={"pk": inspection.pk, "marking_pk": marking.pk})
    client.force_login(assistant)
    assert client.get(path).status_code == 404
    client.force_login(lead)
    assert client.get(path).status_code == 404
    client.force_login(second_assistant)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["inspections:detail", "inspections:sample", "inspections:quality_assurance", "inspections:moderation"],
)
def test_lead_pages_run_a_fixed_number_of_queries_whatever_the_sample_size(
    client, inspection, lead, assistant, name, django_assert_max_num_queries, second_assistant, submit_case
):
    client.force_login(lead)
    path = reverse(name, kwargs={"pk": inspection.pk})
    cases = [
        submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant))
        for _ in range(2)
    ]
    moderation.second_marking_choose(case=cases[0], marker=second_assistant, user=lead)
    with django_assert_max_num_queries(30) as few:
        client.get(path)
    for _ in range(8):
        more = submit_case(InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant))
        moderation.second_marking_choose(case=more, marker=second_assistant, user=lead)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(path)


def test_case_review_runs_a_fixed_number_of_queries(
    client, inspection, quality_assurer, assistant, django_assert_max_num_queries, submit_case, case
):
    case = submit_case(case)
    for n in range(3):
        query = workflow.case_return(case=case, user=quality_assurer, text=f"Query {n}", fact="home_visits")
        workflow.case_query_answer(query=query, user=assistant, answer="See the notes of 3 May")
        case.refresh_from_db()
        case = answers.case_submit(case=case, user=assistant, expected_version=case.version)
    client.force_login(quality_assurer)
    # 16, and four for what changed since the latest query (answers, facts, case attributes and needs as they were)
    with django_assert_max_num_queries(21):
        response = client.get(
            reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
        )
    assert response.text.count("See the notes of 3 May") == 3


def test_second_markers_find_their_cases_on_the_inspections_page(
    client, inspection, lead, assistant, second_assistant, submit_case
):
    case = submit_case(
        InspectedCaseFactory(inspection=inspection, reference="SECOND1", assistant_inspector=assistant)
    )
    marking = moderation.second_marking_choose(case=case, marker=second_assistant, user=lead)
    client.force_login(second_assistant)
    response = client.get(reverse("inspections:list"))
    assert reverse("inspections:second_marking", kwargs={"pk": inspection.pk, "marking_pk": marking.pk}) in (
        response.text
    )
    client.force_login(assistant)
    assert "SECOND1" not in client.get(reverse("inspections:list")).text


def test_quality_assurance_queue_lists_submitted_cases_first(client, inspection, quality_assurer):
    InspectedCaseFactory(inspection=inspection, reference="A-APPROVED", status=InspectedCase.Status.APPROVED)
    InspectedCaseFactory(inspection=inspection, reference="B-RETURNED", status=InspectedCase.Status.RETURNED)
    InspectedCaseFactory(
        inspection=inspection, reference="C-SUBMITTED", status=InspectedCase.Status.SUBMITTED
    )
    InspectedCaseFactory(inspection=inspection, reference="D-DRAFT", status=InspectedCase.Status.IN_PROGRESS)
    client.force_login(quality_assurer)
    text = client.get(reverse("inspections:quality_assurance", kwargs={"pk": inspection.pk})).text
    assert "D-DRAFT" not in text
    assert text.index("C-SUBMITTED") < text.index("B-RETURNED") < text.index("A-APPROVED")


@pytest.mark.usefixtures("second_assistant")
def test_lead_chooses_a_random_share_for_second_marking(client, inspection, lead, assistant):
    InspectedCaseFactory.create_batch(20, inspection=inspection, assistant_inspector=assistant)
    client.force_login(lead)
    path = reverse("inspections:moderation", kwargs={"pk": inspection.pk})
    invalid = client.post(path, {"percentage": "0"})
    assert "Enter a percentage between 1 and 100" in invalid.text
    assert not SecondMarking.objects.exists()
    response = client.post(path, {"percentage": "10"}, follow=True)
    assert "2 cases chosen for second marking" in response.text
    assert set(SecondMarking.objects.values_list("marker__username", flat=True)) == {"ben"}


def post_actions(inspection, case):
    return [
        reverse("inspections:advance", kwargs={"pk": inspection.pk}),
        reverse("inspections:sample_import_confirm", kwargs={"pk": inspection.pk}),
        reverse("inspections:assignment", kwargs={"pk": inspection.pk}),
        reverse("inspections:rating_edit", kwargs={"pk": inspection.pk, "code": "1.1"}),
        reverse("inspections:moderation", kwargs={"pk": inspection.pk}),
        reverse("inspections:lock", kwargs={"pk": inspection.pk}),
        reverse("inspections:unlock", kwargs={"pk": inspection.pk}),
        reverse("inspections:case_approve", kwargs={"pk": inspection.pk, "case_pk": case.pk}),
        reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk}),
        reverse("inspections:cases_approve", kwargs={"pk": inspection.pk}),
        reverse("inspections:assignment_share", kwargs={"pk": inspection.pk}),
    ]


def test_anonymous_posts_change_nothing_and_go_to_sign_in(client, inspection, case):
    for path in post_actions(inspection, case):
        response = client.post(path, {"rating": "good", "rationale": "x", "reason": "x", "percentage": "10"})
        assert response.status_code == 302, path
        assert response.url.startswith("/sign-in/"), path
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.FIELDWORK
    assert not OrganisationalRating.objects.exists()


def test_assistant_inspectors_cannot_post_any_lead_or_quality_action(
    client, inspection, assistant, submit_case, case
):
    case = submit_case(case)
    client.force_login(assistant)
    for path in post_actions(inspection, case):
        response = client.post(
            path,
            {
                "rating": "good",
                "rationale": "x",
                "subject": "fact:home_visits",
                "text": "x",
                "cases": [case.pk],
                f"version-{case.pk}": case.version,
                "confirm": "yes",
            },
        )
        assert response.status_code == 404, path
    case.refresh_from_db()
    assert case.status == InspectedCase.Status.SUBMITTED
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.FIELDWORK
    assert not OrganisationalRating.objects.exists()


def test_users_outside_the_lead_inspectors_group_cannot_post_a_new_inspection(client, framework):
    client.force_login(UserFactory())
    response = client.post(reverse("inspections:create"), {"framework": framework.pk})
    assert response.status_code == 404
    assert not Inspection.objects.exists()


def test_a_large_clean_file_previews_the_first_200_rows_with_labels(client, inspection, lead):
    client.force_login(lead)
    body = "".join(f"L{n:04d},post-sentence supervision,very high,2026-03-02,\n" for n in range(300))
    response = client.post(
        reverse("inspections:sample_import", kwargs={"pk": inspection.pk}),
        {"file": SimpleUploadedFile("sample.csv", (SAMPLE_HEADER + body).encode(), content_type="text/csv")},
    )
    assert "Import 300 cases" in response.text
    assert "(the first 200 of 300)" in response.text
    assert "L0199" in response.text
    assert "L0200" not in response.text
    assert "Post-sentence supervision" in response.text
    assert "Very high" in response.text


def test_moderation_percentage_is_a_govuk_text_input_with_a_numeric_keyboard():
    from crispy_forms.utils import render_crispy_form

    from cases.forms.inspection_work import SecondMarkingShareForm

    html = render_crispy_form(SecondMarkingShareForm())
    assert re.search(
        r'<input type="text" name="percentage"[^>]*inputmode="numeric"[^>]*class="govuk-input ', html
    )
    assert SecondMarkingShareForm({"percentage": "15"}).is_valid()


def assert_error_links_land_on_fields(html: str) -> None:
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    targets = re.findall(r'href="#([^"]*)"', summary)
    assert targets
    for target in targets:
        assert target, "an error summary link goes nowhere"
        assert f'id="{target}"' in html, f"error summary link #{target} has no field on the page"


def test_every_error_summary_link_lands_on_its_field(
    client, inspection, lead, quality_assurer, second_assistant, submit_case, case
):
    InspectedCaseFactory(inspection=inspection)
    client.force_login(lead)
    assert_error_links_land_on_fields(
        client.post(reverse("inspections:assignment", kwargs={"pk": inspection.pk}), {}).text
    )
    rating = reverse("inspections:rating_edit", kwargs={"pk": inspection.pk, "code": "1.1"})
    assert_error_links_land_on_fields(client.post(rating, {}).text)
    lead.groups.add(Group.objects.get_or_create(name=LEAD_INSPECTORS_GROUP)[0])
    assert_error_links_land_on_fields(client.post(reverse("inspections:create"), {}).text)
    case = submit_case(case)
    client.force_login(quality_assurer)
    review = reverse("inspections:case_review", kwargs={"pk": inspection.pk, "case_pk": case.pk})
    assert_error_links_land_on_fields(client.post(review, {"subject": "", "text": ""}).text)

    marking = moderation.second_marking_choose(case=case, marker=second_assistant, user=lead)
    client.force_login(second_assistant)
    marking_url = reverse(
        "inspections:second_marking", kwargs={"pk": inspection.pk, "marking_pk": marking.pk}
    )
    assert_error_links_land_on_fields(client.post(marking_url, {}).text)
    client.force_login(lead)
    moderation_url = reverse("inspections:moderation", kwargs={"pk": inspection.pk})
    assert_error_links_land_on_fields(client.post(moderation_url, {"percentage": "0"}).text)
    assert_error_links_land_on_fields(client.post(moderation_url, {}).text)
