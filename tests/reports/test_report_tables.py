"""Report tables as GOV.UK tables: escaped text, numeric cells aligned, ratings in words, an empty table said so."""

from inspections import statistics
from reports import rating as rules
from reports.tables import Table
from reports.templatetags.report_tables import govuk_table, key_question_bands_text, key_question_grid


def test_table_escapes_text_and_marks_numeric_cells():
    table = Table(
        slug="kq",
        title="Key questions <b>",
        columns=["Key question", "Rate", "Rating"],
        rows=[["<script>2.2.1</script>", statistics.sufficiency(3, 4), rules.Rating.GOOD]],
    )

    html = govuk_table(table, "/export.csv?table=kq&x=1")

    assert "<script>" not in html
    assert "&lt;script&gt;2.2.1&lt;/script&gt;" in html
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


def test_the_key_question_grid_takes_its_columns_from_the_frameworks_criteria():
    kq = {"code": "9.1.1", "criterion": "Risk of harm to others", "sufficient": 1, "total": 2, "rate": 50.0}
    kq |= {"ci_lower": 9.5, "ci_upper": 90.5, "wording": "?", "rating": "requires_improvement"}
    standard = {"code": "9.1", "title": "Planning", "rating": None, "driving_key_question": "9.1.1"}
    grid = {
        "slug": "standard-criterion",
        "caption": "By standard",
        "standards": [{**standard, "key_questions": [kq]}],
        "criteria": ["Safety and wellbeing", "Risk of harm to others"],
    }
    html = key_question_grid(grid)
    assert ">Safety and wellbeing</th>" in html
    assert ">Risk of harm to others</th>" in html
    assert "9.1.1 (lowest)" in html
    # The first criterion has no key question in this standard: a dash.
    assert html.index(">–</td>") < html.index("9.1.1")


def test_the_key_question_bands_are_worded_from_the_frameworks_bands():
    bands = rules.FrameworkBands.from_data({"outstanding": 90, "good": 75, "requires_improvement": 60}, {})
    assert key_question_bands_text(bands) == (
        "under 60% Inadequate, 60% to under 75% Requires improvement, 75% to under 90% Good, 90% or more Outstanding"
    )
