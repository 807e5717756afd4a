"""The national report's statements about cases, each a sentence with its n, headline rate and 95% interval and the
table behind it: per case kind, the highest key question, the PDUs above half on the worst, each criterion shared by
standards at its worst and the group of cases that did worst on it, each group of cases on its own, and the case
facts and needs. What a statement is about (key questions, criteria, attributes, facts, needs) comes from the
frameworks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform

from cases.models import InspectedCase
from inspections import statistics
from inspections.definitions import Definition

from .. import rating as rules
from .locked import LockedInspection
from .rates import CaseFacts, KeyQuestionRate, case_kinds
from .results import counts_by_key_question

Sufficiency = statistics.Sufficiency
Cell = str | int | float | None | rules.Rating | statistics.Sufficiency


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
    basis: str = "a count, not a rate from a sample, so no interval"  # why a statement has no headline rate
    counted: str = "sufficient"  # what its table's rates count, in an export's column name
    # What the headline figure counts, where the sentence gives several: words after "60 of 90" (e.g. 'said “Yes” to
    # “Were you involved in planning your sentence?”'); "" where the sentence names only the one.
    figure_of: str = ""


def percent(value: float | None) -> str:
    return "no" if value is None else f"{value:.0f}%"


def interval(rate: Sufficiency) -> str:
    return f"95% CI {percent(rate.lower)} to {percent(rate.upper)}"


def count_of(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def lower_first(text: str) -> str:
    """A label inside a sentence: "Case type" becomes "case type", but "RoSH level" and "Crown Court" (a name)
    keep their capitals."""
    first, *rest = text.split(" ")
    if not first[1:].islower() or any(word[:1].isupper() for word in rest):
        return text
    return text[:1].lower() + text[1:]


def _kq_name(kq: KeyQuestionRate) -> str:
    return f"{kq.standard_title}: {lower_first(kq.criterion)} ({kq.code})"


def _insufficient(rate: Sufficiency) -> Sufficiency:
    return statistics.sufficiency(rate.total - rate.sufficient, rate.total)


def _kq_rows(key_questions: list[KeyQuestionRate]) -> list[list[Cell]]:
    return [[kq.code, kq.standard_title, kq.criterion, kq.rates.overall] for kq in key_questions]


KQ_COLUMNS = ["Key question", "Standard", "Criterion", "Sufficient"]


def key_question_statements(
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
        plural = lower_first(kind.plural)

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
            where = listed([lower_first(kq.standard_title) for kq in weakest])
            others = [
                f"{lower_first(kq.standard_title)} {percent(_insufficient(kq.rates.overall).rate)}"
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
        if rated == 1:
            text = (
                f"In the one PDU, {'more' if above else 'no more'} than half the {lower_first(plural)} were "
                f"sufficient on {named}."
            )
        elif above == rated:
            text = f"In each of the {rated} PDUs, more than half the {lower_first(plural)} were sufficient on {named}."
        else:
            how_many = "none" if not above else f"only {above}" if 2 * above < rated else str(above)
            text = f"In {how_many} of the {rated} PDUs were more than half the {lower_first(plural)} sufficient on {named}."
    else:
        names = listed([_kq_name(kq) for kq in worst])
        tied = f"The worst key questions tied at {percent(head.rate)} sufficient ({names})"
        if all(rated == 1 for _, _, rated in counts):
            above_half = [kq.code for kq, above, _ in counts if above]
            text = (
                f"{tied}; in the one PDU, more than half the {lower_first(plural)} were sufficient on "
                f"{listed(above_half) if above_half else 'none of them'}."
            )
        else:
            each = listed(
                [f"{above} of {count_of(rated, 'PDU', 'PDUs')} on {kq.code}" for kq, above, rated in counts]
            )
            text = f"{tied}; more than half the {lower_first(plural)} were sufficient in {each}."
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
            f"{lower_first(attribute.label_of(value))} {percent(rate.rate)}"
            for value, rate in present
            if value not in worst
        ]
        names = listed([lower_first(attribute.label_of(value)) for value in worst])
        statements.append(
            Statement(
                f"{slug}-by-{_slug(attribute.key)}",
                kind.plural,
                f"By {lower_first(attribute.label)}, {names} cases did worst on {lower_first(criterion)} in "
                f"{lower_first(kq.standard_title)}: {percent(head.rate)} sufficient ({head.sufficient:,} of "
                f"{head.total:,}, {interval(head)}), against {', '.join(others)}.",
                head.total,
                head,
                [attribute.label, f"{kq.code} sufficient"],
                [[attribute.label_of(value), rate] for value, rate in present],
            )
        )
    return statements


def subgroup_statements(
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
    # Counted live, even for locked inspections with frozen counts: frozen case counts carry no breakdown attributes
    # (only judgement counts do), so the cases of each group are counted from the cases (one grouped query).
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
                    f"{n:,} of the {total.cases:,} {lower_first(kind.plural)} had {lower_first(attribute.label)} "
                    f"“{option.label}”"
                )
                head = None
                if rated_present:
                    kq, head = max(rated_present, key=lambda item: item[1].rate or 0.0)
                    figures = f"{head.sufficient:,} of {head.total:,}, {interval(head)}"
                    text += (
                        f"; on their own, every one was sufficient on {_kq_name(kq)} ({figures})"
                        if head.sufficient == head.total
                        else f"; on their own, no element was sufficient in more than {percent(head.rate)} of them "
                        f"(the highest, {_kq_name(kq)}: {figures})"
                    )
                statements.append(
                    Statement(
                        f"{kind.slug}-{_slug(attribute.key)}-{_slug(option.value)}",
                        f"{kind.plural} by {lower_first(attribute.label)}",
                        text + ".",
                        n,
                        head,
                        KQ_COLUMNS,
                        [[kq.code, kq.standard_title, kq.criterion, rate] for kq, rate in rated_present],
                    )
                )
    return statements


def fact_statements(facts: CaseFacts) -> list[Statement]:
    """Each case fact and need of each case kind, as a rate of the cases where it was recorded."""
    statements = []
    for kind in facts.kinds:
        plural = lower_first(kind.plural)
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
