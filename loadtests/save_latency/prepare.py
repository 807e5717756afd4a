"""The load test's data: assistant inspectors with an API token each, in teams, each team on its own inspection in
fieldwork with a few cases assigned to each of its assistant inspectors.

Everything goes through the services the application uses (inspection_create, sample_read and sample_import,
inspection_advance, api_token_create), so the data is what the pages would make. Idempotent: users and inspections
made by an earlier run are reused; tokens are always new (a token's secret is shown once), the old ones revoked.

The runner (`python -m loadtests.save_latency`) calls prepare() once Django is set up.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from accounts.services import api_token_create
from cases.imports import ASSISTANT, KIND, REFERENCE, sample_columns, sample_import, sample_read
from cases.services.workflow import inspection_advance
from inspections.definitions import Attribute, Definition
from inspections.frameworks import frameworks_load_all
from inspections.models import Framework, Inspection, Role
from inspections.services import inspection_create
from pdus.loading import published_ratings_load
from pdus.models import PDU

USERNAME = "load-ai-{number:04d}"
# The PDU framework whose key questions apply to every case of their kind: the scenario saves each key question of
# a case's kind, and the API does not say which apply only to some case types (as pdu-2023's release work does).
FRAMEWORK = "pdu-2021"
LEAD_USERNAME = "load-lead"
TOKEN_NAME = "save latency load test"  # noqa: S105 (the name shown on the tokens page)


@dataclass(frozen=True)
class Credentials:
    """What one simulated assistant inspector needs: the API token. It finds its cases through the API."""

    username: str
    token: str


def prepare(*, assistant_inspectors: int, cases_each: int = 2, team_size: int = 10) -> list[Credentials]:
    """Make (or reuse) `assistant_inspectors` users on teams of `team_size`, each team on one inspection in
    fieldwork where each member has `cases_each` cases; give each a new API token."""
    if not PDU.objects.exists():
        published_ratings_load()
    framework = _framework()
    lead, _ = User.objects.get_or_create(username=LEAD_USERNAME)
    usernames = [USERNAME.format(number=number) for number in range(1, assistant_inspectors + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [_user(username) for username in usernames if username not in existing], batch_size=1000
    )
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    pdus = list(PDU.objects.order_by("pk"))
    for team_number, start in enumerate(range(0, assistant_inspectors, team_size)):
        team = [users[username] for username in usernames[start : start + team_size]]
        _team_inspection(
            team=team,
            team_number=team_number,
            cases_each=cases_each,
            lead=lead,
            framework=framework,
            pdus=pdus,
        )
    return _new_tokens([users[username] for username in usernames])


def _framework() -> Framework:
    """The newest version of FRAMEWORK, loaded from the data files (idempotent, as in `make demo`)."""
    found = [framework for framework in frameworks_load_all() if framework.slug == FRAMEWORK]
    return max(found, key=lambda framework: framework.version)


def _user(username: str) -> User:
    user = User(username=username, first_name="Load", last_name=username.rsplit("-", 1)[-1])
    user.set_unusable_password()  # they use tokens only; hashing a thousand passwords would take minutes
    return user


@transaction.atomic
def _team_inspection(
    *, team: list[User], team_number: int, cases_each: int, lead: User, framework: Framework, pdus: list[PDU]
) -> None:
    """One inspection in fieldwork for the team, unless its first member is already on one."""
    on_one = Inspection.objects.filter(
        memberships__user=team[0], memberships__role=Role.ASSISTANT_INSPECTOR
    ).exists()
    if on_one:
        return
    today = timezone.localdate()
    # Teams outnumber PDUs: a PDU's later teams have earlier fortnights, as inspections of a PDU may not overlap.
    fieldwork_start = today - datetime.timedelta(days=15 * (team_number // len(pdus)))
    inspection = inspection_create(
        pdu=pdus[team_number % len(pdus)],
        framework=framework,
        fieldwork_start=fieldwork_start,
        fieldwork_end=fieldwork_start + datetime.timedelta(days=14),
        lead=lead,
        assistant_inspectors=team,
        user=lead,
    )
    sample = _sample(
        framework.definition, team=team, team_number=team_number, cases_each=cases_each, today=today
    )
    rows, problems = sample_read(name="sample.csv", data=sample.encode())
    if problems:
        raise ValueError(f"The load test's sample cannot be read: {problems}")
    sample_import(inspection=inspection, rows=rows, user=lead)
    inspection_advance(inspection=inspection, user=lead)


def _sample(
    definition: Definition, *, team: list[User], team_number: int, cases_each: int, today: datetime.date
) -> str:
    """The sample file, in the columns the framework's template has: each member's cases take the framework's case
    kinds in turn, each attribute the next of its options (a date some months back, or a short text)."""
    kinds = list(definition.case_kinds)
    headings = [heading for heading, _ in sample_columns(definition)]
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(headings)
    for member_number, member in enumerate(team):
        for case_number in range(cases_each):
            number = member_number * cases_each + case_number
            kind = kinds[number % len(kinds)]
            values = {
                REFERENCE: f"LOAD{team_number:04d}-{number:03d}",
                KIND: kind.name,
                ASSISTANT: member.username,
            }
            values.update(
                {attribute.label: _value(attribute, number, today) for attribute in kind.attributes}
            )
            writer.writerow([values.get(heading, "") for heading in headings])
    return file.getvalue()


def _value(attribute: Attribute, number: int, today: datetime.date) -> str:
    if attribute.type == "choice":
        return attribute.options[number % len(attribute.options)].label
    if attribute.type == "date":
        return (today - datetime.timedelta(days=180 + number)).isoformat()
    return f"Load {number}"


def _new_tokens(users: list[User]) -> list[Credentials]:
    AuthToken.objects.filter(user__in=users).delete()
    credentials = []
    for user in users:
        _, secret = api_token_create(user=user, name=TOKEN_NAME)
        credentials.append(Credentials(username=user.username, token=secret))
    return credentials


def write_credentials(credentials: list[Credentials], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(c) for c in credentials]))
    path.chmod(0o600)
