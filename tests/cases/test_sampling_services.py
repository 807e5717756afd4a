"""The sample designer's services: upload, design, draw into the inspection's cases, replace, freeze, discard."""

import datetime

import pytest

from cases.caseload import REDACTED
from cases.models import InspectedCase
from cases.sample_models import EligibleCase, SampleDesign, SampleRole
from cases.selectors.sampling import DEFAULT_STRATA, case_kinds, design_plan, plan_computed
from cases.services import sampling
from inspections.services import InspectionLocked
from tests.factories import InspectedCaseFactory, caseload_csv, caseload_row


def assign(case_id, assistant):
    """Assign a case as the assignment page does (the workflow service is tested on its own)."""
    InspectedCase.objects.filter(pk=case_id).update(assistant_inspector=assistant)


WINDOW = {"window_start": datetime.date(2025, 10, 1), "window_end": datetime.date(2026, 5, 31)}


@pytest.fixture
def kind(inspection):
    return case_kinds(inspection)[0]


def upload(inspection, kind, lead, rows=None, seed=42, **kwargs):
    data = caseload_csv(rows if rows is not None else [caseload_row(i) for i in range(1, 301)])
    return sampling.caseload_upload(
        inspection=inspection,
        kind=kind,
        name="caseload.csv",
        data=data,
        case_types=kwargs.pop("case_types", []),
        user=lead,
        seed=seed,
        **{**WINDOW, **kwargs},
    )


def update(design, kind, lead, **changes):
    values = {
        "confidence": design.confidence,
        "margin": design.margin,
        "minimum": design.minimum,
        "maximum": design.maximum,
        "practitioner_cap": design.practitioner_cap,
        "reserve_per_stratum": design.reserve_per_stratum,
        "strata": design.strata,
        "represent_every_stratum": design.represent_every_stratum,
        "method": design.method,
        "seed": design.seed,
    }
    return sampling.design_update(design=design, kind=kind, user=lead, **{**values, **changes})


def test_upload_keeps_the_eligible_cases_and_lists_the_exclusions(inspection, kind, lead):
    rows = [caseload_row(i) for i in range(1, 301)]
    rows[0][2] = "*"
    design = upload(inspection, kind, lead, rows)
    assert design.case_kind == "supervision"
    assert design.strata == [DEFAULT_STRATA]
    assert design.rows_read == 300
    assert [2, REDACTED] in design.exclusions
    assert design.eligible.count() == 300 - len(design.exclusions)
    assert len(design.file_sha256) == 64


def test_a_bad_file_saves_nothing_and_lists_every_problem(inspection, kind, lead):
    rows = [caseload_row(1), caseload_row(2)]
    rows[0][6] = rows[1][6] = "x"
    with pytest.raises(sampling.CaseloadInvalid) as raised:
        upload(inspection, kind, lead, rows)
    assert [e["line"] for e in raised.value.problem_errors()] == [2, 3]
    assert not SampleDesign.objects.exists()


def test_upload_replaces_an_undrawn_design_of_the_kind(inspection, kind, lead):
    upload(inspection, kind, lead)
    design = upload(inspection, kind, lead, [caseload_row(i) for i in range(1, 11)])
    assert SampleDesign.objects.get() == design
    assert EligibleCase.objects.count() == design.eligible.count()


def test_the_design_page_plan_is_what_the_draw_records(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    plan = design_plan(design, kind)
    assert plan.size == plan.formula_size  # no minimum or maximum
    assert sum(line.allocated for line in plan.strata) == plan.size
    drawn = sampling.sample_draw(design=design, kind=kind, user=lead)
    assert drawn.selected == plan.selected
    assert drawn.reserve == plan.reserve
    design.refresh_from_db()
    assert design.drawn_design["size"] == plan.size
    assert design.algorithm == "stratified-random-v1"


def test_the_draw_makes_the_selected_cases_the_inspections_and_deletes_the_unsampled(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    plan = sampling.sample_draw(design=design, kind=kind, user=lead)
    selected = sorted(key for keys in plan.selected.values() for key in keys)
    reserve = sorted(key for keys in plan.reserve.values() for key in keys)
    assert sorted(inspection.cases.values_list("reference", flat=True)) == selected
    assert sorted(design.caseload.values_list("reference", flat=True)) == sorted(selected + reserve)
    assert not design.caseload.filter(role=SampleRole.UNSAMPLED).exists()
    assert not EligibleCase.objects.filter(design=design).exists()
    case = InspectedCase.objects.get(reference=selected[0])
    assert case.caseload_row.role == SampleRole.SELECTED
    row = case.caseload_row
    assert case.kind == "supervision"
    assert case.attributes == {**row.attributes, "start_date": row.start_date.isoformat()}


def test_a_court_report_sample_is_drawn_from_its_own_caseload_into_court_report_cases(inspection, lead):
    kind = inspection.framework.definition.case_kind("court_report")
    header = ("CRN", "Report date", "Report type", "Gender", "Ethnicity group", "Team", "Practitioner")
    types = ("oral", "short format written report", "standard")
    rows = [
        [
            f"R{i}",
            f"2026-03-{i % 28 + 1:02d}",
            types[i % 3],
            "male" if i % 3 else "female",
            "White",
            "Court",
            f"P{i % 9}",
        ]
        for i in range(60)
    ]
    design = sampling.caseload_upload(
        inspection=inspection,
        kind=kind,
        name="court.csv",
        data=caseload_csv(rows, header=header),
        case_types=[],
        user=lead,
        seed=3,
        **WINDOW,
    )
    assert design.strata == []
    design = update(design, kind, lead, strata=["report_type"])
    plan = sampling.sample_draw(design=design, kind=kind, user=lead)
    assert {line.name for line in plan.strata} == {
        "Oral report",
        "Short-format written report",
        "Standard written report",
    }
    case = inspection.cases.get(reference=plan.selected["Oral report"][0])
    assert case.kind == "court_report"
    assert case.attributes["report_type"] == "oral"
    assert "report_date" in case.attributes


def test_the_same_file_seed_and_design_reproduce_the_same_sample(inspection, other_inspection, kind, lead):
    first = sampling.sample_draw(design=upload(inspection, kind, lead, seed=7), kind=kind, user=lead)
    second = sampling.sample_draw(design=upload(other_inspection, kind, lead, seed=7), kind=kind, user=lead)
    assert (first.selected, first.reserve) == (second.selected, second.reserve)


def test_the_sample_size_follows_confidence_margin_minimum_and_maximum(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    population = design.eligible.count()
    assert (
        design_plan(update(design, kind, lead, confidence=0.9, margin=0.05), kind).size
        > design_plan(update(design, kind, lead, confidence=0.8, margin=0.1), kind).size
    )
    assert design_plan(update(design, kind, lead, minimum=60), kind).size == 60
    assert design_plan(update(design, kind, lead, minimum=None, maximum=20), kind).size == 20
    assert (
        design_plan(update(design, kind, lead, maximum=None, minimum=population + 5), kind).size == population
    )


def test_a_design_with_unknown_strata_or_minimum_above_maximum_is_refused(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    with pytest.raises(sampling.DesignInvalid):
        update(design, kind, lead, strata=["shoe size"])
    with pytest.raises(sampling.DesignInvalid, match=sampling.MINIMUM_ABOVE_MAXIMUM):
        update(design, kind, lead, minimum=30, maximum=20)


def test_strata_by_chosen_variables_cross(inspection, kind, lead):
    design = update(upload(inspection, kind, lead), kind, lead, strata=["gender", "case_type"])
    names = {line.name for line in design_plan(design, kind).strata}
    assert "Female, Licence" in names
    assert "Male, Community order" in names


def test_every_variable_shows_expected_and_achieved_shares(inspection, kind, lead):
    plan = design_plan(upload(inspection, kind, lead), kind)
    assert [v.variable for v in plan.shares] == ["gender", "ethnicity", "team", "case_type", "rosh_level"]
    for variable in plan.shares:
        assert sum(line.caseload for line in variable.lines) == plan.population
        assert sum(line.sample for line in variable.lines) == sum(line.selected for line in plan.strata)
    stratified = {v.variable: v.stratified for v in plan.shares}
    assert stratified == {
        "gender": True,
        "ethnicity": False,
        "team": False,
        "case_type": True,
        "rosh_level": True,
    }


def test_the_practitioner_cap_shows_as_a_shortfall(inspection, kind, lead):
    rows = [caseload_row(i) for i in range(1, 101)]
    for row in rows:
        row[9], row[10] = "Team 1", "Only officer"
    design = update(upload(inspection, kind, lead, rows), kind, lead, strata=[], practitioner_cap=6)
    plan = design_plan(design, kind)
    assert sum(line.selected for line in plan.strata) == 6
    assert plan.shortfall == plan.size - 6


def test_a_drawn_design_cannot_be_changed_or_uploaded_again(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    sampling.sample_draw(design=design, kind=kind, user=lead)
    with pytest.raises(sampling.SampleError, match=sampling.ALREADY_DRAWN):
        update(design, kind, lead, confidence=0.9)
    with pytest.raises(sampling.SampleError, match=sampling.ALREADY_DRAWN):
        sampling.sample_draw(design=design, kind=kind, user=lead)
    with pytest.raises(sampling.SampleError, match=sampling.ALREADY_DRAWN):
        upload(inspection, kind, lead)


def test_a_replacement_is_the_next_reserve_case_of_the_stratum_with_the_reason(
    inspection, kind, lead, assistant
):
    design = upload(inspection, kind, lead)
    plan = sampling.sample_draw(design=design, kind=kind, user=lead)
    stratum = next(s for s, keys in plan.reserve.items() if len(keys) >= 2)
    out = design.caseload.get(reference=plan.selected[stratum][0])
    assign(out.case_id, assistant)
    spare = sampling.case_replace(kind=kind, row=out, reason="Transferred out before the window", user=lead)
    assert spare.reference == plan.reserve[stratum][0]
    assert spare.role == SampleRole.SELECTED
    out.refresh_from_db()
    assert (out.role, out.replaced_by, out.replacement_reason) == (
        SampleRole.REPLACED,
        spare,
        "Transferred out before the window",
    )
    assert not inspection.cases.filter(reference=out.reference).exists()
    assert inspection.cases.get(reference=spare.reference).assistant_inspector == assistant
    second = design.caseload.get(reference=plan.selected[stratum][1])
    assert (
        sampling.case_replace(kind=kind, row=second, reason="Deceased", user=lead).reference
        == plan.reserve[stratum][1]
    )


def test_replacement_needs_a_reason_a_selected_case_and_a_reserve(inspection, kind, lead):
    design = update(upload(inspection, kind, lead), kind, lead, reserve_per_stratum=0)
    plan = sampling.sample_draw(design=design, kind=kind, user=lead)
    keys = next(iter(plan.selected.values()))
    row = design.caseload.get(reference=keys[0])
    with pytest.raises(sampling.DesignInvalid, match=sampling.REASON_REQUIRED):
        sampling.case_replace(kind=kind, row=row, reason="  ", user=lead)
    with pytest.raises(sampling.SampleError, match="No reserve case is left"):
        sampling.case_replace(kind=kind, row=row, reason="Deceased", user=lead)


def test_a_started_case_cannot_be_replaced(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    plan = sampling.sample_draw(design=design, kind=kind, user=lead)
    row = design.caseload.get(reference=next(iter(plan.selected.values()))[0])
    InspectedCase.objects.filter(pk=row.case_id).update(status=InspectedCase.Status.IN_PROGRESS)
    with pytest.raises(sampling.SampleError, match="has been started"):
        sampling.case_replace(kind=kind, row=row, reason="Deceased", user=lead)


def test_starting_again_is_allowed_until_a_case_is_assigned(inspection, kind, lead, assistant):
    design = upload(inspection, kind, lead)
    sampling.sample_draw(design=design, kind=kind, user=lead)
    assert not sampling.is_frozen(design)
    sampling.sample_discard(design=design, user=lead)
    assert not inspection.cases.exists()
    assert not SampleDesign.objects.exists()
    design = upload(inspection, kind, lead)
    sampling.sample_draw(design=design, kind=kind, user=lead)
    case = inspection.cases.first()
    assign(case.pk, assistant)
    assert sampling.is_frozen(design)
    with pytest.raises(sampling.SampleError, match="frozen"):
        sampling.sample_discard(design=design, user=lead)


def test_cases_already_in_the_sample_are_excluded(inspection, kind, lead):
    InspectedCaseFactory(inspection=inspection, reference="x000001")
    design = upload(inspection, kind, lead, [caseload_row(1), caseload_row(2)])
    assert design.exclusions == [[2, "Already in this inspection's sample"]]


def test_a_locked_inspection_refuses_an_upload(inspection, kind, lead):
    inspection.status = inspection.Status.LOCKED
    inspection.save()
    with pytest.raises(InspectionLocked):
        upload(inspection, kind, lead)


def test_a_bad_file_leaves_the_previous_caseload_as_it_was(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    count = design.eligible.count()
    rows = [caseload_row(i) for i in range(1, 50)]
    rows[40][6] = "?"  # a problem after rows that were already saved while reading
    with pytest.raises(sampling.CaseloadInvalid):
        upload(inspection, kind, lead, rows)
    assert SampleDesign.objects.get() == design
    assert design.eligible.count() == count


def test_duplicates_read_after_their_keeper_are_not_kept(inspection, kind, lead):
    rows = [caseload_row(i) for i in range(1, 6)]
    rows[4][1] = rows[0][1]  # line 6 has line 2's PNC and starts later
    rows[4][4] = "2026-03-31"
    rows[0][4] = "2026-01-01"
    design = upload(inspection, kind, lead, rows)
    assert sorted(design.eligible.values_list("line", flat=True)) == [2, 3, 4, 5]
    assert design.exclusions == [[6, "Same person as line 2 (same PNC): the earliest start is kept"]]


def test_an_undrawn_caseload_goes_with_its_design_its_replacement_and_its_inspection(
    inspection, other_inspection, kind, lead
):
    # The eligible cases have no database foreign key: Django's cascade is what removes them.
    first = upload(inspection, kind, lead)
    second = upload(inspection, kind, lead, [caseload_row(i) for i in range(1, 11)])
    assert set(EligibleCase.objects.values_list("design", flat=True)) == {second.pk}
    sampling.sample_discard(design=second, user=lead)
    assert not EligibleCase.objects.exists()
    upload(other_inspection, kind, lead)
    other_inspection.delete()
    assert not EligibleCase.objects.exists()
    assert first.pk != second.pk


def test_the_plan_is_stored_by_the_upload_and_each_change_so_the_page_reads_no_caseload(
    inspection, kind, lead, django_assert_num_queries
):
    design = upload(inspection, kind, lead)
    with django_assert_num_queries(0):
        stored = design_plan(design, kind)
    assert stored == plan_computed(design, kind)
    changed = update(design, kind, lead, seed=43, confidence=0.9)
    with django_assert_num_queries(0):
        plan = design_plan(changed, kind)
    assert plan == plan_computed(changed, kind) != stored
    assert sampling.sample_draw(design=changed, kind=kind, user=lead) == plan
    changed.refresh_from_db()
    assert changed.plan == {}  # the draw keeps what it drew in drawn_design
    assert changed.drawn_design == plan.as_record()


def test_a_plan_stored_for_other_values_is_computed_again(inspection, kind, lead):
    design = upload(inspection, kind, lead)
    stored = design_plan(design, kind)
    SampleDesign.objects.filter(pk=design.pk).update(seed=design.seed + 1)  # not through the service
    design.refresh_from_db()
    assert design_plan(design, kind) == plan_computed(design, kind)
    assert design_plan(design, kind).selected != stored.selected
