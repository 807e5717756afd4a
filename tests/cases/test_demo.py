from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from cases.demo import DEMO_INSPECTIONS, DEMO_PASSWORD, DEMO_USERS
from cases.models import Answer, InspectedCase, Judgement
from inspections.models import Inspection, Role
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
    assert Inspection.objects.count() == len(DEMO_INSPECTIONS) == 3
    for inspection in Inspection.objects.all():
        cases = inspection.cases.count()
        assert 40 <= cases <= 100
        roles = set(inspection.memberships.values_list("role", flat=True))
        assert roles == set(Role.values)
    statuses = set(InspectedCase.objects.values_list("status", flat=True))
    assert {"in_progress", "submitted", "approved", "not_started"} <= statuses
    counted = Judgement.objects.filter(case__status__in=InspectedCase.COUNTED_STATUSES)
    overall = (
        counted.filter(answer=Answer.YES).count() / counted.exclude(answer=Answer.NOT_APPLICABLE).count()
    )
    assert 0.45 < overall < 0.8  # national rates of 2022-23 sit between about 40% and 80%


def test_the_gateshead_demo_rates_nine_standards_and_has_a_full_composite(db):
    call_command("seed_demo")
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    result = inspection_results([gateshead])[gateshead.pk]
    assert result.max_score == 27
    assert result.composite_score is not None
    assert result.overall_rating is not None


def test_demo_shows_quality_assurance_and_moderation_under_way(db):
    from cases.models import CaseQuery, SecondJudgement, SecondMarking

    call_command("seed_demo")
    gateshead = Inspection.objects.get(pdu__name="Gateshead and South Tyneside")
    assert not gateshead.cases.filter(status=InspectedCase.Status.RETURNED).exists()
    assert CaseQuery.objects.filter(case__inspection=gateshead).exclude(answer="").count() == 1
    assert SecondMarking.objects.filter(case__inspection=gateshead).count() == 6  # 10% of 60
    assert SecondJudgement.objects.filter(marking__case__inspection=gateshead).count() == 6 * 12
