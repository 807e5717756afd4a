"""The survey's and staffing evidence's sections, for any page to show with one line:
`{% load evidence %}{% survey_summary dashboard %}` (national or regional), `{% pdu_survey_summary pdu %}`,
`{% staffing_evidence dashboard %}` (an inspection's), `{% staffing_by_region dashboard %}` (national)."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.http import urlencode

from reports.evidence.permissions import can_import_survey, can_record_staffing, can_view_survey
from reports.evidence.selectors import inspection_staffing, survey_results
from reports.evidence.selectors import staffing_by_region as regional_staffing

register = template.Library()


def _user(context):
    """The signed-in user; anonymous where a template is rendered without one (a PDF), so nothing is shown."""
    return context.get("user") or AnonymousUser()


@register.inclusion_tag("reports/includes/survey_summary.html", takes_context=True)
def survey_summary(context, dashboard):
    """The survey pooled over the dashboard's region (or nation) in its period, or the latest with results."""
    if not can_view_survey(_user(context)):
        return {"survey": None}
    region = dashboard.region.pk if dashboard.region else None
    survey = survey_results(region_id=region, period=dashboard.period.slug if dashboard.period else None)
    query = {key: value for key, value in (("region", region), ("period", survey.period)) if value}
    scope = dashboard.region.name if dashboard.region else "National"
    return {
        "survey": survey,
        "scope": scope,
        "csv_url": reverse("national_survey_csv") + (f"?{urlencode(query)}" if query else ""),
        "can_import": can_import_survey(_user(context)),
    }


@register.inclusion_tag("reports/includes/survey_summary.html", takes_context=True)
def pdu_survey_summary(context, pdu, period=None):
    """One PDU's survey results, for its page."""
    if not can_view_survey(_user(context)):
        return {"survey": None}
    survey = survey_results(pdu_id=pdu.pk, period=period)
    query = f"?{urlencode({'period': survey.period})}" if survey.period else ""
    return {
        "survey": survey,
        "scope": pdu.name,
        "csv_url": reverse("pdu_survey_csv", args=[pdu.pk]) + query,
        "pdu_page": reverse("pdu_survey", args=[pdu.pk]),
    }


@register.inclusion_tag("reports/includes/staffing_evidence.html", takes_context=True)
def staffing_evidence(context, dashboard):
    """The inspected PDU's staffing beside its organisational ratings, with a link for the lead to record it."""
    inspection = dashboard.inspection
    return {
        "staffing": inspection_staffing(inspection),
        "inspection": inspection,
        "can_record": not inspection.is_locked and can_record_staffing(_user(context), inspection),
    }


@register.inclusion_tag("reports/includes/staffing_by_region.html")
def staffing_by_region(dashboard):
    """Staffing pooled by region over the inspections the dashboard shows."""
    return {"regions": regional_staffing(row.inspection_id for row in dashboard.rows if row.inspection_id)}
