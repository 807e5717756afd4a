"""factory-boy factories for every model, helpers that put users on teams, and the header of a case sample file.

The PDU framework itself is loaded from its data file (see conftest)."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases.models import Answer, CaseFact, CaseNeed, InspectedCase, Judgement
from inspections.models import Framework, Inspection, InspectionMembership, OrganisationalRating, Role
from pdus.models import PDU, PublishedRating, Region

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")


class PDUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PDU
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"PDU {n}")
    region = factory.SubFactory(RegionFactory)


class PublishedRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublishedRating

    pdu = factory.SubFactory(PDUFactory)
    period_start = datetime.date(2022, 1, 1)
    period_end = datetime.date(2023, 8, 1)
    composite_score = 7
    composite_max = 27


CURRENT_FRAMEWORK = "pdu-2021"


def current_framework() -> Framework:
    """The 2021-23 PDU framework as shipped, loaded once per test database."""
    from inspections.frameworks import frameworks_load_all

    found = Framework.objects.filter(slug=CURRENT_FRAMEWORK).order_by("-version").first()
    return found or next(f for f in frameworks_load_all() if f.slug == CURRENT_FRAMEWORK)


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    pdu = factory.SubFactory(PDUFactory)
    framework = factory.LazyFunction(current_framework)
    fieldwork_start = datetime.date(2026, 9, 7)
    fieldwork_end = datetime.date(2026, 9, 18)
    status = Inspection.Status.FIELDWORK


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionMembership

    inspection = factory.SubFactory(InspectionFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ASSISTANT_INSPECTOR


def team_member(inspection: Inspection, role: str = Role.ASSISTANT_INSPECTOR, user=None, **user_fields):
    """Put a user (a new one with these fields, unless given) on the inspection's team in this role; the user."""
    return MembershipFactory(inspection=inspection, role=role, user=user or UserFactory(**user_fields)).user


def lock_with_frozen_counts(inspection: Inspection, user):
    """Lock the inspection as the lock service leaves it (its status, a snapshot of its results and the counts
    frozen with it), without the service's readiness checks; the snapshot."""
    from reports.models import InspectionSnapshot
    from reports.selectors import results
    from reports.services import frozen_counts_create

    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.LOCKED)
    inspection.refresh_from_db()
    result = results.inspection_results([inspection])[inspection.pk]
    snapshot = InspectionSnapshot.objects.create(
        inspection=inspection,
        data=results.inspection_result_data(result),
        framework_version=inspection.framework.version,
        created_by=user,
    )
    frozen_counts_create(snapshots=[snapshot])
    return snapshot


def user_with_roles(*roles: str, **user_fields):
    """A new user with each of these roles, each on an inspection of its own."""
    user = UserFactory(**user_fields)
    for role in roles:
        MembershipFactory(inspection=InspectionFactory(), user=user, role=role)
    return user


class InspectedCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectedCase

    inspection = factory.SubFactory(InspectionFactory)
    reference = factory.Sequence(lambda n: f"CASE{n:05d}")
    kind = "supervision"
    attributes = factory.LazyAttribute(
        lambda case: (
            {"case_type": "community_order", "rosh_level": "medium", "start_date": "2026-03-02"}
            if case.kind == "supervision"
            else {"report_type": "standard", "court": "magistrates", "report_date": "2026-03-02"}
        )
    )
    status = InspectedCase.Status.NOT_STARTED


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    case = factory.SubFactory(InspectedCaseFactory)
    key_question = factory.LazyAttribute(
        lambda judgement: judgement.case.inspection.framework.standards.get(code="2.2").key_questions.first()
    )
    answer = Answer.YES
    rationale = "Evidence recorded in the case notes."


class CaseFactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseFact

    case = factory.SubFactory(InspectedCaseFactory)
    key = "domestic_abuse_enquiries"
    value = "made"


class CaseNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNeed

    case = factory.SubFactory(InspectedCaseFactory)
    need = "accommodation"
    linked_to_offending = True
    sufficiently_addressed = True


class OrganisationalRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationalRating

    inspection = factory.SubFactory(InspectionFactory)
    standard = factory.LazyAttribute(lambda rating: rating.inspection.framework.standards.get(code="1.1"))
    rating = "good"
    rationale = "Leaders have a clear vision, communicated well to staff."


# What a case sample file starts with: the documented headings, in order.
SAMPLE_HEADER = "Case reference,Case type,RoSH level,Supervision start date,Assistant inspector\n"


# A PDU caseload for the sample designer: the documented headings, and rows spread over the strata, teams and
# practitioners in a fixed pattern.
CASELOAD_HEADER = (
    "CRN",
    "PNC",
    "Name",
    "Date of birth",
    "Start date",
    "Sentence type",
    "Gender",
    "Ethnicity group",
    "RoSH level",
    "Team",
    "Practitioner",
)
CASELOAD_SENTENCES = ("community order", "licence", "community order", "post-sentence supervision", "licence")
CASELOAD_ROSH = ("low", "medium", "high", "medium", "very high", "low")
CASELOAD_ETHNICITY = ("White", "White", "White", "Asian", "Black", "Mixed", "Other")


def caseload_row(i: int, start: datetime.date = datetime.date(2026, 3, 31)) -> list[str]:
    """Caseload row number i: a different person each, starting up to 150 days before `start`."""
    return [
        f"X{i:06d}",
        f"2020/{i:07d}A",
        f"Person {i}",
        (datetime.date(1970, 1, 1) + datetime.timedelta(days=i * 7)).isoformat(),
        (start - datetime.timedelta(days=i % 150)).isoformat(),
        CASELOAD_SENTENCES[i % len(CASELOAD_SENTENCES)],
        "female" if i % 6 == 0 else "male",
        CASELOAD_ETHNICITY[i % len(CASELOAD_ETHNICITY)],
        CASELOAD_ROSH[i % len(CASELOAD_ROSH)],
        f"Team {i % 4 + 1}",
        f"Officer {i % 4 + 1}-{(i // 4) % 15 + 1}",
    ]


def caseload_csv(rows, header=CASELOAD_HEADER) -> bytes:
    """A caseload CSV file from rows of cells (written with the csv module, so commas are quoted)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def small_framework_document() -> dict:
    """The smallest valid framework document (a fresh copy each call): a judged standard and a case standard with one
    key question for licence cases only."""
    return {
        "format": 2,
        "slug": "test",
        "version": 1,
        "name": "A small framework",
        "unit": "pdu",
        "effective_from": "2024-04-01",
        "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
        "overall": {
            "rule": "composite",
            "bands": {"6": {"outstanding": 6, "good": 4, "requires_improvement": 2}},
        },
        "domains": [{"code": "1", "title": "Organisation"}, {"code": "2", "title": "Cases"}],
        "case_kinds": [
            {
                "slug": "supervision",
                "name": "Supervision case",
                "attributes": [
                    {
                        "key": "case_type",
                        "label": "Case type",
                        "type": "choice",
                        "required": True,
                        "breakdown": True,
                        "options": [
                            {"value": "community", "label": "Community"},
                            {"value": "licence", "label": "Licence"},
                        ],
                    },
                    {"key": "start_date", "label": "Start date", "type": "date", "required": True},
                ],
                "facts": [
                    {
                        "key": "oversight",
                        "label": "Oversight sufficient",
                        "question": "Was oversight sufficient?",
                        "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
                        "sufficient": ["yes"],
                        "counted": ["yes", "no"],
                    }
                ],
                "needs": [{"key": "housing", "label": "Housing"}],
            }
        ],
        "standards": [
            {"code": "1.1", "domain": "1", "title": "Leadership", "rated_by": "team_judgement"},
            {
                "code": "2.1",
                "domain": "2",
                "title": "Assessment",
                "rated_by": "lowest_key_question",
                "case_kind": "supervision",
                "key_questions": [
                    {"code": "2.1.1", "criterion": "Engagement", "wording": "Does assessment engage?"},
                    {
                        "code": "2.1.2",
                        "criterion": "Release",
                        "wording": "Does assessment prepare for release?",
                        "applies_when": {"attribute": "case_type", "in": ["licence"]},
                    },
                ],
            },
        ],
    }
