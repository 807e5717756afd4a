"""Keeping an inspection's counts current (cases.count_models.KeptCount) as its counted cases change, so the
national figures read an open inspection's counts as they read a locked one's frozen counts.

A case counts while it is submitted or approved, and a counted case cannot be edited: the counts change only when a
case is submitted or returned, or when moderation agrees one of its judgements. Those services run their change
inside `counts_kept(case)`, which counts the case before and after and adds the difference to its inspection's
counts. The first such change to an inspection counts the whole inspection instead, and its counts are kept from
then on; an inspection without kept counts (KeptCounts) is counted live from its cases, so it is never wrong, only
slower.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction

from inspections.definitions import Definition
from inspections.models import Inspection

from ..count_models import KeptCount, KeptCounts
from ..counts import counted_rows
from ..models import InspectedCase

logger = logging.getLogger(__name__)

Identity = tuple[str, str, str, str, tuple[tuple[str, Any], ...]]


def _identity(row: dict[str, Any]) -> Identity:
    return (
        row["measure"],
        row["case_kind"],
        row["key"],
        row["value"],
        tuple(sorted(row["attributes"].items())),
    )


def _case_counts(case: InspectedCase, definition: Definition) -> Counter[Identity]:
    rows = counted_rows([case.inspection_id], definition, case_id=case.pk).get(case.inspection_id, [])
    return Counter({_identity(row): row["count"] for row in rows})


@contextmanager
def counts_kept(case: InspectedCase) -> Iterator[None]:
    """Inside the transaction of a service that changes whether or how a case counts: lock the case, count it, run
    the change, count it again and add the difference to its inspection's kept counts."""
    locked = (
        InspectedCase.objects.select_for_update(of=("self",))
        .select_related("inspection__framework")
        .get(pk=case.pk)
    )
    definition = locked.inspection.framework.definition
    before = (
        _case_counts(locked, definition) if locked.status in InspectedCase.COUNTED_STATUSES else Counter()
    )
    yield
    after = _case_counts(locked, definition)
    if after != before:
        _keep(locked.inspection, definition, after, before)


def _keep(
    inspection: Inspection, definition: Definition, after: Counter[Identity], before: Counter[Identity]
) -> None:
    if _start_keeping(inspection):
        _recount(inspection, definition)  # counted now, this change included
        return
    kept = {
        _identity(vars(row)): row
        for row in KeptCount.objects.filter(
            counts_id=inspection.pk, measure__in={key[0] for key in after | before}
        )
    }
    changed, added, emptied = [], [], []
    for key in after.keys() | before.keys():
        difference = after[key] - before[key]
        if not difference:
            continue
        row = kept.get(key)
        if row is None and difference > 0:
            measure, kind, code, value, attributes = key
            added.append(
                KeptCount(
                    counts_id=inspection.pk,
                    measure=measure,
                    case_kind=kind,
                    key=code,
                    value=value,
                    attributes=dict(attributes),
                    count=difference,
                )
            )
        elif row is None or row.count + difference < 0:
            # Only a write that bypassed the services could get here: count the inspection again rather than keep
            # a wrong count.
            logger.warning(
                "Kept counts of inspection %s did not match its cases; counted again", inspection.pk
            )
            _recount(inspection, definition)
            return
        elif row.count + difference == 0:
            emptied.append(row.pk)
        else:
            row.count += difference
            changed.append(row)
    KeptCount.objects.bulk_update(changed, ["count"])
    KeptCount.objects.bulk_create(added)
    KeptCount.objects.filter(pk__in=emptied).delete()


def _start_keeping(inspection: Inspection) -> bool:
    """Lock the inspection's KeptCounts; True if there was none (so its counts are not kept yet), having made it."""
    if KeptCounts.objects.select_for_update().filter(pk=inspection.pk).first() is not None:
        return False
    try:
        with transaction.atomic():
            KeptCounts.objects.create(inspection=inspection)
    except IntegrityError:  # made by a change to another of its cases since: that one counted the inspection
        KeptCounts.objects.select_for_update().get(pk=inspection.pk)
        return False
    return True


def _recount(inspection: Inspection, definition: Definition) -> None:
    KeptCount.objects.filter(counts_id=inspection.pk).delete()
    rows = counted_rows([inspection.pk], definition).get(inspection.pk, [])
    KeptCount.objects.bulk_create([KeptCount(counts_id=inspection.pk, **row) for row in rows])


@transaction.atomic
def kept_counts_recount(*, inspection: Inspection) -> None:
    """Count the inspection's counted cases and keep its counts current from now on (for cases written without the
    services: the demo and the benchmark's data)."""
    _start_keeping(inspection)
    _recount(inspection, inspection.framework.definition)
