"""Reads for the sample designer: the design as computed from the eligible caseload (size, allocation,
shortfall, expected against achieved shares for every variable) and the drawn sample with its reserve lists.

`plan_computed` is the one place the design is computed; the upload and each change of the design store its
result, which `design_plan` gives the page, the API and the draw itself, so what the lead sees before drawing is
exactly what the draw records, and the 50,000 rows of a large caseload are read once, not on every page.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from inspections.definitions import CaseKind
from inspections.models import Inspection

from .. import sample_design as rules
from ..caseload import CASE_TYPE
from ..sample_models import CaseloadCase, EligibleCase, SampleDesign, SampleRole, SamplingMethod

DEFAULT_STRATA = "default"
ROSH_LEVEL = "rosh_level"
DEFAULT_STRATA_LABEL = "The inspectorate's five strata (gender, sentence type and RoSH level)"
DEFAULT_STRATA_ORDER = (
    rules.FEMALE,
    rules.MALE_COMMUNITY_LOW,
    rules.MALE_COMMUNITY_NON_LOW,
    rules.MALE_POST_CUSTODY_LOW,
    rules.MALE_POST_CUSTODY_NON_LOW,
)
CORE_VARIABLES = {"gender": "Gender", "ethnicity": "Ethnicity group", "team": "Team"}
GENDER_LABELS = {"female": "Female", "male": "Male"}


def case_kinds(inspection: Inspection) -> tuple[CaseKind, ...]:
    """The case kinds a caseload can be uploaded for: the inspection's framework's."""
    return inspection.framework.definition.case_kinds


def case_kind(inspection: Inspection, slug: str) -> CaseKind | None:
    return next((kind for kind in case_kinds(inspection) if kind.slug == slug), None)


def has_default_strata(kind: CaseKind) -> bool:
    return kind.attribute(CASE_TYPE) is not None and kind.attribute(ROSH_LEVEL) is not None


def variables(kind: CaseKind) -> dict[str, str]:
    """Variables a sample can be stratified by and whose shares are shown: key → label."""
    found = dict(CORE_VARIABLES)
    for attribute in kind.attributes:
        if attribute.type == "choice":
            found[attribute.key] = attribute.label
    return found


def strata_choices(kind: CaseKind) -> list[tuple[str, str]]:
    choices = [(DEFAULT_STRATA, DEFAULT_STRATA_LABEL)] if has_default_strata(kind) else []
    return choices + list(variables(kind).items())


def _value_of(row: Mapping[str, Any], variable: str) -> str:
    if variable in CORE_VARIABLES:
        return str(row[variable])
    return str(row["attributes"].get(variable, ""))


def value_label(kind: CaseKind, variable: str, value: str) -> str:
    if variable == "gender":
        return GENDER_LABELS.get(value, value)
    attribute = kind.attribute(variable)
    if attribute is not None:
        return attribute.label_of(value) if value else "Not recorded"
    return value


def stratum_of(kind: CaseKind, strata: Sequence[str], row: Mapping[str, Any]) -> str:
    """The stratum of a caseload row under the chosen strata (several variables cross)."""
    if not strata:
        return "All cases"
    parts = []
    for variable in strata:
        if variable == DEFAULT_STRATA:
            attributes = row["attributes"]
            placed = rules.default_stratum(
                row["gender"], attributes.get(CASE_TYPE, ""), attributes.get(ROSH_LEVEL, "")
            )
            parts.append(placed or "Not placed")
        else:
            parts.append(value_label(kind, variable, _value_of(row, variable)))
    return ", ".join(parts)


@dataclass
class StratumLine:
    name: str
    caseload: int
    allocated: int
    selected: int
    reserve: int
    shortfall: int
    over_representation: float


@dataclass
class ShareLine:
    value: str
    caseload: int
    caseload_share: float
    sample: int
    sample_share: float
    difference: float = 0.0

    def __post_init__(self) -> None:
        self.difference = round(self.sample_share - self.caseload_share, 1)
        self.caseload_share = round(self.caseload_share, 1)
        self.sample_share = round(self.sample_share, 1)


@dataclass
class VariableShares:
    variable: str
    label: str
    stratified: bool
    lines: list[ShareLine]


@dataclass
class DesignPlan:
    """The design as computed: JSON-ready, so the draw records it as the page showed it."""

    population: int
    formula_size: int
    size: int
    achieved_margin: float | None
    strata: list[StratumLine]
    shares: list[VariableShares]
    shortfall: int
    algorithm: str
    achieved_margin_points: float | None = None
    selected: dict[str, list[str]] = field(default_factory=dict)
    reserve: dict[str, list[str]] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """What the draw keeps of the plan (the case keys are kept on the caseload rows)."""
        record = asdict(self)
        record.pop("selected")
        record.pop("reserve")
        return record

    def as_stored(self, design: SampleDesign) -> dict[str, Any]:
        """The whole plan with the values it was computed from, as SampleDesign.plan keeps it (JSON objects do not
        keep their keys' order in PostgreSQL, so the strata's keys are kept as lists of pairs)."""
        return {
            **self.as_record(),
            "selected": list(self.selected.items()),
            "reserve": list(self.reserve.items()),
            "parameters": _parameters(design),
        }

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> DesignPlan:
        values = {key: value for key, value in stored.items() if key != "parameters"}
        values["strata"] = [StratumLine(**line) for line in stored["strata"]]
        values["shares"] = [
            VariableShares(**{**shares, "lines": [_share_line(line) for line in shares["lines"]]})
            for shares in stored["shares"]
        ]
        values["selected"], values["reserve"] = dict(stored["selected"]), dict(stored["reserve"])
        return cls(**values)


def _share_line(stored: Mapping[str, Any]) -> ShareLine:
    line = ShareLine(**stored)
    line.difference = stored["difference"]  # as computed from the shares before they were rounded
    return line


def _parameters(design: SampleDesign) -> dict[str, Any]:
    """What a plan is computed from besides the caseload (and the algorithms' versions), so a stored plan is used
    only while they are unchanged."""
    return {
        "confidence": design.confidence,
        "margin": design.margin,
        "minimum": design.minimum,
        "maximum": design.maximum,
        "practitioner_cap": design.practitioner_cap,
        "reserve_per_stratum": design.reserve_per_stratum,
        "strata": list(design.strata),
        "represent_every_stratum": design.represent_every_stratum,
        "method": design.method,
        "seed": design.seed,
        "algorithms": [rules.RANDOM_ALGORITHM, rules.SYSTEMATIC_ALGORITHM],
    }


def _size(design: SampleDesign, population: int) -> tuple[int, int]:
    formula = rules.sample_size(population, design.confidence, design.margin)
    size = formula
    if design.minimum is not None:
        size = max(size, design.minimum)
    if design.maximum is not None:
        size = min(size, design.maximum)
    return formula, min(size, population)


def _shares(
    kind: CaseKind,
    strata: Sequence[str],
    profiles: Mapping[Profile, Mapping[str, Any]],
    caseload: Counter[Profile],
    sample: Counter[Profile],
) -> list[VariableShares]:
    """Expected (caseload) against achieved (sample) shares for every variable, from the counts of each profile."""
    stratified = set(strata)
    if DEFAULT_STRATA in stratified:
        stratified |= {"gender", CASE_TYPE, ROSH_LEVEL}
    total, chosen = sum(caseload.values()), sum(sample.values())
    result = []
    for variable, label in variables(kind).items():
        counts: Counter[str] = Counter()
        in_sample: Counter[str] = Counter()
        for profile, count in caseload.items():
            value = _value_of(profiles[profile], variable)
            counts[value] += count
            in_sample[value] += sample.get(profile, 0)
        lines = [
            ShareLine(
                value=value_label(kind, variable, value),
                caseload=count,
                caseload_share=100 * count / total if total else 0.0,
                sample=in_sample[value],
                sample_share=100 * in_sample[value] / chosen if chosen else 0.0,
            )
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        result.append(VariableShares(variable, label, variable in stratified, lines))
    return result


def _ordered(names: Iterable[str]) -> list[str]:
    order = {name: index for index, name in enumerate(DEFAULT_STRATA_ORDER)}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


# What a case is stratified and described by, apart from its reference, team and practitioner's cases: (gender,
# ethnicity, team, attributes as JSON text). Cases share few profiles, so each is decoded and placed once.
Profile = tuple[str, str, str, str]


def caseload_rows(design: SampleDesign) -> QuerySet[EligibleCase, Any]:
    """(reference, team, practitioner, profile fields...) of each eligible case in line order; attributes as JSON
    text."""
    return design.eligible.order_by("line").values_list(
        "reference", "team", "practitioner", "gender", "ethnicity", Cast("attributes", TextField())
    )


def design_plan(design: SampleDesign, kind: CaseKind) -> DesignPlan:
    """The design's plan: as stored by the upload or the last change of the design (no query), or else computed
    from the eligible caseload."""
    if design.plan.get("parameters") == _parameters(design):
        return DesignPlan.from_stored(design.plan)
    return plan_computed(design, kind)


def plan_computed(design: SampleDesign, kind: CaseKind) -> DesignPlan:
    """Size, allocation over the strata, the seeded draw and the shares, from the eligible caseload (one query)."""
    strata = list(design.strata)
    profiles: dict[Profile, dict[str, Any]] = {}
    placed: dict[Profile, str] = {}
    of_case: dict[str, Profile] = {}
    records = []
    for reference, team, practitioner, gender, ethnicity, attributes in caseload_rows(design):
        profile = (gender, ethnicity, team, attributes)
        stratum = placed.get(profile)
        if stratum is None:
            row = {
                "gender": gender,
                "ethnicity": ethnicity,
                "team": team,
                "attributes": json.loads(attributes),
            }
            profiles[profile] = row
            stratum = placed[profile] = stratum_of(kind, strata, row)
        of_case[reference] = profile
        records.append(rules.CaseRecord(reference, stratum, team, practitioner))
    formula, size = _size(design, len(records))
    allocate = rules.allocate_representing_all if design.represent_every_stratum else rules.allocate
    nested = rules.nested_allocation(records, size, design.practitioner_cap, allocate)
    method = rules.draw_systematic if design.method == SamplingMethod.SYSTEMATIC else rules.draw
    drawn = method(records, nested, design.seed, design.reserve_per_stratum)
    stratum_counts = Counter(record.stratum for record in records)
    allocated: Counter[str] = Counter()
    for (stratum, _, _), count in nested.cells.items():
        allocated[stratum] += count
    selected_counts = {stratum: len(keys) for stratum, keys in drawn.selected.items()}
    over = rules.over_representation(
        dict(stratum_counts), {s: selected_counts.get(s, 0) for s in stratum_counts}
    )
    lines = [
        StratumLine(
            name=stratum,
            caseload=stratum_counts[stratum],
            allocated=allocated[stratum] + nested.shortfall.get(stratum, 0),
            selected=selected_counts.get(stratum, 0),
            reserve=len(drawn.reserve.get(stratum, [])),
            shortfall=drawn.shortfall.get(stratum, 0),
            over_representation=round(over.get(stratum, 0.0), 1),
        )
        for stratum in _ordered(set(stratum_counts) | set(drawn.selected))
    ]
    chosen = sum(selected_counts.values())
    caseload = Counter(of_case.values())
    sample = Counter(of_case[key] for keys in drawn.selected.values() for key in keys)
    margin = rules.achieved_margin(chosen, len(records), design.confidence) if records else None
    return DesignPlan(
        population=len(records),
        formula_size=formula,
        size=size,
        achieved_margin=margin,
        achieved_margin_points=None if margin is None else round(100 * margin, 1),
        strata=lines,
        shares=_shares(kind, strata, profiles, caseload, sample),
        shortfall=sum(line.shortfall for line in lines),
        algorithm=drawn.algorithm,
        selected=drawn.selected,
        reserve=drawn.reserve,
    )


def as_page(plan: DesignPlan) -> dict[str, Any]:
    """The plan as the page, the API and the draw's record show it."""
    return plan.as_record()


def strata_labels(kind: CaseKind, strata: Sequence[str]) -> list[str]:
    labels = dict(strata_choices(kind))
    return [labels.get(variable, variable) for variable in strata]


def design_for_inspection(inspection: Inspection, kind: str) -> SampleDesign | None:
    return SampleDesign.objects.filter(inspection=inspection, case_kind=kind).first()


def designs_of(inspection: Inspection) -> list[SampleDesign]:
    return list(SampleDesign.objects.filter(inspection=inspection))


def kind_columns(kind: CaseKind) -> list[tuple[str, str]]:
    """The case kind's choice attributes, (key, label), as the sample table's columns."""
    return [(attribute.key, attribute.label) for attribute in kind.attributes if attribute.type == "choice"]


def sample_rows(design: SampleDesign, kind: CaseKind | None = None) -> list[CaseloadCase]:
    """The selected, reserve and replaced cases, by stratum then position (one query); with a kind, each row's
    `attribute_labels` are its values of the kind's choice attributes, in kind_columns order."""
    rows = list(
        design.caseload.exclude(role=SampleRole.UNSAMPLED)
        .select_related("case__assistant_inspector", "replaced_by")
        .order_by("stratum", "role", "position", "line")
    )
    if kind is not None:
        for row in rows:
            row.attribute_labels = [  # type: ignore[attr-defined]
                value_label(kind, key, row.attributes.get(key, "")) for key, _ in kind_columns(kind)
            ]
    return rows


def exclusion_counts(design: SampleDesign) -> list[tuple[str, int]]:
    """How many rows each reason left out, the commonest first."""
    counts = Counter(_reason_kind(reason) for _, reason in design.exclusions)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _reason_kind(reason: str) -> str:
    return (
        "Same person as another row: the earliest start is kept"
        if reason.startswith("Same person")
        else reason
    )


def window_default(inspection: Inspection) -> tuple[datetime.date, datetime.date]:
    """Six months' window centred on six months before fieldwork, so a review can be judged."""
    start = inspection.fieldwork_start

    def months_before(day: datetime.date, months: int) -> datetime.date:
        month = day.month - months
        year = day.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return datetime.date(year, month, min(day.day, 28))

    return months_before(start, 9), months_before(start, 3) - datetime.timedelta(days=1)
