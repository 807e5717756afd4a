"""Report tables as GOV.UK tables: escaped text, numeric cells aligned, ratings in words, an empty table said so."""

from inspections import statistics
from reports import rating as rules
from reports.tables import Table
from reports.templatetags.report_tables import govuk_table


def test_table_escapes_text_and_marks_numeric_cells():
    table = Table(
        slug="kq",
        title="Key questions <b>",
        columns=["Key question", "Rate", "Rating"],
        rows=[["<script>2.1.1</script>", statistics.sufficiency(3, 4), rules.Rating.GOOD]],
    )

    html = govuk_table(table, "/export.csv?table=kq&x=1")

    assert "<script>" not in html
    assert "&lt;script&gt;2.1.1&lt;/script&gt;" in html
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Key questions &lt;b&gt;</caption>'
        in html
    )
    assert '<th scope="row" class="govuk-table__header">&lt;script&gt;' in html
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric"><span class="app-nowrap">75.0%</span>'
        in html
    )
    assert '<strong class="app-rating app-rating--good">Good</strong>' in html
    assert 'href="/export.csv?table=kq&amp;x=1"' in html


def test_an_empty_table_says_there_is_nothing_to_show_and_has_no_csv_link_when_none_is_given():
    html = govuk_table(Table(slug="needs", title="Needs", columns=["Need", "Met"], rows=[]), "")

    assert '<td class="govuk-table__cell" colspan="2">Nothing to show.</td>' in html
    assert "Download" not in html


def test_a_missing_value_shows_a_dash_and_is_read_out_as_no_value():
    html = govuk_table(Table(slug="s", title="S", columns=["Standard", "Rating"], rows=[["2.1", None]]))

    assert '<span aria-hidden="true">–</span><span class="govuk-visually-hidden">No value</span>' in html
