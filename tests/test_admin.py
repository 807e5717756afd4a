"""The Django admin works for every registered model, for administrators and for the demo lead inspector."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.demo import seed_demo

REGISTERED = [model for model in admin.site._registry if model._meta.app_label != "auth"]


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_model_has_a_working_admin_list(client, demo, model, django_user_model):
    client.force_login(django_user_model.objects.get(username="admin"))
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model_name", "allowed"),
    [("inspections_inspection", True), ("cases_judgement", True), ("accounts_user", False)],
)
def test_the_lead_inspector_can_use_the_admin_for_inspections_but_not_users(
    client, demo, django_user_model, model_name, allowed
):
    client.force_login(django_user_model.objects.get(username="lead"))
    response = client.get(reverse(f"admin:{model_name}_changelist"))
    assert response.status_code == (200 if allowed else 403)


def test_a_judgement_changed_in_the_admin_is_recorded_with_who_changed_it(client, demo, django_user_model):
    from cases.models import Judgement

    lead = django_user_model.objects.get(username="lead")
    judgement = Judgement.objects.filter(answer="no").first()
    client.force_login(lead)
    url = reverse("admin:cases_judgement_change", args=[judgement.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(answer="yes", rationale="Changed after moderation.")
    response = client.post(url, data)
    assert response.status_code == 302
    latest = judgement.history.first()
    assert (latest.answer, latest.history_user) == ("yes", lead)
    assert judgement.history.all()[1].answer == "no"


@pytest.mark.parametrize("model_name", ["framework", "standard", "keyquestion"])
def test_a_framework_an_inspection_uses_is_read_only_in_the_admin(
    client, demo, django_user_model, model_name
):
    from inspections.models import Framework, KeyQuestion, Standard

    framework = Framework.objects.filter(inspections__isnull=False).first()
    obj = {
        "framework": framework,
        "standard": Standard.objects.filter(framework=framework).first(),
        "keyquestion": KeyQuestion.objects.filter(standard__framework=framework).first(),
    }[model_name]
    client.force_login(django_user_model.objects.get(username="admin"))
    url = reverse(f"admin:inspections_{model_name}_change", args=[obj.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {}).status_code == 403
    assert (
        client.post(
            reverse(f"admin:inspections_{model_name}_delete", args=[obj.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_framework_no_inspection_uses_is_read_only_too_since_only_loading_its_document_changes_it(
    client, demo, django_user_model
):
    from inspections.models import Framework

    draft = Framework.objects.create(slug="draft", name="Draft", version=99, effective_from="2027-04-01")
    client.force_login(django_user_model.objects.get(username="admin"))
    page = client.get(reverse("admin:inspections_framework_change", args=[draft.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
