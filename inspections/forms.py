"""Forms for the lead inspector's and quality assurers' pages. They validate; services save."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fixed, Layout, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator

from cases.models import Answer
from cases.services import EVIDENCE_MAX_LENGTH, FACT_FIELDS
from pdus.models import PDU

from .models import Framework, Rating

FACT_LABELS = {
    "rosh_level": "RoSH level",
    "rosh_classified_correctly": "RoSH classified correctly",
    "domestic_abuse_enquiries": "Domestic abuse enquiries",
    "child_safeguarding_enquiries": "Child safeguarding enquiries",
    "home_visits": "Home visits",
    "management_oversight": "Management oversight",
}


def _within_limit(name: str) -> list[MaxLengthValidator]:
    """Free text's length limit, as for the evidence on a case. A validator rather than max_length, whose HTML
    maxlength would make the browser cut pasted text short without saying so."""
    message = f"{name} must be {EVIDENCE_MAX_LENGTH:,} characters or less"
    return [MaxLengthValidator(EVIDENCE_MAX_LENGTH, message=message)]


class UserChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} ({user.username})"


def _helper(*fields, button: str) -> FormHelper:
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
        self.helper = _helper(
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
            self.add_error(
                "fieldwork_end", "The fieldwork end date must be the same as or after the start date"
            )
        return data


class SampleUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the case sample",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file with the columns case reference, case type, RoSH level, "
        "supervision start date and, optionally, assistant inspector (their username).",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"), button="Check the file")


class AssignmentForm(forms.Form):
    # In the page's order, which the error summary follows: the select comes before the cases.
    assistant_inspector = forms.ChoiceField(
        label="Assign the selected cases to", error_messages={"required": "Select an assistant inspector"}
    )
    cases = forms.MultipleChoiceField(
        label="Cases",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one case"},
    )

    def __init__(self, *args, cases, assistant_inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(str(case.pk), case.reference) for case in cases]
        self.fields["assistant_inspector"].choices = [
            ("", "Choose an assistant inspector"),
            *[(str(user.pk), user.get_full_name() or user.username) for user in assistant_inspectors],
            ("none", "Nobody (unassign)"),
        ]


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
        validators=_within_limit("Rationale"),
        error_messages={"required": "Enter the rationale for the rating"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("rating", legend_size=Size.MEDIUM), Field.textarea("rationale"), button="Save rating"
        )


class ReturnForm(forms.Form):
    subject = forms.ChoiceField(
        label="What is the query about?", error_messages={"required": "Select what the query is about"}
    )
    text = forms.CharField(
        label="Query",
        help_text="For example, the rationale does not mention the domestic abuse history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=_within_limit("Query"),
        error_messages={"required": "Enter your query"},
    )

    def __init__(self, *args, key_questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [
            ("", "Choose a key question or case fact"),
            ("Key questions", [(f"kq:{kq.code}", f"{kq.code} {kq.wording}") for kq in key_questions]),
            ("Case facts", [(f"fact:{name}", FACT_LABELS[name]) for name in FACT_FIELDS]),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("subject"),
            Field.textarea("text"),
            Button.warning("return", "Return case with this query"),
        )

    def subject_kwargs(self) -> dict:
        kind, _, value = self.cleaned_data["subject"].partition(":")
        return {"key_question_code": value} if kind == "kq" else {"fact": value}


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label="Why are you unlocking this inspection?",
        help_text="This is recorded with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=_within_limit("Reason"),
        error_messages={"required": "Enter the reason for unlocking the inspection"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), button="Unlock inspection")


class SecondMarkingChoiceForm(forms.Form):
    case = forms.ChoiceField(label="Case", error_messages={"required": "Select a case"})
    marker = forms.ChoiceField(label="Second marker", error_messages={"required": "Select the second marker"})

    def __init__(self, *args, cases, assistant_inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "Choose a case")] + [
            (str(case.pk), f"{case.reference} ({case.get_status_display()})") for case in cases
        ]
        self.fields["marker"].choices = [("", "Choose an assistant inspector")] + [
            (str(user.pk), user.get_full_name() or user.username) for user in assistant_inspectors
        ]
        self.helper = _helper(
            Field.select("case"), Field.select("marker"), button="Choose for second marking"
        )


class SecondMarkingShareForm(forms.Form):
    percentage = forms.IntegerField(
        label="Percentage of the sample",
        min_value=1,
        max_value=100,
        initial=10,
        # GOV.UK asks for a text input with a numeric keyboard rather than type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="Cases are chosen at random and shared among the other assistant inspectors.",
        error_messages={
            "required": "Enter a percentage between 1 and 100",
            "invalid": "Enter a percentage between 1 and 100",
            "min_value": "Enter a percentage between 1 and 100",
            "max_value": "Enter a percentage between 1 and 100",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("percentage", field_width=Fixed.TWO),
            Button.secondary("share", "Choose cases at random"),
        )


class AgreedJudgementForm(forms.Form):
    answer = forms.ChoiceField(
        label="Agreed judgement",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agreed judgement"},
    )


def second_marking_form_class(key_questions):
    """A form with an answer and a rationale for every key question, field names as on the case page."""
    from cases.services import key_question_field

    fields = {}
    for kq in key_questions:
        fields[key_question_field(kq.code, "answer")] = forms.ChoiceField(
            label=f"{kq.code} {kq.wording}",
            choices=Answer.choices,
            widget=forms.RadioSelect,
            error_messages={"required": f"Select whether the work was sufficient for {kq.code}"},
        )
        fields[key_question_field(kq.code, "rationale")] = forms.CharField(
            label=f"Evidence for {kq.code}",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            validators=_within_limit(f"Evidence for {kq.code}"),
        )
    return type("SecondMarkingForm", (forms.Form,), fields)
