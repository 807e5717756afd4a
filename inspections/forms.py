"""Forms for setting up an inspection and rating its organisational standards. They validate; services save.

`within_limit` and `show_refusal` serve every app's forms: one length limit for free text, one way of showing a
service's refusal.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from pdus.models import PDU, Region

from .dates import DateRange, GovUKDateField
from .models import Framework, Inspection, Rating, Standard, Unit
from .services import (
    DATES_OUT_OF_ORDER,
    FIELDWORK_TOO_LONG,
    FIELDWORK_WEEKS_MAX,
    RATIONALE_MISSING,
    TEXT_MAX_LENGTH,
)

PDU_MISSING = "Select the PDU"
REGION_MISSING = "Select the region"


def within_limit(name: str) -> list[MaxLengthValidator]:
    """Free text's length limit, as for the evidence on a case. A validator rather than max_length, whose HTML
    maxlength would make the browser cut pasted text short without saying so."""
    message = f"{name} must be {TEXT_MAX_LENGTH:,} characters or less"
    return [MaxLengthValidator(TEXT_MAX_LENGTH, message=message)]


def show_refusal(form: forms.Form, error: Exception) -> None:
    """Show a service's refusal on the form: invalid values against their fields, anything else above the form."""
    if not isinstance(error, ValidationError):
        form.add_error(None, str(error))
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


class UserChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} ({user.username})"


def form_helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


# Fieldwork is recorded for inspections of the last few years and planned a few years ahead, never for 1926 or 2226.
FIELDWORK_DATES = DateRange(years_before=5, years_after=3)


def fieldwork_date_fields() -> tuple[GovUKDateField, GovUKDateField]:
    return (
        GovUKDateField(
            label="Fieldwork start date",
            name="the fieldwork start date",
            allowed=FIELDWORK_DATES,
            help_text="For example, 7 9 2026",
        ),
        GovUKDateField(
            label="Fieldwork end date",
            name="the fieldwork end date",
            allowed=FIELDWORK_DATES,
            help_text="For example, 18 9 2026",
        ),
    )


def clean_fieldwork(form: forms.Form, data: dict) -> None:
    """The end on or after the start, and fieldwork no longer than the longest an inspection's fieldwork runs."""
    start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
    if start and end and end < start:
        form.add_error("fieldwork_end", DATES_OUT_OF_ORDER)
    elif start and end and (end - start).days > FIELDWORK_WEEKS_MAX * 7:
        form.add_error("fieldwork_end", FIELDWORK_TOO_LONG)


TEAM_FIELDS = ("inspectors", "assistant_inspectors", "quality_assurers")


def team_fieldset(legend: str) -> Fieldset:
    return Fieldset(
        *(Field.checkboxes(name, legend_size=Size.SMALL, small=True) for name in TEAM_FIELDS),
        legend=legend,
        legend_size=Size.MEDIUM,
    )


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class OptionalStandardField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, standard):
        return f"{standard.code} {standard.title} ({standard.framework.name}, version {standard.framework.version})"


class InspectionCreateForm(forms.Form):
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=Framework.objects.published().order_by("slug", "-version"),
        empty_label=None,
        error_messages={"required": "Select the framework version"},
    )
    pdu = forms.ModelChoiceField(
        label="Probation Delivery Unit (PDU)",
        help_text="For a framework that inspects PDUs.",
        queryset=PDU.objects.select_related("region").order_by("name"),
        required=False,
        empty_label="Choose a PDU",
    )
    region = forms.ModelChoiceField(
        label="Region",
        help_text="For a framework that inspects regions.",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Choose a region",
    )
    optional_standards = OptionalStandardField(
        label="Optional standards this inspection rates",
        help_text="Only those of the framework version you chose count. For example, court work is not rated "
        "where a PDU's court work is done by a shared court team.",
        queryset=Standard.objects.none(),
        required=False,
    )
    fieldwork_start, fieldwork_end = fieldwork_date_fields()
    inspectors = UserChoiceField(label="Inspectors", queryset=None, required=False)
    assistant_inspectors = UserChoiceField(label="Assistant inspectors", queryset=None, required=False)
    quality_assurers = UserChoiceField(label="Quality assurers", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEAM_FIELDS:
            self.fields[name].queryset = active_users()
        optional = Standard.objects.filter(
            is_optional=True, framework__published_at__isnull=False
        ).select_related("framework")
        self.fields["optional_standards"].queryset = optional.order_by(
            "framework__slug", "-framework__version", "order"
        )
        # Ticked by default where the framework rates the standard by default (court work in pdu-2021).
        self.fields["optional_standards"].initial = [
            standard.pk
            for standard in optional
            if (found := standard.framework.definition.standard(standard.code)) and found.rated_by_default
        ]
        self.helper = form_helper(
            Field.select("framework"),
            Field.select("pdu"),
            Field.select("region"),
            Field.checkboxes("optional_standards", legend_size=Size.SMALL, small=True),
            Field("fieldwork_start"),
            Field("fieldwork_end"),
            team_fieldset("Team (you are the lead inspector)"),
            button="Create inspection",
        )

    def clean(self):
        data = super().clean()
        clean_fieldwork(self, data)
        framework = data.get("framework")
        if framework is not None:
            # The unit the framework does not inspect is ignored: a form may keep a choice from before.
            if framework.unit == Unit.PDU:
                data["region"] = None
                if not data.get("pdu"):
                    self.add_error("pdu", PDU_MISSING)
            else:
                data["pdu"] = None
                if not data.get("region"):
                    self.add_error("region", REGION_MISSING)
            # Every published framework's optional standards are offered, those rated by default ticked: only the
            # chosen framework's count, as the field's hint says (pdu-2021's court work stays ticked when a lead
            # chooses pdu-2023, which has none).
            data["optional_standards"] = [
                standard
                for standard in data.get("optional_standards") or []
                if standard.framework_id == framework.pk
            ]
        return data


class InspectionEditForm(forms.Form):
    """Change an inspection's fieldwork dates, team and optional standards (its PDU and framework are fixed)."""

    fieldwork_start, fieldwork_end = fieldwork_date_fields()
    inspectors = UserChoiceField(label="Inspectors", queryset=None, required=False)
    assistant_inspectors = UserChoiceField(
        label="Assistant inspectors",
        queryset=None,
        required=False,
        help_text="Add them here before importing a sample that names them.",
    )
    quality_assurers = UserChoiceField(label="Quality assurers", queryset=None, required=False)
    optional_standards = forms.ModelMultipleChoiceField(
        label="Optional standards this inspection rates",
        queryset=Standard.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEAM_FIELDS:
            self.fields[name].queryset = active_users()
        optional = inspection.framework.standards.filter(is_optional=True).order_by("order", "code")
        self.fields["optional_standards"].queryset = optional
        self.fields["optional_standards"].label_from_instance = lambda standard: str(standard)
        layout = [Field("fieldwork_start"), Field("fieldwork_end"), team_fieldset("Team")]
        if optional:
            layout.append(Field.checkboxes("optional_standards", legend_size=Size.MEDIUM, small=True))
        else:
            del self.fields["optional_standards"]
        self.helper = form_helper(*layout, button="Save changes")

    def clean(self):
        data = super().clean()
        clean_fieldwork(self, data)
        return data


class OrganisationalRatingForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a rating"},
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="The evidence for this rating, as it will appear in the report.",
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=within_limit("Rationale"),
        error_messages={"required": RATIONALE_MISSING},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("rating", legend_size=Size.MEDIUM), Field.textarea("rationale"), button="Save rating"
        )


FRAMEWORK_FILE_MAX_BYTES = 2 * 1024 * 1024  # the shipped framework is 40 KB as JSON, 20 KB as a workbook
FRAMEWORK_FILE_TOO_BIG = "The selected file must be smaller than 2 MB"
FRAMEWORK_FILE_WRONG_TYPE = "The selected file must be a JSON file (.json) or an Excel workbook (.xlsx)"


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a framework file",
        help_text="The framework's JSON file (.json) or its workbook (.xlsx), smaller than 2 MB. It is loaded as a "
        "draft: you can check it before publishing it.",
        error_messages={"required": "Select a framework file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field("file"), button="Upload the framework")
        self.fields["file"].widget.attrs["accept"] = ".json,.xlsx"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > FRAMEWORK_FILE_MAX_BYTES:
            raise ValidationError(FRAMEWORK_FILE_TOO_BIG)
        if not upload.name.lower().endswith((".json", ".xlsx")):
            raise ValidationError(FRAMEWORK_FILE_WRONG_TYPE)
        return upload
