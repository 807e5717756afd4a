"""The inline SVG charts' geometry: rating colours always come with the rating in words."""

import pytest

from inspections import statistics
from reports import charts
from reports import rating as rules

BANDS = rules.FrameworkBands.from_data({"outstanding": 80, "good": 65, "requires_improvement": 50}, {})


def test_key_question_bars_take_their_rating_colour_and_say_the_rating():
    chart = charts.sufficiency_chart(
        "c",
        "Key questions",
        [
            ("2.2.1", statistics.sufficiency(8, 10)),
            ("2.2.2", statistics.sufficiency(1, 4)),
            ("2.2.3", statistics.sufficiency(0, 0)),
        ],
        BANDS,
    )
    outstanding, inadequate, empty = chart.bars
    assert outstanding.colour == charts.RATING_COLOURS[rules.Rating.OUTSTANDING]
    assert outstanding.value_text.startswith("80% (")
    assert outstanding.value_text.endswith("Outstanding")
    assert outstanding.width == charts.PLOT_WIDTH * 0.8
    assert outstanding.ci_from < charts.LABEL_WIDTH + outstanding.width < outstanding.ci_to
    assert inadequate.value_text.endswith("Inadequate")
    assert (empty.width, empty.value_text, empty.ci_from) == (0, "no cases", None)
    assert [line.label for line in chart.gridlines] == ["0%", "100%", "50%", "65%", "80%"]
    assert "Lowest: 2.2.2 at 25%; highest: 2.2.1 at 80%." in chart.description


def test_intervals_and_gridlines_sit_at_their_percentage_right_of_a_widened_label_column():
    label = "A key question with a label far wider than the usual label column"
    rate = statistics.sufficiency(26, 40)
    chart = charts.sufficiency_chart("c", "Key questions", [(label, rate)], BANDS)
    assert chart.label_width > charts.LABEL_WIDTH

    def x(percentage: float) -> float:
        return chart.label_width + charts.PLOT_WIDTH * percentage / 100

    (bar,) = chart.bars
    assert (bar.ci_from, bar.ci_to) == (x(rate.lower), x(rate.upper))
    assert [(line.x, line.label) for line in chart.gridlines] == [
        (x(0), "0%"),
        (x(100), "100%"),
        (x(50), "50%"),
        (x(65), "65%"),
        (x(80), "80%"),
    ]


def test_rates_without_bands_are_one_colour_with_no_rating_words():
    chart = charts.sufficiency_chart("c", "Needs", [("Drugs", statistics.sufficiency(29, 100))], None)
    (bar,) = chart.bars
    assert bar.colour == charts.UNRATED_COLOUR
    assert "Inadequate" not in bar.value_text
    assert bar.value_text.endswith("n = 100")
    assert [line.label for line in chart.gridlines] == ["0%", "100%"]


def test_an_empty_chart_says_there_are_no_cases():
    chart = charts.sufficiency_chart("c", "Nothing", [], BANDS)
    assert "no counted cases" in chart.description
    assert chart.height > 0


def test_distribution_bars_are_proportional_and_labelled_with_counts():
    chart = charts.distribution_chart(
        "d",
        "Ratings",
        {
            rules.Rating.OUTSTANDING: 0,
            rules.Rating.GOOD: 1,
            rules.Rating.REQUIRES_IMPROVEMENT: 4,
            rules.Rating.INADEQUATE: 2,
        },
    )
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 0
    assert widths[2] == chart.plot_width
    assert widths[3] == chart.plot_width / 2
    assert [bar.value_text for bar in chart.bars] == ["0 PDUs", "1 PDU", "4 PDUs", "2 PDUs"]
    assert "Requires improvement 4" in chart.description


def _fits(chart):
    """Every label and value text lies inside the chart, measured generously (charts.text_width)."""
    for bar in chart.bars:
        assert chart.label_width - charts.TEXT_GAP - charts.text_width(bar.label) >= 0, bar.label
        assert chart.value_x + charts.text_width(bar.value_text) <= chart.width, bar.value_text
    return True


def test_no_label_or_value_is_cut_by_the_edge_of_a_chart():
    # A Requires improvement rate with a wide interval, and a long case-fact label, as the PDF cut them.
    chart = charts.sufficiency_chart(
        "c",
        "Key questions",
        [("2.2.1", statistics.sufficiency(55, 100)), ("2.2.2", statistics.sufficiency(5, 9))],
        BANDS,
    )
    assert chart.bars[1].value_text == "56% (27% to 81%), Requires improvement"
    assert _fits(chart)
    facts = charts.sufficiency_chart(
        "f",
        "Case facts",
        [("Sentence plan completed within fifteen working days", statistics.sufficiency(100, 100))],
        None,
    )
    assert _fits(facts)
    distribution = charts.distribution_chart("d", "Ratings", dict.fromkeys(rules.Rating, 1000))
    assert _fits(distribution)


def test_comparison_bars_pair_each_rate_with_both_groups_intervals():
    chart = charts.comparison_chart(
        "c",
        "Key questions",
        [("2.2.1", statistics.sufficiency(8, 10), statistics.sufficiency(0, 0))],
        "2025-26",
        "2024-25",
    )
    first, second = chart.bars
    assert (first.label, second.label) == ("2.2.1 2025-26", "2.2.1 2024-25")
    assert first.colour == charts.UNRATED_COLOUR
    assert first.ci_from is not None
    assert first.ci_to is not None
    assert first.value_text == "80% (49% to 94%), n = 10"
    assert second.value_text == "no cases"
    assert second.width == 0


def test_composite_bars_are_shares_of_their_maximum_in_their_ratings_colour():
    chart = charts.composite_chart(
        "c",
        "Over time",
        [("Published Jan 2022", 15, 27, rules.Rating.GOOD), ("Inspected Jun 2026", None, None, None)],
    )
    good, unrated = chart.bars
    assert good.width == pytest.approx(charts.PLOT_WIDTH * 15 / 27)
    assert good.colour == charts.RATING_COLOURS[rules.Rating.GOOD]
    assert good.value_text == "15 out of 27, Good"
    assert unrated.value_text == "not rated"
    assert "Published Jan 2022: 15 out of 27, Good" in chart.description
