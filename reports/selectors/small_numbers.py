"""The one place the small-numbers rule (reports.disclosure) is applied to the rates the dashboards' selectors return.

A user who could read every case behind a rate (a superuser; the lead, inspectors and quality assurers of every
inspection pooled) sees every rate. Anyone else, national viewers above all, sees no rate over fewer than
settings.SMALL_NUMBERS_MINIMUM_CASES cases: the dashboard pages, their CSV, XLSX and PDF exports and the API all take
their rates from `national_dashboard_for` and `inspection_dashboard_for`, so none of them can show one. Ratings are
findings, not rates, and stay: a standard's, the PDUs' and the regions' (selectors.regional, which has no rates).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings

from inspections.models import Inspection, InspectionMembership
from inspections.permissions import CASE_READER_ROLES, has_case_reader_role

from ..disclosure import is_small, not_shown, suppress_rate
from . import dashboards, peer_rates
from .rates import CaseFacts, KeyQuestionRate, RateBreakdown

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# An inspection's key question as results data: the figures a suppressed one goes without.
SUPPRESSED_FIELDS = ("sufficient", "total", "rate", "ci_lower", "ci_upper", "rating")

Dashboard = TypeVar("Dashboard", dashboards.NationalDashboard, dashboards.InspectionDashboard)


def small_numbers_minimum(
    user: User | AnonymousUser, inspection_ids: Iterable[int], readable: Iterable[int] | None = None
) -> int:
    """The fewest cases a rate shown to this user may be over: 0 (no limit) if they may read every case of these
    inspections, else settings.SMALL_NUMBERS_MINIMUM_CASES. `readable`: those of the inspections whose cases the user
    reads, where the caller knows them already; else one query."""
    ids = set(inspection_ids)
    if not ids or (user.is_authenticated and user.is_superuser):
        return 0
    if user.is_authenticated:
        if readable is None:
            readable = InspectionMembership.objects.filter(
                user=user, inspection_id__in=ids, role__in=CASE_READER_ROLES
            ).values_list("inspection_id", flat=True)
        if ids <= set(readable):
            return 0
    return settings.SMALL_NUMBERS_MINIMUM_CASES


def _rates(rates: RateBreakdown, minimum: int) -> RateBreakdown:
    return dataclasses.replace(
        rates,
        overall=suppress_rate(rates.overall, minimum),
        by_attribute={
            key: {value: suppress_rate(rate, minimum) for value, rate in by_value.items()}
            for key, by_value in rates.by_attribute.items()
        },
    )


def _key_questions(key_questions: list[KeyQuestionRate], minimum: int) -> list[KeyQuestionRate]:
    return [dataclasses.replace(kq, rates=_rates(kq.rates, minimum)) for kq in key_questions]


def _case_facts(facts: CaseFacts, minimum: int) -> CaseFacts:
    return dataclasses.replace(
        facts,
        kinds=[
            dataclasses.replace(
                kind,
                facts=[dataclasses.replace(f, rate=suppress_rate(f.rate, minimum)) for f in kind.facts],
                needs=[dataclasses.replace(n, met=suppress_rate(n.met, minimum)) for n in kind.needs],
            )
            for kind in facts.kinds
        ],
    )


def _results(results: dict[str, Any], minimum: int) -> tuple[dict[str, Any], set[str]]:
    """An inspection's results data with each key question over too few cases left without its figures or band
    (`suppressed` says why), and the codes of the standards that have one. The standards' ratings stay: they are
    the inspection's published findings."""
    hidden: set[str] = set()
    standards = []
    for standard in results["standards"]:
        key_questions = []
        for kq in standard["key_questions"]:
            if kq.get("total") is not None and is_small(kq["total"], minimum):
                hidden.add(standard["code"])
                kq = kq | dict.fromkeys(SUPPRESSED_FIELDS) | {"suppressed": not_shown(minimum)}
            key_questions.append(kq)
        standards.append(standard | {"key_questions": key_questions})
    return results | {"standards": standards}, hidden


def without_small_numbers(dashboard: Dashboard, minimum: int) -> Dashboard:
    """The dashboard with every rate over fewer than `minimum` cases replaced by a SuppressedRate (pooled rates) or
    left without its figures (an inspection's key questions, and how many cases would change their band)."""
    if minimum <= 0:
        return dashboard
    dashboard = dataclasses.replace(
        dashboard,
        key_questions=_key_questions(dashboard.key_questions, minimum),
        case_facts=_case_facts(dashboard.case_facts, minimum),
    )
    if isinstance(dashboard, dashboards.InspectionDashboard):
        results, hidden = _results(dashboard.results, minimum)
        by_code = {s["code"]: s for s in results["standards"]}
        changes = [
            dataclasses.replace(
                change,
                driving_key_question=next(
                    kq
                    for kq in by_code[change.standard_code]["key_questions"]
                    if kq["code"] == change.driving_key_question["code"]
                )
                if change.driving_key_question
                else None,
                driving_up=None,
                driving_down=None,
                standard_up=None,
                standard_down=None,
            )
            if change.standard_code in hidden
            else change
            for change in dashboard.band_changes
        ]
        dashboard = dataclasses.replace(dashboard, results=results, band_changes=changes)
    return dashboard


def national_dashboard_for(
    user: User | AnonymousUser,
    *,
    region: int | None = None,
    period: str | None = None,
    sort: str = "pdu",
    include_provisional: bool = True,
) -> dashboards.NationalDashboard:
    """dashboards.national_dashboard, with the small-numbers rule applied for this user."""
    dashboard = dashboards.national_dashboard(
        user, region=region, period=period, sort=sort, include_provisional=include_provisional
    )
    ids = [row.inspection_id for row in dashboard.rows if row.inspection_id is not None]
    minimum = small_numbers_minimum(user, ids, readable=dashboard.team_inspection_ids)
    return without_small_numbers(dashboard, minimum)


def inspection_dashboard_for(
    user: User | AnonymousUser, inspection: Inspection
) -> dashboards.InspectionDashboard:
    """dashboards.inspection_dashboard, with the small-numbers rule applied for this user."""
    dashboard = dashboards.inspection_dashboard(inspection)
    # The user's roles as the page's permission checks read them: no query of its own.
    readable = [inspection.pk] if has_case_reader_role(user, inspection) else []
    return without_small_numbers(dashboard, small_numbers_minimum(user, [inspection.pk], readable=readable))


def peer_rates_for(
    user: User | AnonymousUser, inspection: Inspection
) -> dict[str, peer_rates.ComparisonRate]:
    """peer_rates.key_question_comparisons with the small-numbers rule: the regional and national rates pool other
    teams' inspections, so only a superuser sees one over fewer than the minimum."""
    minimum = 0 if user.is_authenticated and user.is_superuser else settings.SMALL_NUMBERS_MINIMUM_CASES
    return {
        code: dataclasses.replace(
            rate,
            regional=suppress_rate(rate.regional, minimum),
            national=suppress_rate(rate.national, minimum),
        )
        for code, rate in peer_rates.key_question_comparisons(inspection).items()
    }
