"""The bench dataset builder, at a small size, on PostgreSQL (it writes with COPY)."""

import pytest
from django.db import connection
from django.db.models import Count, Sum

from cases.models import CaseFact, CaseNeed, InspectedCase, Judgement
from inspections.models import Inspection, KeyQuestion
from reports.models import FrozenCount, InspectionSnapshot
from tests.bench import dataset
from tests.bench.dataset import build_dataset, dataset_present, ensure_dataset


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench dataset is written with COPY")
def test_the_bench_dataset_builds_cases_judgements_and_snapshots(transactional_db, monkeypatch):
    monkeypatch.setattr(dataset, "CHUNK", 250)  # copied in three chunks, numbered on from one to the next
    built = build_dataset(cases=720, pdus=36)
    assert (built.inspections, built.cases) == (36, 720)
    assert InspectedCase.objects.count() == 720
    # Every case answers each key question, fact and need of its kind, as the framework defines them.
    definition = Inspection.objects.select_related("framework").first().framework.definition
    kinds = dict(InspectedCase.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    assert set(kinds) == {kind.slug for kind in definition.case_kinds}
    expected = {
        "judgements": sum(
            kinds[k.slug] * len(definition.key_questions(k.slug)) for k in definition.case_kinds
        ),
        "facts": sum(kinds[k.slug] * len(k.facts) for k in definition.case_kinds),
        "needs": sum(kinds[k.slug] * len(k.needs) for k in definition.case_kinds),
    }
    assert (built.judgements, built.facts, built.needs) == tuple(expected.values())
    assert Judgement.objects.count() == expected["judgements"]
    assert CaseFact.objects.count() == expected["facts"]
    assert CaseNeed.objects.count() == expected["needs"]
    court_report = Judgement.objects.filter(case__kind="court_report")
    assert set(court_report.values_list("key_question__standard__case_kind", flat=True)) == {"court_report"}
    assert KeyQuestion.objects.filter(judgements__isnull=False).distinct().count() == len(
        definition.key_questions()
    )
    assert InspectionSnapshot.objects.count() == Inspection.objects.filter(status="locked").count() == 32
    # The locked ones with their counts frozen, as locking leaves them.
    assert FrozenCount.objects.filter(measure="cases").aggregate(n=Sum("count"))["n"] == (
        InspectedCase.objects.counted().filter(inspection__status="locked").count()
    )
    assert dataset_present(720)
    assert ensure_dataset(720) is None  # reused, not rebuilt
    # The sequences follow the copied ids, so the app can go on creating rows.
    assert (
        InspectedCase.objects.create(
            inspection=Inspection.objects.first(),
            reference="NEW",
            kind="supervision",
            attributes={"case_type": "licence"},
        ).pk
        == 721
    )
