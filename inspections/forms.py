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

from pdus.models import PDU, Region

from .models import Framework, Rating, Standard, Unit
from .services import DATES_OUT_OF_ORDER, RATIONALE_MISSING, TEXT_MAX_LENGTH

PDU_MISSING = "Select the PDU"
REGION_MISSING = "Select the region"
OPTIONAL_OF_ANOTHER_FRAMEWORK = "{standard} is not a standard of the framework version you chose"


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
        self.fields["fieldwork_start"].error_messages["required"] = "Enter the fieldwork start date"
        self.fields["fieldwork_end"].error_messages["required"] = "Enter the fieldwork end date"
        self.helper = form_helper(
            Field.select("framework"),
            Field.select("pdu"),
            Field.select("region"),
            Field.checkboxes("optional_standards", legend_size=Size.SMALL, small=True),
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
            for standard in data.get("optional_standards") or []:
                if standard.framework_id != framework.pk:
                    self.add_error(
                        "optional_standards",
                        OPTIONAL_OF_ANOTHER_FRAMEWORK.format(standard=f"{standard.code} {standard.title}"),
                    )
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
