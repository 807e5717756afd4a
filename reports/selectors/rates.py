"""Rates pooled over cases: each key question overall and by every breakdown attribute of its case kind, the case
facts and the needs of each case kind, all as the frameworks define them. Pooled over the cases of whichever
inspections a dashboard shows, never averaged over their percentages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cases.counts import FACT_MEASURES, attribute_column, counts_query, live_counts
from inspections import statistics
from inspections.definitions import Attribute, CaseKind, Definition, Standard

from .counts import Counts, read_counts


@dataclass(frozen=True)
class Breakdown:
    """An attribute the rates of a case kind are broken down by, with its values in order and their labels."""

    case_kind: str
    case_kind_plural: str  # e.g. "Court-report cases"
    key: str
    label: str
    values: list[tuple[str, str]]  # (stored value, label)


@dataclass(frozen=True)
class RateBreakdown:
    """One rate overall and by each breakdown attribute: {attribute key: {stored value: rate}}."""

    key: str
    label: str
    overall: statistics.Sufficiency
    by_attribute: dict[str, dict[str, statistics.Sufficiency]]


@dataclass(frozen=True)
class KeyQuestionRate:
    code: str
    wording: str
    standard_code: str
    standard_title: str
    criterion: str
    case_kind: str
    rates: RateBreakdown


@dataclass(frozen=True)
class NeedRate:
    need: str
    label: str
    linked: int  # cases where the need is linked to offending
    met: statistics.Sufficiency  # of those (answered), how many sufficiently addressed


@dataclass(frozen=True)
class FactRate:
    key: str
    label: str
    rate: (
        statistics.Sufficiency
    )  # cases answered one of the fact's sufficient answers, of those answered a counted one


@dataclass(frozen=True)
class KindFacts:
    """The case facts and needs of one case kind, pooled over its counted cases."""

    case_kind: str
    name: str
    plural: str
    cases: int
    facts: list[FactRate]
    needs: list[NeedRate]


@dataclass(frozen=True)
class CaseFacts:
    cases: int  # counted cases of every kind
    kinds: list[KindFacts]

    def kind(self, slug: str) -> KindFacts | None:
        return next((kind for kind in self.kinds if kind.case_kind == slug), None)


def case_kinds(definitions: Iterable[Definition]) -> list[CaseKind]:
    """The case kinds of these framework versions by slug, in first-seen order (the first version's wording)."""
    kinds: dict[str, CaseKind] = {}
    for definition in definitions:
        for kind in definition.case_kinds:
            kinds.setdefault(kind.slug, kind)
    return list(kinds.values())


def _values(attribute: Attribute, seen: Iterable[str]) -> list[tuple[str, str]]:
    """A breakdown attribute's values: its options in order, then any other value the cases hold."""
    values = [(option.value, option.label) for option in attribute.options]
    known = {value for value, _ in values}
    values += [(value, value) for value in sorted(set(seen) - known)]
    return values


def breakdowns(
    definitions: Iterable[Definition], attributes: list[str], breakdown: list[dict[str, Any]]
) -> list[Breakdown]:
    """Every breakdown attribute of every case kind that has key questions, with the values the rows hold."""
    definitions = list(definitions)
    rated_kinds = {s.case_kind for d in definitions for s in d.standards if s.case_kind and s.key_questions}
    result = []
    for kind in case_kinds(definitions):
        if kind.slug not in rated_kinds:
            continue
        for attribute in kind.attributes:
            if not attribute.breakdown or attribute.key not in attributes:
                continue
            column = attribute_column(attributes.index(attribute.key))
            seen = {row[column] for row in breakdown if row.get(column) not in (None, "")}
            if attribute.options:
                seen = set()  # a choice's values are its options; anything else was refused on import
            result.append(
                Breakdown(kind.slug, kind.plural, attribute.key, attribute.label, _values(attribute, seen))
            )
    return result


def key_question_rates(
    breakdown: list[dict[str, Any]], definitions: Iterable[Definition], attributes: list[str]
) -> tuple[list[KeyQuestionRate], list[Breakdown]]:
    """Each key question's pooled rate, overall and by each breakdown attribute of its case kind, keyed by code
    across framework versions (the first version's wording), with the breakdowns.

    `breakdown` is results.judgement_breakdown's rows over `attributes`.
    """
    definitions = list(definitions)
    key_questions: dict[str, tuple[Standard, Any]] = {}
    for definition in definitions:
        for standard, kq in definition.key_questions():
            key_questions.setdefault(kq.code, (standard, kq))
    parts = breakdowns(definitions, attributes, breakdown)
    by_kind: dict[str, list[Breakdown]] = {}
    for part in parts:
        by_kind.setdefault(part.case_kind, []).append(part)

    totals: dict[tuple[str, str, str], list[int]] = {}
    for row in breakdown:
        code = row["key_question__code"]
        groups = [("", "")]
        groups += [(key, row[attribute_column(index)] or "") for index, key in enumerate(attributes)]
        for group in groups:
            counted = totals.setdefault((code, *group), [0, 0])
            counted[0] += row["sufficient"]
            counted[1] += row["total"]

    def rate(code: str, key: str, value: str) -> statistics.Sufficiency:
        sufficient, total = totals.get((code, key, value), (0, 0))
        return statistics.sufficiency(sufficient, total)

    rates = []
    for code, (standard, kq) in key_questions.items():
        by_attribute = {
            part.key: {value: rate(code, part.key, value) for value, _ in part.values}
            for part in by_kind.get(standard.case_kind, [])
        }
        rates.append(
            KeyQuestionRate(
                code,
                kq.wording,
                standard.code,
                standard.title,
                kq.criterion,
                standard.case_kind,
                RateBreakdown(code, kq.wording, rate(code, "", ""), by_attribute),
            )
        )
    return rates, parts


def case_facts(
    inspection_ids: Iterable[int], definitions: Iterable[Definition], where: tuple[str, str] | None = None
) -> CaseFacts:
    """Case facts and needs of the counted cases of these inspections by case kind, pooled over cases, as the
    frameworks define them (one query: cases by kind, fact answers and needs, counts.live_counts); only the cases
    whose attribute has the value where `where` (attribute key, value) is given."""
    query = counts_query(live_counts(inspection_ids, [], FACT_MEASURES, where=where))
    return case_facts_of(read_counts(query, []), definitions)


def case_facts_of(counts: Counts, definitions: Iterable[Definition]) -> CaseFacts:
    """Case facts and needs by case kind from counts (live, frozen, or both), as the frameworks define them."""
    cases, answers, needs = counts.cases, counts.facts, counts.needs
    no_need = {"linked": 0, "met": 0, "answered": 0}
    kinds = []
    for kind in case_kinds(definitions):
        facts = []
        for fact in kind.facts:
            sufficient = sum(answers.get((kind.slug, fact.key, value), 0) for value in fact.sufficient)
            total = sum(answers.get((kind.slug, fact.key, value), 0) for value in fact.counted)
            facts.append(FactRate(fact.key, fact.label, statistics.sufficiency(sufficient, total)))
        kind_needs = []
        for need in kind.needs:
            row = needs.get((kind.slug, need.key), no_need)
            kind_needs.append(
                NeedRate(
                    need.key, need.label, row["linked"], statistics.sufficiency(row["met"], row["answered"])
                )
            )
        kinds.append(KindFacts(kind.slug, kind.name, kind.plural, cases.get(kind.slug, 0), facts, kind_needs))
    return CaseFacts(sum(cases.values()), kinds)
