"""An inspection's results: each key question's sufficiency, each standard's rating, the composite and the overall
rating, computed live from the counted cases and the lead's organisational ratings by reports.rating, with the
bands of the framework version the inspection is pinned to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from cases.models import Answer, InspectedCase, Judgement
from inspections import statistics
from inspections.models import Framework, Inspection, KeyQuestion, OrganisationalRating, Standard

from .. import rating as rules
from ..legacy_shape import RatedFrom


def framework_bands(framework: Framework) -> rules.FrameworkBands:
    """The bands of one framework version, as the rating rules take them."""
    return rules.FrameworkBands.from_data(framework.key_question_bands, framework.composite_bands)


@dataclass(frozen=True)
class KeyQuestionResult:
    key_question: KeyQuestion
    sufficiency: statistics.Sufficiency
    rating: rules.Rating | None  # by the bands of the inspection's framework version


@dataclass(frozen=True)
class StandardResult:
    standard: Standard
    rating: rules.Rating | None
    key_questions: list[KeyQuestionResult] = field(default_factory=list)
    rationale: str = ""

    @property
    def driving_key_question(self) -> KeyQuestionResult | None:
        """The lowest key question, which decides a case-supervision standard's rating."""
        rated = [result for result in self.key_questions if result.sufficiency.rate is not None]
        return min(rated, key=lambda result: result.sufficiency.rate or 0.0) if rated else None


@dataclass(frozen=True)
class InspectionResult:
    inspection: Inspection
    standards: list[StandardResult]
    composite_score: int | None
    max_score: int
    overall_rating: rules.Rating | None

    @property
    def provisional(self) -> bool:
        return not self.inspection.is_locked

    @property
    def unrated_standards(self) -> list[Standard]:
        return [result.standard for result in self.standards if result.rating is None]


def standards_by_framework(framework_ids: Iterable[int]) -> dict[int, list[Standard]]:
    """Every standard of these frameworks in order, each with its key questions in order as
    `ordered_key_questions` (two queries)."""
    ids = set(framework_ids)
    key_questions: dict[int, list[KeyQuestion]] = {}
    for kq in KeyQuestion.objects.filter(standard__framework__in=ids).order_by("order"):
        key_questions.setdefault(kq.standard_id, []).append(kq)
    by_framework: dict[int, list[Standard]] = {}
    for standard in Standard.objects.filter(framework__in=ids).order_by("order", "code"):
        # Not a field: set on these instances for inspection_results and rates.key_question_rates to read.
        standard.ordered_key_questions = key_questions.get(standard.pk, [])  # type: ignore[attr-defined]
        by_framework.setdefault(standard.framework_id, []).append(standard)
    return by_framework


def judgement_breakdown(inspection_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Sufficient and answered judgements of counted cases per inspection, key question, RoSH level and case type.

    One grouped SQL query; the rows are few (inspections x key questions x RoSH levels x case types at most) and
    every report sums them.
    """
    return list(
        Judgement.objects.filter(
            case__inspection_id__in=list(inspection_ids), case__status__in=InspectedCase.COUNTED_STATUSES
        )
        .values("case__inspection_id", "key_question_id", "case__rosh_level", "case__case_type")
        .annotate(
            sufficient=Count("pk", filter=Q(answer=Answer.YES)),
            total=Count("pk", filter=Q(answer__in=[Answer.YES, Answer.NO])),
        )
        .order_by()
    )


def _counts_by_key_question(breakdown: list[dict[str, Any]]) -> dict[tuple[int, int], tuple[int, int]]:
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for row in breakdown:
        key = (row["case__inspection_id"], row["key_question_id"])
        sufficient, total = counts.get(key, (0, 0))
        counts[key] = (sufficient + row["sufficient"], total + row["total"])
    return counts


def _set_up(ids: list[int]) -> tuple[dict[int, set[int]], dict[tuple[int, int], OrganisationalRating]]:
    """The optional standards each inspection rates, and the lead's organisational ratings (two queries)."""
    chosen_optional: dict[int, set[int]] = {}
    optional = Inspection.optional_standards.through.objects.filter(inspection_id__in=ids)
    for inspection_id, standard_id in optional.values_list("inspection_id", "standard_id"):
        chosen_optional.setdefault(inspection_id, set()).add(standard_id)
    organisational = {
        (row.inspection_id, row.standard_id): row
        for row in OrganisationalRating.objects.filter(inspection_id__in=ids).only(
            "inspection_id", "standard_id", "rating", "rationale"
        )
    }
    return chosen_optional, organisational


def inspection_results(
    inspections: Iterable[Inspection],
    *,
    breakdown: list[dict[str, Any]] | None = None,
    standards: dict[int, list[Standard]] | None = None,
) -> dict[int, InspectionResult]:
    """Live ratings of each inspection from its counted cases and the lead's organisational ratings.

    `breakdown` (from judgement_breakdown over these inspections) and `standards` (from standards_by_framework) save
    their queries where a caller has them already.
    """
    inspections = list(inspections)
    if not inspections:
        return {}
    ids = [inspection.pk for inspection in inspections]
    if standards is None:
        standards = standards_by_framework(i.framework_id for i in inspections)
    chosen_optional, organisational = _set_up(ids)
    counts = _counts_by_key_question(judgement_breakdown(ids) if breakdown is None else breakdown)

    results = {}
    for inspection in inspections:
        bands = framework_bands(inspection.framework)
        rated = [
            standard
            for standard in standards.get(inspection.framework_id, [])
            if not standard.is_optional or standard.pk in chosen_optional.get(inspection.pk, set())
        ]
        standard_results = []
        for standard in rated:
            if standard.rated_from == RatedFrom.CASE_SAMPLE:
                kq_results = []
                for kq in standard.ordered_key_questions:  # type: ignore[attr-defined]  # standards_by_framework
                    rate = statistics.sufficiency(*counts.get((inspection.pk, kq.pk), (0, 0)))
                    rating = None if rate.rate is None else rules.key_question_rating(rate.rate, bands)
                    kq_results.append(KeyQuestionResult(kq, rate, rating))
                standard_rating = rules.standard_rating([r.sufficiency.rate for r in kq_results], bands)
                standard_results.append(StandardResult(standard, standard_rating, kq_results))
            else:
                judged = organisational.get((inspection.pk, standard.pk))
                standard_results.append(
                    StandardResult(
                        standard,
                        rules.rating_of(judged.rating if judged else None),
                        rationale=judged.rationale if judged else "",
                    )
                )
        max_score = rules.max_composite_score(len(standard_results))
        score = rules.composite_score(result.rating for result in standard_results)
        overall = rules.overall_rating_if_banded(score, max_score, bands)
        results[inspection.pk] = InspectionResult(inspection, standard_results, score, max_score, overall)
    return results


def sufficiency_data(value: statistics.Sufficiency) -> dict[str, Any]:
    """A rate as plain data: what snapshots, the API and the exports hold."""
    return {
        "sufficient": value.sufficient,
        "total": value.total,
        "rate": value.rate,
        "ci_lower": value.lower,
        "ci_upper": value.upper,
    }


def _rating_data(value: rules.Rating | None) -> str | None:
    return value.value if value else None


def inspection_result_data(result: InspectionResult) -> dict[str, Any]:
    """An inspection's results as plain JSON-ready data: what a lock snapshots and the API serves."""
    framework = result.inspection.framework
    standards = []
    for standard_result in result.standards:
        driving = standard_result.driving_key_question
        standards.append(
            {
                "code": standard_result.standard.code,
                "title": standard_result.standard.title,
                "rated_from": standard_result.standard.rated_from,
                "rating": _rating_data(standard_result.rating),
                "rationale": standard_result.rationale,
                "driving_key_question": driving.key_question.code if driving else None,
                "key_questions": [
                    {
                        "code": kq.key_question.code,
                        "criterion": kq.key_question.criterion,
                        "wording": kq.key_question.wording,
                        "rating": _rating_data(kq.rating),
                        **sufficiency_data(kq.sufficiency),
                    }
                    for kq in standard_result.key_questions
                ],
            }
        )
    return {
        "framework": {"slug": framework.slug, "name": framework.name, "version": framework.version},
        "standards": standards,
        "composite_score": result.composite_score,
        "max_score": result.max_score,
        "overall_rating": _rating_data(result.overall_rating),
    }
