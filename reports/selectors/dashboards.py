"""Plain data for the PDU list, the inspection dashboard, the national and regional dashboard, their exports and
the API. Each selector runs a fixed number of queries whatever the number of cases or inspections.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Exists, JSONField, OuterRef, QuerySet, Subquery, Value

from cases.counts import breakdown_attributes, counts_query
from inspections.definitions import Definition
from inspections.models import Framework, Inspection
from inspections.permissions import dashboard_membership, inspections_with_visible_results, sees_every_result
from pdus.models import PDU, PublishedRating, Region

from .. import rating as rules
from ..models import FrozenCount, InspectionSnapshot
from ..snapshots import results_shape
from .counts import Counts, counts_parts, frozen_counts, read_counts
from .rates import Breakdown, CaseFacts, KeyQuestionRate, case_facts, case_facts_of, key_question_rates
from .regional import RegionalResults, regional_rows
from .results import (
    InspectionResult,
    framework_bands,
    inspection_result_data,
    inspection_results,
    judgement_breakdown,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import WithAnnotations

    from accounts.models import User

PERIOD_SLUG = re.compile(r"(?P<first>[0-9]{4})-(?P<second>[0-9]{2})")
# The same as a pattern for the API's schema, which says exactly which periods are taken: years 1000 to 2999, the
# second year the one after the first ("2026-27", "2099-00"), so a client never sends one that looks right but is not.
PERIOD_PATTERN = "^[12][0-9](?:" + "|".join(f"{n:02d}-{(n + 1) % 100:02d}" for n in range(100)) + ")$"
# National figures are final by default: the dashboard page (?inspections=) and the API add open inspections'
# provisional figures only when given this.
INCLUDE_PROVISIONAL = "include-provisional"


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


PublishedOverall = Callable[[str, int, int, datetime.date], "rules.Rating | None"]


def published_overall_rule(every_framework: Iterable[Framework] | None = None) -> PublishedOverall:
    """The overall rating of a published composite: as published, or banded by the framework version it was
    published under (the latest PDU framework in effect by the start of its period that bands its maximum). One
    query, none where the caller has read every framework version already."""
    if every_framework is None:
        every_framework = Framework.objects.filter(unit="pdu").only(
            "unit", "effective_from", "version", "document"
        )
    pdu_frameworks = sorted(
        (framework for framework in every_framework if framework.unit == "pdu"),
        key=lambda framework: (framework.effective_from, framework.version),
        reverse=True,
    )
    frameworks = [(framework.effective_from, framework_bands(framework)) for framework in pdu_frameworks]

    def overall(
        published: str, score: int, max_score: int, period_start: datetime.date
    ) -> rules.Rating | None:
        bands = next(
            (bands for since, bands in frameworks if since <= period_start and max_score in bands.composite),
            None,
        )
        return rules.published_overall_rating(published, score, max_score, bands)

    return overall


@dataclass(frozen=True)
class PDURow:
    pdu: PDU
    published: PublishedRating | None
    published_overall: rules.Rating | None
    inspections: list[InspectionResult]


def pdu_overview(user: User | AnonymousUser) -> list[PDURow]:
    """Every PDU with its latest published composite and the live ratings of the inspections the user may see."""
    latest_published: dict[int, PublishedRating] = {}
    for published_rating in PublishedRating.objects.order_by("pdu_id", "-period_end"):
        latest_published.setdefault(published_rating.pdu_id, published_rating)
    inspections_by_pdu: dict[int, list[InspectionResult]] = {}
    visible = inspections_with_visible_results(user).filter(pdu__isnull=False).select_related("framework")
    for result in inspection_results(visible).values():
        inspections_by_pdu.setdefault(result.inspection.pdu_id or 0, []).append(result)
    overall_of = published_overall_rule()
    rows = []
    for pdu in PDU.objects.select_related("region").order_by("region__name", "name"):
        published = latest_published.get(pdu.pk)
        overall = None
        if published:
            overall = overall_of(
                published.overall_rating,
                published.composite_score,
                published.composite_max,
                published.period_start,
            )
        rows.append(PDURow(pdu, published, overall, inspections_by_pdu.get(pdu.pk, [])))
    return rows


@dataclass(frozen=True)
class BandChange:
    """For a standard rated by its lowest key question: that key question and how far the standard is from another
    band."""

    standard_code: str
    standard_title: str
    rating: rules.Rating | None
    driving_key_question: (
        dict[str, Any] | None
    )  # the key question's data (code, wording, sufficient, total, ...)
    driving_up: int | None  # more sufficient cases the driving key question needs to reach the next band
    driving_down: int | None  # fewer sufficient cases that would drop it a band
    standard_up: int | None  # more sufficient cases, over all its key questions, to lift the standard a band
    standard_down: int | None  # the fewest fewer sufficient cases, in any one key question, to drop it a band


def band_changes(result_data: dict[str, Any], bands: rules.FrameworkBands) -> list[BandChange]:
    """How many cases would move each standard rated from cases up or down a band (results in the current shape)."""
    changes = []
    for standard in result_data["standards"]:
        if standard["rated_by"] not in rules.RATED_FROM_CASES:
            continue
        counts = [(kq["sufficient"], kq["total"]) for kq in standard["key_questions"]]
        driving = next(
            (kq for kq in standard["key_questions"] if kq["code"] == standard["driving_key_question"]), None
        )
        up, down = (None, None)
        if driving is not None:
            up, down = rules.cases_to_change_band(driving["sufficient"], driving["total"], bands)
        standard_up, standard_down = rules.standard_cases_to_change_band(counts, bands)
        changes.append(
            BandChange(
                standard["code"],
                standard["title"],
                rules.rating_of(standard["rating"]),
                driving,
                up,
                down,
                standard_up,
                standard_down,
            )
        )
    return changes


@dataclass(frozen=True)
class InspectionDashboard:
    inspection: Inspection
    provisional: bool
    snapshot_taken_at: datetime.datetime | None
    # inspection_result_data's shape (snapshots.results_shape): live while open, the latest snapshot once locked
    results: dict[str, Any]
    definition: Definition  # the framework version the inspection is pinned to
    bands: rules.FrameworkBands  # its bands
    band_changes: list[BandChange]
    key_questions: list[KeyQuestionRate]
    breakdowns: list[Breakdown]
    case_facts: CaseFacts

    @property
    def overall_rating(self) -> rules.Rating | None:
        return rules.rating_of(self.results["overall_rating"])

    @property
    def indicative_rating(self) -> rules.Rating | None:
        """Where the overall rating is the team's judgement: the composite banded, shown beside it."""
        return rules.rating_of(self.results.get("indicative_rating"))

    @property
    def case_standards(self) -> list[dict[str, Any]]:
        """The standards rated from key questions (over a case kind, or pooled)."""
        return [s for s in self.results["standards"] if s["rated_by"] in rules.RATED_FROM_CASES]

    @property
    def judged_standards(self) -> list[dict[str, Any]]:
        """The standards rated by the team's judgement, with its rationale."""
        return [s for s in self.results["standards"] if s["rated_by"] not in rules.RATED_FROM_CASES]


def dashboard_inspection(user: User | AnonymousUser, pk: int) -> Inspection | None:
    """The inspection if this user may see its dashboard (one query)."""
    return inspections_with_visible_results(user).filter(pk=pk).first()


def latest_snapshot(inspection: Inspection) -> InspectionSnapshot | None:
    return InspectionSnapshot.objects.filter(inspection=inspection).order_by("-created_at", "-pk").first()


def inspection_dashboard(inspection: Inspection) -> InspectionDashboard:
    """Everything the inspection dashboard shows; a locked inspection shows its latest snapshot's results.

    Case facts and breakdowns come from the counts frozen with the snapshot once it is locked, from the cases while
    it is open (or where the snapshot has no counts: locked before they were frozen); a snapshot keeps the shape it
    was locked in (snapshots.results_shape reads it). Queries: locked, the snapshot and its counts (2); open, the
    judgements (1), the set-up (2) and the case facts (1).
    """
    definition = inspection.framework.definition
    attributes = breakdown_attributes([definition])
    snapshot = latest_snapshot(inspection) if inspection.is_locked else None
    frozen = (
        read_counts(frozen_counts([snapshot.pk], attributes), attributes) if snapshot is not None else None
    )
    if frozen is not None and frozen.cases:
        breakdown = frozen.judgements
        facts = case_facts_of(frozen, [definition])
    else:
        breakdown = judgement_breakdown([inspection.pk], attributes, definitions=[definition])
        facts = case_facts([inspection.pk], [definition])
    if snapshot is not None:
        results = results_shape(snapshot.data)
    else:
        live = inspection_results([inspection], breakdown=breakdown)
        results = inspection_result_data(live[inspection.pk])
    bands = framework_bands(inspection.framework)
    key_questions, breakdowns = key_question_rates(breakdown, [definition], attributes)
    key_questions, breakdowns, facts = _of_kinds_shown([results], key_questions, breakdowns, facts)
    return InspectionDashboard(
        inspection=inspection,
        provisional=not inspection.is_locked,
        snapshot_taken_at=snapshot.created_at if snapshot is not None else None,
        results=results,
        definition=definition,
        bands=bands,
        band_changes=band_changes(results, bands),
        key_questions=key_questions,
        breakdowns=breakdowns,
        case_facts=facts,
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
    judgements: dict[str, rules.Rating | None]  # standard code -> the team's judgement
    case_ratings: dict[str, rules.Rating | None]  # standard code -> its rating from cases
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
    judged_codes: list[str]  # the standards rated by the team's judgement in any inspection shown
    case_codes: list[str]  # the standards rated from cases in any inspection shown
    key_questions: list[KeyQuestionRate]
    breakdowns: list[Breakdown]
    case_facts: CaseFacts
    # The key-question bands of the frameworks of the inspections shown, where they all have the same; else None.
    bands: rules.FrameworkBands | None
    include_provisional: bool = True  # open inspections (provisional figures) are shown beside locked ones
    # The inspections shown on whose team the user reads cases (lead, inspector, quality assurer), for the
    # small-numbers rule (selectors.small_numbers).
    team_inspection_ids: frozenset[int] = frozenset()
    # Each region's latest locked regional inspection in the region and period (the Regions table).
    regional: RegionalResults = field(default_factory=lambda: RegionalResults([], []))

    @property
    def inspected(self) -> list[PDUResult]:
        return [row for row in self.rows if row.inspection_id is not None]


# Each sort: the value a row sorts on (None for "nothing to sort on") and whether it runs highest first by default.
SORT_KEYS: dict[str, tuple[Callable[[PDUResult], Any], bool]] = {
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


class LatestResults(TypedDict):
    snapshot_data: Any  # the latest snapshot's data (JSON), None where there is none
    snapshot_taken_at: datetime.datetime | None
    snapshot_id: int | None
    counts_frozen: bool  # the latest snapshot has its counts (snapshots taken before FrozenCount have none)
    is_member: bool  # the user's team role shows the inspection's live results


def _inspections_with_results(
    user: User | AnonymousUser,
) -> QuerySet[WithAnnotations[Inspection, LatestResults]]:
    """Every inspection (of a PDU, and of a region: national_dashboard's Regions table) with its latest snapshot's
    results and whether the user's team role shows its live results."""
    latest = InspectionSnapshot.objects.filter(inspection=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Inspection.objects.annotate(
            snapshot_data=Subquery(latest.values("data")[:1], output_field=JSONField()),
            snapshot_taken_at=Subquery(latest.values("created_at")[:1]),
            snapshot_id=Subquery(latest.values("pk")[:1]),
            counts_frozen=Exists(FrozenCount.objects.filter(snapshot_id=OuterRef("snapshot_id"))),
            is_member=Exists(dashboard_membership(user)) if user.is_authenticated else Value(False),
        )
        .select_related("region")
        .order_by("pdu_id", "-fieldwork_start", "-pk")
    )


def national_dashboard(
    user: User | AnonymousUser,
    *,
    region: int | None = None,
    period: str | None = None,
    sort: str = "pdu",
    include_provisional: bool = True,
) -> NationalDashboard:
    """Every PDU's latest inspection results in the region and period, and rates pooled over their cases.

    A locked inspection shows its latest snapshot; an open one is shown, provisional, only to those who may see its
    dashboard (can_view_dashboard), and only with `include_provisional` (else each PDU's latest locked inspection).
    Rates are pooled over the cases of the inspections shown.
    """
    pdus = list(
        PDU.objects.select_related("region").annotate(**_latest_published_annotations()).order_by("name")
    )
    regions = sorted({pdu.region for pdu in pdus}, key=lambda r: r.name)
    chosen_region = next((r for r in regions if r.pk == region), None)
    chosen_period = Period.from_slug(period) if period else None

    everything = sees_every_result(user)
    # Every framework version once (they are few), so that each is parsed once, not once per inspection.
    frameworks = {framework.pk: framework for framework in Framework.objects.all()}
    visible = []
    regional = []
    for found in _inspections_with_results(user):
        if found.pdu_id is None:
            if found.region_id is not None and _is_frozen(found):
                regional.append(found)  # the Regions table: each region's latest locked inspection
        elif _is_frozen(found) or (include_provisional and (everything or found.is_member)):
            found.framework = frameworks[found.framework_id]
            visible.append(found)
    # The chosen year stays a choice even where nothing was inspected in it, so the filter shows what is applied.
    periods = sorted(
        {Period.of(i.fieldwork_start) for i in visible} | ({chosen_period} if chosen_period else set()),
        key=lambda p: p.start,
        reverse=True,
    )
    pdu_by_id = {pdu.pk: pdu for pdu in pdus}
    chosen: dict[int, WithAnnotations[Inspection, LatestResults]] = {}
    for candidate in visible:
        pdu = pdu_by_id[candidate.pdu_id or 0]
        if chosen_region and pdu.region_id != chosen_region.pk:
            continue
        if chosen_period and not chosen_period.start <= candidate.fieldwork_start < chosen_period.end:
            continue
        chosen.setdefault(pdu.pk, candidate)

    definitions = _definitions(chosen.values())
    attributes = breakdown_attributes(definitions)
    counts = _national_counts(chosen.values(), attributes, definitions)
    data: dict[int, dict[str, Any]] = {
        i.pk: results_shape(i.snapshot_data) for i in chosen.values() if _is_frozen(i)
    }
    live = [i for i in chosen.values() if i.pk not in data]
    if live:
        live_ids = {i.pk for i in live}
        results = inspection_results(
            live, breakdown=[r for r in counts.judgements if r["case__inspection_id"] in live_ids]
        )
        data.update({pk: inspection_result_data(result) for pk, result in results.items()})

    overall_of = published_overall_rule(frameworks.values())
    judged_codes: list[str] = []
    case_codes: list[str] = []
    rows = []
    for pdu in pdus:
        if chosen_region and pdu.region_id != chosen_region.pk:
            continue
        inspection = chosen.get(pdu.pk)
        result = data.get(inspection.pk) if inspection else None
        judgements: dict[str, rules.Rating | None] = {}
        case_ratings: dict[str, rules.Rating | None] = {}
        if result:
            for standard in result["standards"]:
                from_cases = standard["rated_by"] in rules.RATED_FROM_CASES
                (case_ratings if from_cases else judgements)[standard["code"]] = rules.rating_of(
                    standard["rating"]
                )
                codes = case_codes if from_cases else judged_codes
                if standard["code"] not in codes:
                    codes.append(standard["code"])
        published: Any = pdu  # the PDU annotated with its latest published composite
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
                overall_rating=rules.rating_of(result["overall_rating"]) if result else None,
                judgements=judgements,
                case_ratings=case_ratings,
                published_composite=published.published_score,
                published_max=published.published_max,
                published_overall=None
                if published.published_score is None
                else overall_of(
                    published.published_overall,
                    published.published_score,
                    published.published_max,
                    published.published_start,
                ),
                published_period=_published_period(published),
            )
        )
    distribution = dict.fromkeys(rules.Rating, 0)
    for row in rows:
        if row.overall_rating:
            distribution[row.overall_rating] += 1
    key_questions, breakdowns = key_question_rates(counts.judgements, definitions, attributes)
    facts = case_facts_of(counts, definitions)
    key_questions, breakdowns, facts = _of_kinds_shown(data.values(), key_questions, breakdowns, facts)
    bands: list[rules.FrameworkBands] = []
    for inspection in chosen.values():
        framework = framework_bands(inspection.framework)
        if all(framework.key_question != known.key_question for known in bands):
            bands.append(framework)
    return NationalDashboard(
        region=chosen_region,
        period=chosen_period,
        regions=regions,
        periods=periods,
        rows=sort_pdu_results(rows, sort),
        distribution=distribution,
        judged_codes=sorted(judged_codes),
        case_codes=sorted(case_codes, key=_code_order),
        key_questions=key_questions,
        breakdowns=breakdowns,
        case_facts=facts,
        bands=bands[0] if len(bands) == 1 else None,
        include_provisional=include_provisional,
        team_inspection_ids=frozenset(i.pk for i in chosen.values() if i.is_member),
        regional=_regional_results(regional, chosen_region, chosen_period),
    )


def _regional_results(
    inspections: list[WithAnnotations[Inspection, LatestResults]],
    region: Region | None,
    period: Period | None,
) -> RegionalResults:
    """regional.regional_results from the inspections national_dashboard has read: in the region and period."""
    shown = [
        i
        for i in inspections
        if (region is None or i.region_id == region.pk)
        and (period is None or period.start <= i.fieldwork_start < period.end)
    ]
    shown.sort(
        key=lambda i: (i.region.name if i.region else "", i.region_id, -i.fieldwork_start.toordinal(), -i.pk)
    )
    return regional_rows(shown)


def _code_order(code: str) -> list[tuple[bool, int, str]]:
    """A standard code's place: "2.10" after "2.9"."""
    return [(not part.isdigit(), int(part) if part.isdigit() else 0, part) for part in code.split(".")]


def _of_kinds_shown(
    results: Iterable[dict[str, Any]],
    key_questions: list[KeyQuestionRate],
    breakdowns: list[Breakdown],
    facts: CaseFacts,
) -> tuple[list[KeyQuestionRate], list[Breakdown], CaseFacts]:
    """Only the case kinds the inspections shown rate a standard from, or have counted cases of: a PDU whose court
    work is not rated shows no court-report rates."""
    kinds = {s["case_kind"] for result in results for s in result["standards"] if s.get("case_kind")}
    kinds |= {kind.case_kind for kind in facts.kinds if kind.cases}
    return (
        [kq for kq in key_questions if kq.case_kind in kinds],
        [part for part in breakdowns if part.case_kind in kinds],
        CaseFacts(facts.cases, [kind for kind in facts.kinds if kind.case_kind in kinds]),
    )


def _definitions(inspections: Iterable[Inspection]) -> list[Definition]:
    """The framework versions of these inspections, each once, newest first (its wording wins where codes meet)."""
    frameworks = {inspection.framework_id: inspection.framework for inspection in inspections}
    ordered = sorted(frameworks.values(), key=lambda f: (f.effective_from, f.version), reverse=True)
    return [framework.definition for framework in ordered]


def _national_counts(
    inspections: Iterable[WithAnnotations[Inspection, LatestResults]],
    attributes: list[str],
    definitions: list[Definition],
) -> Counts:
    """The counts the national figures sum, in one query: frozen with the latest snapshot of each locked inspection
    that has them, live from the cases of every other (open, or locked before counts were frozen)."""
    pairs = [(i.pk, i.snapshot_id if _is_frozen(i) and i.counts_frozen else None) for i in inspections]
    return read_counts(counts_query(counts_parts(pairs, attributes, definitions=definitions)), attributes)


def _is_frozen(inspection: WithAnnotations[Inspection, LatestResults]) -> bool:
    """Locked, with a snapshot: its results are the snapshot's, shown to everyone who sees national figures."""
    return bool(inspection.is_locked and inspection.snapshot_data is not None)


def _latest_published_annotations() -> dict[str, Subquery]:
    latest = PublishedRating.objects.filter(pdu=OuterRef("pk")).order_by("-period_end", "-period_start")
    return {
        "published_score": Subquery(latest.values("composite_score")[:1]),
        "published_max": Subquery(latest.values("composite_max")[:1]),
        "published_overall": Subquery(latest.values("overall_rating")[:1]),
        "published_start": Subquery(latest.values("period_start")[:1]),
        "published_end": Subquery(latest.values("period_end")[:1]),
    }


def _published_period(pdu: Any) -> str:
    """The period of the PDU's latest published composite (pdu has _latest_published_annotations: Any, since
    django-stubs cannot see annotations passed as **kwargs)."""
    if pdu.published_start is None:
        return ""
    return f"{pdu.published_start:%b %Y} to {pdu.published_end:%b %Y}"
