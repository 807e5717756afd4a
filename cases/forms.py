"""The assistant inspector's case form: every key question, the case facts and the criminogenic needs.

Field names are the ones cases.services uses for its problems (kq_2_1_1_answer, need_drugs_linked, rosh_level),
so an error summary can link straight to the field. The form validates and says what changed; it never saves.
"""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Answer, Enquiries, Oversight, RoshLevel
from .selectors import CasePage
from .services import FACT_FIELDS

YES_NO = [("yes", "Yes"), ("no", "No")]
BOOLEAN_FACTS = {"rosh_classified_correctly"}
FACT_LABELS = {
    "rosh_level": "What is the RoSH level?",
    "rosh_classified_correctly": "Was RoSH classified correctly?",
    "domestic_abuse_enquiries": "Were domestic abuse enquiries made?",
    "child_safeguarding_enquiries": "Were child safeguarding enquiries made?",
    "home_visits": "Were home visits made?",
    "management_oversight": "Was management oversight sufficient?",
}
FACT_CHOICES = {
    "rosh_level": RoshLevel.choices,
    "rosh_classified_correctly": YES_NO,
    "domestic_abuse_enquiries": Enquiries.choices,
    "child_safeguarding_enquiries": Enquiries.choices,
    "home_visits": Enquiries.choices,
    "management_oversight": Oversight.choices,
}
INVALID_CHOICE = "Select one of the options"


def _as_choice(value: Any) -> str:
    """A stored value as the radio value the form shows: True → "yes", None → ""."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value or ""


def _as_boolean(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _radio(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )


def case_values(page: CasePage) -> dict[str, str]:
    """The case's saved answers as form values."""
    case = page.case
    values = {"version": case.version}
    for item in page.key_question_items:
        values[item.answer_field] = item.judgement.answer if item.judgement else ""
        values[item.rationale_field] = item.judgement.rationale if item.judgement else ""
    for name in FACT_FIELDS:
        values[name] = _as_choice(getattr(case, name))
    for item in page.needs:
        values[item.linked_field] = _as_choice(item.row.linked_to_offending if item.row else None)
        values[item.addressed_field] = _as_choice(item.row.sufficiently_addressed if item.row else None)
    return values


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, page: CasePage, **kwargs):
        kwargs.setdefault("initial", case_values(page))
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.page = page
        for item in page.key_question_items:
            code = item.key_question.code
            self.fields[item.answer_field] = _radio(f"{code} {item.key_question.wording}", Answer.choices)
            self.fields[item.rationale_field] = forms.CharField(
                label=f"Evidence for your judgement on {code}",
                required=False,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        for name in FACT_FIELDS:
            self.fields[name] = _radio(FACT_LABELS[name], FACT_CHOICES[name])
        for item in page.needs:
            label = item.need.label
            self.fields[item.linked_field] = _radio(f"Is {label.lower()} linked to offending?", YES_NO)
            self.fields[item.addressed_field] = _radio(f"Was {label.lower()} sufficiently addressed?", YES_NO)

    def changes(self) -> dict[str, dict]:
        """Only what differs from the saved case, as case_save's keyword arguments."""
        data, saved = self.cleaned_data, case_values(self.page)
        changed = {name for name in self.fields if name != "version" and data[name] != saved[name]}
        judgements = {}
        for item in self.page.key_question_items:
            if {item.answer_field, item.rationale_field} & changed:
                judgements[item.key_question.code] = {
                    "answer": data[item.answer_field],
                    "rationale": data[item.rationale_field],
                }
        facts = {}
        for name in FACT_FIELDS:
            if name in changed and not (name == "rosh_level" and not data[name]):
                facts[name] = _as_boolean(data[name]) if name in BOOLEAN_FACTS else (data[name] or "")
        needs = {}
        for item in self.page.needs:
            if {item.linked_field, item.addressed_field} & changed:
                linked = _as_boolean(data[item.linked_field])
                needs[item.need.value] = {
                    "linked_to_offending": linked,
                    "sufficiently_addressed": _as_boolean(data[item.addressed_field]) if linked else None,
                }
        return {"judgements": judgements, "facts": facts, "needs": needs}

    def differences(self, other_page: CasePage) -> list[dict]:
        """Fields where the user's typed values differ from another saved version, for the conflict page."""
        theirs = case_values(other_page)
        rows = []
        for name, form_field in self.fields.items():
            if name == "version":
                continue
            mine = self.cleaned_data.get(name, "")
            if (mine or "") == (theirs.get(name) or ""):
                continue
            choices = dict(getattr(form_field, "choices", []))
            rows.append(
                {
                    "name": name,
                    "label": form_field.label,
                    "mine": choices.get(mine, mine) if choices else mine,
                    "theirs": choices.get(theirs[name], theirs[name]) if choices else theirs[name],
                }
            )
        return rows
