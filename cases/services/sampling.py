"""The sample designer's writes: upload a caseload, change the design, draw the sample (which becomes the
inspection's cases), replace an ineligible case from the reserve, and start again before the sample is frozen.

Once any case of a drawn sample is assigned or started, the sample is frozen: it changes only by recorded
replacements.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from inspections.definitions import CaseKind
from inspections.models import Inspection
from inspections.services import ensure_not_locked

from ..caseload import CaseloadRead, CaseloadRow, Eligibility, caseload_read, start_attribute
from ..errors import CaseError
from ..models import InspectedCase
from ..sample_models import CaseloadCase, EligibleCase, SampleDesign, SampleRole, SamplingMethod
from ..selectors.sampling import (
    DEFAULT_STRATA,
    DesignPlan,
    design_plan,
    has_default_strata,
    plan_computed,
    variables,
)

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 2000
SEED_LIMIT = 2**31

ALREADY_DRAWN = "The sample has been drawn. Start again to change the caseload or the design."
FROZEN = (
    "The sample is frozen because cases have been assigned or started: it changes only by replacing a case."
)
NOT_DRAWN = "Draw the sample first."
NOT_SELECTED = "Only a case in the sample can be replaced."
NO_RESERVE = "No reserve case is left in the stratum “{stratum}”. Increase the reserve and draw again, or go on without it."
CASE_STARTED = "Case {reference} has been started, so it cannot be replaced."
REASON_REQUIRED = "Enter why the case is ineligible"
WINDOW_ORDER = "The window must end on or after its start"
UNKNOWN_STRATUM_VARIABLE = "Strata can only be formed from: {variables}"
MINIMUM_ABOVE_MAXIMUM = "The minimum sample size must not be more than the maximum"
REFERENCE_IN_SAMPLE = "Case {reference} is already in this inspection's sample"


class SampleError(CaseError):
    """A sample-designer write refused because of the sample's state; the message is for the user."""

    problem_type = "sample-not-changeable"
    problem_title = "The sample cannot be changed now"


class CaseloadInvalid(SampleError):
    """The caseload file has problems; every one is listed, with its line and column."""

    http_status = 422
    problem_type = "caseload-invalid"
    problem_title = "The caseload file has problems"

    def __init__(self, read: CaseloadRead):
        super().__init__(f"The caseload file has {len(read.problems)} problems")
        self.read = read

    def problem_errors(self) -> list[dict[str, Any]]:
        return [
            {"field": problem.column, "line": problem.line, "message": problem.message}
            for problem in self.read.problems
        ]


class DesignInvalid(SampleError):
    http_status = 400
    problem_type = "design-invalid"
    problem_title = "The design is not valid"


def is_frozen(design: SampleDesign) -> bool:
    """Any case of the drawn sample assigned or started: the sample changes only by replacements (one query)."""
    return (
        InspectedCase.objects.filter(caseload_row__design=design)
        .filter(Q(assistant_inspector__isnull=False) | ~Q(status=InspectedCase.Status.NOT_STARTED))
        .exists()
    )


def _locked(inspection: Inspection) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    ensure_not_locked(inspection)
    return inspection


def _row(design: SampleDesign, row: CaseloadRow) -> EligibleCase:
    return EligibleCase(
        design=design,
        line=row.line,
        reference=row.reference,
        start_date=row.start_date,
        gender=row.gender,
        ethnicity=row.ethnicity,
        team=row.team,
        practitioner=row.practitioner,
        attributes=row.attributes,
    )


@transaction.atomic
def caseload_upload(
    *,
    inspection: Inspection,
    kind: CaseKind,
    name: str,
    data: bytes,
    window_start: datetime.date,
    window_end: datetime.date,
    case_types: Sequence[str],
    user: User,
    seed: int | None = None,
) -> SampleDesign:
    """Read a caseload for one case kind and keep its eligible cases as a new, undrawn design.

    Replaces an undrawn design of the kind. Raises CaseloadInvalid with every problem, SampleError if the kind's
    sample is drawn, DesignInvalid for a window out of order.
    """
    inspection = _locked(inspection)
    if window_end < window_start:
        raise DesignInvalid(WINDOW_ORDER)
    current = (
        SampleDesign.objects.select_for_update().filter(inspection=inspection, case_kind=kind.slug).first()
    )
    if current is not None and current.is_drawn:
        raise SampleError(ALREADY_DRAWN)
    existing = frozenset(r.casefold() for r in inspection.cases.values_list("reference", flat=True))
    rules = Eligibility(
        window_start=window_start,
        window_end=window_end,
        today=timezone.localdate(),
        case_types=frozenset(case_types),
        existing_references=existing,
    )
    if current is not None:
        current.delete()
    design = SampleDesign(
        inspection=inspection,
        case_kind=kind.slug,
        file_name=name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        window_start=window_start,
        window_end=window_end,
        case_types=sorted(case_types),
        strata=[DEFAULT_STRATA] if has_default_strata(kind) else [],
        seed=secrets.randbelow(SEED_LIMIT) if seed is None else seed,
        uploaded_by=user,
    )
    design.full_clean()
    design.save()
    # One pass: the rows are saved as they are read; a file with problems rolls all of it back.
    with _row_writer(design) as write:
        read = caseload_read(name=name, data=data, kind=kind, rules=rules, sink=write)
    if read.problems:
        raise CaseloadInvalid(read)
    design.eligible.filter(line__in=sorted(read.duplicate_lines)).delete()
    design.rows_read = read.rows_read
    design.exclusions = [list(item) for item in read.exclusions]
    design.plan = plan_computed(design, kind).as_stored(design)
    design.save(update_fields=["rows_read", "exclusions", "plan"])
    return design


# The columns COPY fills: every column but the primary key; after the design's, CaseloadRow's first seven in order.
_COPY_COLUMNS = (
    "design_id",
    "line",
    "reference",
    "start_date",
    "gender",
    "ethnicity",
    "team",
    "practitioner",
    "attributes",
)


@contextmanager
def _row_writer(design: SampleDesign) -> Iterator[Callable[[CaseloadRow], None]]:
    """A function that saves one eligible case, as the file streams: COPY on PostgreSQL (a 50,000-row caseload in a
    fraction of the time bulk_create takes), batched bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        batch: list[EligibleCase] = []

        def add(row: CaseloadRow) -> None:
            batch.append(_row(design, row))
            if len(batch) == BATCH:
                EligibleCase.objects.bulk_create(batch)
                batch.clear()

        yield add
        EligibleCase.objects.bulk_create(batch)
        return
    table = connection.ops.quote_name(EligibleCase._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COPY_COLUMNS)
    # Cases share few combinations of attributes, so each is written as JSON once.
    as_json: dict[tuple[tuple[str, str], ...], str] = {}
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:

        def write(row: CaseloadRow) -> None:
            key = tuple(row.attributes.items())
            if (attributes := as_json.get(key)) is None:
                attributes = as_json[key] = json.dumps(row.attributes)
            copy.write_row((design.pk, *row[:7], attributes))

        yield write


@transaction.atomic
def design_update(
    *,
    design: SampleDesign,
    kind: CaseKind,
    user: User,
    confidence: float,
    margin: float,
    minimum: int | None,
    maximum: int | None,
    practitioner_cap: int,
    reserve_per_stratum: int,
    strata: Sequence[str],
    represent_every_stratum: bool,
    method: str,
    seed: int,
) -> SampleDesign:
    """Change the design of an undrawn sample. Raises SampleError once drawn, DesignInvalid for bad values."""
    _locked(design.inspection)
    design = SampleDesign.objects.select_for_update().get(pk=design.pk)
    if design.is_drawn:
        raise SampleError(ALREADY_DRAWN)
    allowed = {DEFAULT_STRATA, *variables(kind)} if has_default_strata(kind) else set(variables(kind))
    if unknown := [variable for variable in strata if variable not in allowed]:
        raise DesignInvalid(
            UNKNOWN_STRATUM_VARIABLE.format(variables=", ".join(sorted(allowed))) + f" ({unknown})"
        )
    if minimum is not None and maximum is not None and minimum > maximum:
        raise DesignInvalid(MINIMUM_ABOVE_MAXIMUM)
    if method not in SamplingMethod.values:
        raise DesignInvalid(f"Method must be one of {', '.join(SamplingMethod.values)}")
    design.confidence, design.margin = confidence, margin
    design.minimum, design.maximum = minimum, maximum
    design.practitioner_cap, design.reserve_per_stratum = practitioner_cap, reserve_per_stratum
    design.strata = list(dict.fromkeys(strata))
    design.represent_every_stratum, design.method, design.seed = represent_every_stratum, method, seed
    try:
        design.full_clean()
    except Exception as error:  # ValidationError: the API and the form report it as a bad design
        raise DesignInvalid(str(error)) from error
    design.plan = plan_computed(design, kind).as_stored(design)
    design.save()
    return design


def _inspected_case(design: SampleDesign, kind: CaseKind, row: CaseloadCase | EligibleCase) -> InspectedCase:
    """The inspection's case for a drawn caseload row: its kind, and its attributes with the start date."""
    attributes = dict(row.attributes)
    if start := start_attribute(kind):
        attributes[start] = row.start_date.isoformat()
    return InspectedCase(
        inspection_id=design.inspection_id, reference=row.reference, kind=kind.slug, attributes=attributes
    )


@transaction.atomic
def sample_draw(*, design: SampleDesign, kind: CaseKind, user: User) -> DesignPlan:
    """Draw the sample as designed: the selected cases become the inspection's cases, the reserve lists are kept
    in order (as CaseloadCase rows), and every eligible case of the design is deleted. Records the plan, seed and
    algorithm."""
    inspection = _locked(design.inspection)
    design = SampleDesign.objects.select_for_update().get(pk=design.pk)
    if design.is_drawn:
        raise SampleError(ALREADY_DRAWN)
    plan = design_plan(design, kind)
    wanted = [key for keys in (*plan.selected.values(), *plan.reserve.values()) for key in keys]
    rows = {row.reference: row for row in design.eligible.filter(reference__in=wanted)}
    taken = {reference.casefold() for reference in inspection.cases.values_list("reference", flat=True)}

    def kept(key: str, stratum: str, role: SampleRole, position: int) -> CaseloadCase:
        row = rows[key]
        return CaseloadCase(
            design=design,
            **{name: getattr(row, name) for name in _COPY_COLUMNS[1:]},
            stratum=stratum,
            role=role,
            position=position,
        )

    chosen: list[CaseloadCase] = []
    for stratum, keys in plan.selected.items():
        for position, key in enumerate(keys, start=1):
            if key.casefold() in taken:
                raise SampleError(REFERENCE_IN_SAMPLE.format(reference=key))
            chosen.append(kept(key, stratum, SampleRole.SELECTED, position))
    spare = [
        kept(key, stratum, SampleRole.RESERVE, position)
        for stratum, keys in plan.reserve.items()
        for position, key in enumerate(keys, start=1)
    ]
    cases = bulk_create_with_history(
        [_inspected_case(design, kind, row) for row in chosen],
        InspectedCase,
        batch_size=500,
        default_user=user,
    )
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+; read them back to be engine-neutral.
    ids = dict(
        InspectedCase.objects.filter(
            inspection=inspection, reference__in=[c.reference for c in cases]
        ).values_list("reference", "pk")
    )
    for row in chosen:
        row.case_id = ids[row.reference]
    CaseloadCase.objects.bulk_create(chosen + spare, batch_size=500)
    # Data minimisation: nothing of the unsampled caseload is kept (one DELETE, no constraint to check).
    design.eligible.all().delete()
    design.drawn_at, design.drawn_by, design.algorithm = timezone.now(), user, plan.algorithm
    design.drawn_design, design.plan = plan.as_record(), {}
    design.save(update_fields=["drawn_at", "drawn_by", "algorithm", "drawn_design", "plan"])
    return plan


@transaction.atomic
def case_replace(*, row: CaseloadCase, kind: CaseKind, reason: str, user: User) -> CaseloadCase:
    """Replace a selected case found ineligible by the next reserve case of its stratum; returns the replacement.

    Its inspection case is removed and the replacement's added, with the same assistant inspector.
    """
    _locked(row.design.inspection)
    row = CaseloadCase.objects.select_for_update(of=("self",)).select_related("design", "case").get(pk=row.pk)
    if not reason.strip():
        raise DesignInvalid(REASON_REQUIRED)
    if row.role != SampleRole.SELECTED:
        raise SampleError(NOT_SELECTED)
    old = row.case
    if old is not None and old.status != InspectedCase.Status.NOT_STARTED:
        raise SampleError(CASE_STARTED.format(reference=row.reference))
    spare = (
        row.design.caseload.select_for_update()
        .filter(role=SampleRole.RESERVE, stratum=row.stratum)
        .order_by("position")
        .first()
    )
    if spare is None:
        raise SampleError(NO_RESERVE.format(stratum=row.stratum))
    assistant = old.assistant_inspector if old is not None else None
    if old is not None:
        old._history_user = user
        old.delete()
    case = _inspected_case(row.design, kind, spare)
    case.assistant_inspector = assistant
    case._history_user = user
    case.full_clean()
    case.save()
    last = (
        row.design.caseload.filter(role=SampleRole.SELECTED, stratum=row.stratum)
        .order_by("-position")
        .first()
    )
    spare.role, spare.case = SampleRole.SELECTED, case
    spare.position = (last.position or 0) + 1 if last else 1
    spare.save(update_fields=["role", "case", "position"])
    row.role, row.case, row.replaced_by = SampleRole.REPLACED, None, spare
    row.replacement_reason, row.replaced_at, row.replaced_user = reason.strip(), timezone.now(), user
    row.save(
        update_fields=["role", "case", "replaced_by", "replacement_reason", "replaced_at", "replaced_user"]
    )
    return spare


@transaction.atomic
def sample_discard(*, design: SampleDesign, user: User) -> None:
    """Start again: delete the design, its caseload and, if drawn, its cases. Refused once the sample is frozen."""
    _locked(design.inspection)
    design = SampleDesign.objects.select_for_update().get(pk=design.pk)
    if is_frozen(design):
        raise SampleError(FROZEN)
    cases = list(InspectedCase.objects.filter(caseload_row__design=design))
    for case in cases:
        case._history_user = user
        case.delete()
    design.delete()
