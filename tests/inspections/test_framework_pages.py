"""The administrators' Frameworks pages: only superusers reach them; an upload with mistakes lists every one and loads
nothing; a draft is previewed, then published (recording who) or discarded; any version downloads as JSON or a
workbook; a version an inspection uses cannot be changed."""

import copy
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.definition_checks import parse
from inspections.definitions import document
from inspections.forms import FRAMEWORK_FILE_TOO_BIG, FRAMEWORK_FILE_WRONG_TYPE, InspectionCreateForm
from inspections.frameworks import (
    DISCARD_PUBLISHED,
    IN_USE,
    PUBLISHED_UNCHANGEABLE,
    FrameworkInUse,
    FrameworkPublished,
    framework_discard,
    framework_load,
    framework_publish,
    framework_upload,
)
from inspections.models import Framework
from inspections.workbook import document_from_workbook, workbook
from tests.factories import InspectionFactory, UserFactory, small_framework_document, team_member


def _framework(slug: str = "small", version: int = 1) -> dict:
    """The smallest valid framework (tests.factories) under this slug and version, worded as these pages show it: a
    prompt on 2.1.1, the fact's question and the need's label as a lead would write them."""
    document = small_framework_document() | {"slug": slug, "version": version}
    kind = document["case_kinds"][0]
    kind["facts"][0]["question"] = "Was management oversight sufficient?"
    kind["needs"][0]["label"] = "Accommodation"
    document["standards"][1]["key_questions"][0] |= {
        "wording": "Does assessment engage the person?",
        "prompts": ["Were they involved in the assessment?"],
    }
    return document


def _json_file(data: dict, name: str = "small-v1.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


@pytest.fixture
def draft(db, superuser):
    return framework_load(document=_framework(), user=superuser, publish=False)


PAGES = [
    ("frameworks:list", False),
    ("frameworks:upload", False),
    ("frameworks:detail", True),
    ("frameworks:download_json", True),
    ("frameworks:download_xlsx", True),
]
ACTIONS = ["frameworks:publish", "frameworks:discard"]


def _url(name: str, framework: Framework, needs_pk: bool = True) -> str:
    return reverse(name, kwargs={"pk": framework.pk}) if needs_pk else reverse(name)


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, draft, name, needs_pk):
    response = client.get(_url(name, draft, needs_pk))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_users_who_are_not_superusers_get_not_found(client, draft, inspection, name, needs_pk):
    for user in (
        team_member(inspection, "lead"),
        UserFactory(is_national_viewer=True),
        UserFactory(is_staff=True),
    ):
        client.force_login(user)
        assert client.get(_url(name, draft, needs_pk)).status_code == 404


@pytest.mark.parametrize(("name", "needs_pk"), PAGES)
def test_superusers_see_every_page(client, draft, superuser, name, needs_pk):
    client.force_login(superuser)
    assert client.get(_url(name, draft, needs_pk)).status_code == 200


@pytest.mark.parametrize("name", ACTIONS)
def test_only_superusers_may_publish_or_discard(client, draft, inspection, name):
    response = client.post(_url(name, draft))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")
    client.force_login(team_member(inspection, "lead"))
    assert client.post(_url(name, draft)).status_code == 404
    draft.refresh_from_db()
    assert not draft.is_published


@pytest.mark.parametrize("name", ACTIONS)
def test_publishing_and_discarding_are_posted_not_followed(client, draft, superuser, name):
    client.force_login(superuser)
    assert client.get(_url(name, draft)).status_code == 405


def test_an_unknown_version_is_not_found(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("frameworks:detail", kwargs={"pk": 999})).status_code == 404


def test_the_navigation_offers_frameworks_to_superusers_only(client, superuser, inspection):
    link = f'href="{reverse("frameworks:list")}"'
    client.force_login(superuser)
    assert link in client.get(reverse("api_tokens")).content.decode()
    client.force_login(team_member(inspection, "lead"))
    assert link not in client.get(reverse("api_tokens")).content.decode()


def test_the_list_shows_each_version_its_status_and_the_inspections_using_it(
    client, superuser, framework, draft
):
    used = InspectionFactory(framework=framework)
    client.force_login(superuser)
    page = client.get(reverse("frameworks:list")).content.decode()
    assert "Draft" in page
    assert "Published" in page
    assert str(used) in page
    assert reverse("frameworks:detail", kwargs={"pk": draft.pk}) in page


def test_the_list_asks_the_same_number_of_queries_however_many_versions(
    client, superuser, framework, django_assert_max_num_queries
):
    client.force_login(superuser)
    framework_load(document=_framework("one"), user=superuser, publish=False)
    InspectionFactory(framework=framework)
    client.get(reverse("frameworks:list"))  # the session and user are read once warm
    with django_assert_max_num_queries(5) as few:
        client.get(reverse("frameworks:list"))
    for index in range(2, 7):
        published = framework_load(document=_framework(f"more-{index}"), user=superuser)
        InspectionFactory(framework=published)
        InspectionFactory(framework=published)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("frameworks:list"))


def test_the_detail_page_asks_a_fixed_number_of_queries(
    client, superuser, framework, django_assert_max_num_queries
):
    client.force_login(superuser)
    for _ in range(5):
        InspectionFactory(framework=framework)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("frameworks:detail", kwargs={"pk": framework.pk}))
    assert response.status_code == 200


# Uploading


def _upload(client, upload):
    return client.post(reverse("frameworks:upload"), {"file": upload})


def test_a_good_file_is_loaded_as_a_draft_and_its_preview_shown(client, superuser):
    client.force_login(superuser)
    response = _upload(client, _json_file(_framework()))
    framework = Framework.objects.get(slug="small", version=1)
    assert response.status_code == 302
    assert response.url == reverse("frameworks:detail", kwargs={"pk": framework.pk})
    assert not framework.is_published
    assert framework.document == document(parse(_framework()))
    page = client.get(response.url).content.decode()
    for shown in (
        "Draft",
        "Does assessment prepare for release?",
        "Only where Case type is Licence",
        "Were they involved in the assessment?",
        "Was management oversight sufficient?",
        "Accommodation",
        "The team&#x27;s judgement, with its rationale",
        "Composite out of 6",
        "Publish",
        "Discard draft",
    ):
        assert shown in page, shown


def test_a_workbook_is_loaded_just_as_its_json(client, superuser):
    client.force_login(superuser)
    content = workbook(parse(_framework()))
    response = _upload(client, SimpleUploadedFile("small.xlsx", content))
    assert response.status_code == 302
    assert Framework.objects.get(slug="small").document == document(parse(_framework()))


def _with_mistakes() -> dict:
    data = copy.deepcopy(_framework())
    data["standards"][1]["rated_by"] = "lead"
    data["standards"][1]["key_questions"][1]["applies_when"]["in"] = ["parole"]
    data["key_question_bands"]["good"] = 90
    del data["name"]
    return data


def test_a_file_with_mistakes_lists_every_one_and_loads_nothing(client, superuser):
    client.force_login(superuser)
    response = _upload(client, _json_file(_with_mistakes()))
    assert response.status_code == 200
    assert not Framework.objects.filter(slug="small").exists()
    problems = response.context["problems"]
    assert len(problems) == 4
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "The file has 4 problems, listed below. Nothing was loaded: correct them" in page
    for problem in problems:
        assert problem.where in page
        assert problem.message.replace('"', "&quot;") in page
    assert "standards[1].rated_by" in page
    assert "Use one of: lowest_key_question, team_judgement, pooled, not_rated." in page


def test_what_the_database_could_not_hold_is_a_problem_listed_not_a_server_error(client, superuser):
    client.force_login(superuser)
    data = _framework()
    data["name"] = "A framework named at great length " * 8
    data["standards"][0]["code"] = "Leadership one"
    data["standards"][1]["title"] = "T" * 250
    response = _upload(client, _json_file(data))
    assert response.status_code == 200
    assert [problem.where for problem in response.context["problems"]] == [
        "framework.name",
        "standards[0].code",
        "standards[1].title",
    ]
    assert not Framework.objects.filter(slug="small").exists()


def test_a_regional_framework_pooling_a_key_question_no_loaded_framework_has_is_refused(client, superuser):
    client.force_login(superuser)
    framework_load(document=_framework("pdu-small"))
    data = small_framework_document() | {"slug": "region-small", "unit": "region"}
    data["standards"][1] |= {"rated_by": "pooled", "pool_from": "pdu-small"}
    del data["standards"][1]["case_kind"]
    for key_question, pooled in zip(data["standards"][1]["key_questions"], ["2.1.1", "2.1.9"], strict=True):
        key_question.pop("applies_when", None)
        key_question["pools"] = [pooled]
    response = _upload(client, _json_file(data))
    assert [str(problem) for problem in response.context["problems"]] == [
        'standards[1].key_questions[1].pools: "2.1.9" is not a key question of pdu-small. Use its key question '
        "codes, e.g. 2.1.1, 2.1.2."
    ]
    assert not Framework.objects.filter(slug="region-small").exists()


def test_a_json_file_is_read_as_the_framework_docs_say_a_field_twice_included(client, superuser):
    """The upload reads JSON as docs/frameworks.md describes: a field given twice is a problem, not silently read
    once, and a file that is not JSON is placed by its line and column."""
    client.force_login(superuser)
    text = json.dumps(_framework()).replace('"name": "A small framework"', '"name": "A", "name": "B"', 1)
    response = _upload(client, SimpleUploadedFile("small.json", text.encode()))
    assert [str(problem) for problem in response.context["problems"]] == [
        'the field "name": is given twice in one object; only the last would be read. Keep one of them.'
    ]
    broken = json.dumps(_framework(), indent=2).replace('"slug": "small",', '"slug": "small"', 1)
    response = _upload(client, SimpleUploadedFile("small.json", broken.encode()))
    [problem] = response.context["problems"]
    assert (problem.where, problem.message) == (
        "line 4, column 3",
        "the file is not valid JSON here (Expecting ',' delimiter).",
    )
    assert not Framework.objects.filter(slug="small").exists()


def test_a_workbook_pooling_a_key_question_no_loaded_framework_has_names_its_row(
    client, superuser, framework
):
    client.force_login(superuser)
    regional = Framework.objects.get(slug="region-2023").definition
    book = openpyxl.load_workbook(io.BytesIO(workbook(regional)))
    sheet = book["Key questions"]
    column = [cell.value for cell in sheet[1]].index("pools") + 1
    assert sheet.cell(2, column).value == "2.1.2"  # desistance in assessment: the PDUs' 2.1.2
    sheet.cell(2, column, "2.1.9")
    book["Framework"]["C2"] = 2  # a new version
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, SimpleUploadedFile("region-2023-v2.xlsx", out.getvalue()))
    assert [str(problem) for problem in response.context["problems"]] == [
        'Key questions sheet, row 2, column pools: "2.1.9" is not a key question of pdu-2023. Use its key '
        "question codes, e.g. 2.1.1, 2.1.2, 2.1.3, 2.2.1."
    ]
    assert not Framework.objects.filter(slug="region-2023", version=2).exists()


def test_a_workbook_with_mistakes_names_the_sheet_row_and_column(client, superuser):
    client.force_login(superuser)
    book = openpyxl.load_workbook(io.BytesIO(workbook(parse(_framework()))))
    book["Standards"]["E3"] = "lead"
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, SimpleUploadedFile("small.xlsx", out.getvalue()))
    assert "Standards sheet, row 3, column rated_by" in response.content.decode()
    assert not Framework.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("small.pdf", b"%PDF-1.7"), FRAMEWORK_FILE_WRONG_TYPE),
        (SimpleUploadedFile("big.json", b" " * (2 * 1024 * 1024 + 1)), FRAMEWORK_FILE_TOO_BIG),
        (SimpleUploadedFile("small.xlsx", b"%PDF-1.7 renamed"), "is not an Excel workbook (.xlsx)."),
        (SimpleUploadedFile("small.json", b"{not json"), "is not valid JSON"),
        (None, "Select a framework file"),
    ],
    ids=["not json or xlsx", "too big", "not a workbook", "not json", "no file"],
)
def test_a_file_that_cannot_be_read_says_why(client, superuser, upload, message):
    client.force_login(superuser)
    response = client.post(reverse("frameworks:upload"), {"file": upload} if upload else {})
    assert response.status_code == 200
    summary = response.content.decode().split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert message in summary
    assert not Framework.objects.exists()


def test_uploading_a_version_again_unchanged_changes_nothing(client, superuser, draft):
    client.force_login(superuser)
    response = _upload(client, _json_file(_framework()))
    assert response.url == reverse("frameworks:detail", kwargs={"pk": draft.pk})
    assert Framework.objects.count() == 1


def test_a_changed_draft_replaces_the_draft(client, superuser, draft):
    changed = _framework()
    changed["name"] = "A renamed framework"
    client.force_login(superuser)
    _upload(client, _json_file(changed))
    draft.refresh_from_db()
    assert draft.name == "A renamed framework"
    assert not draft.is_published


def test_a_version_an_inspection_uses_cannot_be_changed_by_an_upload(client, superuser, framework):
    InspectionFactory(framework=framework)
    changed = copy.deepcopy(framework.document)
    changed["name"] = "Changed"
    client.force_login(superuser)
    response = _upload(client, _json_file(changed))
    expected = IN_USE.format(version=framework.version, slug=framework.slug, count=1)
    assert expected in response.content.decode()
    framework.refresh_from_db()
    assert framework.name != "Changed"


def test_a_published_version_is_changed_only_by_a_new_version(superuser):
    published = framework_load(document=_framework(), user=superuser)
    changed = _framework()
    changed["name"] = "Changed"
    with pytest.raises(FrameworkPublished) as refused:
        framework_upload(document=changed, user=superuser)
    assert str(refused.value) == PUBLISHED_UNCHANGEABLE.format(version=1, slug="small")
    published.refresh_from_db()
    assert published.name == "A small framework"


# Publishing, discarding, downloading


def test_publishing_records_who_and_when_and_offers_it_to_new_inspections(client, superuser, draft):
    assert draft not in InspectionCreateForm().fields["framework"].queryset
    client.force_login(superuser)
    response = client.post(reverse("frameworks:publish", kwargs={"pk": draft.pk}))
    assert response.url == reverse("frameworks:detail", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_by == superuser
    assert draft.history.first().history_user == superuser
    assert draft in InspectionCreateForm().fields["framework"].queryset
    page = client.get(response.url).content.decode()
    assert "Published" in page
    assert "Discard draft" not in page


def test_publishing_twice_keeps_the_first_publication(superuser, draft):
    first = framework_publish(framework=draft, user=superuser)
    again = framework_publish(framework=draft, user=UserFactory(is_superuser=True))
    assert (again.published_at, again.published_by) == (first.published_at, superuser)


def test_discarding_a_draft_deletes_it(client, superuser, draft):
    client.force_login(superuser)
    response = client.post(reverse("frameworks:discard", kwargs={"pk": draft.pk}))
    assert response.url == reverse("frameworks:list")
    assert not Framework.objects.filter(pk=draft.pk).exists()


def test_a_published_version_or_one_in_use_is_not_discarded(client, superuser, framework):
    client.force_login(superuser)
    client.post(reverse("frameworks:discard", kwargs={"pk": framework.pk}))
    assert Framework.objects.filter(pk=framework.pk).exists()
    with pytest.raises(FrameworkPublished) as refused:
        framework_discard(framework=framework, user=superuser)
    assert str(refused.value) == DISCARD_PUBLISHED.format(version=framework.version, slug=framework.slug)
    InspectionFactory(framework=framework)
    with pytest.raises(FrameworkInUse, match="used by 1 inspection"):
        framework_discard(framework=framework, user=superuser)


def test_a_version_in_use_says_it_cannot_be_changed(client, superuser, framework):
    inspection = InspectionFactory(framework=framework)
    client.force_login(superuser)
    page = client.get(reverse("frameworks:detail", kwargs={"pk": framework.pk})).content.decode()
    assert "This version is used by 1 inspection, so it cannot be changed" in page
    assert str(inspection) in page
    assert "Publish</button>" not in page


def test_any_version_downloads_as_json_and_as_a_workbook_that_load_back(client, superuser, framework):
    client.force_login(superuser)
    as_json = client.get(reverse("frameworks:download_json", kwargs={"pk": framework.pk}))
    assert (
        as_json["Content-Disposition"] == f'attachment; filename="{framework.slug}-v{framework.version}.json"'
    )
    assert json.loads(as_json.content) == framework.document
    as_xlsx = client.get(reverse("frameworks:download_xlsx", kwargs={"pk": framework.pk}))
    assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert document_from_workbook(as_xlsx.content) == framework.document
