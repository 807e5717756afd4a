"""The form choosing what to compare. It validates and names the two groups; reports.selectors.comparisons compares.

Its choices (years, regions, groups of cases) come from the locked inspections and their frameworks."""

from __future__ import annotations

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field
from django import forms

from inspections.dates import DateRange, GovUKDateField
from inspections.forms import form_helper

from .selectors import comparisons
from .selectors.dashboards import Period

COMPARE_CHOICES = [
    ("years", "Year on year"),
    ("date", "Before and after a date"),
    ("region", "A region against the rest of England and Wales"),
    ("cases", "One group of cases against another"),
]
CHOOSE_COMPARISON = "Select what to compare"
CHOOSE_FIRST_YEAR = "Select the first year"
CHOOSE_SECOND_YEAR = "Select the year to compare it with"
SAME_YEAR = "Select a different year from the first"
CHOOSE_REGION = "Select a region"
CHOOSE_FIRST_GROUP = "Select the first group of cases"
CHOOSE_SECOND_GROUP = "Select the group of cases to compare it with"
SAME_GROUP = "Select a different group of cases from the first"
DIFFERENT_ATTRIBUTE = (
    "Select a group of cases by the same attribute as the first, such as case type against case type"
)


def choice_problems(data: dict, *, date_field: str) -> dict[str, str]:
    """What is missing or contradictory in a comparison's choices, by field: the form's and the API's one rule."""
    compare = data.get("compare")
    required = {
        "years": [("first_year", CHOOSE_FIRST_YEAR), ("second_year", CHOOSE_SECOND_YEAR)],
        "date": [(date_field, "Enter the date")],
        "region": [("region", CHOOSE_REGION)],
        "cases": [("first_group", CHOOSE_FIRST_GROUP), ("second_group", CHOOSE_SECOND_GROUP)],
    }.get(compare or "", [])
    problems = {name: message for name, message in required if not data.get(name)}
    if problems:
        return problems
    if compare == "years" and data["first_year"] == data["second_year"]:
        problems["second_year"] = SAME_YEAR
    if compare == "cases" and data["first_group"] == data["second_group"]:
        problems["second_group"] = SAME_GROUP
    elif compare == "cases" and data["first_group"].split(":")[0] != data["second_group"].split(":")[0]:
        problems["second_group"] = DIFFERENT_ATTRIBUTE
    return problems


class ComparisonForm(forms.Form):
    compare = forms.ChoiceField(
        label="What do you want to compare?",
        choices=COMPARE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_COMPARISON},
    )
    first_year = forms.ChoiceField(label="First year", required=False)
    second_year = forms.ChoiceField(label="Compared with the year", required=False)
    day = GovUKDateField(
        label="Date",
        name="the date",
        allowed=DateRange(years_before=30, years_after=5),
        help_text="Cases of inspections from this date on, against those before it. For example, 26 6 2021",
        required=False,
        initial=comparisons.UNIFICATION,
    )
    region = forms.ChoiceField(label="Region", required=False)
    first_group = forms.ChoiceField(label="First group of cases", required=False)
    second_group = forms.ChoiceField(label="Compared with the group", required=False)
    within = forms.ChoiceField(
        label="Year (optional)",
        required=False,
        help_text="For a region or groups of cases: leave empty to compare over every year.",
    )

    def __init__(self, *args, choices: comparisons.Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        years = [(p.slug, f"{p.slug} ({p.label})") for p in choices.periods]
        empty = [("", "Select")]
        self.fields["first_year"].choices = empty + years
        self.fields["second_year"].choices = empty + years
        self.fields["within"].choices = [("", "Every year"), *years]
        self.fields["region"].choices = empty + [(str(r.pk), r.name) for r in choices.regions]
        groups = [(group.slug, group.label) for group in choices.case_groups]
        self.fields["first_group"].choices = empty + groups
        self.fields["second_group"].choices = empty + groups
        self.helper = form_helper(
            ConditionalRadios(
                "compare",
                ConditionalQuestion(COMPARE_CHOICES[0][1], "first_year", "second_year"),
                ConditionalQuestion(COMPARE_CHOICES[1][1], "day"),
                ConditionalQuestion(COMPARE_CHOICES[2][1], "region"),
                ConditionalQuestion(COMPARE_CHOICES[3][1], "first_group", "second_group"),
            ),
            Field.select("within"),
            button="Compare",
        )

    def clean(self):
        data = super().clean()
        for name, message in choice_problems(data, date_field="day").items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def groups(self) -> tuple[comparisons.Group, comparisons.Group]:
        """The two groups chosen (the form is valid)."""
        data = self.cleaned_data
        within = Period.from_slug(data["within"]) if data.get("within") else None
        if data["compare"] == "years":
            first, second = (Period.from_slug(data[name]) for name in ("first_year", "second_year"))
            assert first is not None
            assert second is not None
            return comparisons.years(first, second)
        if data["compare"] == "date":
            return comparisons.before_and_after(data["day"])
        if data["compare"] == "region":
            region = next(r for r in self.choices.regions if str(r.pk) == data["region"])
            return comparisons.region_and_rest(region, within)
        by_slug = {group.slug: group for group in self.choices.case_groups}
        return comparisons.case_groups(by_slug[data["first_group"]], by_slug[data["second_group"]], within)
