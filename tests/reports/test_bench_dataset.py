"""The bench dataset builder, at a small size, on PostgreSQL (it writes with COPY)."""

import pytest
from django.db import connection

from cases.models import CaseNeed, InspectedCase, Judgement
from inspections.models import Inspection
from reports.models import InspectionSnapshot
from tests.bench.dataset import build_dataset, dataset_present, ensure_dataset


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench dataset is written with COPY")
def test_the_bench_dataset_builds_cases_judgements_and_snapshots(transactional_db):
    built = build_dataset(cases=720, pdus=36)
    assert (built.inspections, built.cases, built.judgements, built.needs) == (36, 720, 720 * 12, 720 * 10)
    assert InspectedCase.objects.count() == 720
    assert Judgement.objects.count() == 720 * 12
    assert CaseNeed.objects.count() == 720 * 10
    assert InspectionSnapshot.objects.count() == Inspection.objects.filter(status="locked").count() == 12
    assert dataset_present(720)
    assert ensure_dataset(720) is None  # reused, not rebuilt
    # The sequences follow the copied ids, so the app can go on creating rows.
    assert (
        InspectedCase.objects.create(
            inspection=Inspection.objects.first(),
            reference="NEW",
            case_type="licence",
            rosh_level="low",
            supervision_start="2025-01-06",
        ).pk
        == 721
    )
