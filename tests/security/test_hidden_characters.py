"""Low finding: evidence with invisible or direction-changing characters (U+202E, zero-width space, C1 controls) is
refused with a GOV.UK message, on the case page and in the API alike (one check, in cases.services.answers)."""

import pytest
from django.urls import reverse

from cases.forms.case_page import CaseForm
from cases.models import Judgement
from cases.selectors.case_pages import case_page
from cases.services.answers import hidden_characters

HIDDEN = [
    ("\u202e", "U+202E right-to-left override"),
    ("\u200b", "U+200B zero width space"),
    ("\x85", "U+0085"),
    ("\u2066", "U+2066 left-to-right isolate"),
    ("\ufeff", "U+FEFF zero width no-break space"),
    ("\x07", "U+0007"),
]


@pytest.mark.parametrize(("character", "named"), HIDDEN)
def test_each_hidden_character_is_found_and_named(character, named):
    assert hidden_characters(f"Seen in the notes{character}.") == [named]


def test_plain_evidence_with_line_breaks_tabs_accents_and_symbols_has_none():
    assert hidden_characters("Seen twice:\n\t- Siân's note — 3 × weekly, £20, “quoted” ✓\r\n") == []


@pytest.mark.parametrize(("character", "named"), HIDDEN[:3])
def test_the_api_refuses_hidden_characters_naming_the_field(
    case, assistant, api_client_for, character, named
):
    response = api_client_for(assistant).patch(
        f"/api/v1/cases/{case.pk}/",
        {"judgements": {"2.2.1": {"answer": "yes", "rationale": f"txt{character}lmth.exe"}}},
        format="json",
        HTTP_IF_MATCH=case.etag,
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "judgements.2.2.1.rationale"
    assert error["message"].startswith("Evidence for your judgement on 2.2.1 must not include hidden")
    assert named in error["message"]
    assert not Judgement.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.version == 1


def test_the_case_page_refuses_them_with_an_error_summary_and_keeps_the_text(client, case, assistant):
    client.force_login(assistant)
    data = dict(CaseForm(page=case_page(case)).initial)
    typed = "Seen in the notes\u200b on day one."
    data.update({"kq_2_2_1_answer": "yes", "kq_2_2_1_rationale": typed})
    response = client.post(reverse("case_detail", args=[case.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "must not include hidden or text-direction characters" in html
    assert "U+200B zero width space" in html
    assert typed in html
    assert not Judgement.objects.filter(case=case).exists()
