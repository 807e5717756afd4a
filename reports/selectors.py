"""Reads for the reports: SQL aggregates turned into ratings by reports.rating.

Each selector runs a fixed number of queries whatever the number of cases or inspections.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.models import Answer, InspectedCase, Judgement
from inspections.models import Inspection, KeyQuestion, OrganisationalRating, RatedFrom, Standard
from pdus.models import PDU, PublishedRating

from . import rating as rules


@dataclass(frozen=True)
class KeyQuestionResult:
    key_question: KeyQuestion
    sufficiency: rules.Sufficiency

    @property
    def rating(self) -> rules.Rating | None:
        rate = self.sufficiency.rate
        return None if rate is None else rules.key_question_rating(rate)


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
        return min(rated, key=lambda result: result.sufficiency.rate) if rated else None


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


def framework_bands(framework) -> rules.FrameworkBands:
    return rules.FrameworkBands.from_data(framework.key_question_bands, framework.composite_bands)


def inspection_results(inspections: Iterable[Inspection]) -> dict[int, InspectionResult]:
    """Live ratings of each inspection from its counted cases and the lead's organisational ratings."""
    inspections = list(inspections)
    if not inspections:
        return {}
    ids = [inspection.pk for inspection in inspections]
    standards_by_framework: dict[int, list[Standard]] = {}
    for standard in Standard.objects.filter(
        framework__in={i.framework_id for i in inspections}
    ).prefetch_related(Prefetch("key_questions", queryset=KeyQuestion.objects.order_by("order"))):
        standards_by_framework.setdefault(standard.framework_id, []).append(standard)
    chosen_optional: dict[int, set[int]] = {}
    for row in Inspection.optional_standards.through.objects.filter(inspection_id__in=ids).values_list(
        "inspection_id", "standard_id"
    ):
        chosen_optional.setdefault(row[0], set()).add(row[1])
    organisational = {
        (row.inspection_id, row.standard_id): row
        for row in OrganisationalRating.objects.filter(inspection_id__in=ids)
    }
    counts = {
        (row["case__inspection_id"], row["key_question_id"]): (row["sufficient"], row["total"])
        for row in Judgement.objects.filter(
            case__inspection_id__in=ids, case__status__in=InspectedCase.COUNTED_STATUSES
        )
        .values("case__inspection_id", "key_question_id")
        .annotate(
            sufficient=Count("pk", filter=Q(answer=Answer.YES)),
            total=Count("pk", filter=Q(answer__in=[Answer.YES, Answer.NO])),
        )
    }

    results = {}
    for inspection in inspections:
        bands = framework_bands(inspection.framework)
        rated = [
            standard
            for standard in standards_by_framework.get(inspection.framework_id, [])
            if not standard.is_optional or standard.pk in chosen_optional.get(inspection.pk, set())
        ]
        standard_results = []
        for standard in rated:
            if standard.rated_from == RatedFrom.CASE_SAMPLE:
                kq_results = [
                    KeyQuestionResult(kq, rules.sufficiency(*counts.get((inspection.pk, kq.pk), (0, 0))))
                    for kq in standard.key_questions.all()
                ]
                rates = [r.sufficiency.rate for r in kq_results if r.sufficiency.rate is not None]
                # A standard is rated only once every key question has at least one counted case.
                standard_rating = (
                    rules.case_standard_rating(rates, bands)
                    if rates and len(rates) == len(kq_results)
                    else None
                )
                standard_results.append(StandardResult(standard, standard_rating, kq_results))
            else:
                judged = organisational.get((inspection.pk, standard.pk))
                standard_results.append(
                    StandardResult(
                        standard,
                        rules.Rating(judged.rating) if judged else None,
                        rationale=judged.rationale if judged else "",
                    )
                )
        max_score = rules.max_composite_score(len(standard_results))
        complete = all(result.rating is not None for result in standard_results)
        score = rules.composite_score(r.rating for r in standard_results) if complete else None
        overall = None
        if score is not None and max_score in bands.composite:
            overall = rules.overall_rating(score, max_score, bands)
        results[inspection.pk] = InspectionResult(inspection, standard_results, score, max_score, overall)
    return results


@dataclass(frozen=True)
class PDURow:
    pdu: PDU
    published: PublishedRating | None
    published_overall: rules.Rating | None
    inspections: list[InspectionResult]


def visible_inspections(user) -> QuerySet[Inspection]:
    """Inspections whose ratings this user may see."""
    queryset = Inspection.objects.select_related("pdu__region", "framework")
    if user.is_superuser or user.is_national_viewer:
        return queryset
    return queryset.filter(
        memberships__user=user, memberships__role__in=["lead", "inspector", "quality_assurer"]
    ).distinct()


def pdu_overview(user) -> list[PDURow]:
    """Every PDU with its latest published composite and the live ratings of the inspections the user may see."""
    latest_published: dict[int, PublishedRating] = {}
    for published in PublishedRating.objects.order_by("pdu_id", "-period_end"):
        latest_published.setdefault(published.pdu_id, published)
    inspections_by_pdu: dict[int, list[InspectionResult]] = {}
    for result in inspection_results(visible_inspections(user)).values():
        inspections_by_pdu.setdefault(result.inspection.pdu_id, []).append(result)
    rows = []
    for pdu in PDU.objects.select_related("region").order_by("region__name", "name"):
        published = latest_published.get(pdu.pk)
        overall = None
        if published:
            overall = (
                rules.Rating(published.overall_rating)
                if published.overall_rating
                else rules.overall_rating(published.composite_score, published.composite_max)
            )
        rows.append(PDURow(pdu, published, overall, inspections_by_pdu.get(pdu.pk, [])))
    return rows


def _sufficiency_data(value: rules.Sufficiency) -> dict:
    return {
        "sufficient": value.sufficient,
        "total": value.total,
        "rate": value.rate,
        "ci_lower": value.lower,
        "ci_upper": value.upper,
    }


def _rating_data(value: rules.Rating | None) -> str | None:
    return value.value if value else None


def inspection_result_data(result: InspectionResult) -> dict:
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
                        **_sufficiency_data(kq.sufficiency),
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
