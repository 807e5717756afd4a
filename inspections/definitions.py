"""A framework version as frozen data: the unit it inspects, its domains and standards and how each is rated, its
case kinds with their attributes (the import's columns), key questions, case facts and needs, the key-question bands
and the overall rule. Everything that follows the framework (the case page, imports, services, aggregates, tables,
charts, exports, the API) reads a `Definition`; inspections.definition_checks.parse makes one from a document (the
format is docs/frameworks.md) and `document` gives the document back.

Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FORMAT = 2
UNITS = ("pdu", "region")
RATED_BY = ("lowest_key_question", "team_judgement", "pooled", "not_rated")
ATTRIBUTE_TYPES = ("choice", "date", "text")
OVERALL_RULES = ("composite", "team_judgement")
RATINGS_BANDED = (
    "outstanding",
    "good",
    "requires_improvement",
)  # each has a lowest value; below is Inadequate
NOTE_STATUSES = ("confirmed", "inferred", "unconfirmed")
PROMPT_ANSWERS = ("yes", "no", "not_applicable")
SLUG = re.compile(r"[a-z][a-z0-9_-]{0,49}")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,11}")
# What the rows a framework is loaded into can hold (inspections.models uses the same limits).
NAME_MAX_LENGTH = 200  # a framework's name, a standard's title
CRITERION_MAX_LENGTH = 100
VERSION_MAX = 32767


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """When a key question or fact applies: the case's attribute is one of the values."""

    attribute: str
    values: tuple[str, ...]

    def holds(self, attributes: Mapping[str, Any]) -> bool:
        return attributes.get(self.attribute) in self.values


@dataclass(frozen=True)
class Attribute:
    """A case's attribute, read from the sample import (its column `label`), e.g. case type or RoSH level."""

    key: str
    label: str
    type: str
    required: bool
    options: tuple[Option, ...] = ()
    breakdown: bool = False  # the reports break rates down by it
    recorded_on_case: bool = False  # the assistant inspector confirms or corrects it on the case page
    hint: str = ""

    def label_of(self, value: str) -> str:
        return next((option.label for option in self.options if option.value == value), value)


@dataclass(frozen=True)
class Fact:
    """A case fact: a question with answer options; `sufficient` of the `counted` answers make its rate (e.g.
    enquiries made, of the cases where they were needed)."""

    key: str
    label: str
    question: str
    options: tuple[Option, ...]
    sufficient: tuple[str, ...]
    counted: tuple[str, ...]
    applies_when: Condition | None = None
    hint: str = ""

    def label_of(self, value: str) -> str:
        return next((option.label for option in self.options if option.value == value), value)


@dataclass(frozen=True)
class Need:
    """A criminogenic need: whether it is linked to offending and, if so, whether it was sufficiently addressed."""

    key: str
    label: str


@dataclass(frozen=True)
class KeyQuestion:
    code: str
    criterion: str
    wording: str
    prompts: tuple[str, ...] = ()
    record_prompts: bool = False  # the assistant inspector answers each prompt (yes / no / not applicable)
    applies_when: Condition | None = None
    pools: tuple[str, ...] = ()  # a pooled standard's key question: the key question codes it pools

    def applies_to(self, attributes: Mapping[str, Any]) -> bool:
        return self.applies_when is None or self.applies_when.holds(attributes)


@dataclass(frozen=True)
class Standard:
    code: str
    domain: str
    title: str
    rated_by: str
    description: str = ""
    case_kind: str = ""
    optional: bool = False
    rated_by_default: bool = True
    counts_in_composite: bool = True
    pool_from: str = ""  # a pooled standard: the framework (slug) of the units whose cases it pools
    key_questions: tuple[KeyQuestion, ...] = ()

    @property
    def is_rated(self) -> bool:
        return self.rated_by != "not_rated"


@dataclass(frozen=True)
class CaseKind:
    slug: str
    name: str
    plural: str
    attributes: tuple[Attribute, ...]
    facts: tuple[Fact, ...] = ()
    needs: tuple[Need, ...] = ()

    def attribute(self, key: str) -> Attribute | None:
        return next((attribute for attribute in self.attributes if attribute.key == key), None)

    def fact(self, key: str) -> Fact | None:
        return next((fact for fact in self.facts if fact.key == key), None)


@dataclass(frozen=True)
class Domain:
    code: str
    title: str


@dataclass(frozen=True)
class Note:
    status: str
    about: str
    text: str


@dataclass(frozen=True)
class OverallRule:
    """How the overall rating follows: the composite's bands by its maximum, or the team's judgement with a
    rationale (shown beside an indicative composite, banded where `bands` are given)."""

    rule: str
    bands: Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Definition:
    slug: str
    version: int
    name: str
    unit: str
    effective_from: datetime.date
    key_question_bands: Mapping[str, float]
    overall: OverallRule
    domains: tuple[Domain, ...]
    case_kinds: tuple[CaseKind, ...]
    standards: tuple[Standard, ...]
    sources: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()

    def case_kind(self, slug: str) -> CaseKind | None:
        return next((kind for kind in self.case_kinds if kind.slug == slug), None)

    def standard(self, code: str) -> Standard | None:
        return next((standard for standard in self.standards if standard.code == code), None)

    def key_questions(self, case_kind: str | None = None) -> list[tuple[Standard, KeyQuestion]]:
        """Every key question with its standard, in order; only those a case of `case_kind` answers if given."""
        return [
            (standard, key_question)
            for standard in self.standards
            if standard.rated_by != "pooled" and (case_kind is None or standard.case_kind == case_kind)
            for key_question in standard.key_questions
        ]

    def possible_maxima(self) -> list[int]:
        """Every composite maximum the framework can give: 3 points per counted standard, optional ones in or out."""
        counted = [s for s in self.standards if s.is_rated and s.counts_in_composite]
        mandatory = sum(1 for s in counted if not s.optional)
        optional = sum(1 for s in counted if s.optional)
        return [3 * (mandatory + chosen) for chosen in range(optional + 1)]


def document(definition: Definition) -> dict[str, Any]:
    """The document a Definition was read from, normalised: what the loader stores and the downloads give back."""

    def options(values: Iterable[Option]) -> list[dict[str, Any]]:
        return [
            {"value": o.value, "label": o.label, **({"aliases": list(o.aliases)} if o.aliases else {})}
            for o in values
        ]

    def condition(value: Condition | None) -> dict[str, Any]:
        return {"applies_when": {"attribute": value.attribute, "in": list(value.values)}} if value else {}

    return {
        "format": FORMAT,
        "slug": definition.slug,
        "version": definition.version,
        "name": definition.name,
        "unit": definition.unit,
        "effective_from": definition.effective_from.isoformat(),
        "sources": list(definition.sources),
        "notes": [{"status": n.status, "about": n.about, "text": n.text} for n in definition.notes],
        "key_question_bands": dict(definition.key_question_bands),
        "overall": {
            "rule": definition.overall.rule,
            "bands": {k: dict(v) for k, v in definition.overall.bands.items()},
        },
        "domains": [{"code": d.code, "title": d.title} for d in definition.domains],
        "case_kinds": [
            {
                "slug": kind.slug,
                "name": kind.name,
                "plural": kind.plural,
                "attributes": [
                    {
                        "key": a.key,
                        "label": a.label,
                        "type": a.type,
                        "required": a.required,
                        **({"options": options(a.options)} if a.options else {}),
                        "breakdown": a.breakdown,
                        "recorded_on_case": a.recorded_on_case,
                        **({"hint": a.hint} if a.hint else {}),
                    }
                    for a in kind.attributes
                ],
                "facts": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "question": f.question,
                        "options": options(f.options),
                        "sufficient": list(f.sufficient),
                        "counted": list(f.counted),
                        **condition(f.applies_when),
                        **({"hint": f.hint} if f.hint else {}),
                    }
                    for f in kind.facts
                ],
                "needs": [{"key": n.key, "label": n.label} for n in kind.needs],
            }
            for kind in definition.case_kinds
        ],
        "standards": [
            {
                "code": s.code,
                "domain": s.domain,
                "title": s.title,
                "description": s.description,
                "rated_by": s.rated_by,
                **({"case_kind": s.case_kind} if s.case_kind else {}),
                "optional": s.optional,
                "rated_by_default": s.rated_by_default,
                "counts_in_composite": s.counts_in_composite,
                **({"pool_from": s.pool_from} if s.pool_from else {}),
                "key_questions": [
                    {
                        "code": kq.code,
                        "criterion": kq.criterion,
                        "wording": kq.wording,
                        "prompts": list(kq.prompts),
                        "record_prompts": kq.record_prompts,
                        **condition(kq.applies_when),
                        **({"pools": list(kq.pools)} if kq.pools else {}),
                    }
                    for kq in s.key_questions
                ],
            }
            for s in definition.standards
        ],
    }
