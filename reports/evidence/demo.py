"""Demo evidence: the survey of people on probation for every PDU (1,353 people in all, as the annual report) and
the staffing of the demo inspections, recorded by their leads (the finished ones' before seed_demo locks them)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model

from inspections.models import Inspection, InspectionMembership, Role

from .models import SurveyCount
from .services import staffing_record
from .survey_import import survey_import

DEMO_SURVEY = Path(__file__).resolve().parent.parent / "data" / "demo_survey.csv"

# By PDU: (staff in post, sickness days, staff asked, saying manageable, {grade: (posts, vacant)}). About 60% of staff
# said their workload was not manageable, as the annual report found.
DEMO_STAFFING = {
    "Gateshead and South Tyneside": (
        118, Decimal("1062.0"), 84, 38,
        {"spo": (Decimal("9.0"), Decimal("1.0")), "po": (Decimal("41.5"), Decimal("7.5")),
         "pso": (Decimal("46.0"), Decimal("5.0")), "admin": (Decimal("14.0"), Decimal("1.0"))},
    ),
    "Derby City": (
        96, Decimal("1104.5"), 61, 22,
        {"spo": (Decimal("7.0"), Decimal("1.0")), "po": (Decimal("33.0"), Decimal("9.0")),
         "pso": (Decimal("38.0"), Decimal("6.5")), "admin": (Decimal("11.0"), Decimal("2.0"))},
    ),
    "Sheffield": (
        164, Decimal("1836.0"), 97, 36,
        {"spo": (Decimal("12.0"), Decimal("2.0")), "po": (Decimal("58.0"), Decimal("14.5")),
         "pso": (Decimal("63.0"), Decimal("9.0")), "admin": (Decimal("19.0"), Decimal("3.0"))},
    ),
    # The finished (locked) demo inspections: staffing recorded before they were locked.
    "Warwickshire": (
        88, Decimal("897.5"), 58, 24,
        {"spo": (Decimal("6.0"), Decimal("0.5")), "po": (Decimal("30.0"), Decimal("5.0")),
         "pso": (Decimal("34.0"), Decimal("4.0")), "admin": (Decimal("10.0"), Decimal("1.0"))},
    ),
    "Tameside": (
        102, Decimal("1173.0"), 70, 25,
        {"spo": (Decimal("8.0"), Decimal("1.0")), "po": (Decimal("36.0"), Decimal("8.0")),
         "pso": (Decimal("40.0"), Decimal("5.0")), "admin": (Decimal("12.0"), Decimal("2.0"))},
    ),
    "Kirklees": (
        110, Decimal("1331.0"), 75, 26,
        {"spo": (Decimal("8.0"), Decimal("2.0")), "po": (Decimal("39.0"), Decimal("10.0")),
         "pso": (Decimal("43.0"), Decimal("6.0")), "admin": (Decimal("13.0"), Decimal("1.5"))},
    ),
    "Somerset": (
        79, Decimal("774.0"), 55, 25,
        {"spo": (Decimal("6.0"), Decimal("0.0")), "po": (Decimal("27.0"), Decimal("4.0")),
         "pso": (Decimal("30.0"), Decimal("3.0")), "admin": (Decimal("9.0"), Decimal("1.0"))},
    ),
    "Blackburn": (
        72, Decimal("684.0"), 49, 21,
        {"spo": (Decimal("5.0"), Decimal("0.0")), "po": (Decimal("25.0"), Decimal("3.5")),
         "pso": (Decimal("28.0"), Decimal("3.0")), "admin": (Decimal("8.0"), Decimal("1.0"))},
    ),
    "Hull and East Riding": (
        126, Decimal("1449.0"), 88, 33,
        {"spo": (Decimal("10.0"), Decimal("1.5")), "po": (Decimal("45.0"), Decimal("9.0")),
         "pso": (Decimal("49.0"), Decimal("6.0")), "admin": (Decimal("15.0"), Decimal("2.0"))},
    ),
}  # fmt: skip


def staffing_demo_record(inspection: Inspection) -> bool:
    """Record the demo staffing of the inspection's PDU, by its lead, unless it has some (or is locked). Returns
    whether it recorded any."""
    figures = DEMO_STAFFING.get(inspection.pdu.name) if inspection.pdu else None
    lead = InspectionMembership.objects.filter(inspection=inspection, role=Role.LEAD).first()
    if figures is None or lead is None or inspection.is_locked or hasattr(inspection, "staffing"):
        return False
    staff, sickness, surveyed, manageable, vacancies = figures
    staffing_record(
        inspection=inspection,
        user=lead.user,
        staff_in_post=staff,
        sickness_days=sickness,
        staff_surveyed=surveyed,
        workloads_manageable=manageable,
        vacancies=vacancies,
    )
    return True


def evidence_demo_create() -> tuple[int, int]:
    """Import the demo survey (unless there are survey results already) and record the staffing of each demo
    inspection that has none. Returns the survey rows imported and the inspections given staffing."""
    rows = 0
    if not SurveyCount.objects.exists():
        importer = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if importer is not None:
            rows = survey_import(name=DEMO_SURVEY.name, data=DEMO_SURVEY.read_bytes(), user=importer).rows
    staffed = 0
    for inspection in Inspection.objects.filter(pdu__name__in=DEMO_STAFFING, staffing__isnull=True):
        staffed += staffing_demo_record(inspection)
    return rows, staffed
