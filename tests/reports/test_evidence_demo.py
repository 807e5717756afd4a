"""The demo's evidence: a survey of 1,353 people on probation over the PDUs, and the demo inspections' staffing."""

from django.core.management import call_command

from reports.evidence.models import StaffingEvidence, SurveyCount
from reports.evidence.selectors import survey_results


def test_seed_demo_loads_the_survey_and_the_demo_staffing_once(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Imported 540 survey results (1,353 people on probation)" in out
    assert "Recorded the staffing of 9 demo inspections" in out
    national = survey_results()
    assert (national.respondents, national.pdus, national.period) == (1353, 36, "2026-27")
    # Three open inspections and the six finished ones, recorded before they were locked.
    assert StaffingEvidence.objects.count() == 9
    assert StaffingEvidence.objects.filter(inspection__status="locked").count() == 6
    call_command("seed_demo")
    assert "survey results" not in capsys.readouterr().out
    assert SurveyCount.objects.count() == 540
