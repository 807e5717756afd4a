"""Forms for the lead's and quality assurers' pages about an inspection's cases: the sample, assignment, quality
assurance and moderation. They validate; cases.services save. Their messages are the services' where both say it.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms

from inspections.forms import form_helper, within_limit

from ..fields import key_question_field
from ..models import Answer
from ..services.answers import ANSWER_MISSING
from ..services.moderation import AGREEMENT_MISSING, AGREEMENT_REASON_MISSING, PERCENTAGE_OUT_OF_RANGE
from ..services.workflow import NO_CASES_SELECTED, QUERY_SUBJECT_MISSING, QUERY_TEXT_MISSING


class SampleUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of cases in the file",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select the kind of cases in the file"},
    )
    file = forms.FileField(
        label="Upload the case sample",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file with the columns listed above.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, definition, **kwargs):
        """definition: the inspection's framework, whose case kinds the file may hold."""
        super().__init__(*args, **kwargs)
        kinds = [(kind.slug, kind.plural) for kind in definition.case_kinds]
        if len(kinds) > 1:
            self.fields["kind"].choices = [
                ("", "Several kinds: the file's “Kind of case” column says"),
                *kinds,
            ]
            self.fields["kind"].initial = ""
            self.helper = form_helper(
                Field.radios("kind", small=True), Field("file"), button="Check the file"
            )
        else:
            del self.fields["kind"]
            self.helper = form_helper(Field("file"), button="Check the file")


class AssignmentForm(forms.Form):
    # In the page's order, which the error summary follows: the select comes before the cases.
    assistant_inspector = forms.ChoiceField(
        label="Assign the selected cases to", error_messages={"required": "Select an assistant inspector"}
    )
    cases = forms.MultipleChoiceField(
        label="Cases",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_CASES_SELECTED},
    )

    def __init__(self, *args, cases, assistant_inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(str(case.pk), case.reference) for case in cases]
        self.fields["assistant_inspector"].choices = [
            ("", "Choose an assistant inspector"),
            *[(str(user.pk), user.get_full_name() or user.username) for user in assistant_inspectors],
            ("none", "Nobody (unassign)"),
        ]


class ReturnForm(forms.Form):
    subject = forms.ChoiceField(
        label="What is the query about?", error_messages={"required": QUERY_SUBJECT_MISSING}
    )
    text = forms.CharField(
        label="Query",
        help_text="For example, the rationale does not mention the domestic abuse history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=within_limit("Query"),
        error_messages={"required": QUERY_TEXT_MISSING},
    )

    def __init__(self, *args, key_questions, facts, needs=(), **kwargs):
        """key_questions: the case's (code and wording); facts and needs: its facts and needs as (key, label)."""
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [
            ("", "Choose a key question, case fact or need"),
            ("Key questions", [(f"kq:{kq.code}", f"{kq.code} {kq.wording}") for kq in key_questions]),
            ("Case facts", [(f"fact:{key}", label) for key, label in facts]),
            *([("Criminogenic needs", [(f"need:{key}", label) for key, label in needs])] if needs else []),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
        self.helper.layout = Layout(
            Field.select("subject"),
            Field.textarea("text"),
            Button.warning("return", "Return case with this query"),
        )

    def subject_kwargs(self) -> dict:
        kind, _, value = self.cleaned_data["subject"].partition(":")
        return {{"kq": "key_question_code", "need": "need"}.get(kind, "fact"): value}


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
        self.helper = form_helper(
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
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), PERCENTAGE_OUT_OF_RANGE
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its own {% csrf_token %}
        self.helper.layout = Layout(
            Field.text("percentage", field_width=Fixed.TWO),
            Button.secondary("share", "Choose cases at random"),
        )


class AgreedJudgementForm(forms.Form):
    """The resolution of one disagreement; its fields are named per disagreement (prefix), as several show at once."""

    answer = forms.ChoiceField(
        label="Agreed judgement",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": AGREEMENT_MISSING},
    )
    reason = forms.CharField(
        label="Why is this the agreed judgement?",
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=within_limit("Why this is the agreed judgement"),
        error_messages={"required": AGREEMENT_REASON_MISSING},
    )


def second_marking_form_class(key_questions):
    """A form with an answer and a rationale for every key question, field names as on the case page."""
    fields = {}
    for kq in key_questions:
        fields[key_question_field(kq.code, "answer")] = forms.ChoiceField(
            label=f"{kq.code} {kq.wording}",
            choices=Answer.choices,
            widget=forms.RadioSelect,
            error_messages={"required": ANSWER_MISSING.format(code=kq.code)},
        )
        fields[key_question_field(kq.code, "rationale")] = forms.CharField(
            label=f"Evidence for {kq.code}",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            validators=within_limit(f"Evidence for {kq.code}"),
        )
    return type("SecondMarkingForm", (forms.Form,), fields)
