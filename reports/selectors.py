"""Reads for the reports: SQL aggregates turned into ratings by reports.rating.

Each selector runs a fixed number of queries whatever the number of cases or inspections.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)

from cases.models import (
    Answer,
    CaseNeed,
    CaseType,
    Enquiries,
    InspectedCase,
    Judgement,
    Need,
    Oversight,
    RoshLevel,
)
from inspections.models import (
    Inspection,
    InspectionMembership,
    InspectionSnapshot,
    KeyQuestion,
    OrganisationalRating,
    RatedFrom,
    Standard,
)
from inspections.permissions import DASHBOARD_ROLES
from pdus.models import PDU, PublishedRating, Region

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


def _standards_by_framework(framework_ids: Iterable[int]) -> dict[int, list[Standard]]:
    """Every standard of these frameworks, each with its key questions in order as `ordered_key_questions`.

    Two plain queries grouped here: cheaper than prefetch_related, which the dashboards would pay on every view.
    """
    ids = set(framework_ids)
    key_questions: dict[int, list[KeyQuestion]] = {}
    for kq in KeyQuestion.objects.filter(standard__framework__in=ids).order_by("order"):
        key_questions.setdefault(kq.standard_id, []).append(kq)
    by_framework: dict[int, list[Standard]] = {}
    for standard in Standard.objects.filter(framework__in=ids):
        standard.ordered_key_questions = key_questions.get(standard.pk, [])
        by_framework.setdefault(standard.framework_id, []).append(standard)
    return by_framework


def _inspection_set_up(ids: list[int]) -> tuple[dict[int, set[int]], dict[tuple[int, int], dict]]:
    """The optional standards each inspection rates and the lead's organisational ratings, in one query."""
    optional = (
        Inspection.optional_standards.through.objects.filter(inspection_id__in=ids)
        .values_list(
            "inspection_id",
            "standard_id",
            Value("", output_field=CharField()),
            Value("", output_field=TextField()),
        )
        .order_by()
    )
    judged = (
        OrganisationalRating.objects.filter(inspection_id__in=ids)
        .values_list("inspection_id", "standard_id", "rating", "rationale")
        .order_by()
    )
    chosen_optional: dict[int, set[int]] = {}
    organisational: dict[tuple[int, int], dict] = {}
    # A union of two small tables: the chosen optional standards carry no rating, judgements always have one.
    for inspection_id, standard_id, rating, rationale in optional.union(judged, all=True):
        if rating:
            organisational[(inspection_id, standard_id)] = {"rating": rating, "rationale": rationale}
        else:
            chosen_optional.setdefault(inspection_id, set()).add(standard_id)
    return chosen_optional, organisational


@functools.cache
def _counted_judgements() -> QuerySet:
    """Sufficient and answered judgements of counted cases, grouped by inspection, key question, RoSH and case type.

    Built once per process and narrowed with `.filter()` (a cheap clone) on each call: resolving the annotations
    costs more than the aggregate itself does at real sample sizes. Never evaluated as it stands.
    """
    return (
        Judgement.objects.filter(case__status__in=InspectedCase.COUNTED_STATUSES)
        .values("case__inspection_id", "key_question_id", "case__rosh_level", "case__case_type")
        .annotate(
            sufficient=Count("pk", filter=Q(answer=Answer.YES)),
            total=Count("pk", filter=Q(answer__in=[Answer.YES, Answer.NO])),
        )
        .order_by()
    )


def judgement_breakdown(inspection_ids: Iterable[int]) -> list[dict]:
    """Sufficient and answered judgements of counted cases per inspection, key question, RoSH level and case type.

    One grouped SQL query; the rows are few (inspections x 12 x 4 x 3 at most) and every report sums them.
    """
    return list(_counted_judgements().filter(case__inspection_id__in=list(inspection_ids)))


def _counts_by_key_question(breakdown: list[dict]) -> dict[tuple[int, int], tuple[int, int]]:
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for row in breakdown:
        key = (row["case__inspection_id"], row["key_question_id"])
        sufficient, total = counts.get(key, (0, 0))
        counts[key] = (sufficient + row["sufficient"], total + row["total"])
    return counts


def inspection_results(
    inspections: Iterable[Inspection],
    *,
    breakdown: list[dict] | None = None,
    standards_by_framework: dict[int, list[Standard]] | None = None,
) -> dict[int, InspectionResult]:
    """Live ratings of each inspection from its counted cases and the lead's organisational ratings.

    `breakdown` (from judgement_breakdown over these inspections) and `standards_by_framework` save their queries
    where a caller has them already.
    """
    inspections = list(inspections)
    if not inspections:
        return {}
    ids = [inspection.pk for inspection in inspections]
    if standards_by_framework is None:
        standards_by_framework = _standards_by_framework(i.framework_id for i in inspections)
    chosen_optional, organisational = _inspection_set_up(ids)
    counts = _counts_by_key_question(judgement_breakdown(ids) if breakdown is None else breakdown)

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
                    for kq in standard.ordered_key_questions
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
                        rules.Rating(judged["rating"]) if judged else None,
                        rationale=judged["rationale"] if judged else "",
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


def _viewing_membership(user) -> QuerySet[InspectionMembership]:
    """The user's memberships that let them see an inspection's ratings, for an Exists() on the outer inspection."""
    return InspectionMembership.objects.filter(inspection=OuterRef("pk"), user=user, role__in=DASHBOARD_ROLES)


def visible_inspections(user) -> QuerySet[Inspection]:
    """Inspections whose ratings this user may see."""
    queryset = Inspection.objects.select_related("pdu__region", "framework")
    if user.is_superuser or user.is_national_viewer:
        return queryset
    return queryset.filter(Exists(_viewing_membership(user)))


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


# --- Dashboards ------------------------------------------------------------------------------------------------
# Plain data for the inspection dashboard, the national and regional dashboard, their exports and the API.


PERIOD_SLUG = re.compile(r"(?P<first>[0-9]{4})-(?P<second>[0-9]{2})")


@dataclass(frozen=True)
class Period:
    """An inspection year, April to March, as the inspectorate reports (e.g. "2022-23")."""

    slug: str
    start: datetime.date
    end: datetime.date  # the first day after the period

    @property
    def label(self) -> str:
        return f"April {self.start.year} to March {self.end.year}"

    @classmethod
    def of(cls, day: datetime.date) -> Period:
        first = day.year if day.month >= 4 else day.year - 1
        return cls(
            f"{first}-{(first + 1) % 100:02d}", datetime.date(first, 4, 1), datetime.date(first + 1, 4, 1)
        )

    @classmethod
    def from_slug(cls, slug: str) -> Period | None:
        """The period a slug such as "2026-27" names; None for anything else."""
        match = PERIOD_SLUG.fullmatch(slug)
        if not match:
            return None
        first = int(match["first"])
        if not 1 <= first < datetime.MAXYEAR or match["second"] != f"{(first + 1) % 100:02d}":
            return None
        return cls.of(datetime.date(first, 4, 1))


@dataclass(frozen=True)
class RateBreakdown:
    """One rate overall and by RoSH level and case type (keys are the stored values, e.g. "high", "licence")."""

    key: str
    label: str
    overall: rules.Sufficiency
    by_rosh_level: dict[str, rules.Sufficiency]
    by_case_type: dict[str, rules.Sufficiency]


@dataclass(frozen=True)
class KeyQuestionRate:
    code: str
    wording: str
    standard_code: str
    standard_title: str
    criterion: str
    rates: RateBreakdown


@dataclass(frozen=True)
class NeedRate:
    need: str
    label: str
    linked: int  # cases where the need is linked to offending
    met: rules.Sufficiency  # of those (answered), how many sufficiently addressed


@dataclass(frozen=True)
class CaseFacts:
    cases: int
    rosh_classified_correctly: rules.Sufficiency
    domestic_abuse_enquiries: rules.Sufficiency
    child_safeguarding_enquiries: rules.Sufficiency
    home_visits: rules.Sufficiency
    management_oversight: rules.Sufficiency
    needs: list[NeedRate]

    def rows(self) -> list[tuple[str, str, rules.Sufficiency]]:
        """(key, label, rate) for every fact except the needs, in the inspectorate's order."""
        return [
            ("rosh_classified_correctly", "RoSH classified correctly", self.rosh_classified_correctly),
            (
                "domestic_abuse_enquiries",
                "Domestic abuse enquiries made where needed",
                self.domestic_abuse_enquiries,
            ),
            (
                "child_safeguarding_enquiries",
                "Child safeguarding enquiries made where needed",
                self.child_safeguarding_enquiries,
            ),
            ("home_visits", "Home visits made where needed", self.home_visits),
            ("management_oversight", "Management oversight sufficient", self.management_oversight),
        ]


def _rate_breakdowns(rows: list[dict], keys: list[tuple[str, str]], key_of) -> dict[str, RateBreakdown]:
    """Sum (sufficient, total) of breakdown rows per key, overall and by RoSH level and case type."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        for part, value in (("all", ""), ("rosh", row["case__rosh_level"]), ("type", row["case__case_type"])):
            counted = totals.setdefault((key, part, value), [0, 0])
            counted[0] += row["sufficient"]
            counted[1] += row["total"]

    def rate(key: str, part: str, value: str) -> rules.Sufficiency:
        return rules.sufficiency(*totals.get((key, part, value), (0, 0)))

    rosh_levels, case_types = RoshLevel.values, CaseType.values
    return {
        key: RateBreakdown(
            key,
            label,
            rate(key, "all", ""),
            {level: rate(key, "rosh", level) for level in rosh_levels},
            {case_type: rate(key, "type", case_type) for case_type in case_types},
        )
        for key, label in keys
    }


def key_question_rates(breakdown: list[dict], standards: Iterable[Standard]) -> list[KeyQuestionRate]:
    """Each key question's pooled rate, by RoSH level and by case type, keyed by code across framework versions."""
    key_questions: dict[str, tuple[Standard, KeyQuestion]] = {}
    code_of_pk: dict[int, str] = {}
    for standard in standards:
        for kq in standard.ordered_key_questions:
            key_questions.setdefault(kq.code, (standard, kq))
            code_of_pk[kq.pk] = kq.code
    ordered = sorted(key_questions.items(), key=lambda item: (item[1][0].order, item[1][1].order, item[0]))
    rates = _rate_breakdowns(
        breakdown,
        [(code, kq.wording) for code, (_, kq) in ordered],
        lambda row: code_of_pk.get(row["key_question_id"]),
    )
    return [
        KeyQuestionRate(code, kq.wording, standard.code, standard.title, kq.criterion, rates[code])
        for code, (standard, kq) in ordered
    ]


_FACT_COUNTS = [
    "cases",
    "rosh_yes",
    "rosh_all",
    "da_yes",
    "da_all",
    "cs_yes",
    "cs_all",
    "hv_yes",
    "hv_all",
    "mo_yes",
    "mo_all",
]


@functools.cache
def _counted_case_facts() -> tuple[QuerySet, QuerySet]:
    """The case-level counts and the per-need counts of counted cases, built once per process like
    `_counted_judgements`; the needs' rows are padded to the case-level columns so that the two can be joined by
    UNION ALL."""
    answered = [Enquiries.MADE, Enquiries.NOT_MADE]
    zero = Value(0, output_field=IntegerField())
    facts = (
        InspectedCase.objects.filter(status__in=InspectedCase.COUNTED_STATUSES)
        .annotate(kind=Value("", output_field=CharField()))
        .values("kind")
        .annotate(
            cases=Count("pk"),
            rosh_yes=Count("pk", filter=Q(rosh_classified_correctly=True)),
            rosh_all=Count("pk", filter=Q(rosh_classified_correctly__isnull=False)),
            da_yes=Count("pk", filter=Q(domestic_abuse_enquiries=Enquiries.MADE)),
            da_all=Count("pk", filter=Q(domestic_abuse_enquiries__in=answered)),
            cs_yes=Count("pk", filter=Q(child_safeguarding_enquiries=Enquiries.MADE)),
            cs_all=Count("pk", filter=Q(child_safeguarding_enquiries__in=answered)),
            hv_yes=Count("pk", filter=Q(home_visits=Enquiries.MADE)),
            hv_all=Count("pk", filter=Q(home_visits__in=answered)),
            mo_yes=Count("pk", filter=Q(management_oversight=Oversight.SUFFICIENT)),
            mo_all=Count(
                "pk", filter=Q(management_oversight__in=[Oversight.SUFFICIENT, Oversight.INSUFFICIENT])
            ),
        )
        .values_list("kind", *_FACT_COUNTS)
        .order_by()
    )
    needs = (
        CaseNeed.objects.filter(case__status__in=InspectedCase.COUNTED_STATUSES)
        .values("need")
        .annotate(
            linked=Count("pk", filter=Q(linked_to_offending=True)),
            met=Count("pk", filter=Q(linked_to_offending=True, sufficiently_addressed=True)),
            answered=Count("pk", filter=Q(linked_to_offending=True, sufficiently_addressed__isnull=False)),
            **{f"pad{n}": zero for n in range(len(_FACT_COUNTS) - 3)},
        )
        .values_list("need", "linked", "met", "answered", *(f"pad{n}" for n in range(len(_FACT_COUNTS) - 3)))
        .order_by()
    )
    return facts, needs


def case_facts(inspection_ids: Iterable[int]) -> CaseFacts:
    """Case facts of the counted cases of these inspections, pooled over cases.

    One query: the case-level counts and the per-need counts, two aggregates joined by UNION ALL.
    """
    ids = list(inspection_ids)
    facts, needs = _counted_case_facts()
    rows = facts.filter(inspection_id__in=ids).union(needs.filter(case__inspection_id__in=ids), all=True)
    counts = dict.fromkeys(_FACT_COUNTS, 0)
    by_need: dict[str, tuple[int, int, int]] = {}
    for kind, *values in rows:
        if kind:
            by_need[kind] = (values[0], values[1], values[2])
        else:
            counts = dict(zip(_FACT_COUNTS, values, strict=True))
    return CaseFacts(
        cases=counts["cases"],
        rosh_classified_correctly=rules.sufficiency(counts["rosh_yes"], counts["rosh_all"]),
        domestic_abuse_enquiries=rules.sufficiency(counts["da_yes"], counts["da_all"]),
        child_safeguarding_enquiries=rules.sufficiency(counts["cs_yes"], counts["cs_all"]),
        home_visits=rules.sufficiency(counts["hv_yes"], counts["hv_all"]),
        management_oversight=rules.sufficiency(counts["mo_yes"], counts["mo_all"]),
        needs=[
            NeedRate(
                need.value,
                need.label,
                by_need.get(need.value, (0, 0, 0))[0],
                rules.sufficiency(*by_need.get(need.value, (0, 0, 0))[1:]),
            )
            for need in Need
        ],
    )


@dataclass(frozen=True)
class BandChange:
    """For a case-supervision standard: its driving key question and how far the standard is from another band."""

    standard_code: str
    standard_title: str
    rating: rules.Rating | None
    driving_key_question: dict | None  # the key question's data (code, wording, sufficient, total, rate, ...)
    driving_up: int | None  # more sufficient cases the driving key question needs to reach the next band
    driving_down: int | None  # fewer sufficient cases that would drop it a band
    standard_up: int | None  # more sufficient cases, over all its key questions, to lift the standard a band
    standard_down: int | None  # the fewest fewer sufficient cases, in any one key question, to drop it a band


def band_changes(result_data: dict, bands: rules.FrameworkBands) -> list[BandChange]:
    """How many cases would move each case-supervision standard of an inspection's results up or down a band."""
    changes = []
    for standard in result_data["standards"]:
        if standard["rated_from"] != RatedFrom.CASE_SAMPLE:
            continue
        counts = [(kq["sufficient"], kq["total"]) for kq in standard["key_questions"]]
        driving = next(
            (kq for kq in standard["key_questions"] if kq["code"] == standard["driving_key_question"]), None
        )
        up, down = (None, None)
        if driving is not None:
            up, down = rules.cases_to_change_band(driving["sufficient"], driving["total"], bands)
        standard_up, standard_down = rules.standard_cases_to_change_band(counts, bands)
        rating = rules.Rating(standard["rating"]) if standard["rating"] else None
        changes.append(
            BandChange(
                standard["code"], standard["title"], rating, driving, up, down, standard_up, standard_down
            )
        )
    return changes


@dataclass(frozen=True)
class InspectionDashboard:
    inspection: Inspection
    provisional: bool
    snapshot_taken_at: datetime.datetime | None
    results: dict  # the shape of inspection_result_data: live while open, the latest snapshot once locked
    band_changes: list[BandChange]
    key_questions: list[KeyQuestionRate]
    case_facts: CaseFacts

    @property
    def overall_rating(self) -> rules.Rating | None:
        return _rating_of(self.results["overall_rating"])

    @property
    def case_standards(self) -> list[dict]:
        return [s for s in self.results["standards"] if s["rated_from"] == RatedFrom.CASE_SAMPLE]

    @property
    def organisational_standards(self) -> list[dict]:
        return [s for s in self.results["standards"] if s["rated_from"] != RatedFrom.CASE_SAMPLE]


def _rating_of(value: str | None) -> rules.Rating | None:
    return rules.Rating(value) if value else None


def dashboard_inspection(user, pk: int) -> Inspection | None:
    """The inspection if this user may see its dashboard (one query)."""
    try:
        return visible_inspections(user).get(pk=pk)
    except Inspection.DoesNotExist:
        return None


def inspection_dashboard(inspection: Inspection) -> InspectionDashboard:
    """Everything the inspection dashboard shows; a locked inspection shows its latest snapshot's results.

    Up to five queries: judgements (1), standards (2), set-up (1, live results) or the snapshot (1, locked), case
    facts (1). Case facts and breakdowns come from the cases, which cannot change once the inspection is locked.
    """
    breakdown = judgement_breakdown([inspection.pk])
    standards = _standards_by_framework([inspection.framework_id]).get(inspection.framework_id, [])
    snapshot = inspection.snapshots.order_by("-created_at", "-pk").first() if inspection.is_locked else None
    if snapshot is not None:
        results = snapshot.data
    else:
        live = inspection_results(
            [inspection],
            breakdown=breakdown,
            standards_by_framework={inspection.framework_id: standards},
        )
        results = inspection_result_data(live[inspection.pk])
    return InspectionDashboard(
        inspection=inspection,
        provisional=not inspection.is_locked,
        snapshot_taken_at=snapshot.created_at if snapshot is not None else None,
        results=results,
        band_changes=band_changes(results, framework_bands(inspection.framework)),
        key_questions=key_question_rates(breakdown, standards),
        case_facts=case_facts([inspection.pk]),
    )


@dataclass(frozen=True)
class PDUResult:
    """One PDU on the national dashboard: its latest inspection's results and its latest published composite."""

    pdu_id: int
    pdu: str
    region_id: int
    region: str
    inspection_id: int | None
    fieldwork_start: datetime.date | None
    period: Period | None
    provisional: bool
    composite_score: int | None
    max_score: int | None
    overall_rating: rules.Rating | None
    organisational: dict[str, rules.Rating | None]  # standard code -> the lead's rating
    published_composite: int | None
    published_max: int | None
    published_overall: rules.Rating | None
    published_period: str


@dataclass(frozen=True)
class NationalDashboard:
    region: Region | None
    period: Period | None
    regions: list[Region]
    periods: list[Period]
    rows: list[PDUResult]
    distribution: dict[rules.Rating, int]  # best first, zeros included
    organisational_codes: list[str]
    key_questions: list[KeyQuestionRate]
    case_facts: CaseFacts

    @property
    def inspected(self) -> list[PDUResult]:
        return [row for row in self.rows if row.inspection_id is not None]


# Each sort: the value a row sorts on (None for "nothing to sort on") and whether it runs highest first by default.
SORT_KEYS: dict[str, tuple] = {
    "pdu": (lambda row: row.pdu, False),
    "region": (lambda row: row.region, False),
    "composite": (lambda row: row.composite_score, True),
    "overall": (lambda row: row.overall_rating.points if row.overall_rating else None, True),
    "published": (lambda row: row.published_composite, True),
    "inspected": (lambda row: row.fieldwork_start, True),
}


def sort_pdu_results(rows: list[PDUResult], sort: str) -> list[PDUResult]:
    """Rows sorted by one of SORT_KEYS in its default direction, "-" reversing it; unknown keys sort by PDU name.

    Either way rows with nothing to sort on come last, and ties keep PDU names in alphabetical order.
    """
    value, highest_first = SORT_KEYS.get(sort.removeprefix("-"), SORT_KEYS["pdu"])
    by_name = sorted(rows, key=lambda row: row.pdu)
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    # Python's sort is stable, in reverse too: rows with equal values stay in name order.
    return sorted(present, key=value, reverse=highest_first != sort.startswith("-")) + missing


def national_dashboard(
    user, *, region: int | None = None, period: str | None = None, sort: str = "pdu"
) -> NationalDashboard:
    """Every PDU's latest inspection results in the region and period, and rates pooled over their cases.

    A locked inspection shows its latest snapshot; an open one is shown, provisional, only to those who may see its
    dashboard. Rates are pooled over the cases of the inspections shown. At most eight queries.
    """
    pdus = list(
        PDU.objects.select_related("region").annotate(**_latest_published_annotations()).order_by("name")
    )
    regions = sorted({pdu.region for pdu in pdus}, key=lambda r: r.name)
    chosen_region = next((r for r in regions if r.pk == region), None)
    chosen_period = Period.from_slug(period) if period else None

    latest = InspectionSnapshot.objects.filter(inspection=OuterRef("pk")).order_by("-created_at", "-pk")
    everything = user.is_superuser or getattr(user, "is_national_viewer", False)
    inspections = list(
        Inspection.objects.select_related("framework")
        .annotate(
            snapshot_data=Subquery(latest.values("data")[:1], output_field=JSONField()),
            snapshot_taken_at=Subquery(latest.values("created_at")[:1]),
            is_member=Exists(_viewing_membership(user)) if user.is_authenticated else Value(False),
        )
        .order_by("pdu_id", "-fieldwork_start", "-pk")
    )
    visible = [
        i for i in inspections if (i.is_locked and i.snapshot_data is not None) or everything or i.is_member
    ]
    # The chosen year stays a choice even where nothing was inspected in it, so the filter shows what is applied.
    periods = sorted(
        {Period.of(i.fieldwork_start) for i in visible} | ({chosen_period} if chosen_period else set()),
        key=lambda p: p.start,
        reverse=True,
    )
    pdu_by_id = {pdu.pk: pdu for pdu in pdus}
    chosen: dict[int, Inspection] = {}
    for inspection in visible:
        pdu = pdu_by_id[inspection.pdu_id]
        if chosen_region and pdu.region_id != chosen_region.pk:
            continue
        if chosen_period and not chosen_period.start <= inspection.fieldwork_start < chosen_period.end:
            continue
        chosen.setdefault(inspection.pdu_id, inspection)

    ids = [inspection.pk for inspection in chosen.values()]
    breakdown = judgement_breakdown(ids) if ids else []
    frameworks = {inspection.framework_id for inspection in chosen.values()}
    standards_by_framework = _standards_by_framework(frameworks) if frameworks else {}
    live = [i for i in chosen.values() if not (i.is_locked and i.snapshot_data is not None)]
    data = {i.pk: i.snapshot_data for i in chosen.values() if i.pk not in {j.pk for j in live}}
    if live:
        live_ids = {i.pk for i in live}
        results = inspection_results(
            live,
            breakdown=[r for r in breakdown if r["case__inspection_id"] in live_ids],
            standards_by_framework=standards_by_framework,
        )
        data.update({pk: inspection_result_data(result) for pk, result in results.items()})

    organisational_codes: list[str] = []
    rows = []
    for pdu in pdus:
        if chosen_region and pdu.region_id != chosen_region.pk:
            continue
        inspection = chosen.get(pdu.pk)
        result = data.get(inspection.pk) if inspection else None
        organisational = {}
        if result:
            for standard in result["standards"]:
                if standard["rated_from"] != RatedFrom.CASE_SAMPLE:
                    organisational[standard["code"]] = _rating_of(standard["rating"])
                    if standard["code"] not in organisational_codes:
                        organisational_codes.append(standard["code"])
        published_overall = None
        if pdu.published_score is not None:
            published_overall = (
                rules.Rating(pdu.published_overall)
                if pdu.published_overall
                else rules.overall_rating(pdu.published_score, pdu.published_max)
            )
        rows.append(
            PDUResult(
                pdu_id=pdu.pk,
                pdu=pdu.name,
                region_id=pdu.region_id,
                region=pdu.region.name,
                inspection_id=inspection.pk if inspection else None,
                fieldwork_start=inspection.fieldwork_start if inspection else None,
                period=Period.of(inspection.fieldwork_start) if inspection else None,
                provisional=inspection is not None and not inspection.is_locked,
                composite_score=result["composite_score"] if result else None,
                max_score=result["max_score"] if result else None,
                overall_rating=_rating_of(result["overall_rating"]) if result else None,
                organisational=organisational,
                published_composite=pdu.published_score,
                published_max=pdu.published_max,
                published_overall=published_overall,
                published_period=_published_period(pdu),
            )
        )
    distribution = dict.fromkeys(rules.Rating, 0)
    for row in rows:
        if row.overall_rating:
            distribution[row.overall_rating] += 1
    all_standards = [s for fw in sorted(standards_by_framework) for s in standards_by_framework[fw]]
    return NationalDashboard(
        region=chosen_region,
        period=chosen_period,
        regions=regions,
        periods=periods,
        rows=sort_pdu_results(rows, sort),
        distribution=distribution,
        organisational_codes=sorted(organisational_codes),
        key_questions=key_question_rates(breakdown, all_standards),
        case_facts=case_facts(ids),
    )


def _latest_published_annotations() -> dict:
    latest = PublishedRating.objects.filter(pdu=OuterRef("pk")).order_by("-period_end", "-period_start")
    return {
        "published_score": Subquery(latest.values("composite_score")[:1]),
        "published_max": Subquery(latest.values("composite_max")[:1]),
        "published_overall": Subquery(latest.values("overall_rating")[:1]),
        "published_start": Subquery(latest.values("period_start")[:1]),
        "published_end": Subquery(latest.values("period_end")[:1]),
    }


def _published_period(pdu) -> str:
    if pdu.published_start is None:
        return ""
    return f"{pdu.published_start:%b %Y} to {pdu.published_end:%b %Y}"
