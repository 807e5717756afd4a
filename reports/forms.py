"""The form for unlocking an inspection. It validates; reports.services.inspection_unlock saves."""

from crispy_forms_gds.layout import Field
from django import forms

from inspections.forms import form_helper, within_limit

from .services import REASON_MISSING


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label="Why are you unlocking this inspection?",
        help_text="This is recorded with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=within_limit("Reason"),
        error_messages={"required": REASON_MISSING},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("reason"), button="Unlock inspection")
