"""Fixtures every test may take: the framework, an inspection with its team, a user for each role, a case and
complete answers for it.

Each team member is a member of `inspection`; a module that needs another kind of inspection overrides `inspection`
and the team joins that one. Such an override builds its own inspection: one that takes the shared `inspection`
(`def inspection(inspection)`) leaves pytest to set up the test database after this module's settings fixture, and
the tables are missing; change the shared one in an autouse fixture instead (see tests/cases/test_imports.py)."""

import pytest
from axes.utils import reset as axes_reset
from hypothesis import settings as hypothesis_settings

from cases.models import Answer
from cases.services import answers
from inspections.models import Role
from tests.factories import (
    InspectedCaseFactory,
    InspectionFactory,
    UserFactory,
    current_framework,
    team_member,
)

# Property tests check properties, not speed (performance targets live in the benchmarks): no per-example deadline,
# which a test run sharing a busy machine would miss now and then.
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.load_profile("no-deadline")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Fast password hashing and plain static storage (no collectstatic manifest) in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_failed_sign_ins_counted(request):
    """django-axes counts failed sign-ins and wrong API tokens, and locks a username or address out past a limit:
    a test that uses the database starts with none counted, so no test is locked out by another's failures
    (a transactional test's rows are not rolled back, and e2e tests all sign in from 127.0.0.1)."""
    for database in ("transactional_db", "db"):
        if database in request.fixturenames:
            request.getfixturevalue(database)
            axes_reset()
            break


@pytest.fixture
def framework(db):
    """The current PDU framework, loaded from its data file."""
    return current_framework()


@pytest.fixture
def inspection(framework):
    """An inspection in fieldwork; the team fixtures below are its members."""
    return InspectionFactory(framework=framework)


@pytest.fixture
def other_inspection(framework):
    """An inspection none of the team fixtures is on."""
    return InspectionFactory(framework=framework)


# The team of `inspection`, named as the demo names them.


@pytest.fixture
def lead(inspection):
    return team_member(inspection, Role.LEAD, username="lena", first_name="Lena", last_name="Okafor")


@pytest.fixture
def inspector(inspection):
    return team_member(inspection, Role.INSPECTOR, username="ivan", first_name="Ivan", last_name="Patel")


@pytest.fixture
def assistant(inspection):
    return team_member(
        inspection, Role.ASSISTANT_INSPECTOR, username="amira", first_name="Amira", last_name="Hussain"
    )


@pytest.fixture
def second_assistant(inspection):
    return team_member(
        inspection, Role.ASSISTANT_INSPECTOR, username="ben", first_name="Ben", last_name="Clarke"
    )


@pytest.fixture
def quality_assurer(inspection):
    return team_member(
        inspection, Role.QUALITY_ASSURER, username="quinn", first_name="Quinn", last_name="Adeyemi"
    )


# Users whose access comes from their account, not from a team.


@pytest.fixture
def national_viewer(db):
    return UserFactory(username="nadia", first_name="Nadia", last_name="Rahman", is_national_viewer=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)


# A case and its answers.


@pytest.fixture
def case(inspection, assistant):
    """A case of `inspection`, not started, assigned to `assistant`."""
    return InspectedCaseFactory(inspection=inspection, assistant_inspector=assistant)


# A supervision case's facts as complete_answers gives them (and the RoSH level, recorded on the case).
SUPERVISION_FACTS = {
    "rosh_level": "high",
    "rosh_classified_correctly": "yes",
    "domestic_abuse_enquiries": "made",
    "child_safeguarding_enquiries": "not_needed",
    "home_visits": "not_made",
    "management_oversight": "insufficient",
}
COURT_REPORT_FACTS = {"domestic_abuse_enquiries": "made", "child_safeguarding_enquiries": "not_made"}


@pytest.fixture
def complete_answers(framework):
    """Every key question, case fact and need of a supervision case answered, so it can be submitted:
    (judgements, facts, needs). `answers_for(kind)` gives them for another case kind."""
    return answers_for("supervision", framework)


def answers_for(kind: str, framework) -> tuple[dict, dict, dict]:
    definition = framework.definition
    judgements = {
        kq.code: {"answer": Answer.YES, "rationale": "Evidence in the notes."}
        for _, kq in definition.key_questions(kind)
    }
    facts = dict(SUPERVISION_FACTS if kind == "supervision" else COURT_REPORT_FACTS)
    case_kind = definition.case_kind(kind)
    needs = {need.key: {"linked_to_offending": False} for need in case_kind.needs}
    return judgements, facts, needs


@pytest.fixture
def complete_case(complete_answers):
    """Save complete answers to a case, as its assistant inspector would; returns the saved case."""

    def complete(case):
        judgements, facts, needs = answers_for(case.kind, case.inspection.framework)
        return answers.case_save(
            case=case,
            user=case.assistant_inspector,
            expected_version=case.version,
            judgements=judgements,
            facts=facts,
            needs=needs,
        )

    return complete


@pytest.fixture
def submit_case(complete_case):
    """Complete a case and submit it as its assistant inspector; returns the submitted case."""

    def submit(case):
        case = complete_case(case)
        return answers.case_submit(case=case, user=case.assistant_inspector, expected_version=case.version)

    return submit
