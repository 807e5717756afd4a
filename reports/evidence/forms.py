"""The forms of the survey upload and the lead's staffing entry. They validate; the services save."""

from crispy_forms_gds.layout import Field, Fieldset, Fixed, Size
from django import forms

from inspections.forms import form_helper

from .models import Grade

WHOLE_NUMBER = "{label} must be a whole number, 0 or more"
NUMBER = "{label} must be a number, 0 or more, like 12.5"


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the survey results",
        help_text="A CSV or Excel (.xlsx) file with the columns listed above.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )
    button = "Import the results"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"), button=self.button)


class StaffingUploadForm(SurveyUploadForm):
    button = "Import the staffing figures"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "Upload the staffing figures"


def _whole(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label[:1].lower()}{label[1:]}",
            "invalid": WHOLE_NUMBER.format(label=label),
            "min_value": WHOLE_NUMBER.format(label=label),
            "max_value": f"{label} must be 1,000,000 or less",
        },
    )


def _decimal(label: str, help_text: str = "", required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=0,
        max_value=99999,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label[:1].lower()}{label[1:]}",
            "invalid": NUMBER.format(label=label),
            "min_value": NUMBER.format(label=label),
            "max_value": f"{label} must be 99,999 or less",
            "max_decimal_places": f"{label} must have at most one decimal place",
            "max_digits": f"{label} must be 99,999 or less",
        },
    )


class StaffingForm(forms.Form):
    """The PDU's staffing: posts and vacancies by grade (full-time equivalent), staff in post and their sickness
    absence, and the staff survey's workload question."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grade_fields = []
        for grade, label in Grade.choices:
            self.fields[f"{grade}_posts"] = _decimal(
                f"{label} posts", "Full-time equivalent; leave empty if the PDU has none", required=False
            )
            self.fields[f"{grade}_vacant"] = _decimal(f"{label} posts vacant", required=False)
            grade_fields.append(
                Fieldset(
                    Field.text(f"{grade}_posts", field_width=Fixed.FIVE),
                    Field.text(f"{grade}_vacant", field_width=Fixed.FIVE),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        self.fields["staff_in_post"] = _whole("Staff in post", "People employed in the PDU")
        self.fields["sickness_days"] = _decimal(
            "Working days lost to sickness", "Over the last 12 months, by all staff in post"
        )
        self.fields["staff_surveyed"] = _whole("Staff who answered the workload question")
        self.fields["workloads_manageable"] = _whole("Staff saying their workload is manageable")
        self.helper = form_helper(
            *grade_fields,
            Field.text("staff_in_post", field_width=Fixed.FIVE),
            Field.text("sickness_days", field_width=Fixed.FIVE),
            Field.text("staff_surveyed", field_width=Fixed.FIVE),
            Field.text("workloads_manageable", field_width=Fixed.FIVE),
            button="Save staffing",
        )

    def clean(self):
        data = super().clean()
        for grade, label in Grade.choices:
            posts, vacant = data.get(f"{grade}_posts"), data.get(f"{grade}_vacant")
            if posts is None and vacant is not None and f"{grade}_posts" not in self.errors:
                self.add_error(f"{grade}_posts", f"Enter the {label.lower()} posts, or leave both empty")
            elif posts is not None and vacant is None and f"{grade}_vacant" not in self.errors:
                self.add_error(f"{grade}_vacant", f"Enter the {label.lower()} posts vacant, or 0 if none are")
        return data

    def vacancies(self) -> dict:
        """grade -> (posts, vacant), for the grades filled in."""
        return {
            grade: (self.cleaned_data[f"{grade}_posts"], self.cleaned_data[f"{grade}_vacant"])
            for grade in Grade.values
            if self.cleaned_data.get(f"{grade}_posts") is not None
        }

    @classmethod
    def initial_from(cls, evidence) -> dict:
        """The recorded figures, to change them."""
        if evidence is None:
            return {}
        initial = {
            name: getattr(evidence, name)
            for name in ("staff_in_post", "sickness_days", "staff_surveyed", "workloads_manageable")
        }
        for vacancy in evidence.vacancies.all():
            initial[f"{vacancy.grade}_posts"] = vacancy.posts
            initial[f"{vacancy.grade}_vacant"] = vacancy.vacant
        return initial
