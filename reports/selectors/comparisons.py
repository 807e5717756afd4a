"""Two groups of locked PDU inspections' cases side by side: two periods, before and after a date, a region against
the rest of England and Wales, or one group of cases against another (e.g. licence against community orders). Each
key question, case fact and need with both rates, the difference and its 95% interval by Newcombe's method
(inspections.statistics.difference), pooled over cases. A fixed number of queries whatever the data's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.count_models import Measure
from cases.counts import FACT_MEASURES, attribute_column, breakdown_attributes, counts_query, live_counts
from inspections import statistics
from inspections.definitions import Definition
from pdus.models import Region

from .counts import counts_parts, read_counts
from .dashboards import Period
from .locked import LockedInspection, definitions_of, locked_inspections
from .rates import CaseFacts, KeyQuestionRate, case_facts_of, key_question_rates

UNIFICATION = datetime.date(2021, 6, 26)  # probation services unified: the usual date to compare around


@dataclass(frozen=True)
class Group:
    """Which inspections' cases a group holds: fieldwork starting in [start, end), in a region (or outside it), and
    only the cases whose attribute has a value (`where`: attribute key, value)."""

    label: str
    short: str  # for a chart's bars, e.g. "2022-23"
    start: datetime.date | None = None
    end: datetime.date | None = None
    region: Region | None = None
    outside_region: bool = False  # every region but `region`
    where: tuple[str, str] | None = None

    def holds(self, inspection: LockedInspection) -> bool:
        if self.start and inspection.fieldwork_start < self.start:
            return False
        if self.end and inspection.fieldwork_start >= self.end:
            return False
        if self.region is not None:
            return (inspection.region_id == self.region.pk) != self.outside_region
        return True


@dataclass(frozen=True)
class ComparisonRow:
    section: str  # e.g. "Key questions", "Case facts of supervision cases"
    code: str  # the key question's code, or the fact's or need's key
    label: str
    first: statistics.Sufficiency
    second: statistics.Sufficiency
    difference: statistics.Difference  # first minus second, in percentage points


@dataclass(frozen=True)
class Comparison:
    first: Group
    second: Group
    first_inspections: int
    second_inspections: int
    first_cases: int
    second_cases: int
    rows: list[ComparisonRow]

    @property
    def differing(self) -> list[ComparisonRow]:
        """The rows whose interval for the difference excludes zero."""
        return [row for row in self.rows if row.difference.excludes_zero]


def _rates(
    group: Group, inspections: list[LockedInspection], definitions: list[Definition], attributes: list[str]
) -> tuple[list[KeyQuestionRate], CaseFacts]:
    """The group's key question rates and case facts, from the counts frozen with its inspections' snapshots (counted
    live for any snapshot without them) in one query; none without inspections."""
    held = [inspection for inspection in inspections if group.holds(inspection)]
    pairs = [inspection.counted for inspection in held]
    if group.where is None:
        parts = counts_parts(pairs, attributes, definitions=definitions)
    else:
        # Frozen judgement counts carry each case's breakdown attributes, so the group's judgements are read from them
        # and kept below; frozen case, fact and need counts carry none, so those of the group's cases are counted live.
        parts = counts_parts(pairs, attributes, [Measure.JUDGEMENTS], definitions=definitions)
        parts += (
            live_counts([i.pk for i in held], attributes, FACT_MEASURES, where=group.where) if held else []
        )
    counts = read_counts(counts_query(parts), attributes)
    breakdown = counts.judgements
    if group.where is not None:
        key, value = group.where
        column = attribute_column(attributes.index(key)) if key in attributes else None
        breakdown = [row for row in breakdown if column is not None and row[column] == value]
    key_questions, _ = key_question_rates(breakdown, definitions, attributes)
    return key_questions, case_facts_of(counts, definitions)


def compare(first: Group, second: Group) -> Comparison:
    """Each key question, case fact and need answered in either group, side by side with the difference."""
    every = locked_inspections()
    chosen = [i for i in every if first.holds(i) or second.holds(i)]
    definitions = definitions_of(chosen)
    attributes = breakdown_attributes(definitions)
    first_kqs, first_facts = _rates(first, chosen, definitions, attributes)
    second_kqs, second_facts = _rates(second, chosen, definitions, attributes)
    rows = []
    second_by_code = {kq.code: kq.rates.overall for kq in second_kqs}
    for kq in first_kqs:
        other = second_by_code[kq.code]
        rows.append(
            _row("Key questions", kq.code, f"{kq.standard_title}: {kq.criterion}", kq.rates.overall, other)
        )
    for kind in first_facts.kinds:
        other_kind = second_facts.kind(kind.case_kind)
        other_facts = {fact.key: fact.rate for fact in other_kind.facts} if other_kind else {}
        other_needs = {need.need: need.met for need in other_kind.needs} if other_kind else {}
        for fact in kind.facts:
            rows.append(
                _row(
                    f"Case facts of {kind.plural.lower()}",
                    fact.key,
                    fact.label,
                    fact.rate,
                    other_facts.get(fact.key, statistics.sufficiency(0, 0)),
                )
            )
        for need in kind.needs:
            rows.append(
                _row(
                    f"Needs met of {kind.plural.lower()}",
                    need.need,
                    need.label,
                    need.met,
                    other_needs.get(need.need, statistics.sufficiency(0, 0)),
                )
            )
    return Comparison(
        first,
        second,
        sum(1 for i in chosen if first.holds(i)),
        sum(1 for i in chosen if second.holds(i)),
        first_facts.cases,
        second_facts.cases,
        [row for row in rows if row.first.total or row.second.total],
    )


def _row(
    section: str, code: str, label: str, first: statistics.Sufficiency, second: statistics.Sufficiency
) -> ComparisonRow:
    difference = statistics.difference(first.sufficient, first.total, second.sufficient, second.total)
    return ComparisonRow(section, code, label, first, second, difference)


@dataclass(frozen=True)
class CaseGroup:
    """A value of a breakdown attribute, as the frameworks label it: cases of one kind to compare with another."""

    key: str  # attribute key
    value: str
    label: str  # e.g. "Case type: Licence"

    @property
    def slug(self) -> str:
        return f"{self.key}:{self.value}"


@dataclass(frozen=True)
class Choices:
    periods: list[Period]
    regions: list[Region]
    case_groups: list[CaseGroup]


def comparison_choices() -> Choices:
    """What can be compared: the periods with locked inspections, the regions, and the breakdown attributes' values
    of their frameworks (two queries)."""
    every = locked_inspections()
    periods = sorted({Period.of(i.fieldwork_start) for i in every}, key=lambda p: p.start, reverse=True)
    groups: dict[str, CaseGroup] = {}
    for definition in definitions_of(every):
        for kind in definition.case_kinds:
            for attribute in kind.attributes:
                if attribute.breakdown:
                    for option in attribute.options:
                        group = CaseGroup(attribute.key, option.value, f"{attribute.label}: {option.label}")
                        groups.setdefault(group.slug, group)
    regions = list(Region.objects.filter(pdus__isnull=False).distinct().order_by("name"))
    return Choices(periods, regions, list(groups.values()))


def years(first: Period, second: Period) -> tuple[Group, Group]:
    return (
        Group(first.label, first.slug, start=first.start, end=first.end),
        Group(second.label, second.slug, start=second.start, end=second.end),
    )


def before_and_after(day: datetime.date) -> tuple[Group, Group]:
    """From the day on (first) against before it (second)."""
    when = f"{day.day} {day:%B %Y}"
    return Group(f"From {when}", "From", start=day), Group(f"Before {when}", "Before", end=day)


def region_and_rest(region: Region, period: Period | None) -> tuple[Group, Group]:
    """A region against the rest of England and Wales: independent groups, as the interval for a difference needs."""
    start, end = (period.start, period.end) if period else (None, None)
    return (
        Group(region.name, region.name[:12], start=start, end=end, region=region),
        Group(
            "The rest of England and Wales", "Rest", start=start, end=end, region=region, outside_region=True
        ),
    )


def case_groups(first: CaseGroup, second: CaseGroup, period: Period | None) -> tuple[Group, Group]:
    start, end = (period.start, period.end) if period else (None, None)
    return (
        Group(
            first.label,
            first.label.split(": ")[-1][:12],
            start=start,
            end=end,
            where=(first.key, first.value),
        ),
        Group(
            second.label,
            second.label.split(": ")[-1][:12],
            start=start,
            end=end,
            where=(second.key, second.value),
        ),
    )
