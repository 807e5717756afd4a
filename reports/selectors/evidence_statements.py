"""The national report's statements from evidence beside the cases: the survey of people on probation (its counts
below the minimum hidden, as reports.evidence.selectors returns them) and the staffing of the inspected PDUs, by
region (the share of staff saying their workload is manageable hidden by the same minimum). The figures are
reports.evidence.selectors'; this only words them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from inspections import statistics

from ..disclosure import SuppressedRate
from ..evidence.selectors import Staffing, SurveyResults, staffing_pooled
from .dashboards import Period
from .statements import Cell, Statement, count_of, interval, listed, lower_first, percent

SURVEY = "Views of people on probation"
STAFFING = "Staffing"
NO_SURVEY = "The views of people on probation: there are no survey results{where} to report from."
NO_STAFFING = (
    "Staff vacancy rates, manageable workloads and sickness days: {why}, so there is no staffing evidence to report "
    "from."
)


def survey_statements(survey: SurveyResults, scope: str) -> list[Statement]:
    """How many people's views were gathered where, then each question's responses with their shares."""
    if not survey.questions or survey.period is None:
        return []
    period = Period.from_slug(survey.period)
    hidden = (
        f" Counts of fewer than {survey.minimum} people are not shown, nor one other where the total would give a "
        "hidden count away."
        if survey.any_suppressed
        else ""
    )
    statements = [
        Statement(
            "survey",
            SURVEY,
            f"The views of {count_of(survey.respondents, 'person', 'people')} on probation were gathered in "
            f"{count_of(survey.pdus, 'PDU', 'PDUs')} in {scope}, in the survey of "
            f"{period.label if period else survey.period}.{hidden}",
            survey.respondents,
            None,
            ["Question", "People who answered"],
            [[question.question, question.n] for question in survey.questions],
            n_of="people on probation",
            basis="the most who answered any one question; a count, so no interval",
        )
    ]
    for index, question in enumerate(survey.questions, start=1):
        parts = [
            f"{percent(response.share.rate)} said “{response.response}” ({interval(response.share)})"
            for response in question.responses
            if response.share is not None
        ]
        not_shown = [f"“{response.response}”" for response in question.responses if response.share is None]
        if not_shown:
            several = len(not_shown) > 1
            parts.append(
                f"the share{'s' if several else ''} saying {listed(not_shown)} {'are' if several else 'is'} not "
                f"shown (fewer than {survey.minimum} people, or {'they' if several else 'it'} would give one away)"
            )
        shown = [response for response in question.responses if response.share is not None]
        # The headline figure is the most given response shown; the line under the sentence names it.
        headline = max(shown, key=lambda response: response.count or 0) if shown else None
        rows: list[list[Cell]] = [
            [
                response.response,
                response.share
                if response.share is not None
                else SuppressedRate(0, 0, None, None, None, survey.minimum, note=survey.note),
            ]
            for response in question.responses
        ]
        statements.append(
            Statement(
                f"survey-{index}",
                SURVEY,
                f"Of the {count_of(question.n, 'person', 'people')} who answered “{question.question}”, "
                f"{'; '.join(parts)}.",
                question.n,
                headline.share if headline else None,
                ["Response", "Share of those who answered"],
                rows,
                n_of="people who answered",
                basis="every response hidden",
                counted="people",
                figure_of=f"said “{headline.response}” to “{question.question}”" if headline else "",
            )
        )
    return statements


def _vacancy_rate(staffing: Staffing) -> float | None:
    posts = sum(vacancy.posts for vacancy in staffing.vacancies)
    return float(100 * sum(vacancy.vacant for vacancy in staffing.vacancies) / posts) if posts else None


def _by_region(regions: list[Staffing], value: Callable[[Staffing], float | None], words: str) -> str:
    """ "; by region, from 9% in North to 12% in South" where more than one region has a figure."""
    known = sorted((value(region), region.label) for region in regions if value(region) is not None)
    if len(known) < 2:
        return ""
    (low, low_region), (high, high_region) = known[0], known[-1]
    return f"; by region, from {words.format(low)} in {low_region} to {words.format(high)} in {high_region}"


def staffing_statements(regions: list[Staffing], scope: str) -> list[Statement]:
    """Vacancy rates by grade, the staff saying their workload is not manageable and sickness days per person, over
    the inspections reported from that recorded their PDU's staffing, pooled and by region."""
    if not regions:
        return []
    every = [*regions, staffing_pooled(regions, scope)] if len(regions) > 1 else regions
    total = every[-1]
    recorded = count_of(
        total.inspections, "inspected PDU that recorded its", "inspected PDUs that recorded their"
    )
    statements = []
    vacancy = _vacancy_rate(total)
    if vacancy is not None:
        grades = [
            f"{percent(rate.rate)} of {lower_first(rate.grade)} posts"
            for rate in total.vacancies
            if rate.posts
        ]
        statements.append(
            Statement(
                "staffing-vacancies",
                STAFFING,
                f"In the {recorded} staffing, {percent(vacancy)} of posts (full-time equivalent) were vacant: "
                f"{listed(grades)}{_by_region(regions, _vacancy_rate, '{:.0f}%')}.",
                total.inspections,
                None,
                ["Region", "Grade", "Posts (FTE)", "Vacant (FTE)", "Vacancy rate %"],
                [
                    [staffing.label, rate.grade, float(rate.posts), float(rate.vacant), _rounded(rate.rate)]
                    for staffing in every
                    for rate in staffing.vacancies
                ],
                n_of="PDU inspections",
                basis="vacant posts of all posts recorded, not a sample, so no interval",
            )
        )
    if total.staff_asked:

        def not_manageable(staffing: Staffing) -> float | None:
            rate = staffing.workloads.rate
            return None if rate is None else 100 - rate

        asked = f"Of the {count_of(total.staff_asked, 'member', 'members')} of staff asked in the {recorded} staffing"
        by_region = _by_region(regions, not_manageable, "{:.0f}%")
        workloads = total.workloads
        hidden = ""
        if isinstance(workloads, SuppressedRate):
            hidden = f"fewer than {workloads.minimum} of them gave one of the answers"
            text = f"{asked}, the share saying their workload was not manageable is not shown: {hidden}{by_region}."
        else:
            text = (
                f"{asked}, {percent(not_manageable(total))} said their workload was not manageable "
                f"({interval(_not(total))}){by_region}."
            )
        statements.append(
            Statement(
                "staffing-workloads",
                STAFFING,
                text,
                total.staff_asked,
                None if hidden else _not(total),
                ["Region", "Inspections", "Said their workload was not manageable"],
                [[staffing.label, staffing.inspections, _not(staffing)] for staffing in every],
                n_of="staff asked",
                basis=f"the share is not shown, as {hidden}",
                counted="staff",
                figure_of="said their workload was not manageable",
            )
        )
    if total.sickness_days_per_person is not None:
        statements.append(
            Statement(
                "staffing-sickness",
                STAFFING,
                f"Staff lost {total.sickness_days_per_person:.1f} working days each to sickness over the last 12 "
                f"months ({_days(total.sickness_days)} days over {count_of(total.staff_in_post, 'person', 'people')} "
                f"in post, in the {recorded} staffing)"
                f"{_by_region(regions, lambda s: s.sickness_days_per_person, '{:.1f} days')}.",
                total.staff_in_post,
                None,
                ["Region", "Inspections", "Staff in post", "Sickness days", "Days per person"],
                [
                    [
                        staffing.label,
                        staffing.inspections,
                        staffing.staff_in_post,
                        float(staffing.sickness_days),
                        _rounded(staffing.sickness_days_per_person),
                    ]
                    for staffing in every
                ],
                n_of="staff in post",
                basis="an average over everyone in post, not a sample, so no interval",
            )
        )
    return statements


def _not(staffing: Staffing) -> statistics.Sufficiency:
    """Staff saying their workload is not manageable, of those asked, with its 95% interval; not shown where the
    share of those saying it is manageable is not."""
    workloads = staffing.workloads
    if isinstance(workloads, SuppressedRate):
        return workloads
    return statistics.sufficiency(workloads.total - workloads.sufficient, workloads.total)


def _days(days: Decimal) -> str:
    """1,200 days, or 1,104.5."""
    return f"{days:,.1f}".removesuffix(".0")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def not_computed(survey: SurveyResults, staffing: list[Staffing], inspections: int, where: str) -> list[str]:
    """What the report cannot say for want of evidence: each kind the statements above have nothing for."""
    missing = []
    if not survey.questions:
        missing.append(NO_SURVEY.format(where=where))
    if not staffing:
        why = (
            "none of the inspections reported from recorded their PDU’s staffing"
            if inspections
            else "there are no inspections to report from"
        )
        missing.append(NO_STAFFING.format(why=why))
    return missing
