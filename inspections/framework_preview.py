"""What a framework version will do, in words, for the administrators' preview before it is published: the case form
of each case kind (its attributes, key questions with their prompts and when they apply, facts with their options,
needs) and the rating rules (how each standard is rated, the bands, the overall rule, the possible maxima).

Pure Python over a Definition, no Django; the template only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .definitions import RATINGS_BANDED, CaseKind, Condition, Definition, KeyQuestion, Option, Standard

RATING_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
}


@dataclass(frozen=True)
class AttributePreview:
    label: str
    kind: str  # "One of: Community, Licence", "A date", "Text"
    required: bool
    notes: tuple[str, ...]  # broken down by, confirmed on the case page, the hint


@dataclass(frozen=True)
class QuestionPreview:
    code: str
    criterion: str
    wording: str
    prompts: tuple[str, ...]
    record_prompts: bool
    applies: str  # "Every case" or "Only where Case type is Licence"


@dataclass(frozen=True)
class StandardQuestions:
    code: str
    title: str
    questions: tuple[QuestionPreview, ...]


@dataclass(frozen=True)
class OptionPreview:
    label: str
    value: str
    counted: bool
    sufficient: bool


@dataclass(frozen=True)
class FactPreview:
    label: str
    question: str
    options: tuple[OptionPreview, ...]
    applies: str
    hint: str


@dataclass(frozen=True)
class CaseForm:
    slug: str
    name: str
    plural: str
    attributes: tuple[AttributePreview, ...]
    standards: tuple[StandardQuestions, ...]
    facts: tuple[FactPreview, ...]
    needs: tuple[str, ...]


@dataclass(frozen=True)
class StandardRule:
    code: str
    title: str
    domain: str
    rated: str  # how it is rated, in words
    optional: str  # "" (always rated) or "Optional, rated unless the set-up leaves it out" etc.
    counts_in_composite: bool


@dataclass(frozen=True)
class Bands:
    title: str
    lowest: tuple[tuple[str, str], ...]  # (rating, its lowest value, written)


@dataclass(frozen=True)
class RatingRules:
    standards: tuple[StandardRule, ...]
    key_question_bands: Bands
    overall: str
    composite_bands: tuple[Bands, ...]
    possible_maxima: tuple[int, ...]

    @property
    def all_bands(self) -> tuple[Bands, ...]:
        return (self.key_question_bands, *self.composite_bands)


def _number(value: float) -> str:
    return f"{value:g}"


def _labels(options: tuple[Option, ...], values: tuple[str, ...]) -> str:
    labels = [next((o.label for o in options if o.value == value), value) for value in values]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def applies_text(kind: CaseKind, condition: Condition | None) -> str:
    """When a question applies, in words: 'Every case' or 'Only where Case type is Licence or Community'."""
    if condition is None:
        return f"Every {kind.name.lower()}"
    attribute = kind.attribute(condition.attribute)
    if attribute is None:
        return f"Only where {condition.attribute} is {' or '.join(condition.values)}"
    return f"Only where {attribute.label} is {_labels(attribute.options, condition.values)}"


def _question(kind: CaseKind, question: KeyQuestion) -> QuestionPreview:
    return QuestionPreview(
        code=question.code,
        criterion=question.criterion,
        wording=question.wording,
        prompts=question.prompts,
        record_prompts=question.record_prompts,
        applies=applies_text(kind, question.applies_when),
    )


def case_forms(definition: Definition) -> list[CaseForm]:
    """Each case kind's case form, as the assistant inspector will see it."""
    forms = []
    for kind in definition.case_kinds:
        attributes = []
        for attribute in kind.attributes:
            if attribute.type == "choice":
                shown = "One of: " + ", ".join(option.label for option in attribute.options)
            else:
                shown = {"date": "A date", "text": "Text"}.get(attribute.type, attribute.type)
            notes = tuple(
                note
                for note, applies in (
                    ("Rates are broken down by it", attribute.breakdown),
                    ("Confirmed or corrected on the case page", attribute.recorded_on_case),
                    (attribute.hint, bool(attribute.hint)),
                )
                if applies
            )
            attributes.append(AttributePreview(attribute.label, shown, attribute.required, notes))
        standards = tuple(
            StandardQuestions(
                standard.code,
                standard.title,
                tuple(_question(kind, question) for question in standard.key_questions),
            )
            for standard in definition.standards
            if standard.case_kind == kind.slug and standard.rated_by != "pooled"
        )
        facts = tuple(
            FactPreview(
                label=fact.label,
                question=fact.question,
                options=tuple(
                    OptionPreview(o.label, o.value, o.value in fact.counted, o.value in fact.sufficient)
                    for o in fact.options
                ),
                applies=applies_text(kind, fact.applies_when),
                hint=fact.hint,
            )
            for fact in kind.facts
        )
        forms.append(
            CaseForm(
                kind.slug,
                kind.name,
                kind.plural,
                tuple(attributes),
                standards,
                facts,
                tuple(need.label for need in kind.needs),
            )
        )
    return forms


def rated_text(definition: Definition, standard: Standard) -> str:
    """How a standard is rated, in words."""
    if standard.rated_by == "lowest_key_question":
        kind = definition.case_kind(standard.case_kind)
        cases = kind.plural.lower() if kind else standard.case_kind
        count = len(standard.key_questions)
        rates = "Its key question's rate" if count == 1 else f"The lowest of its {count} key questions' rates"
        return f"{rates} over the {cases}, banded by the key-question bands"
    if standard.rated_by == "team_judgement":
        return "The team's judgement, with its rationale"
    if standard.rated_by == "pooled":
        pooled = ", ".join(code for question in standard.key_questions for code in question.pools)
        return f"Pooled over the cases of the units inspected under {standard.pool_from} (key questions {pooled})"
    return "Not rated: its key questions are answered and reported, not rated"


def _bands(title: str, bands: dict[str, float], unit: str = "") -> Bands:
    return Bands(
        title,
        tuple(
            (RATING_LABELS[rating], f"{_number(bands[rating])}{unit}")
            for rating in RATINGS_BANDED
            if rating in bands
        ),
    )


def rating_rules(definition: Definition) -> RatingRules:
    """How the framework rates: each standard, the bands, the overall rule and the maxima it can give."""
    domains = {domain.code: domain.title for domain in definition.domains}
    standards = []
    for standard in definition.standards:
        if not standard.optional:
            optional = ""
        elif standard.rated_by_default:
            optional = "Optional: rated unless the inspection's set-up leaves it out"
        else:
            optional = "Optional: rated only where the inspection's set-up includes it"
        standards.append(
            StandardRule(
                code=standard.code,
                title=standard.title,
                domain=domains.get(standard.domain, standard.domain),
                rated=rated_text(definition, standard),
                optional=optional,
                counts_in_composite=standard.is_rated and standard.counts_in_composite,
            )
        )
    if definition.overall.rule == "composite":
        overall = (
            "The composite score: 3 points for Outstanding, 2 for Good, 1 for Requires improvement and 0 for "
            "Inadequate, summed over the rated standards that count, banded by its maximum"
        )
    else:
        overall = (
            "The team's overall judgement, with its rationale, shown beside an indicative composite score"
        )
    composite = sorted(definition.overall.bands.items(), key=lambda item: int(item[0]))
    return RatingRules(
        standards=tuple(standards),
        key_question_bands=_bands(
            "Key questions (percentage of cases sufficient)", dict(definition.key_question_bands), "%"
        ),
        overall=overall,
        composite_bands=tuple(
            _bands(f"Composite out of {maximum}", dict(bands)) for maximum, bands in composite
        ),
        possible_maxima=tuple(definition.possible_maxima()),
    )
