"""The national report: the annual report's statements computed from the locked PDU inspections of a period (and
region), each a sentence a report writer can lift, with its n, 95% interval and the table behind it; and the
published composites beside them.

Which key questions, criteria, case facts, needs and breakdowns a statement is about comes from the frameworks
(inspections.definitions), never from codes named here. A fixed number of queries whatever the data's size.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cases.counts import breakdown_attributes, counts_query
from pdus.models import PublishedRating, Region

from .. import rating as rules
from ..evidence.selectors import staffing_by_region, survey_results
from . import comparisons, evidence_statements
from .counts import counts_parts, read_counts
from .dashboards import Period, published_overall_rule
from .locked import LockedInspection, definitions_of, latest_results, locked_inspections
from .rates import CaseFacts, KeyQuestionRate, case_facts_of, key_question_rates
from .statements import (
    Statement,
    count_of,
    fact_statements,
    key_question_statements,
    listed,
    lower_first,
    subgroup_statements,
)


@dataclass(frozen=True)
class PublishedDistribution:
    """The overall ratings of one publication's composites, banded by the framework they were published under."""

    source: str
    pdus: int
    regions: int
    distribution: dict[rules.Rating, int]  # best first, zeros included
    rows: list[tuple[str, str, int, int, rules.Rating | None]]  # PDU, region, composite, maximum, overall


@dataclass(frozen=True)
class NationalReport:
    period: Period | None
    region: Region | None
    periods: list[Period]
    regions: list[Region]
    inspections: list[LockedInspection]
    statements: list[Statement]
    published: list[PublishedDistribution]
    key_questions: list[KeyQuestionRate]
    case_facts: CaseFacts
    not_computed: list[str]

    @property
    def scope(self) -> str:
        return self.region.name if self.region else "England and Wales"


def national_report(*, period: str | None = None, region: int | None = None) -> NationalReport:
    """The report's statements over the latest locked inspection of each PDU in the period and region."""
    regions = list(Region.objects.filter(pdus__isnull=False).distinct().order_by("name"))
    chosen_region = next((r for r in regions if r.pk == region), None)
    chosen_period = Period.from_slug(period) if period else None
    every = locked_inspections()
    periods = sorted(
        {Period.of(i.fieldwork_start) for i in every} | ({chosen_period} if chosen_period else set()),
        key=lambda p: p.start,
        reverse=True,
    )
    latest: dict[str, LockedInspection] = {}
    for inspection in every:  # newest first: the first of each PDU is its latest
        if chosen_region and inspection.region_id != chosen_region.pk:
            continue
        if chosen_period and not chosen_period.start <= inspection.fieldwork_start < chosen_period.end:
            continue
        latest.setdefault(inspection.pdu, inspection)
    inspections = sorted(latest.values(), key=lambda i: i.pdu)
    ids = [i.pk for i in inspections]
    definitions = definitions_of(inspections)
    attributes = breakdown_attributes(definitions)
    # Frozen with each inspection's snapshot, or counted live where it has none (one query); per inspection, for the
    # PDUs above half on a key question and each sample's size.
    counts = read_counts(
        counts_query(
            counts_parts(
                [i.counted for i in inspections], attributes, by_inspection=True, definitions=definitions
            )
        ),
        attributes,
    )
    breakdown = counts.judgements
    key_questions, _ = key_question_rates(breakdown, definitions, attributes)
    facts = case_facts_of(counts, definitions)
    results = latest_results(ids) if ids else {}
    published = published_distributions(chosen_period, chosen_region)
    scope = chosen_region.name if chosen_region else "England and Wales"
    when = f" in {chosen_period.label}" if chosen_period else ""
    statements: list[Statement] = []
    if inspections:
        statements += _scope_statements(inspections, results, counts.inspection_cases, facts, scope, when)
        statements += key_question_statements(inspections, key_questions, breakdown, definitions, facts)
        statements += subgroup_statements(ids, key_questions, definitions, attributes, facts)
        statements += fact_statements(facts)
        statements += _change_statements(every, chosen_period, chosen_region)
    # The survey is of people on probation in every PDU, inspected or not; staffing is the inspected PDUs'.
    survey = survey_results(
        region_id=chosen_region.pk if chosen_region else None,
        period=chosen_period.slug if chosen_period else None,
    )
    staffing = staffing_by_region(ids) if ids else []
    statements += evidence_statements.survey_statements(survey, scope)
    statements += evidence_statements.staffing_statements(staffing, scope)
    return NationalReport(
        period=chosen_period,
        region=chosen_region,
        periods=periods,
        regions=regions,
        inspections=inspections,
        statements=statements,
        published=published,
        key_questions=[kq for kq in key_questions if kq.rates.overall.total],
        case_facts=facts,
        not_computed=evidence_statements.not_computed(
            survey, staffing, len(inspections), f" for {scope}{when}"
        ),
    )


def _scope_statements(
    inspections: list[LockedInspection],
    results: dict[int, dict[str, Any]],
    sample_sizes: dict[int | None, int],
    facts: CaseFacts,
    scope: str,
    when: str,
) -> list[Statement]:
    pdus = len(inspections)
    regions = len({i.region_id for i in inspections})
    overall = {i.pk: rules.rating_of(results.get(i.pk, {}).get("overall_rating")) for i in inspections}
    counts = Counter(rating for rating in overall.values() if rating)
    statements = [
        Statement(
            "inspections",
            "The inspections",
            f"{count_of(pdus, 'PDU was', 'PDUs were')} inspected in {scope}{when}"
            f"{f', in {regions} regions' if regions > 1 else ''}.",
            pdus,
            None,
            ["PDU", "Region", "Fieldwork started", "Cases inspected", "Composite score", "Overall rating"],
            [
                [
                    i.pdu,
                    i.region,
                    f"{i.fieldwork_start.day} {i.fieldwork_start:%B %Y}",
                    sample_sizes.get(i.pk, 0),
                    _composite(results.get(i.pk)),
                    overall[i.pk],
                ]
                for i in inspections
            ],
            n_of="PDUs",
        )
    ]
    if counts:
        rated = sum(counts.values())
        parts = [f"{counts[r]} {r.label}" for r in rules.Rating if counts[r]]
        if rated == 1:
            text = f"The one PDU rated was rated {parts[0].split(' ', 1)[1]}."
        else:
            only = next(r for r in rules.Rating if counts[r]).label
            text = (
                f"Of the {rated} PDUs rated, {listed(parts)}."
                if len(parts) > 1
                else f"All {rated} PDUs rated were rated {only}."
            )
        statements.append(
            Statement(
                "ratings",
                "The inspections",
                text,
                rated,
                None,
                ["Overall rating", "PDUs"],
                [[r.label, counts[r]] for r in rules.Rating],
                n_of="PDUs",
            )
        )
    sizes = [sample_sizes.get(i.pk, 0) for i in inspections]
    kinds = [
        f"{count_of(k.cases, lower_first(k.name), lower_first(k.plural))}" for k in facts.kinds if k.cases
    ]
    of_kinds = f" ({listed(kinds)})" if len(kinds) > 1 else ""
    if len(sizes) == 1:
        samples = f"in one sample of {sizes[0]:,}"
    elif min(sizes) == max(sizes):
        samples = f"in samples of {sizes[0]:,} per PDU"
    else:
        samples = f"in samples of {min(sizes):,} to {max(sizes):,} per PDU"
    statements.append(
        Statement(
            "cases",
            "The inspections",
            f"{count_of(facts.cases, 'case was', 'cases were')} inspected{of_kinds}, {samples}.",
            facts.cases,
            None,
            ["Case kind", "Cases inspected"],
            [[k.plural, k.cases] for k in facts.kinds if k.cases],
        )
    )
    return statements


def _composite(result: dict[str, Any] | None) -> str | None:
    if not result or result.get("composite_score") is None:
        return None
    return f"{result['composite_score']} out of {result['max_score']}"


def published_distributions(period: Period | None, region: Region | None) -> list[PublishedDistribution]:
    """The published composites whose period overlaps the chosen one, by publication, each banded (two queries)."""
    published = PublishedRating.objects.select_related("pdu__region").order_by("source", "pdu__name")
    if period:
        published = published.filter(period_start__lt=period.end, period_end__gte=period.start)
    if region:
        published = published.filter(pdu__region=region)
    overall_of = published_overall_rule()
    by_source: dict[str, list[tuple[str, str, int, int, rules.Rating | None]]] = {}
    for row in published:
        overall = overall_of(row.overall_rating, row.composite_score, row.composite_max, row.period_start)
        by_source.setdefault(row.source or "Published", []).append(
            (row.pdu.name, row.pdu.region.name, row.composite_score, row.composite_max, overall)
        )
    result = []
    for source, rows in by_source.items():
        distribution = dict.fromkeys(rules.Rating, 0)
        for *_, overall in rows:
            if overall:
                distribution[overall] += 1
        result.append(PublishedDistribution(source, len(rows), len({r[1] for r in rows}), distribution, rows))
    return result


def _change_statements(
    every: list[LockedInspection], period: Period | None, region: Region | None
) -> list[Statement]:
    """The key questions against the year before (where it has locked inspections), and before and after
    unification (where both sides have): how many moved, and which by more than their interval allows."""
    statements = []
    kept = [i for i in every if region is None or i.region_id == region.pk]
    if period is not None:
        before = Period.of(period.start - datetime.timedelta(days=1))
        if any(before.start <= i.fieldwork_start < before.end for i in kept):
            first, second = comparisons.years(period, before)
            query = {"compare": "years", "first_year": period.slug, "second_year": before.slug}
            statements.append(
                _change("previous-year", f"Compared with {before.label}", first, second, region, query)
            )
    day = comparisons.UNIFICATION
    if any(i.fieldwork_start < day for i in kept) and any(i.fieldwork_start >= day for i in kept):
        first, second = comparisons.before_and_after(day)
        query = {"compare": "date", "day_0": str(day.day), "day_1": str(day.month), "day_2": str(day.year)}
        statements.append(_change("unification", "Since unification", first, second, region, query))
    return statements


def _change(
    slug: str,
    heading: str,
    first: comparisons.Group,
    second: comparisons.Group,
    region: Region | None,
    query: dict[str, str],
) -> Statement:
    if region is not None:
        first = dataclasses.replace(first, region=region)
        second = dataclasses.replace(second, region=region)
    result = comparisons.compare(first, second)
    both = [
        row for row in result.rows if row.section == "Key questions" and row.first.total and row.second.total
    ]
    lower = [row for row in both if (row.difference.difference or 0) < 0]
    higher = [row for row in both if (row.difference.difference or 0) > 0]
    clear = [
        f"{row.code} {row.difference.difference:+.0f} points"
        for row in both
        if row.difference.excludes_zero and row.difference.difference is not None
    ]
    text = (
        f"Comparing “{first.label}” with “{second.label}”, over every locked inspection of each: of the "
        f"{len(both)} key questions answered in both, "
        f"{len(lower) or 'none'} {'was' if len(lower) == 1 else 'were'} sufficient less often and "
        f"{len(higher) or 'none'} more often"
    )
    text += (
        f"; the 95% interval of the difference excludes zero for {listed(clear)}."
        if clear
        else "; no difference's 95% interval excludes zero."
    )
    return Statement(
        slug,
        heading,
        text,
        len(both),
        None,
        ["Key question", first.label, second.label, "Difference, points", "95% CI lower", "95% CI upper"],
        [
            [
                row.code,
                row.first,
                row.second,
                _round(row.difference.difference),
                _round(row.difference.lower),
                _round(row.difference.upper),
            ]
            for row in both
        ],
        query if region is None else {},  # the comparison page compares years nationally
        n_of="key questions (each difference with its interval in the table)",
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
