"""Realistic demo data on the 2021-23 PDU framework (pdu-2021): three open inspections whose judgements vary around
the national rates of 2022-23, and six finished ones (all cases approved, locked by seed_demo) over two inspection
years, so that the national figures, which count locked inspections, have something to show and compare. Gateshead
rates court work from its court-report cases (out of 27, composite 15: Good, as published); Derby City's court work
is done by a shared court team, so it is not rated (out of 24).

Deterministic (seeded) and idempotent: an inspection that exists already is left as it is. Everything about the
cases (their kinds, attributes, key questions, facts and needs) is read from the framework.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from inspections.definitions import Attribute, CaseKind, Fact
from inspections.frameworks import frameworks_load_all
from inspections.models import (
    Framework,
    Inspection,
    InspectionMembership,
    KeyQuestion,
    OrganisationalRating,
    Role,
)
from pdus.loading import published_ratings_load
from pdus.models import PDU

from .models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement
from .questions import case_key_questions
from .services import answers, counts, moderation, workflow

DEMO_FRAMEWORK = "pdu-2021"

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
    DemoUser("lead", "Lena", "Okafor", "Lead inspector of every demo inspection"),
    DemoUser("inspector", "Ivan", "Patel", "Inspector on every demo inspection"),
    DemoUser("amira", "Amira", "Hussain", "Assistant inspector (Gateshead and Derby open, six locked)"),
    DemoUser("ben", "Ben", "Clarke", "Assistant inspector (Gateshead and Sheffield open, six locked)"),
    DemoUser("chloe", "Chloe", "Evans", "Assistant inspector (Derby and Sheffield open, six locked)"),
    DemoUser("quality", "Quinn", "Adeyemi", "Quality assurer of every demo inspection"),
    DemoUser("national", "Nadia", "Rahman", "National viewer: every aggregate, no case evidence", True),
    DemoUser("admin", "Ada", "Admin", "Administrator (Django admin)", is_superuser=True),
]

# The lowest key question's sufficiency of each case standard, by inspection: the standard's rating follows from it
# (80 Outstanding, 65 Good, 50 Requires improvement). The standard's other key questions do a little better.
STANDARD_RATES = {
    # Court work Good, assessment Good, planning and delivery Requires improvement, reviewing Good: 8 points, and
    # 7 from domain one: 15 out of 27, Good (Gateshead and South Tyneside, 2022-23).
    "GST": {"2.1": 0.70, "2.2": 0.72, "2.3": 0.57, "2.4": 0.58, "2.5": 0.70},
    "DBY": {"2.2": 0.62, "2.3": 0.55, "2.4": 0.47, "2.5": 0.45},
    "SHF": {"2.1": 0.42, "2.2": 0.55, "2.3": 0.44, "2.4": 0.40, "2.5": 0.38},
    "WAR": {"2.1": 0.66, "2.2": 0.58, "2.3": 0.50, "2.4": 0.46, "2.5": 0.44},
    "TAM": {"2.2": 0.52, "2.3": 0.45, "2.4": 0.41, "2.5": 0.36},
    "KRK": {"2.1": 0.48, "2.2": 0.47, "2.3": 0.40, "2.4": 0.33, "2.5": 0.30},
    "SOM": {"2.1": 0.72, "2.2": 0.66, "2.3": 0.55, "2.4": 0.52, "2.5": 0.50},
    "BLK": {"2.2": 0.70, "2.3": 0.60, "2.4": 0.53, "2.5": 0.55},
    "HUL": {"2.1": 0.62, "2.2": 0.60, "2.3": 0.48, "2.4": 0.45, "2.5": 0.47},
}
OTHER_KEY_QUESTIONS_BETTER_BY = 0.08
# Shares of each attribute's options in a sample, by attribute key; any other attribute is spread evenly.
ATTRIBUTE_WEIGHTS = {
    "case_type": {"community_order": 55, "licence": 40, "post_sentence_supervision": 5},
    "rosh_level": {"low": 20, "medium": 50, "high": 27, "very_high": 3},
    "report_type": {"oral": 30, "short_format": 50, "standard": 20},
    "court": {"magistrates": 80, "crown": 20},
}
# How often a fact's answer is counted (needed) and, if so, sufficient, by fact key; others 0.6 and 0.5.
FACT_RATES = {
    "rosh_classified_correctly": (1.0, 0.85),
    "domestic_abuse_enquiries": (0.6, 0.50),
    "child_safeguarding_enquiries": (0.5, 0.52),
    "home_visits": (0.4, 0.40),
    "management_oversight": (0.8, 0.28),
}
NEED_LINKED = {
    "accommodation": 0.35, "ete": 0.45, "finance": 0.30, "relationships": 0.50, "lifestyle": 0.45, "drugs": 0.40,
    "alcohol": 0.35, "thinking_and_behaviour": 0.80, "attitudes": 0.50, "health_and_wellbeing": 0.30,
}  # fmt: skip
NEED_MET = {"accommodation": 0.43, "drugs": 0.29, "alcohol": 0.38, "ete": 0.45}
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
    (Answer.YES, "court"): [
        "The report drew on police domestic-abuse information and children's services checks, and used them.",
        "The proposal was proportionate, analysed the offending and was adopted by the court.",
    ],
    (Answer.NO, "court"): [
        "No domestic-abuse enquiry was made with the police before sentence, though the offence was against a partner.",
        "The report described the offence but did not analyse it; the proposal was not explained.",
    ],
}
# The evidence above by the framework's criterion label; a criterion not here takes the court-work evidence.
CRITERION_EVIDENCE = {
    "Engagement": "engagement",
    "Desistance": "desistance",
    "Keeping other people safe": "safety",
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
    court_reports: int = 0  # court-report cases; none: court work is not rated, so the composite is out of 24
    locked: bool = False  # finished: every case approved, then locked by seed_demo's caller

    @property
    def status_created(self) -> str:
        """A finished inspection is created in quality assurance: locking it is the lock service's work."""
        return Inspection.Status.QUALITY_ASSURANCE if self.locked else self.status


DEMO_INSPECTIONS = [
    DemoInspection(
        "Gateshead and South Tyneside", "GST", datetime.date(2026, 9, 7), 60, 0.14,
        Inspection.Status.QUALITY_ASSURANCE, ("good", "good", "requires_improvement", "good"),
        ("amira", "ben"), 0.0, court_reports=20,
    ),
    DemoInspection(
        "Derby City", "DBY", datetime.date(2026, 10, 12), 45, 0.04,
        Inspection.Status.FIELDWORK, ("requires_improvement", "good"), ("amira", "chloe"), 0.2,
    ),
    DemoInspection(
        "Sheffield", "SHF", datetime.date(2026, 11, 9), 90, -0.08,
        Inspection.Status.FIELDWORK, (), ("ben", "chloe"), 0.25, court_reports=30,
    ),
    *(
        DemoInspection(
            pdu, prefix, start, 30, quality, Inspection.Status.LOCKED, organisational, ("amira", "ben", "chloe"),
            0.0, court_reports=court_reports, locked=True,
        )
        for pdu, prefix, start, quality, organisational, court_reports in [
            ("Warwickshire", "WAR", datetime.date(2025, 6, 9), 0.0,
             ("requires_improvement", "requires_improvement", "good", "requires_improvement"), 12),
            ("Tameside", "TAM", datetime.date(2025, 9, 15), -0.05, ("requires_improvement",) * 4, 0),
            ("Kirklees", "KRK", datetime.date(2026, 1, 12), -0.1,
             ("inadequate", "requires_improvement", "requires_improvement", "requires_improvement"), 12),
            ("Somerset", "SOM", datetime.date(2026, 5, 11), 0.05,
             ("good", "requires_improvement", "good", "requires_improvement"), 12),
            ("Blackburn", "BLK", datetime.date(2026, 6, 15), 0.08,
             ("good", "good", "requires_improvement", "good"), 0),
            ("Hull and East Riding", "HUL", datetime.date(2026, 7, 13), -0.02,
             ("requires_improvement", "requires_improvement", "requires_improvement", "good"), 12),
        ]
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


def _attribute_value(rng: random.Random, attribute: Attribute, start: datetime.date) -> str:
    if attribute.type == "date":
        return (start - datetime.timedelta(days=rng.randint(150, 215))).isoformat()
    weights = ATTRIBUTE_WEIGHTS.get(attribute.key, {})
    options = [option.value for option in attribute.options]
    return rng.choices(options, weights=[weights.get(option, 1) for option in options])[0]


def _fact_value(rng: random.Random, fact: Fact, quality: float) -> str:
    """An answer: one of the counted answers if needed (a sufficient one by the fact's rate), else another."""
    needed, sufficient = FACT_RATES.get(fact.key, (0.6, 0.5))
    not_counted = [option.value for option in fact.options if option.value not in fact.counted]
    if not_counted and not _chance(rng, needed):
        return rng.choice(not_counted)
    insufficient = [value for value in fact.counted if value not in fact.sufficient]
    if not insufficient or _chance(rng, sufficient + quality):
        return rng.choice(fact.sufficient)
    return rng.choice(insufficient)


def _sufficient_cases(rng: random.Random, answered: list[int], rate: float) -> set[int]:
    """Which of the answering cases (their indexes) are judged sufficient: exactly the rate's share of them, so a
    demo standard's rating is the one intended, rounded to whole cases."""
    chosen = list(answered)
    rng.shuffle(chosen)
    return set(chosen[: round(rate * len(chosen))])


@dataclass
class _DemoCase:
    case: InspectedCase
    kind: CaseKind
    answered: int  # how many of its key questions are answered (all unless it is in progress)


def _demo_cases(
    demo: DemoInspection, inspection: Inspection, users: dict, rng: random.Random
) -> list[_DemoCase]:
    definition = inspection.framework.definition
    samples = [(definition.case_kinds[0], demo.prefix, demo.cases)]
    if demo.court_reports:
        court = next(kind for kind in definition.case_kinds[1:] if kind.slug == "court_report")
        samples.append((court, f"{demo.prefix}C", demo.court_reports))
    cases = []
    for kind, prefix, count in samples:
        questions = len(definition.key_questions(kind.slug))
        for number in range(1, count + 1):
            unfinished = _chance(rng, demo.share_unfinished) if demo.share_unfinished else False
            status = InspectedCase.Status.SUBMITTED
            if unfinished:
                status = rng.choice([InspectedCase.Status.NOT_STARTED, InspectedCase.Status.IN_PROGRESS])
            elif demo.locked or (demo.status == Inspection.Status.QUALITY_ASSURANCE and _chance(rng, 0.4)):
                status = InspectedCase.Status.APPROVED
            answered = {
                InspectedCase.Status.NOT_STARTED: 0,
                InspectedCase.Status.IN_PROGRESS: rng.randint(1, max(1, questions - 2)),
            }.get(status, questions)
            case = InspectedCase(
                inspection=inspection,
                reference=f"{prefix}{number:04d}",
                kind=kind.slug,
                attributes={a.key: _attribute_value(rng, a, demo.fieldwork_start) for a in kind.attributes},
                assistant_inspector=users[demo.assistant_inspectors[number % len(demo.assistant_inspectors)]],
                status=status,
            )
            cases.append(_DemoCase(case, kind, answered))
    return cases


@transaction.atomic
def demo_inspection_create(demo: DemoInspection, framework: Framework, users: dict) -> Inspection | None:
    """Create one demo inspection with its team, cases, judgements, facts and needs; None if it already exists."""
    pdu = PDU.objects.get(name=demo.pdu)
    if Inspection.objects.filter(pdu=pdu, fieldwork_start=demo.fieldwork_start).exists():
        return None
    rng = random.Random(demo.prefix)
    inspection = Inspection.objects.create(
        pdu=pdu,
        framework=framework,
        fieldwork_start=demo.fieldwork_start,
        fieldwork_end=demo.fieldwork_start + datetime.timedelta(days=11),
        status=demo.status_created,
    )
    team = [("lead", Role.LEAD), ("inspector", Role.INSPECTOR), ("quality", Role.QUALITY_ASSURER)]
    team += [(name, Role.ASSISTANT_INSPECTOR) for name in demo.assistant_inspectors]
    InspectionMembership.objects.bulk_create(
        InspectionMembership(inspection=inspection, user=users[name], role=role) for name, role in team
    )
    # The optional standards rated from a kind of case the demo samples (court work, if it has court reports).
    sampled = {framework.definition.case_kinds[0].slug, *(["court_report"] if demo.court_reports else [])}
    inspection.optional_standards.set(framework.standards.filter(is_optional=True, case_kind__in=sampled))
    organisational = inspection.rated_standards().filter(rated_by="team_judgement")
    for standard, rating in zip(organisational, demo.organisational, strict=False):
        OrganisationalRating.objects.create(
            inspection=inspection,
            standard=standard,
            rating=rating,
            rated_by=users["lead"],
            rationale=f"Evidence from interviews, the staff survey and documents supports a rating of {rating.replace('_', ' ')}.",
        )

    demo_cases = _demo_cases(demo, inspection, users, rng)
    rows = {kq.code: kq for kq in KeyQuestion.objects.of_framework(framework.pk)}
    judgements, facts, needs = [], [], []
    rates = STANDARD_RATES.get(demo.prefix, {})
    for standard in framework.definition.standards:
        for position, key_question in enumerate(standard.key_questions):
            cases = [c for c in demo_cases if c.kind.slug == standard.case_kind]
            order = [kq.code for _, kq in framework.definition.key_questions(standard.case_kind)]
            answering = [i for i, c in enumerate(cases) if c.answered > order.index(key_question.code)]
            not_applicable = {
                i for i in answering if position == 0 and standard.code == "2.5" and _chance(rng, 0.04)
            }
            lowest = rates.get(standard.code, 0.6)
            rate = (
                lowest
                if position == len(standard.key_questions) - 1
                else lowest + OTHER_KEY_QUESTIONS_BETTER_BY
            )
            sufficient = _sufficient_cases(rng, [i for i in answering if i not in not_applicable], rate)
            evidence = CRITERION_EVIDENCE.get(key_question.criterion, "court")
            for i in answering:
                answer = (
                    Answer.NOT_APPLICABLE
                    if i in not_applicable
                    else Answer.YES
                    if i in sufficient
                    else Answer.NO
                )
                rationale = (
                    "No review was due in the period inspected."
                    if answer == Answer.NOT_APPLICABLE
                    else rng.choice(EVIDENCE[(answer, evidence)])
                )
                case = cases[i].case
                judgements.append(
                    Judgement(
                        case=case,
                        key_question=rows[key_question.code],
                        answer=answer,
                        rationale=rationale,
                        updated_by=case.assistant_inspector,
                    )
                )
    for demo_case in demo_cases:
        case, kind = demo_case.case, demo_case.kind
        if case.status == InspectedCase.Status.NOT_STARTED:
            continue
        facts += [
            CaseFact(
                case=case,
                key=fact.key,
                value=_fact_value(rng, fact, demo.quality),
                updated_by=case.assistant_inspector,
            )
            for fact in kind.facts
        ]
        for need in kind.needs:
            linked = _chance(rng, NEED_LINKED.get(need.key, 0.4))
            met = _chance(rng, NEED_MET.get(need.key, 0.45) + demo.quality) if linked else None
            needs.append(
                CaseNeed(case=case, need=need.key, linked_to_offending=linked, sufficiently_addressed=met)
            )
    for row in [*judgements, *facts, *needs]:
        row._history_user = row.case.assistant_inspector  # an answer's history names who answered it
    bulk_create_with_history([c.case for c in demo_cases], InspectedCase, default_user=users["lead"])
    bulk_create_with_history(judgements, Judgement, default_user=users["lead"])
    bulk_create_with_history(facts, CaseFact, default_user=users["lead"])
    bulk_create_with_history(needs, CaseNeed, default_user=users["lead"])
    return inspection


def seed_demo(lock: Callable[..., object] | None = None) -> tuple[list[Inspection], int]:
    """Load reference data and the demo inspections. Returns the inspections created and the PDUs read.

    lock(inspection=..., user=...) locks the finished ones (the reports layer's lock service, which takes their
    snapshots); without it they stay in quality assurance, every case approved."""
    pdu_count = published_ratings_load()
    framework = next(f for f in frameworks_load_all() if f.slug == DEMO_FRAMEWORK)
    users = demo_users_create()
    created = []
    for demo in DEMO_INSPECTIONS:
        inspection = demo_inspection_create(demo, framework, users)
        if inspection is None:
            continue
        counts.kept_counts_recount(
            inspection=inspection
        )  # its cases were written in bulk, not by the services
        demo_workflow_create(inspection, users)
        if demo.locked and lock is not None:
            lock(inspection=inspection, user=users["lead"])
        created.append(inspection)
    return created, pdu_count


@transaction.atomic
def demo_workflow_create(inspection: Inspection, users: dict) -> None:
    """Quality assurance and moderation under way in a demo inspection in quality assurance: a case returned with
    a query, answered and resubmitted (so the thread shows), and 10% of the sample second-marked. Every case ends
    as it was, so the demo's results do not change."""
    if (
        inspection.status != Inspection.Status.QUALITY_ASSURANCE
        or not inspection.cases.exclude(status=InspectedCase.Status.APPROVED).exists()
    ):
        return  # nothing to quality-assure: fieldwork still going, or (a finished demo inspection) all approved
    rng = random.Random(f"workflow-{inspection.pk}")
    supervision = inspection.framework.definition.case_kinds[0]
    case = (
        inspection.cases.filter(status=InspectedCase.Status.SUBMITTED, kind=supervision.slug)
        .order_by("reference")
        .first()
    )
    if case and case.case_kind.fact("home_visits"):
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
        if len(first) < len(case_key_questions(marking.case)):
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
