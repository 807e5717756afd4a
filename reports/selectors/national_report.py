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
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform

from cases.models import InspectedCase
from inspections import statistics
from inspections.definitions import Definition
from pdus.models import PublishedRating, Region

from .. import rating as rules
from . import comparisons
from .dashboards import Period, published_overall_rule
from .locked import LockedInspection, definitions_of, latest_results, locked_inspections
from .rates import CaseFacts, KeyQuestionRate, case_facts, case_kinds, key_question_rates
from .results import breakdown_attributes, counts_by_key_question, judgement_breakdown

Sufficiency = statistics.Sufficiency
Cell = str | int | float | None | rules.Rating | statistics.Sufficiency

NOT_FROM_CASES = [
    "The views of people on probation: there are no survey results to report from.",
    "Staff vacancy rates, manageable workloads and sickness days: there is no staffing evidence to report from.",
]


@dataclass(frozen=True)
class Statement:
    """One finding in a plain sentence, with its headline figure and the table of figures behind it."""

    slug: str  # its anchor on the report page: #statement-<slug>, its table #table-<slug>
    section: str
    text: str
    n: int | None  # cases (or PDUs, for a statement about PDUs) the headline figure is of
    figure: Sufficiency | None  # the headline rate with its 95% interval; None for a count
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    comparison: dict[str, str] = field(default_factory=dict)  # the comparison page's query, where it has one
    n_of: str = "cases"  # what n counts


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


def percent(value: float | None) -> str:
    return "no" if value is None else f"{value:.0f}%"


def interval(rate: Sufficiency) -> str:
    return f"95% CI {percent(rate.lower)} to {percent(rate.upper)}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Case type" becomes "case type", but "RoSH level" keeps its capitals."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:].islower() else text


def _kq_name(kq: KeyQuestionRate) -> str:
    return f"{kq.standard_title}: {_lower_first(kq.criterion)} ({kq.code})"


def _insufficient(rate: Sufficiency) -> Sufficiency:
    return statistics.sufficiency(rate.total - rate.sufficient, rate.total)


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
    breakdown = judgement_breakdown(ids, attributes) if ids else []
    key_questions, _ = key_question_rates(breakdown, definitions, attributes)
    facts = case_facts(ids, definitions)
    results = latest_results(ids) if ids else {}
    published = published_distributions(chosen_period, chosen_region)
    scope = chosen_region.name if chosen_region else "England and Wales"
    when = f" in {chosen_period.label}" if chosen_period else ""
    statements: list[Statement] = []
    if inspections:
        sample_sizes = _sample_sizes(ids)
        statements += _scope_statements(inspections, results, sample_sizes, facts, scope, when)
        statements += _key_question_statements(inspections, key_questions, breakdown, definitions, facts)
        statements += _subgroup_statements(ids, key_questions, definitions, attributes, facts)
        statements += _fact_statements(facts)
        statements += _change_statements(every, chosen_period, chosen_region)
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
        not_computed=NOT_FROM_CASES,
    )


def _sample_sizes(ids: list[int]) -> dict[int, int]:
    """Counted cases of every kind per inspection (one query)."""
    return dict(
        InspectedCase.objects.counted()
        .filter(inspection_id__in=ids)
        .values_list("inspection_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _scope_statements(
    inspections: list[LockedInspection],
    results: dict[int, dict[str, Any]],
    sample_sizes: dict[int, int],
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
            f"{_count(pdus, 'PDU was', 'PDUs were')} inspected in {scope}{when}, in "
            f"{_count(regions, 'region', 'regions')}.",
            pdus,
            None,
            ["PDU", "Region", "Fieldwork started", "Cases inspected", "Composite score", "Overall rating"],
            [
                [
                    i.pdu,
                    i.region,
                    f"{i.fieldwork_start:%d %B %Y}",
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
        statements.append(
            Statement(
                "ratings",
                "The inspections",
                f"Of the {_count(rated, 'PDU', 'PDUs')} rated, {_listed(parts)}.",
                rated,
                None,
                ["Overall rating", "PDUs"],
                [[r.label, counts[r]] for r in rules.Rating],
                n_of="PDUs",
            )
        )
    sizes = [sample_sizes.get(i.pk, 0) for i in inspections]
    kinds = [
        f"{_count(k.cases, _lower_first(k.name), _lower_first(k.plural))}" for k in facts.kinds if k.cases
    ]
    of_kinds = f" ({_listed(kinds)})" if len(kinds) > 1 else ""
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
            f"{_count(facts.cases, 'case was', 'cases were')} inspected{of_kinds}, {samples}.",
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


def _kq_rows(key_questions: list[KeyQuestionRate]) -> list[list[Cell]]:
    return [[kq.code, kq.standard_title, kq.criterion, kq.rates.overall] for kq in key_questions]


KQ_COLUMNS = ["Key question", "Standard", "Criterion", "Sufficient"]


def _key_question_statements(
    inspections: list[LockedInspection],
    key_questions: list[KeyQuestionRate],
    breakdown: list[dict[str, Any]],
    definitions: list[Definition],
    facts: CaseFacts,
) -> list[Statement]:
    """Per case kind: the highest key question; how many PDUs were above half on the worst; each criterion shared by
    several standards, at its worst; and, on that worst key question, which group of cases did worst."""
    statements = []
    by_inspection = counts_by_key_question(breakdown)
    for kind in case_kinds(definitions):
        answered = [kq for kq in key_questions if kq.case_kind == kind.slug and kq.rates.overall.total]
        kind_facts = facts.kind(kind.slug)
        if not answered or kind_facts is None:
            continue
        plural = _lower_first(kind.plural)

        def rate_of(kq: KeyQuestionRate) -> float:
            return kq.rates.overall.rate or 0.0

        highest = max(answered, key=rate_of)
        statements.append(
            Statement(
                f"{kind.slug}-highest",
                kind.plural,
                f"No element of {plural} was sufficient in more than {percent(highest.rates.overall.rate)} of the "
                f"{kind_facts.cases:,} cases inspected: the highest was {_kq_name(highest)}, sufficient in "
                f"{highest.rates.overall.sufficient:,} of {highest.rates.overall.total:,} cases "
                f"({interval(highest.rates.overall)}).",
                highest.rates.overall.total,
                highest.rates.overall,
                KQ_COLUMNS,
                _kq_rows(answered),
            )
        )
        worst_rate = min(rate_of(kq) for kq in answered)
        worst = [kq for kq in answered if rate_of(kq) == worst_rate]
        statements.append(_pdus_above_half(kind.slug, kind.plural, worst, inspections, by_inspection))
        criteria: dict[str, list[KeyQuestionRate]] = {}
        for kq in answered:
            criteria.setdefault(kq.criterion, []).append(kq)
        for criterion, shared in criteria.items():
            if len(shared) < 2:
                continue
            most = max(_insufficient(kq.rates.overall).rate or 0.0 for kq in shared)
            weakest = [kq for kq in shared if (_insufficient(kq.rates.overall).rate or 0.0) == most]
            headline = _insufficient(weakest[0].rates.overall)
            where = _listed([_lower_first(kq.standard_title) for kq in weakest])
            others = [
                f"{_lower_first(kq.standard_title)} {percent(_insufficient(kq.rates.overall).rate)}"
                for kq in shared
                if kq not in weakest
            ]
            rest = f" (elsewhere: {', '.join(others)})" if others else ""
            slug = f"{kind.slug}-{_slug(criterion)}"
            statements.append(
                Statement(
                    slug,
                    kind.plural,
                    f"{criterion} was insufficient in {percent(headline.rate)} of {plural} at worst, in "
                    f"{where} ({headline.sufficient:,} of {headline.total:,}, {interval(headline)}){rest}.",
                    headline.total,
                    headline,
                    ["Key question", "Standard", "Criterion", "Insufficient"],
                    [
                        [kq.code, kq.standard_title, kq.criterion, _insufficient(kq.rates.overall)]
                        for kq in shared
                    ],
                )
            )
            statements += _breakdown_statements(slug, kind, weakest[0], criterion)
    return statements


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _pdus_above_half(
    kind_slug: str,
    plural: str,
    worst: list[KeyQuestionRate],
    inspections: list[LockedInspection],
    by_inspection: dict[tuple[int, str], tuple[int, int]],
) -> Statement:
    """In how many PDUs more than half the cases were sufficient on the worst key question (every tied one)."""
    rows: list[list[Cell]] = []
    counts = []
    for kq in worst:
        rated = 0
        above = 0
        for inspection in inspections:
            sufficient, total = by_inspection.get((inspection.pk, kq.code), (0, 0))
            if not total:
                continue
            rated += 1
            above += 2 * sufficient > total
            rows.append([inspection.pdu, kq.code, statistics.sufficiency(sufficient, total)])
        counts.append((kq, above, rated))
    head = worst[0].rates.overall
    if len(worst) == 1:
        kq, above, rated = counts[0]
        named = f"the worst key question, {_kq_name(kq)} ({percent(head.rate)} sufficient, {interval(head)})"
        how_many = "none" if not above else f"only {above}" if 2 * above < rated else str(above)
        text = (
            f"In {how_many} of the {_count(rated, 'PDU', 'PDUs')} were more than half the "
            f"{_lower_first(plural)} sufficient on {named}."
        )
    else:
        names = _listed([_kq_name(kq) for kq in worst])
        each = _listed([f"{above} of {rated} PDUs on {kq.code}" for kq, above, rated in counts])
        text = (
            f"The worst key questions tied at {percent(head.rate)} sufficient ({names}); more than half the "
            f"{_lower_first(plural)} were sufficient in {each}."
        )
    return Statement(
        f"{kind_slug}-worst-pdus",
        plural,
        text,
        counts[0][2],
        None,
        ["PDU", "Key question", "Sufficient"],
        rows,
        n_of="PDUs",
    )


def _breakdown_statements(slug: str, kind: Any, kq: KeyQuestionRate, criterion: str) -> list[Statement]:
    """On the criterion's weakest key question: which value of each breakdown attribute did worst."""
    statements = []
    for attribute in kind.attributes:
        rates = kq.rates.by_attribute.get(attribute.key)
        if not rates:
            continue
        present = [(value, rate) for value, rate in rates.items() if rate.total]
        if len(present) < 2:
            continue
        lowest = min(rate.rate or 0.0 for _, rate in present)
        worst = [value for value, rate in present if (rate.rate or 0.0) == lowest]
        head = rates[worst[0]]
        others = [
            f"{_lower_first(attribute.label_of(value))} {percent(rate.rate)}"
            for value, rate in present
            if value not in worst
        ]
        names = _listed([_lower_first(attribute.label_of(value)) for value in worst])
        statements.append(
            Statement(
                f"{slug}-by-{_slug(attribute.key)}",
                kind.plural,
                f"By {_lower_first(attribute.label)}, {names} cases did worst on {_lower_first(criterion)} in "
                f"{_lower_first(kq.standard_title)}: {percent(head.rate)} sufficient ({head.sufficient:,} of "
                f"{head.total:,}, {interval(head)}), against {', '.join(others)}.",
                head.total,
                head,
                [attribute.label, f"{kq.code} sufficient"],
                [[attribute.label_of(value), rate] for value, rate in present],
            )
        )
    return statements


def _subgroup_statements(
    ids: list[int],
    key_questions: list[KeyQuestionRate],
    definitions: list[Definition],
    attributes: list[str],
    facts: CaseFacts,
) -> list[Statement]:
    """Each group of cases by a breakdown attribute (e.g. licence cases), on its own: how many, and its highest key
    question."""
    if not attributes:
        return []
    columns = {
        f"attribute_{index}": KeyTextTransform(key, "attributes") for index, key in enumerate(attributes)
    }
    sizes: Counter[tuple[str, str, str]] = Counter()
    for row in (
        InspectedCase.objects.counted()
        .filter(inspection_id__in=ids)
        .annotate(**columns)
        .values("kind", *columns)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        for index, key in enumerate(attributes):
            sizes[(row["kind"], key, row[f"attribute_{index}"] or "")] += row["n"]
    statements = []
    for kind in case_kinds(definitions):
        total = facts.kind(kind.slug)
        answered = [kq for kq in key_questions if kq.case_kind == kind.slug]
        if total is None or not total.cases:
            continue
        for attribute in kind.attributes:
            if not attribute.breakdown or not attribute.options:
                continue
            for option in attribute.options:
                n = sizes[(kind.slug, attribute.key, option.value)]
                if not n:
                    continue
                rated = [
                    (kq, kq.rates.by_attribute.get(attribute.key, {}).get(option.value)) for kq in answered
                ]
                rated_present = [(kq, rate) for kq, rate in rated if rate is not None and rate.total]
                text = (
                    f"{n:,} of the {total.cases:,} {_lower_first(kind.plural)} were of "
                    f"{_lower_first(attribute.label)} {_lower_first(option.label)}"
                )
                head = None
                if rated_present:
                    kq, head = max(rated_present, key=lambda item: item[1].rate or 0.0)
                    text += (
                        f"; on their own, no element was sufficient in more than {percent(head.rate)} of them "
                        f"(the highest, {_kq_name(kq)}: {head.sufficient:,} of {head.total:,}, {interval(head)})"
                    )
                statements.append(
                    Statement(
                        f"{kind.slug}-{_slug(attribute.key)}-{_slug(option.value)}",
                        f"{kind.plural} by {_lower_first(attribute.label)}",
                        text + ".",
                        n,
                        head,
                        KQ_COLUMNS,
                        [[kq.code, kq.standard_title, kq.criterion, rate] for kq, rate in rated_present],
                    )
                )
    return statements


def _fact_statements(facts: CaseFacts) -> list[Statement]:
    """Each case fact and need of each case kind, as a rate of the cases where it was recorded."""
    statements = []
    for kind in facts.kinds:
        plural = _lower_first(kind.plural)
        for fact in kind.facts:
            rate = fact.rate
            if not rate.total:
                continue
            statements.append(
                Statement(
                    f"{kind.case_kind}-fact-{_slug(fact.key)}",
                    f"{kind.plural}: case facts",
                    f"{fact.label}: yes in {percent(rate.rate)} of the {rate.total:,} {plural} where it was "
                    f"recorded, not in {percent(_insufficient(rate).rate)} ({interval(rate)}).",
                    rate.total,
                    rate,
                    ["Case fact", "Yes"],
                    [[fact.label, rate]],
                )
            )
        for need in kind.needs:
            rate = need.met
            if not rate.total:
                continue
            statements.append(
                Statement(
                    f"{kind.case_kind}-need-{_slug(need.need)}",
                    f"{kind.plural}: needs",
                    f"{need.label} needs linked to offending were sufficiently addressed in {percent(rate.rate)} "
                    f"of the {rate.total:,} {plural} where that was judged ({interval(rate)}).",
                    rate.total,
                    rate,
                    ["Need", "Linked to offending", "Sufficiently addressed"],
                    [[need.label, need.linked, rate]],
                )
            )
    return statements


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
        f"{len(lower)} {'was' if len(lower) == 1 else 'were'} sufficient less often and {len(higher)} more often"
    )
    text += (
        f"; the 95% interval of the difference excludes zero for {_listed(clear)}."
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
