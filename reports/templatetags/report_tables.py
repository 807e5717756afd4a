"""Rendering the cells of reports.tables.Table in HTML: rates with n and CI, ratings as tags with their words."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from reports import rating as rules

register = template.Library()


def _percent(value: float) -> str:
    return f"{value:.1f}%"


@register.filter
def cell(value):
    """One table cell: a rate as "62.5% (51.0% to 72.3%), 25 of 40"; a rating as a tag; nothing as a dash."""
    if value is None or value == "":
        return mark_safe('<span aria-hidden="true">–</span><span class="govuk-visually-hidden">None</span>')
    if isinstance(value, rules.Sufficiency):
        if value.rate is None:
            return mark_safe('<span class="govuk-hint govuk-!-margin-0">No cases (n = 0)</span>')
        return format_html(
            '<span class="app-nowrap">{}</span> <span class="govuk-body-s app-nowrap">({} to {})</span>'
            '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-0">{} of {}</span>',
            _percent(value.rate),
            _percent(value.lower),
            _percent(value.upper),
            value.sufficient,
            value.total,
        )
    if isinstance(value, rules.Rating):
        # The markup of includes/rating_tag.html, without a template render per cell.
        return format_html('<strong class="app-rating app-rating--{}">{}</strong>', value.value, value.label)
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


@register.filter
def is_numeric(value) -> bool:
    return isinstance(value, (int, float, rules.Sufficiency)) and not isinstance(value, bool)


@register.filter
def sufficiency_of(data: dict) -> rules.Sufficiency:
    """A key question's rate from its plain data (inspection_result_data or a snapshot)."""
    return rules.Sufficiency(
        data["sufficient"], data["total"], data["rate"], data["ci_lower"], data["ci_upper"]
    )


@register.filter
def rating_of(value: str | None) -> rules.Rating | None:
    return rules.Rating(value) if value else None


@register.filter
def by_criterion(key_questions: list[dict]) -> dict:
    return {kq["criterion"]: kq for kq in key_questions}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
