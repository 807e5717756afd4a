"""Report tables, the standard × criterion grid and the SVG charts in HTML, built in Python.

A dashboard has hundreds of cells and bars. A template node (or even `format_html`) per cell made rendering cost as
much as the aggregate queries themselves (docs/performance.md), so these build their markup with f-strings, escaping
every text value with `_escape`.
"""

import html

from django import template
from django.utils.safestring import SafeData, SafeString, mark_safe

from inspections import statistics
from reports import rating as rules
from reports.charts import Chart
from reports.disclosure import SuppressedRate
from reports.tables import sufficiency_of

register = template.Library()

EMPTY_CELL = '<span aria-hidden="true">–</span><span class="govuk-visually-hidden">No value</span>'


def _escape(value) -> str:
    """HTML-escaped text (the standard library's escaping, as Django's); safe strings pass unchanged."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


@register.simple_tag
def rating_tag(rating: rules.Rating | None) -> SafeString:
    """A rating as a coloured tag with its name in words; "Not yet rated" when there is none."""
    return mark_safe(_rating_tag(rating))  # noqa: S308 - a fixed label


def _rating_tag(rating: rules.Rating | None) -> str:
    if not rating:
        return '<span class="govuk-hint govuk-!-margin-0">Not yet rated</span>'
    return f'<strong class="app-rating app-rating--{rating.value}">{_escape(rating.label)}</strong>'


def crosses_flag(boundaries: list[float]) -> str:
    """The flag on a rate whose 95% interval crosses band boundaries: the sample cannot tell those bands apart."""
    if not boundaries:
        return ""
    percentages = [f"{boundary:g}%" for boundary in boundaries]
    listed = " and ".join(
        [", ".join(percentages[:-1]), percentages[-1]] if len(percentages) > 1 else percentages
    )
    return (
        '<strong class="govuk-tag govuk-tag--orange govuk-!-font-size-14 govuk-!-margin-top-1">'
        f'<span class="govuk-visually-hidden">95% interval </span>Crosses {listed}</strong>'
    )


def _cell(value, crossed: list[float] | None = None) -> SafeString | str:
    """One table cell: a rate as "62.5% (51.0% to 72.3%), 25 of 40", flagged where its interval crosses a band
    boundary (`crossed`); a rate too small to show, as its note; a rating as a tag; nothing as a dash."""
    if isinstance(value, SuppressedRate):
        markup = f'<span class="govuk-hint govuk-!-margin-0">{_escape(value.note.capitalize())}</span>'
    elif isinstance(value, statistics.Sufficiency):
        if value.rate is None:
            markup = '<span class="govuk-hint govuk-!-margin-0">No cases (n = 0)</span>'
        else:
            markup = (
                f'<span class="app-nowrap">{value.rate:.1f}%</span> '
                f'<span class="govuk-body-s app-nowrap">({value.lower:.1f}% to {value.upper:.1f}%)</span>'
                '<span class="govuk-body-s govuk-!-display-block govuk-!-margin-0">'
                f"{value.sufficient} of {value.total}</span>{crosses_flag(crossed or [])}"
            )
    elif isinstance(value, rules.Rating):
        markup = _rating_tag(value)
    elif value is None or value == "":
        markup = EMPTY_CELL
    elif isinstance(value, float):
        return f"{value:.1f}"
    else:
        return value
    return mark_safe(markup)  # noqa: S308 - numbers and escaped text only


def _data_cell(value, crossed: list[float] | None = None) -> str:
    """A table's data cell, aligned right when it holds a number or a rate."""
    numeric = isinstance(value, (int, float, statistics.Sufficiency)) and not isinstance(value, bool)
    cell = _escape(_cell(value, crossed))
    return f'<td class="govuk-table__cell{" govuk-table__cell--numeric" if numeric else ""}">{cell}</td>'


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.simple_tag
def govuk_table(table, csv_url: str = "") -> SafeString:
    """A reports.tables.Table as a GOV.UK table, with a link to its CSV when given."""

    def row_html(row) -> str:
        first, *rest = row
        header = (
            f'<th scope="row" class="govuk-table__header">{_escape(_cell(first))}</th>'
            if table.row_headers
            else _data_cell(first)
        )
        cells = "".join(
            _data_cell(value, table.crossed(value) if isinstance(value, statistics.Sufficiency) else None)
            for value in rest
        )
        return f'<tr class="govuk-table__row">{header}{cells}</tr>'

    header = "".join(f'<th scope="col" class="govuk-table__header">{_escape(c)}</th>' for c in table.columns)
    body = "".join(row_html(row) for row in table.rows)
    if not table.rows:
        body = (
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(table.columns)}">'
            "Nothing to show.</td></tr>"
        )
    markup = (
        f'<table class="govuk-table app-table--numeric" id="table-{_escape(table.slug)}">'
        f'<caption class="govuk-table__caption govuk-table__caption--m">{_escape(table.title)}</caption>'
        f'<thead class="govuk-table__head"><tr class="govuk-table__row">{header}</tr></thead>'
        f'<tbody class="govuk-table__body">{body}</tbody></table>'
    )
    if csv_url:
        markup += (
            f'<p class="govuk-body-s"><a class="govuk-link" href="{_escape(csv_url)}">'
            f"Download “{_escape(table.title)}” as CSV</a></p>"
        )
    return mark_safe(markup)  # noqa: S308 - every value is escaped above


@register.simple_tag
def key_question_bands_text(bands: rules.FrameworkBands) -> str:
    """The key-question bands in words, from the framework: "under 50% Inadequate, 50% to under 65% ..."."""
    thresholds = bands.key_question.thresholds
    ordered = sorted(thresholds.items(), key=lambda item: item[1])
    parts = [f"under {ordered[0][1]:g}% {rules.Rating.INADEQUATE.label}"]
    for index, (rating, lowest) in enumerate(ordered):
        if index + 1 < len(ordered):
            parts.append(f"{lowest:g}% to under {ordered[index + 1][1]:g}% {rating.label}")
        else:
            parts.append(f"{lowest:g}% or more {rating.label}")
    return ", ".join(parts)


@register.simple_tag
def key_question_grid(grid: dict) -> SafeString:
    """The key questions as a standard x criterion table, from the results data of standards rated from cases (one
    grid per case kind: `slug`, `caption`, `standards`, `criteria`); the criteria (columns) are the framework's."""
    standards, criteria, bands = grid["standards"], grid["criteria"], grid.get("bands")

    def crossed(value) -> list[float]:
        return [] if bands is None else rules.crossed_boundaries(value.lower, value.upper, bands)

    def kq_cell(kq: dict | None, driving: str | None) -> str:
        if kq is None:
            return '<td class="govuk-table__cell govuk-table__cell--numeric">–</td>'
        lowest = " (lowest)" if kq["code"] == driving else ""
        value = sufficiency_of(kq)
        return (
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            f'<span class="govuk-body-s govuk-!-display-block govuk-!-margin-0">{_escape(kq["code"])}{lowest}</span>'
            f"{_cell(value, crossed(value))}</td>"
        )

    rows = []
    for standard in standards:
        by_criterion: dict[str, dict] = {}
        for kq in standard["key_questions"]:
            by_criterion.setdefault(kq["criterion"], kq)
        cells = "".join(kq_cell(by_criterion.get(c), standard["driving_key_question"]) for c in criteria)
        rating = rules.Rating(standard["rating"]) if standard["rating"] else None
        rows.append(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header">{_escape(standard["code"])} {_escape(standard["title"])}</th>'
            f'{cells}<td class="govuk-table__cell">{_rating_tag(rating)}</td></tr>'
        )
    headers = "".join(
        f'<th scope="col" class="govuk-table__header govuk-table__header--numeric">{_escape(c)}</th>'
        for c in criteria
    )
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'<table class="govuk-table app-table--numeric" id="table-{_escape(grid["slug"])}">'
        f'<caption class="govuk-table__caption govuk-table__caption--m">{_escape(grid["caption"])}</caption>'
        '<thead class="govuk-table__head"><tr class="govuk-table__row">'
        f'<th scope="col" class="govuk-table__header">Standard</th>{headers}'
        '<th scope="col" class="govuk-table__header">Standard’s rating</th>'
        f'</tr></thead><tbody class="govuk-table__body">{"".join(rows)}</tbody></table>'
    )


STROKE = 'stroke="#0b0c0c" stroke-width="2"'


@register.simple_tag
def svg_chart(chart: Chart) -> SafeString:
    """A reports.charts.Chart as an inline SVG figure with a text alternative (its data table sits beside it)."""
    slug, title, description = _escape(chart.slug), _escape(chart.title), _escape(chart.description)
    parts = []
    for line in chart.gridlines:
        parts.append(
            f'<line x1="{line.x:.1f}" x2="{line.x:.1f}" y1="{chart.top - 6}" y2="{chart.axis_bottom}" '
            'stroke="#505a5f" stroke-width="1" stroke-dasharray="4 3"></line>'
            f'<text x="{line.x:.1f}" y="{chart.top - 10}" text-anchor="middle" font-size="12" fill="#0b0c0c">'
            f"{_escape(line.label)}</text>"
        )
    for bar in chart.bars:
        parts.append(
            f'<text x="{chart.label_width - 8}" y="{bar.text_y:.1f}" text-anchor="end" font-size="14" '
            f'fill="#0b0c0c">{_escape(bar.label)}</text>'
        )
        if bar.width:
            parts.append(
                f'<rect x="{chart.label_width}" y="{bar.y}" width="{bar.width:.1f}" height="{chart.bar_height}" '
                f'fill="{bar.colour}" stroke="#0b0c0c" stroke-width="1"></rect>'
            )
        if bar.ci_from is not None:
            parts.append(
                f'<line x1="{bar.ci_from:.1f}" x2="{bar.ci_to:.1f}" y1="{bar.ci_y:.1f}" y2="{bar.ci_y:.1f}" '
                f"{STROKE}></line>"
                f'<line x1="{bar.ci_from:.1f}" x2="{bar.ci_from:.1f}" y1="{bar.y + 4}" y2="{bar.y + 16}" '
                f"{STROKE}></line>"
                f'<line x1="{bar.ci_to:.1f}" x2="{bar.ci_to:.1f}" y1="{bar.y + 4}" y2="{bar.y + 16}" '
                f"{STROKE}></line>"
            )
        parts.append(
            f'<text x="{chart.value_x}" y="{bar.text_y:.1f}" font-size="14" fill="#0b0c0c">'
            f"{_escape(bar.value_text)}</text>"
        )
    return mark_safe(  # noqa: S308 - every value is escaped above
        '<figure class="app-figure govuk-!-margin-0 govuk-!-margin-bottom-4">'
        f'<figcaption class="govuk-body-s govuk-!-margin-bottom-1"><strong>{title}.</strong> {description}'
        "</figcaption>"
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{slug}-title {slug}-desc" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}">'
        f'<title id="{slug}-title">{title}</title><desc id="{slug}-desc">{description}</desc>'
        f"{''.join(parts)}</svg></figure>"
    )
