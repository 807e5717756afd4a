"""The data migration to the corrected 2021-23 framework (inspections 0006, cases 0005; issue 14): inspections on the
old hard-coded framework (stages 2.1-2.4, an optional 3.1 Unpaid work judged by the lead) move to pdu-2021 version 1,
their judgements to the same key question renumbered (old 2.1.x Assessment is 2.2.x), their case columns to
attributes and case facts; an inspection that rated unpaid work (out of 27) rates court work instead, so it stays out
of 27."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inspections", "0005_framework_documents"), ("cases", "0004_case_kinds_and_facts")]
AFTER = [("inspections", "0006_pdu_2021_framework"), ("cases", "0005_move_to_pdu_2021")]
OLD_STAGES = ["Assessment", "Planning", "Implementation and delivery", "Reviewing"]


def _migrated_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_framework(apps):
    """The framework as the app hard-coded it before frameworks were data."""
    Framework = apps.get_model("inspections", "Framework")
    Standard = apps.get_model("inspections", "Standard")
    KeyQuestion = apps.get_model("inspections", "KeyQuestion")
    old = Framework.objects.create(
        slug="pdu", name="PDU inspections", version=1, effective_from=datetime.date(2021, 6, 1)
    )
    for number, title in enumerate(
        ["Leadership", "Staff", "Services", "Information and facilities"], start=1
    ):
        Standard.objects.create(
            framework=old, code=f"1.{number}", domain="1", title=title, rated_by="team_judgement"
        )
    for number, title in enumerate(OLD_STAGES, start=1):
        stage = Standard.objects.create(
            framework=old,
            code=f"2.{number}",
            domain="2",
            title=title,
            rated_by="lowest_key_question",
            case_kind="supervision",
        )
        for question in (1, 2, 3):
            KeyQuestion.objects.create(
                standard=stage, code=f"2.{number}.{question}", criterion="x", wording=f"{title} {question}?"
            )
    Standard.objects.create(
        framework=old,
        code="3.1",
        domain="3",
        title="Unpaid work",
        rated_by="team_judgement",
        is_optional=True,
    )
    return old


@pytest.mark.django_db(transaction=True)
def test_old_inspections_move_to_the_corrected_framework_keeping_every_answer_and_their_maximum():
    apps = _migrated_to(BEFORE)
    old = _old_framework(apps)
    Inspection = apps.get_model("inspections", "Inspection")
    Standard = apps.get_model("inspections", "Standard")
    KeyQuestion = apps.get_model("inspections", "KeyQuestion")
    OrganisationalRating = apps.get_model("inspections", "OrganisationalRating")
    PDU = apps.get_model("pdus", "PDU")
    Region = apps.get_model("pdus", "Region")
    InspectedCase = apps.get_model("cases", "InspectedCase")
    Judgement = apps.get_model("cases", "Judgement")
    region = Region.objects.create(name="North East")
    start = datetime.date(2022, 3, 7)
    with_unpaid_work, without = (
        Inspection.objects.create(
            pdu=PDU.objects.create(name=name, region=region),
            framework=old,
            fieldwork_start=start,
            fieldwork_end=start + datetime.timedelta(days=11),
        )
        for name in ("Gateshead and South Tyneside", "Derby City")
    )
    with_unpaid_work.optional_standards.set(Standard.objects.filter(framework=old, code="3.1"))
    for code, rating in (("1.1", "good"), ("3.1", "outstanding")):
        OrganisationalRating.objects.create(
            inspection=with_unpaid_work,
            standard=Standard.objects.get(framework=old, code=code),
            rating=rating,
            rationale="Evidence.",
        )
    case = InspectedCase.objects.create(
        inspection=with_unpaid_work,
        reference="GST001",
        case_type="licence",
        rosh_level="high",
        supervision_start=datetime.date(2021, 9, 6),
        rosh_classified_correctly=False,
        domestic_abuse_enquiries="made",
        child_safeguarding_enquiries="not_needed",
        home_visits="",
        management_oversight="insufficient",
    )
    for code, answer in (("2.1.1", "yes"), ("2.4.3", "no")):
        Judgement.objects.create(
            case=case, key_question=KeyQuestion.objects.get(standard__framework=old, code=code), answer=answer
        )

    apps = _migrated_to(AFTER)
    Inspection = apps.get_model("inspections", "Inspection")
    InspectedCase = apps.get_model("cases", "InspectedCase")
    moved, unmoved = (Inspection.objects.get(pk=i.pk) for i in (with_unpaid_work, without))
    assert (moved.framework.slug, moved.framework.version) == ("pdu-2021", 1)
    assert unmoved.framework_id == moved.framework_id
    # Unpaid work was rated, so court work is: 9 standards, out of 27; the other stays out of 24.
    assert list(moved.optional_standards.values_list("code", flat=True)) == ["2.1"]
    assert not unmoved.optional_standards.exists()
    ratings = apps.get_model("inspections", "OrganisationalRating").objects.filter(inspection=moved)
    assert dict(ratings.values_list("standard__code", "rating")) == {"1.1": "good"}  # unpaid work's is gone
    case = InspectedCase.objects.get(pk=case.pk)
    assert (case.kind, case.attributes) == (
        "supervision",
        {"case_type": "licence", "rosh_level": "high", "start_date": "2021-09-06"},
    )
    assert dict(case.facts.values_list("key", "value")) == {
        "rosh_classified_correctly": "no",
        "domestic_abuse_enquiries": "made",
        "child_safeguarding_enquiries": "not_needed",
        "management_oversight": "insufficient",
    }
    assert sorted(
        case.judgements.values_list("key_question__code", "key_question__standard__title", "answer")
    ) == [
        ("2.2.1", "Assessment", "yes"),
        ("2.5.3", "Reviewing", "no"),
    ]
    assert not apps.get_model("inspections", "Framework").objects.filter(slug="pdu").exists()

    _migrated_to(MigrationExecutor(connection).loader.graph.leaf_nodes())  # as the other tests expect
