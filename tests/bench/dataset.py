"""A large, realistic PostgreSQL dataset for the benchmarks: 100,000 cases and 1.2 million judgements over 36 PDUs.

`build_dataset()` writes it into the current database (Django's default connection) with COPY, in well under two
minutes; `ensure_dataset()` builds it only if the database does not hold it already, so every bench module (the
reports bench, the API bench) can share one build. Only the bench database should ever hold it: building replaces
every inspection, case and judgement in the database.

Everything follows the framework (pdu-2021): cases of each of its case kinds (a tenth court-report cases, half the
inspections rating court work), their attributes drawn from each attribute's options, every key question, case fact
and need of their kind. Each PDU has a quality offset, each case a random one, and a key question's sufficiency is
drawn around a rate of its own (45-80%, as the inspectorate's 2022-23 national rates range).
"""

from __future__ import annotations

import datetime
import io
import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from cases.count_models import KeptCounts
from cases.models import InspectedCase
from cases.services.counts import kept_counts_recount
from inspections.definitions import Definition
from inspections.frameworks import frameworks_load_all
from inspections.models import (
    Framework,
    Inspection,
    InspectionMembership,
    OrganisationalRating,
    Role,
    Standard,
)
from pdus.loading import published_ratings_load
from pdus.models import PDU
from reports.models import FrozenCount, InspectionSnapshot
from reports.services import frozen_counts_create

BENCH_FRAMEWORK = "pdu-2021"
CASES = 100_000
PDUS = 36
LOCKED_SHARE = (
    0.9  # of the inspections (rounded down): locked, with snapshots and frozen counts; the rest are live
)
CHUNK = 50_000  # cases whose judgements, facts and needs are generated and copied at once: bounded memory
BENCH_USERS = {"lead": "bench-lead", "national": "bench-national", "assistant": "bench-assistant"}
RATIONALES = [
    "Contact was frequent and purposeful; the person's views were recorded and acted on.",
    "Missed appointments were not followed up for five weeks and no enforcement decision was recorded.",
    "Accommodation and employment were identified as priorities and referrals made in the first month.",
    "No domestic abuse call-out information was requested despite a history of intimate partner violence.",
]


@dataclass(frozen=True)
class Dataset:
    inspections: int
    cases: int
    judgements: int
    facts: int
    needs: int
    seconds: float


def dataset_present(cases: int = CASES) -> bool:
    """Whether the database holds a bench dataset of this size (by its users, its case count, its locked
    inspections with their frozen counts, and its open ones with their kept counts)."""
    User = get_user_model()
    inspections = Inspection.objects.count()
    locked = Inspection.objects.filter(status=Inspection.Status.LOCKED)
    return (
        User.objects.filter(username=BENCH_USERS["national"]).exists()
        and InspectedCase.objects.count() == cases
        and locked.count() == int(inspections * LOCKED_SHARE)
        and FrozenCount.objects.filter(snapshot__inspection__in=locked).exists()
        and KeptCounts.objects.count() == inspections - locked.count()
    )


def ensure_dataset(cases: int = CASES, pdus: int = PDUS, *, rebuild: bool = False) -> Dataset | None:
    """Build the dataset unless it is there already; the Dataset built, or None where it was reused."""
    if not rebuild and dataset_present(cases):
        return None
    return build_dataset(cases=cases, pdus=pdus)


def _copy(table: str, frame: pd.DataFrame) -> None:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
    columns = ", ".join(f'"{column}"' for column in frame.columns)
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with cursor.cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())


def _users():
    User = get_user_model()
    users = {}
    for role, username in BENCH_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"is_national_viewer": role == "national", "first_name": role.title()}
        )
        users[role] = user
    return users


def _clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cases_casefact, cases_caseneed, cases_judgement, cases_inspectedcase, "
            "reports_frozencount, cases_keptcount, cases_keptcounts, inspections_inspectionsnapshot, "
            "inspections_organisationalrating, inspections_inspectionmembership, "
            "inspections_inspection_optional_standards, inspections_inspection RESTART IDENTITY CASCADE"
        )


def build_dataset(*, cases: int = CASES, pdus: int = PDUS, seed: int = 2026) -> Dataset:
    """Replace every inspection and case in the current PostgreSQL database with the bench dataset."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The bench dataset is built with COPY: use PostgreSQL")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    published_ratings_load()
    frameworks_load_all()
    framework = Framework.objects.filter(slug=BENCH_FRAMEWORK).order_by("-version").first()
    assert framework is not None
    definition = framework.definition
    users = _users()
    counted = {"judgements": 0, "facts": 0, "needs": 0}
    with transaction.atomic():
        _skip_foreign_key_checks()
        _clear()
        pdu_list = list(PDU.objects.order_by("name")[:pdus])
        inspections = _inspections(pdu_list, framework, users, rng)
        case_frame = _cases(inspections, cases, definition, users, rng)
        _copy("cases_inspectedcase", case_frame.drop(columns=["quality"]))
        key_questions = dict(
            framework.standards.filter(key_questions__isnull=False).values_list(
                "key_questions__code", "key_questions__pk"
            )
        )
        # Drawn once for the whole dataset: each key question's rate and how often each need is linked.
        rates = {kq.code: float(rng.uniform(0.45, 0.80)) for _, kq in definition.key_questions()}
        linked = {
            (kind.slug, need.key): float(rng.uniform(0.3, 0.8))
            for kind in definition.case_kinds
            for need in kind.needs
        }
        for start in range(0, len(case_frame), CHUNK):
            chunk = case_frame.iloc[start : start + CHUNK]
            for name, table, frame in (
                (
                    "judgements",
                    "cases_judgement",
                    _judgements(chunk, definition, key_questions, rates, users, rng),
                ),
                ("facts", "cases_casefact", _facts(chunk, definition, users, rng)),
                ("needs", "cases_caseneed", _needs(chunk, definition, linked, rng)),
            ):
                _copy(table, _with_ids(frame, first=counted[name] + 1))
                counted[name] += len(frame)
        with connection.cursor() as cursor:
            for table in ("cases_inspectedcase", "cases_judgement", "cases_casefact", "cases_caseneed"):
                cursor.execute(  # table names are the constants above
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
        _snapshots(inspections, users["lead"])
        for inspection in inspections:
            if inspection.status != Inspection.Status.LOCKED:
                kept_counts_recount(inspection=inspection)  # as the first submission to it would have
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE cases_inspectedcase, cases_judgement, cases_casefact, cases_caseneed, inspections_inspection, "
            "reports_frozencount, cases_keptcount"
        )
    return Dataset(
        len(inspections),
        len(case_frame),
        counted["judgements"],
        counted["facts"],
        counted["needs"],
        time.perf_counter() - started,
    )


def _inspections(pdu_list, framework, users, rng) -> list[Inspection]:
    """One inspection per PDU over the last two inspection years; LOCKED_SHARE locked, the rest in fieldwork or QA."""
    inspections = []
    statuses = [Inspection.Status.FIELDWORK, Inspection.Status.QUALITY_ASSURANCE]
    for index, pdu in enumerate(pdu_list):
        start = datetime.date(2025, 5, 5) + datetime.timedelta(weeks=2 * index)
        locked = index < int(len(pdu_list) * LOCKED_SHARE)
        inspections.append(
            Inspection(
                pdu=pdu,
                framework=framework,
                fieldwork_start=start,
                fieldwork_end=start + datetime.timedelta(days=11),
                status=Inspection.Status.LOCKED if locked else statuses[index % 2],
            )
        )
    inspections = Inspection.objects.bulk_create(inspections)
    for inspection in inspections:
        inspection.quality = float(rng.normal(0, 0.08))
    # Half the PDUs have their court work rated (out of 27); the others' court team is shared (out of 24).
    optional = list(Standard.objects.filter(framework=framework, is_optional=True))
    Inspection.optional_standards.through.objects.bulk_create(
        Inspection.optional_standards.through(inspection_id=inspection.pk, standard_id=standard.pk)
        for index, inspection in enumerate(inspections)
        if index % 2 == 0
        for standard in optional
    )
    InspectionMembership.objects.bulk_create(
        [InspectionMembership(inspection=i, user=users["lead"], role=Role.LEAD) for i in inspections]
        + [
            InspectionMembership(inspection=i, user=users["assistant"], role=Role.ASSISTANT_INSPECTOR)
            for i in inspections
        ]
    )
    organisational = list(framework.standards.filter(rated_by="team_judgement", is_optional=False))
    ratings = ["outstanding", "good", "requires_improvement", "inadequate"]
    OrganisationalRating.objects.bulk_create(
        OrganisationalRating(
            inspection=inspection,
            standard=standard,
            rating=ratings[int(rng.choice(4, p=[0.05, 0.35, 0.45, 0.15]))],
            rationale="Evidence from interviews, the staff survey and documents.",
            rated_by=users["lead"],
        )
        for inspection in inspections
        for standard in organisational
    )
    return inspections


def _cases(inspections, cases, definition: Definition, users, rng) -> pd.DataFrame:
    """The cases: a tenth of each inspection's of the second case kind (court-report cases), attributes drawn from
    their options, each case with a quality offset (the `quality` column, not copied)."""
    per_inspection = rng.multinomial(cases, np.ones(len(inspections)) / len(inspections))
    inspection_ids = np.repeat([i.pk for i in inspections], per_inspection)
    n = len(inspection_ids)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    status = rng.choice(
        [InspectedCase.Status.SUBMITTED, InspectedCase.Status.APPROVED, InspectedCase.Status.IN_PROGRESS],
        size=n,
        p=[0.6, 0.35, 0.05],
    )
    slugs = [kind.slug for kind in definition.case_kinds]
    shares = np.array([0.9, *([0.1 / (len(slugs) - 1)] * (len(slugs) - 1))]) if len(slugs) > 1 else [1.0]
    kinds = rng.choice(slugs, size=n, p=shares)
    draws = {
        (kind.slug, attribute.key): (
            rng.choice([option.value for option in attribute.options], size=n)
            if attribute.options
            else np.full(n, "2025-03-03" if attribute.type == "date" else "bench")
        )
        for kind in definition.case_kinds
        for attribute in kind.attributes
    }
    attributes = []
    for index in range(n):
        kind = definition.case_kind(kinds[index])
        assert kind is not None
        attributes.append(json.dumps({a.key: str(draws[(kind.slug, a.key)][index]) for a in kind.attributes}))
    quality = {i.pk: i.quality for i in inspections}
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "inspection_id": inspection_ids,
            "reference": [f"B{number:07d}" for number in range(1, n + 1)],
            "kind": kinds,
            "attributes": attributes,
            "assistant_inspector_id": users["assistant"].pk,
            "status": status,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "quality": pd.Series(inspection_ids).map(quality).to_numpy() + rng.normal(0, 0.12, n),
        }
    )


def _judgements(case_frame, definition: Definition, key_questions, rates, users, rng) -> pd.DataFrame:
    frames = []
    now = datetime.datetime.now(datetime.UTC).isoformat()
    for standard, kq in definition.key_questions():
        cases = case_frame[case_frame["kind"] == standard.case_kind]
        probability = np.clip(rates[kq.code] + cases["quality"].to_numpy(), 0.02, 0.98)
        answer = np.where(rng.random(len(cases)) < probability, "yes", "no").astype(object)
        answer[rng.random(len(cases)) < 0.03] = "not_applicable"
        frames.append(
            pd.DataFrame(
                {
                    "case_id": cases["id"].to_numpy(),
                    "key_question_id": key_questions[kq.code],
                    "answer": answer,
                    "rationale": rng.choice(RATIONALES, size=len(cases)),
                    "prompt_answers": "{}",
                    "updated_by_id": users["assistant"].pk,
                    "updated_at": now,
                }
            )
        )
    # Judgements are written case by case, so a case's rows sit together on disk, as in real use.
    return pd.concat(frames, ignore_index=True).sort_values("case_id", kind="stable")


def _facts(case_frame, definition: Definition, users, rng) -> pd.DataFrame:
    """Every case fact of each case's kind, answered with one of its options."""
    frames = []
    now = datetime.datetime.now(datetime.UTC).isoformat()
    for kind in definition.case_kinds:
        cases = case_frame[case_frame["kind"] == kind.slug]
        for fact in kind.facts:
            frames.append(
                pd.DataFrame(
                    {
                        "case_id": cases["id"].to_numpy(),
                        "key": fact.key,
                        "value": rng.choice([option.value for option in fact.options], size=len(cases)),
                        "updated_by_id": users["assistant"].pk,
                        "updated_at": now,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True).sort_values("case_id", kind="stable")


def _needs(case_frame, definition: Definition, linked_share, rng) -> pd.DataFrame:
    frames = []
    for kind in definition.case_kinds:
        cases = case_frame[case_frame["kind"] == kind.slug]
        n = len(cases)
        for need in kind.needs:
            linked = rng.random(n) < linked_share[(kind.slug, need.key)]
            met = rng.random(n) < np.clip(0.45 + cases["quality"].to_numpy(), 0.02, 0.98)
            frames.append(
                pd.DataFrame(
                    {
                        "case_id": cases["id"].to_numpy(),
                        "need": need.key,
                        "linked_to_offending": np.where(linked, "t", "f"),
                        "sufficiently_addressed": pd.Series(np.where(met, "t", "f")).where(linked, None),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True).sort_values("case_id", kind="stable")


def _with_ids(frame: pd.DataFrame, first: int) -> pd.DataFrame:
    return frame.reset_index(drop=True).assign(id=lambda f: np.arange(first, first + len(f)))


def _skip_foreign_key_checks() -> None:
    """For this transaction, where the role may: no deferred foreign-key checks (a trigger event per copied row and
    key, all checked at commit, which at a million cases costs minutes and gigabytes). The generated rows point only
    at rows written before them. Bench data only: the application never does this."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _snapshots(inspections, user) -> None:
    """Snapshot the locked inspections as locking does: their results as plain data, and their frozen counts."""
    from reports.selectors.results import inspection_result_data, inspection_results

    locked = [i for i in inspections if i.status == Inspection.Status.LOCKED]
    results = inspection_results(
        Inspection.objects.select_related("framework").filter(pk__in=[i.pk for i in locked])
    )
    snapshots = InspectionSnapshot.objects.bulk_create(
        InspectionSnapshot(
            inspection=result.inspection,
            data=inspection_result_data(result),
            framework_version=result.inspection.framework.version,
            created_by=user,
        )
        for result in results.values()
    )
    frozen_counts_create(snapshots=snapshots)
