"""Realistic demo data: three inspections whose judgements vary around the national rates of 2022-23.

Deterministic (seeded) and idempotent: an inspection that exists already is left as it is.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from inspections.frameworks import frameworks_load_all
from inspections.models import (
    Framework,
    Inspection,
    InspectionMembership,
    OrganisationalRating,
    RatedFrom,
    Role,
)
from pdus.loading import published_ratings_load
from pdus.models import PDU

from .models import (
    Answer,
    CaseNeed,
    CaseType,
    Enquiries,
    InspectedCase,
    Judgement,
    Need,
    Oversight,
    RoshLevel,
)
from .services import answers, moderation, workflow

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo; never used outside it


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    description: str
    is_national_viewer: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("lead", "Lena", "Okafor", "Lead inspector of all three inspections"),
    DemoUser("inspector", "Ivan", "Patel", "Inspector on all three inspections"),
    DemoUser("amira", "Amira", "Hussain", "Assistant inspector (Gateshead and Derby)"),
    DemoUser("ben", "Ben", "Clarke", "Assistant inspector (Gateshead and Sheffield)"),
    DemoUser("chloe", "Chloe", "Evans", "Assistant inspector (Derby and Sheffield)"),
    DemoUser("quality", "Quinn", "Adeyemi", "Quality assurer of all three inspections"),
    DemoUser("national", "Nadia", "Rahman", "National viewer: every aggregate, no case evidence", True),
    DemoUser("admin", "Ada", "Admin", "Administrator (Django admin)", is_superuser=True),
]

# Sufficiency rates by key question code, near the inspectorate's national figures for 2022-23.
BASE_RATES = {
    "2.1.1": 0.80, "2.1.2": 0.68, "2.1.3": 0.50,
    "2.2.1": 0.73, "2.2.2": 0.63, "2.2.3": 0.47,
    "2.3.1": 0.71, "2.3.2": 0.57, "2.3.3": 0.48,
    "2.4.1": 0.63, "2.4.2": 0.56, "2.4.3": 0.45,
}  # fmt: skip
NEED_LINKED = {
    Need.ACCOMMODATION: 0.35, Need.ETE: 0.45, Need.FINANCE: 0.30, Need.RELATIONSHIPS: 0.50,
    Need.LIFESTYLE: 0.45, Need.DRUGS: 0.40, Need.ALCOHOL: 0.35, Need.THINKING_AND_BEHAVIOUR: 0.80,
    Need.ATTITUDES: 0.50, Need.HEALTH_AND_WELLBEING: 0.30,
}  # fmt: skip
NEED_MET = {Need.ACCOMMODATION: 0.43, Need.DRUGS: 0.29, Need.ALCOHOL: 0.38, Need.ETE: 0.45}
EVIDENCE = {
    (Answer.YES, "engagement"): [
        "The practitioner explored motivation and barriers at induction and adjusted reporting around shift work.",
        "Contact was frequent and purposeful; the person's views were recorded and acted on.",
        "Appointments were rearranged around childcare and the practitioner followed up missed contact promptly.",
    ],
    (Answer.NO, "engagement"): [
        "No evidence that the person's learning difficulties were considered when setting reporting instructions.",
        "Missed appointments were not followed up for five weeks and no enforcement decision was recorded.",
        "The person's own views are absent from the record; the plan was written without them.",
    ],
    (Answer.YES, "desistance"): [
        "Accommodation and employment were identified as priorities and referrals made in the first month.",
        "Strengths (family support, recent work history) were identified and built into the plan.",
        "Substance misuse work was sequenced before the accredited programme, which was sensible.",
    ],
    (Answer.NO, "desistance"): [
        "Drug use was clearly linked to offending but no referral to treatment services was made.",
        "The plan lists needs but sets no actions or timescales to address them.",
        "Thinking and behaviour was identified but no structured intervention was delivered or planned.",
    ],
    (Answer.YES, "safety"): [
        "Domestic abuse enquiries were made with police and children's services, and the information was analysed.",
        "Risk of harm was clearly analysed, naming who is at risk and the circumstances; contingency planning is sound.",
        "A home visit was completed and information shared appropriately with the MARAC.",
    ],
    (Answer.NO, "safety"): [
        "No domestic abuse call-out information was requested despite a history of intimate partner violence.",
        "Child safeguarding enquiries were not made although the person lives with a partner and two children.",
        "The risk management plan has not been reviewed after the further arrest for assault.",
    ],
}


@dataclass(frozen=True)
class DemoInspection:
    pdu: str
    prefix: str
    fieldwork_start: datetime.date
    cases: int
    quality: float  # added to every rate: how much better or worse than national this PDU does
    status: str
    organisational: tuple[str, ...]  # ratings for 1.1-1.4, where the lead has recorded them
    assistant_inspectors: tuple[str, ...]
    share_unfinished: float
    rates_unpaid_work: bool = False  # a ninth standard, so the composite is out of 27


DEMO_INSPECTIONS = [
    DemoInspection(
        "Gateshead and South Tyneside", "GST", datetime.date(2026, 9, 7), 60, 0.14,
        Inspection.Status.QUALITY_ASSURANCE, ("good", "good", "requires_improvement", "good", "good"),
        ("amira", "ben"), 0.0, rates_unpaid_work=True,
    ),
    DemoInspection(
        "Derby City", "DBY", datetime.date(2026, 10, 12), 45, 0.04,
        Inspection.Status.FIELDWORK, ("requires_improvement", "good"), ("amira", "chloe"), 0.2,
    ),
    DemoInspection(
        "Sheffield", "SHF", datetime.date(2026, 11, 9), 90, -0.08,
        Inspection.Status.FIELDWORK, (), ("ben", "chloe"), 0.25,
    ),
]  # fmt: skip


LEAD_GROUP = "Lead inspectors"


def lead_group_create():
    """The group whose members may create inspections (inspections.permissions). It grants no model permission:
    leads work in the app's pages, and the Django admin is for superusers only. A group an older seed gave admin
    permissions loses them here."""
    group, _ = Group.objects.get_or_create(name=LEAD_GROUP)
    group.permissions.clear()
    return group


def demo_users_create() -> dict:
    users = {}
    leads = lead_group_create()
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@example.org",
                "is_national_viewer": demo.is_national_viewer,
                "is_superuser": demo.is_superuser,
                "is_staff": demo.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            if demo.username == "lead":
                user.groups.add(leads)
        users[demo.username] = user
    return users


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < min(max(probability, 0.02), 0.98)


def _case_facts(rng: random.Random, quality: float) -> dict:
    def enquiries(needed: float, made: float) -> str:
        if not _chance(rng, needed):
            return Enquiries.NOT_NEEDED
        return Enquiries.MADE if _chance(rng, made + quality) else Enquiries.NOT_MADE

    oversight = Oversight.NOT_REQUIRED
    if _chance(rng, 0.8):
        oversight = Oversight.SUFFICIENT if _chance(rng, 0.28 + quality) else Oversight.INSUFFICIENT
    return {
        "rosh_classified_correctly": _chance(rng, 0.85 + quality / 2),
        "domestic_abuse_enquiries": enquiries(0.6, 0.49),
        "child_safeguarding_enquiries": enquiries(0.5, 0.55),
        "home_visits": enquiries(0.4, 0.40),
        "management_oversight": oversight,
    }


@transaction.atomic
def demo_inspection_create(demo: DemoInspection, framework: Framework, users: dict) -> Inspection | None:
    """Create one demo inspection with its team, cases, judgements and needs; None if it already exists."""
    pdu = PDU.objects.get(name=demo.pdu)
    if Inspection.objects.filter(pdu=pdu, fieldwork_start=demo.fieldwork_start).exists():
        return None
    rng = random.Random(demo.prefix)
    inspection = Inspection.objects.create(
        pdu=pdu,
        framework=framework,
        fieldwork_start=demo.fieldwork_start,
        fieldwork_end=demo.fieldwork_start + datetime.timedelta(days=11),
        status=demo.status,
    )
    team = [("lead", Role.LEAD), ("inspector", Role.INSPECTOR), ("quality", Role.QUALITY_ASSURER)]
    team += [(name, Role.ASSISTANT_INSPECTOR) for name in demo.assistant_inspectors]
    InspectionMembership.objects.bulk_create(
        InspectionMembership(inspection=inspection, user=users[name], role=role) for name, role in team
    )
    if demo.rates_unpaid_work:
        inspection.optional_standards.set(framework.standards.filter(is_optional=True))
    organisational = inspection.rated_standards().filter(rated_from=RatedFrom.LEAD_JUDGEMENT)
    for standard, rating in zip(organisational, demo.organisational, strict=False):
        OrganisationalRating.objects.create(
            inspection=inspection,
            standard=standard,
            rating=rating,
            rated_by=users["lead"],
            rationale=f"Evidence from interviews, the staff survey and documents supports a rating of {rating.replace('_', ' ')}.",
        )

    key_questions = list(framework.standards.filter(key_questions__isnull=False).values_list(
        "key_questions__pk", "key_questions__code", "key_questions__criterion"
    ))  # fmt: skip
    cases, judgements, needs = [], [], []
    for number in range(1, demo.cases + 1):
        unfinished = _chance(rng, demo.share_unfinished) if demo.share_unfinished else False
        status = InspectedCase.Status.SUBMITTED
        if unfinished:
            status = rng.choice([InspectedCase.Status.NOT_STARTED, InspectedCase.Status.IN_PROGRESS])
        elif demo.status == Inspection.Status.QUALITY_ASSURANCE and _chance(rng, 0.4):
            status = InspectedCase.Status.APPROVED
        case_quality = demo.quality + rng.gauss(0, 0.12)
        case = InspectedCase(
            inspection=inspection,
            reference=f"{demo.prefix}{number:04d}",
            case_type=rng.choices(list(CaseType), weights=[55, 40, 5])[0],
            rosh_level=rng.choices(list(RoshLevel), weights=[20, 50, 27, 3])[0],
            supervision_start=demo.fieldwork_start - datetime.timedelta(days=rng.randint(150, 215)),
            assistant_inspector=users[demo.assistant_inspectors[number % len(demo.assistant_inspectors)]],
            status=status,
            **(_case_facts(rng, demo.quality) if status != InspectedCase.Status.NOT_STARTED else {}),
        )
        cases.append(case)
        if status == InspectedCase.Status.NOT_STARTED:
            continue
        answered = (
            key_questions
            if status != InspectedCase.Status.IN_PROGRESS
            else key_questions[: rng.randint(1, 8)]
        )
        for pk, code, criterion in answered:
            answer = Answer.YES if _chance(rng, BASE_RATES[code] + case_quality) else Answer.NO
            if code.startswith("2.4") and _chance(rng, 0.04):
                answer = Answer.NOT_APPLICABLE  # too early in the sentence for a review
            rationale = (
                "No review was due in the period inspected."
                if answer == Answer.NOT_APPLICABLE
                else rng.choice(EVIDENCE[(answer, criterion)])
            )
            judgements.append(
                Judgement(
                    case=case,
                    key_question_id=pk,
                    answer=answer,
                    rationale=rationale,
                    updated_by=case.assistant_inspector,
                )
            )
        for need in Need:
            linked = _chance(rng, NEED_LINKED[need])
            met = _chance(rng, NEED_MET.get(need, 0.45) + demo.quality) if linked else None
            needs.append(
                CaseNeed(case=case, need=need, linked_to_offending=linked, sufficiently_addressed=met)
            )
    for row in [*judgements, *needs]:
        row._history_user = row.case.assistant_inspector  # an answer's history names who answered it
    bulk_create_with_history(cases, InspectedCase, default_user=users["lead"])
    bulk_create_with_history(judgements, Judgement, default_user=users["lead"])
    bulk_create_with_history(needs, CaseNeed, default_user=users["lead"])
    return inspection


def seed_demo() -> tuple[list[Inspection], int]:
    """Load reference data and the demo inspections. Returns the inspections created and the PDUs read."""
    pdu_count = published_ratings_load()
    framework = frameworks_load_all()[-1]
    users = demo_users_create()
    created = [demo_inspection_create(demo, framework, users) for demo in DEMO_INSPECTIONS]
    for inspection in filter(None, created):
        demo_workflow_create(inspection, users)
    return [inspection for inspection in created if inspection], pdu_count


@transaction.atomic
def demo_workflow_create(inspection: Inspection, users: dict) -> None:
    """Quality assurance and moderation under way in a demo inspection in quality assurance: a case returned with
    a query, answered and resubmitted (so the thread shows), and 10% of the sample second-marked. Every case ends
    as it was, so the demo's results do not change."""
    if inspection.status != Inspection.Status.QUALITY_ASSURANCE:
        return
    rng = random.Random(f"workflow-{inspection.pk}")
    case = inspection.cases.filter(status=InspectedCase.Status.SUBMITTED).order_by("reference").first()
    if case:
        query = workflow.case_return(
            case=case,
            user=users["quality"],
            text="Were home visits really not needed? The person lives with two children.",
            fact="home_visits",
        )
        workflow.case_query_answer(
            query=query,
            user=case.assistant_inspector,
            answer="The children's social worker visits weekly and shares notes; I have added this to 2.3.3.",
        )
        case.refresh_from_db()
        answers.case_submit(case=case, user=case.assistant_inspector, expected_version=case.version)
    markings = moderation.second_marking_choose_share(
        inspection=inspection, percentage=10, user=users["lead"]
    )
    for marking in markings:
        first = dict(marking.case.judgements.values_list("key_question__code", "answer"))
        if len(first) < 12:
            continue  # not finished by its first marker: left for the second marker to do in the demo
        second = {
            code: {
                "answer": (Answer.NO if answer == Answer.YES else Answer.YES)
                if _chance(rng, 0.15)
                else answer,
                "rationale": "Second marking from the case record.",
            }
            for code, answer in first.items()
        }
        moderation.second_marking_save(marking=marking, user=marking.marker, judgements=second)
