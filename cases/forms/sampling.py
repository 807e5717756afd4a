"""Forms for the sample designer: the caseload upload, the design and a replacement's reason. They validate;
cases.services.sampling saves. Percentages are shown as the inspectorate writes them (80%, ±10 points)."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms

from inspections.definitions import CaseKind
from inspections.forms import form_helper, within_limit

from ..caseload import CASE_TYPE
from ..sample_models import SampleDesign, SamplingMethod
from ..selectors.sampling import strata_choices
from ..services.sampling import MINIMUM_ABOVE_MAXIMUM, REASON_REQUIRED, SEED_LIMIT, WINDOW_ORDER

CONFIDENCE_RANGE = "Confidence must be a whole number from 50 to 99"
MARGIN_RANGE = "Margin must be a whole number of points from 1 to 50"


def _whole(
    label: str, message: str, low: int, high: int | None = None, required: bool = True
) -> forms.IntegerField:
    errors = {
        "required": f"Enter the {label.lower()}",
        "invalid": message,
        "min_value": message,
        "max_value": message,
    }
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, required=required, error_messages=errors, localize=False
    )


class CaseloadUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the caseload",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file with a row per case: CRN, PNC, name, date of birth, start "
        "date, gender, ethnicity group, team, practitioner and the case kind's columns. Names, dates of birth "
        "and PNC numbers are used only to find one person's several cases and are not kept.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )
    window_start = DateInputField(label="Cases starting from", help_text="For example, 7 12 2025")
    window_end = DateInputField(label="Cases starting up to", help_text="For example, 6 6 2026")
    case_types = forms.MultipleChoiceField(
        label="Case types to sample",
        help_text="Leave all unticked to sample every case type.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_start"].error_messages["required"] = "Enter the date the window starts"
        self.fields["window_end"].error_messages["required"] = "Enter the date the window ends"
        fields = [Field("file"), Field("window_start"), Field("window_end")]
        case_type = kind.attribute(CASE_TYPE)
        if case_type is not None:
            self.fields["case_types"].choices = [(option.value, option.label) for option in case_type.options]
            fields.append(Field.checkboxes("case_types", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["case_types"]
        self.helper = form_helper(*fields, button="Check the caseload")

    def clean(self):
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", WINDOW_ORDER)
        return data


class DesignForm(forms.Form):
    confidence = _whole("Confidence (%)", CONFIDENCE_RANGE, 50, 99)
    margin = _whole("Margin of error (± percentage points)", MARGIN_RANGE, 1, 50)
    minimum = _whole(
        "Minimum sample size (optional)", "Minimum must be a whole number, 0 or more", 0, required=False
    )
    maximum = _whole(
        "Maximum sample size (optional)", "Maximum must be a whole number, 1 or more", 1, required=False
    )
    strata = forms.MultipleChoiceField(
        label="Strata",
        help_text="Tick the variables the sample is matched on. Ticking none draws from the whole caseload.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    represent_every_stratum = forms.BooleanField(
        label="Give every non-empty stratum at least one case (over-represents small strata)", required=False
    )
    practitioner_cap = _whole("Most cases per practitioner", "Enter a whole number from 1 to 50", 1, 50)
    reserve_per_stratum = _whole("Reserve cases per stratum", "Enter a whole number from 0 to 100", 0, 100)
    method = forms.ChoiceField(
        label="Draw",
        choices=SamplingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to draw"},
    )
    seed = _whole("Seed", f"Seed must be a whole number from 0 to {SEED_LIMIT - 1}", 0, SEED_LIMIT - 1)

    def __init__(self, *args, kind: CaseKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strata"].choices = strata_choices(kind)
        self.helper = form_helper(
            Field.text("confidence", field_width=Fixed.TWO),
            Field.text("margin", field_width=Fixed.TWO),
            Field.text("minimum", field_width=Fixed.THREE),
            Field.text("maximum", field_width=Fixed.THREE),
            Field.checkboxes("strata", legend_size=Size.SMALL, small=True),
            Field("represent_every_stratum"),
            Field.text("practitioner_cap", field_width=Fixed.TWO),
            Field.text("reserve_per_stratum", field_width=Fixed.THREE),
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field.text("seed", field_width=Fixed.TEN),
            button="Update the design",
        )

    @staticmethod
    def initial_for(design: SampleDesign) -> dict:
        return {
            "confidence": round(design.confidence * 100),
            "margin": round(design.margin * 100),
            "minimum": design.minimum,
            "maximum": design.maximum,
            "strata": design.strata,
            "represent_every_stratum": design.represent_every_stratum,
            "practitioner_cap": design.practitioner_cap,
            "reserve_per_stratum": design.reserve_per_stratum,
            "method": design.method,
            "seed": design.seed,
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", MINIMUM_ABOVE_MAXIMUM)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "confidence": data["confidence"] / 100,
            "margin": data["margin"] / 100,
            "minimum": data["minimum"],
            "maximum": data["maximum"],
            "strata": data["strata"],
            "represent_every_stratum": data["represent_every_stratum"],
            "practitioner_cap": data["practitioner_cap"],
            "reserve_per_stratum": data["reserve_per_stratum"],
            "method": data["method"],
            "seed": data["seed"],
        }


class ReplacementForm(forms.Form):
    reason = forms.CharField(
        label="Why is the case ineligible?",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=within_limit("The reason"),
        error_messages={"required": REASON_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason"), button="Replace from the reserve")
