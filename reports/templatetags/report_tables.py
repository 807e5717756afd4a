"""Rendering the cells of reports.tables.Table in HTML: rates with n and CI, ratings as tags with their words."""

from django import template
from django.utils.html import format_html, format_html_join
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


@register.simple_tag
def govuk_table(table, csv_url: str = ""):
    """A reports.tables.Table as a GOV.UK table, with a link to its CSV when given.

    Built in Python rather than as a template loop: a dashboard has hundreds of cells, and a template node per cell
    made rendering cost as much as the aggregate queries themselves (docs/performance.md).
    """

    def row_html(row) -> str:
        cells = []
        for index, value in enumerate(row):
            if index == 0 and table.row_headers:
                cells.append(format_html('<th scope="row" class="govuk-table__header">{}</th>', cell(value)))
            else:
                numeric = " govuk-table__cell--numeric" if is_numeric(value) else ""
                cells.append(format_html('<td class="govuk-table__cell{}">{}</td>', numeric, cell(value)))
        return format_html('<tr class="govuk-table__row">{}</tr>', mark_safe("".join(cells)))  # noqa: S308

    header = format_html_join(
        "", '<th scope="col" class="govuk-table__header">{}</th>', ((c,) for c in table.columns)
    )
    body = mark_safe("".join(row_html(row) for row in table.rows))  # noqa: S308 - every part is escaped above
    if not table.rows:
        body = format_html(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">Nothing to show.</td></tr>',
            len(table.columns),
        )
    html = format_html(
        '<table class="govuk-table app-table--numeric" id="table-{}">'
        '<caption class="govuk-table__caption govuk-table__caption--m">{}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
        '<tbody class="govuk-table__body">{}</tbody></table>',
        table.slug,
        table.title,
        header,
        body,
    )
    if csv_url:
        html += format_html(
            '<p class="govuk-body-s"><a class="govuk-link" href="{}">Download “{}” as CSV</a></p>',
            csv_url,
            table.title,
        )
    return html
