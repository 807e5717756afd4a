"""An inspection's results: each key question's sufficiency, each standard's rating, the composite and the overall
rating, computed live from the counted cases and the team's judgements by reports.rating, with the rules of the
framework version the inspection is pinned to (its Definition).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Q, TextField, Value
from django.db.models.fields.json import KeyTextTransform

from cases.counts import attribute_column
from cases.models import Answer, InspectedCase, Judgement
from cases.questions import applicable_judgements
from inspections import statistics
from inspections.definitions import Definition, Standard
from inspections.models import Framework, Inspection, OrganisationalRating, OverallJudgement

from .. import rating as rules
from ..disclosure import SuppressedRate
from ..snapshots import RESULTS_SHAPE

# The answers that make a judgement sufficient, and those a rate counts (not applicable and unanswered left out).
SUFFICIENT = (Answer.YES,)
ANSWERED = (Answer.YES, Answer.NO)


def framework_bands(framework: Framework) -> rules.FrameworkBands:
    """The bands of one framework version, as the rating rules take them."""
    return rules.FrameworkBands.from_definition(framework.definition)


@dataclass(frozen=True)
class InspectionResult:
    inspection: Inspection
    definition: Definition
    rating: rules.InspectionRating
    sufficiency: dict[str, statistics.Sufficiency]  # by key question code
    rationales: dict[str, str]  # the team's rationale by standard code
    overall_rationale: str = ""  # the team's rationale for its overall rating, where that is its judgement

    @property
    def provisional(self) -> bool:
        return not self.inspection.is_locked

    @property
    def composite_score(self) -> int | None:
        return self.rating.composite_score

    @property
    def max_score(self) -> int:
        return self.rating.max_score

    @property
    def overall_rating(self) -> rules.Rating | None:
        return self.rating.overall_rating

    @property
    def unrated_standards(self) -> list[Standard]:
        return [result.standard for result in self.rating.standards if result.rating is None]


def judgement_breakdown(
    inspection_ids: Iterable[int],
    attributes: Sequence[str] = (),
    *,
    definitions: Iterable[Definition] | None = None,
) -> list[dict[str, Any]]:
    """Sufficient and answered judgements of counted cases per inspection, key question code and the value of each
    breakdown attribute (`attribute_<i>` for attributes[i], read from the case's JSON attributes in SQL). Answers to
    key questions that no longer apply to their case (its attributes changed) are left out.

    One grouped SQL query, and one for the inspections' framework versions unless `definitions` gives them (more
    do no harm); the rows are few (inspections x key questions x attribute values at most) and every report sums
    them.
    """
    inspection_ids = list(inspection_ids)
    if definitions is None:
        frameworks = Framework.objects.filter(inspections__pk__in=inspection_ids).distinct()
        definitions = [framework.definition for framework in frameworks]
    columns = {
        attribute_column(index): KeyTextTransform(key, "case__attributes")
        for index, key in enumerate(attributes)
    }
    return list(
        Judgement.objects.filter(
            applicable_judgements(definitions),
            case__inspection_id__in=inspection_ids,
            case__status__in=InspectedCase.COUNTED_STATUSES,
        )
        .annotate(**columns)
        .values("case__inspection_id", "key_question__code", *columns)
        .annotate(
            sufficient=Count("pk", filter=Q(answer__in=SUFFICIENT)),
            total=Count("pk", filter=Q(answer__in=ANSWERED)),
        )
        .order_by()
    )


def counts_by_key_question(breakdown: list[dict[str, Any]]) -> dict[tuple[int, str], tuple[int, int]]:
    """(sufficient, answered) per (inspection, key question code), summed over the breakdown's groups."""
    counts: dict[tuple[int, str], tuple[int, int]] = {}
    for row in breakdown:
        key = (row["case__inspection_id"], row["key_question__code"])
        sufficient, total = counts.get(key, (0, 0))
        counts[key] = (sufficient + row["sufficient"], total + row["total"])
    return counts


def _set_up(ids: list[int]) -> tuple[dict[int, set[str]], dict[tuple[int, str], tuple[str, str]]]:
    """The optional standards each inspection rates (codes), and the team's judgements: (rating, rationale) by
    (inspection, standard code). One query: the two sets of rows in one UNION ALL, told apart by their first column."""
    optional = (
        Inspection.optional_standards.through.objects.filter(inspection_id__in=ids)
        .annotate(
            row_optional=Value(True),
            row_rating=Value("", output_field=CharField()),
            row_rationale=Value("", output_field=TextField()),
        )
        # The stubs do not see annotations on an auto-created many-to-many table.
        .values_list("row_optional", "inspection_id", "standard__code", "row_rating", "row_rationale")  # type: ignore[misc]
        .order_by()
    )
    judged_rows = (
        OrganisationalRating.objects.filter(inspection_id__in=ids)
        .annotate(row_optional=Value(False))
        .values_list("row_optional", "inspection_id", "standard__code", "rating", "rationale")
        .order_by()
    )
    chosen_optional: dict[int, set[str]] = {}
    judged: dict[tuple[int, str], tuple[str, str]] = {}
    for is_optional, inspection_id, code, rating, rationale in optional.union(judged_rows, all=True):
        if is_optional:
            chosen_optional.setdefault(inspection_id, set()).add(code)
        else:
            judged[(inspection_id, code)] = (rating, rationale)
    return chosen_optional, judged


def _overall_judgements(inspections: list[Inspection]) -> dict[int, tuple[str, str]]:
    """The team's overall rating and rationale by inspection, for those whose framework's overall rule is the team's
    judgement: one query, none where no inspection has that rule."""
    ids = [i.pk for i in inspections if i.framework.definition.overall.rule == "team_judgement"]
    if not ids:
        return {}
    rows = OverallJudgement.objects.filter(inspection_id__in=ids)
    return {
        pk: (rating, rationale)
        for pk, rating, rationale in rows.values_list("inspection_id", "rating", "rationale")
    }


def pooled_counts(inspections: Iterable[Inspection]) -> dict[tuple[int, str, str], tuple[int, int]]:
    """For regional inspections with pooled standards: (sufficient, answered) judgements of the counted cases of
    every inspection of a PDU in the region pinned to the framework a standard pools from, per (region, framework
    slug, key question code), leaving out answers to key questions that no longer apply to their case. Two queries
    (the frameworks pooled from, the grouped judgements), only where a pooled standard is rated; none otherwise."""
    regions: set[int] = set()
    slugs: set[str] = set()
    for inspection in inspections:
        pooled = [s for s in inspection.framework.definition.standards if s.rated_by == "pooled"]
        if inspection.region_id is not None and pooled:
            regions.add(inspection.region_id)
            slugs.update(s.pool_from for s in pooled)
    if not regions:
        return {}
    rows = (
        Judgement.objects.filter(
            applicable_judgements(f.definition for f in Framework.objects.filter(slug__in=slugs)),
            case__inspection__pdu__region_id__in=regions,
            case__inspection__framework__slug__in=slugs,
            case__status__in=InspectedCase.COUNTED_STATUSES,
        )
        .values_list(
            "case__inspection__pdu__region_id", "case__inspection__framework__slug", "key_question__code"
        )
        .annotate(
            sufficient=Count("pk", filter=Q(answer__in=SUFFICIENT)),
            total=Count("pk", filter=Q(answer__in=ANSWERED)),
        )
        .order_by()
    )
    return {(region, slug, code): (sufficient, total) for region, slug, code, sufficient, total in rows}


def inspection_results(
    inspections: Iterable[Inspection], *, breakdown: list[dict[str, Any]] | None = None
) -> dict[int, InspectionResult]:
    """Live ratings of each inspection from its counted cases and the team's judgements, by its framework's rules.

    `breakdown` (from judgement_breakdown over these inspections) saves its query where a caller has it already.
    A regional inspection's pooled standards are rated from its PDUs' cases (pooled_counts). Queries: the breakdown
    (1), the optional standards and judgements (2), the pooled judgements (1) where a regional inspection has
    pooled standards, and the team's overall ratings (1) where a framework's overall rule is the team's judgement.
    The inspections carry their framework.
    """
    inspections = list(inspections)
    if not inspections:
        return {}
    ids = [inspection.pk for inspection in inspections]
    chosen_optional, judged = _set_up(ids)
    if breakdown is None:
        breakdown = judgement_breakdown(ids, definitions=[i.framework.definition for i in inspections])
    counts = counts_by_key_question(breakdown)
    pooled = pooled_counts(inspections)
    overall = _overall_judgements(inspections)

    results = {}
    for inspection in inspections:
        definition = inspection.framework.definition
        sufficiency = {
            kq.code: statistics.sufficiency(*counts.get((inspection.pk, kq.code), (0, 0)))
            for standard in definition.standards
            if standard.rated_by == "lowest_key_question"
            for kq in standard.key_questions
        }
        for standard in definition.standards:
            if standard.rated_by == "pooled":
                for kq in standard.key_questions:
                    pooled_over = [
                        pooled.get((inspection.region_id or 0, standard.pool_from, code), (0, 0))
                        for code in kq.pools
                    ]
                    sufficiency[kq.code] = statistics.sufficiency(
                        sum(s for s, _ in pooled_over), sum(t for _, t in pooled_over)
                    )
        judgements = {
            code: rules.rating_of(rating) for (pk, code), (rating, _) in judged.items() if pk == inspection.pk
        }
        rating = rules.inspection_rating(
            definition,
            chosen_optional=chosen_optional.get(inspection.pk, set()),
            key_question_rates={code: value.rate for code, value in sufficiency.items()},
            judgements=judgements,
            overall_judgement=rules.rating_of(overall.get(inspection.pk, ("", ""))[0]),
        )
        rationales = {code: rationale for (pk, code), (_, rationale) in judged.items() if pk == inspection.pk}
        results[inspection.pk] = InspectionResult(
            inspection, definition, rating, sufficiency, rationales, overall.get(inspection.pk, ("", ""))[1]
        )
    return results


def sufficiency_data(value: statistics.Sufficiency) -> dict[str, Any]:
    """A rate as plain data: what snapshots, the API and the exports hold. A suppressed rate (too few cases for
    this user) holds no figure, only `suppressed`, saying why."""
    if isinstance(value, SuppressedRate):
        return dict.fromkeys(("sufficient", "total", "rate", "ci_lower", "ci_upper")) | {
            "suppressed": value.note
        }
    return {
        "sufficient": value.sufficient,
        "total": value.total,
        "rate": value.rate,
        "ci_lower": value.lower,
        "ci_upper": value.upper,
    }


def _rating_data(value: rules.Rating | None) -> str | None:
    return value.value if value else None


def rated_by_label(definition: Definition, standard: Standard) -> str:
    """How a standard is rated, in words, as the tables show it."""
    if standard.rated_by == "team_judgement":
        return "Team’s judgement"
    if standard.rated_by == "pooled":
        return f"Pooled over the cases of {standard.pool_from} inspections: lowest key question"
    kind = definition.case_kind(standard.case_kind)
    cases = kind.plural if kind else standard.case_kind
    return f"{cases[:1].upper()}{cases[1:]}: lowest key question"


def inspection_result_data(result: InspectionResult) -> dict[str, Any]:
    """An inspection's results as plain JSON-ready data: what a lock snapshots and the API serves. It carries the
    labels it is shown with, so a snapshot displays as it was locked whatever later framework versions say."""
    definition = result.definition
    bands = rules.FrameworkBands.from_definition(definition)
    standards = []
    for standard_rating in result.rating.standards:
        standard = standard_rating.standard
        key_questions = []
        if standard.rated_by in rules.RATED_FROM_CASES:
            for kq in standard.key_questions:
                rate = result.sufficiency[kq.code]
                key_questions.append(
                    {
                        "code": kq.code,
                        "criterion": kq.criterion,
                        "wording": kq.wording,
                        "rating": _rating_data(
                            None if rate.rate is None else rules.key_question_rating(rate.rate, bands)
                        ),
                        **sufficiency_data(rate),
                    }
                )
        rated = [kq for kq in key_questions if kq["rate"] is not None]
        driving = min(rated, key=lambda kq: kq["rate"]) if rated else None
        standards.append(
            {
                "code": standard.code,
                "title": standard.title,
                "domain": standard.domain,
                "rated_by": standard.rated_by,
                "rated_by_label": rated_by_label(definition, standard),
                "case_kind": standard.case_kind,
                "counts_in_composite": standard.counts_in_composite,
                "rating": _rating_data(standard_rating.rating),
                "rationale": result.rationales.get(standard.code, ""),
                "driving_key_question": driving["code"] if driving else None,
                "key_questions": key_questions,
            }
        )
    return {
        "shape": RESULTS_SHAPE,
        "framework": {"slug": definition.slug, "name": definition.name, "version": definition.version},
        "overall_rule": result.rating.rule,
        "standards": standards,
        "composite_score": result.rating.composite_score,
        "max_score": result.rating.max_score,
        "overall_rating": _rating_data(result.rating.overall_rating),
        "indicative_rating": _rating_data(result.rating.indicative_rating),
        "overall_rationale": result.overall_rationale,
    }
