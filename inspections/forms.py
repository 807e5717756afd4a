"""Forms for setting up an inspection and rating its organisational standards. They validate; services save.

`within_limit` and `show_refusal` serve every app's forms: one length limit for free text, one way of showing a
service's refusal.
"""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from pdus.models import PDU

from .models import Framework, Rating
from .services import DATES_OUT_OF_ORDER, RATIONALE_MISSING, TEXT_MAX_LENGTH


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
    helper.layout = Layout(*fields, Button("submit", button))
    return helper


class InspectionCreateForm(forms.Form):
    pdu = forms.ModelChoiceField(
        label="Probation Delivery Unit (PDU)",
        queryset=PDU.objects.select_related("region").order_by("name"),
        empty_label="Choose a PDU",
        error_messages={"required": "Select the PDU"},
    )
    framework = forms.ModelChoiceField(
        label="Framework version",
        queryset=Framework.objects.order_by("slug", "-version"),
        empty_label=None,
        error_messages={"required": "Select the framework version"},
    )
    fieldwork_start = DateInputField(label="Fieldwork start date", help_text="For example, 7 9 2026")
    fieldwork_end = DateInputField(label="Fieldwork end date", help_text="For example, 18 9 2026")
    inspectors = UserChoiceField(label="Inspectors", queryset=None, required=False)
    assistant_inspectors = UserChoiceField(label="Assistant inspectors", queryset=None, required=False)
    quality_assurers = UserChoiceField(label="Quality assurers", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        )
        for name in ("inspectors", "assistant_inspectors", "quality_assurers"):
            self.fields[name].queryset = users
        self.fields["fieldwork_start"].error_messages["required"] = "Enter the fieldwork start date"
        self.fields["fieldwork_end"].error_messages["required"] = "Enter the fieldwork end date"
        self.helper = form_helper(
            Field.select("pdu"),
            Field.select("framework"),
            Field("fieldwork_start"),
            Field("fieldwork_end"),
            Fieldset(
                Field.checkboxes("inspectors", legend_size=Size.SMALL, small=True),
                Field.checkboxes("assistant_inspectors", legend_size=Size.SMALL, small=True),
                Field.checkboxes("quality_assurers", legend_size=Size.SMALL, small=True),
                legend="Team (you are the lead inspector)",
                legend_size=Size.MEDIUM,
            ),
            button="Create inspection",
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start and end and end < start:
            self.add_error("fieldwork_end", DATES_OUT_OF_ORDER)
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
