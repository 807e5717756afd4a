from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from cases.demo import DEMO_INSPECTIONS, DEMO_PASSWORD, DEMO_USERS
from cases.models import Answer, CaseFact, InspectedCase, Judgement
from inspections.models import Inspection, Role
from reports import rating
from reports.selectors.results import inspection_results


def test_seed_demo_is_idempotent_and_prints_the_sign_ins(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Inspection.objects.count(), InspectedCase.objects.count(), Judgement.objects.count())
    call_command("seed_demo")
    assert (Inspection.objects.count(), InspectedCase.objects.count(), Judgement.objects.count()) == counts
    assert DEMO_PASSWORD in first
    assert all(user.username in first for user in DEMO_USERS)
    assert authenticate(RequestFactory().post("/sign-in/"), username="lead", password=DEMO_PASSWORD)


def test_demo_inspections_are_realistic(db):
    call_command("seed_demo")
    assert Inspection.objects.count() == len(DEMO_INSPECTIONS) == 9
    for inspection in Inspection.objects.all():
        assert inspection.framework.slug == "pdu-2021"
        assert 21 <= inspection.cases.filter(kind="supervision").count() <= 101  # the samples' range
        roles = set(inspection.memberships.values_list("role", flat=True))
        assert roles == set(Role.values)
    # Six finished inspections are locked, each with its snapshot, over two inspection years.
    locked = Inspection.objects.filter(status=Inspection.Status.LOCKED)
    assert locked.count() == 6
    assert all(inspection.snapshots.exists() for inspection in locked)
    assert not InspectedCase.objects.filter(inspection__in=locked).exclude(status="approved").exists()
    assert {i.fieldwork_start.year for i in locked} == {2025, 2026}
    statuses = set(InspectedCase.objects.values_list("status", flat=True))
    assert {"in_progress", "submitted", "approved", "not_started"} <= statuses
    counted = Judgement.objects.filter(case__status__in=InspectedCase.COUNTED_STATUSES)
    overall = (
        counted.filter(answer=Answer.YES).count() / counted.exclude(answer=Answer.NOT_APPLICABLE).count()
    )
    assert 0.45 < overall < 0.8  # national rates of 2022-23 sit between about 40% and 80%
    court_report = InspectedCase.objects.filter(kind="court_report").first()
    assert set(court_report.attributes) == {"report_type", "court", "report_date"}
    assert set(court_report.facts.values_list("key", flat=True)) <= {
        "domestic_abuse_enquiries",
        "child_safeguarding_enquiries",
    }
    assert not court_report.needs.exists()
    assert CaseFact.objects.filter(case__kind="supervision", key="home_visits").exists()


def _composite(inspection: Inspection) -> tuple[int | None, int, rating.Rating | None]:
    """The composite, its maximum and the overall rating, as the dashboards, exports and API compute them."""
    result = inspection_results([Inspection.objects.select_related("framework").get(pk=inspection.pk)])
    value = result[inspection.pk]
    return value.composite_score, value.max_score, value.overall_rating


def test_the_gateshead_demo_rates_court_work_and_scores_15_out_of_27_good_as_published(db):
    call_command("seed_demo")
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    assert list(gateshead.optional_standards.values_list("code", flat=True)) == ["2.1"]
    assert _composite(gateshead) == (15, 27, rating.Rating.GOOD)


def test_the_derby_demo_does_not_rate_court_work_so_scores_out_of_24(db):
    call_command("seed_demo")
    derby = Inspection.objects.get(pdu__name="Derby City")
    assert not derby.optional_standards.exists()
    assert not derby.cases.filter(kind="court_report").exists()
    assert derby.rated_standards().count() == 8
    assert _composite(derby)[1] == 24


def test_demo_shows_quality_assurance_and_moderation_under_way(db):
    from cases.models import CaseQuery, SecondJudgement, SecondMarking

    call_command("seed_demo")
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    assert not gateshead.cases.filter(status=InspectedCase.Status.RETURNED).exists()
    assert CaseQuery.objects.filter(case__inspection=gateshead).exclude(answer="").count() == 1
    markings = SecondMarking.objects.filter(case__inspection=gateshead).select_related("case")
    assert markings.count() == 8  # 10% of 80 cases: 60 supervision and 20 court-report
    expected = sum(12 if marking.case.kind == "supervision" else 2 for marking in markings)
    assert SecondJudgement.objects.filter(marking__case__inspection=gateshead).count() == expected
