"""The assistant inspector's case form: every key question, the case facts and the criminogenic needs.

Built from the case's kind in the inspection's framework: the key questions that apply to it, its facts (and the
attributes recorded on the case) and needs. Field names are the ones cases.services uses for its problems
(kq_2_2_1_answer, need_drugs_linked, fact_home_visits),
so an error summary can link straight to the field. The form validates and says what changed; it never saves.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing

from ..models import Answer, InspectedCase
from ..selectors.case_pages import CasePage

YES_NO = [("yes", "Yes"), ("no", "No")]
PROMPT_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_applicable", "Not applicable")]
# "the drugs need", "the education, training and employment need": grammatical for every need, singular or plural.
NEED_LINKED_LABEL = "Is the {need} need linked to offending?"
NEED_ADDRESSED_LABEL = "Was the {need} need sufficiently addressed?"
INVALID_CHOICE = "Select one of the options"
HIDDEN_FIELDS = {"version", "loaded"}
LOADED_SALT = "cases.forms.loaded"


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
    """The case's saved answers as form values (without the version)."""
    values = {}
    for item in page.key_question_items:
        values[item.answer_field] = item.judgement.answer if item.judgement else ""
        values[item.rationale_field] = item.judgement.rationale if item.judgement else ""
        prompts = item.judgement.prompt_answers if item.judgement else {}
        for index, (name, _) in enumerate(item.prompt_fields):
            values[name] = prompts.get(str(index), "")
    for fact in page.facts:
        values[fact.name] = fact.value
    for item in page.needs:
        values[item.linked_field] = _as_choice(item.row.linked_to_offending if item.row else None)
        values[item.addressed_field] = _as_choice(item.row.sufficiently_addressed if item.row else None)
    return values


def loaded_token(values: dict[str, str]) -> str:
    """The values a form was loaded with, signed, so a save can tell what the user changed from what others did."""
    return signing.dumps(values, salt=LOADED_SALT, compress=True)


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # What the page showed when it was loaded: the user's changes are what differs from it.
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, page: CasePage, only: frozenset[str] | None = None, **kwargs):
        """`only`: the fields of one task of the case (a section page asks those alone); every field otherwise."""
        saved = case_values(page)
        kwargs.setdefault("initial", {**saved, "version": page.case.version, "loaded": loaded_token(saved)})
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
            for number, (name, prompt) in enumerate(item.prompt_fields, start=1):
                self.fields[name] = _radio(f"Prompt {number} of {code}: {prompt}", PROMPT_CHOICES)
        for fact in page.facts:
            self.fields[fact.name] = _radio(fact.question, fact.choices)
        for item in page.needs:
            label = item.need.label
            self.fields[item.linked_field] = _radio(NEED_LINKED_LABEL.format(need=label.lower()), YES_NO)
            self.fields[item.addressed_field] = _radio(
                NEED_ADDRESSED_LABEL.format(need=label.lower()), YES_NO
            )
        if only is not None:
            for name in [name for name in self.answer_names if name not in only]:
                del self.fields[name]

    @property
    def answer_names(self) -> list[str]:
        return [name for name in self.fields if name not in HIDDEN_FIELDS]

    def clean_loaded(self) -> dict[str, str]:
        """The loaded values; without a valid token (an old page), the case as it is saved now."""
        try:
            loaded = signing.loads(self.cleaned_data["loaded"], salt=LOADED_SALT)
        except signing.BadSignature:
            return case_values(self.page)
        return {**case_values(self.page), **loaded} if isinstance(loaded, dict) else case_values(self.page)

    def changed_names(self) -> list[str]:
        """The fields the user changed since the page was loaded."""
        loaded = self.cleaned_data["loaded"]
        return [name for name in self.answer_names if self.cleaned_data[name] != loaded.get(name, "")]

    def changes(self) -> dict[str, dict]:
        """Only what the user changed, field by field, as case_save's keyword arguments."""
        data, changed = self.cleaned_data, set(self.changed_names())
        judgements = {}
        for item in self.page.key_question_items:
            values = {}
            if item.answer_field in changed:
                values["answer"] = data[item.answer_field]
            if item.rationale_field in changed:
                values["rationale"] = data[item.rationale_field]
            prompts = {
                str(index): data[name]
                for index, (name, _) in enumerate(item.prompt_fields)
                if name in changed
            }
            if prompts:
                values["prompts"] = prompts
            if values:
                judgements[item.key_question.code] = values
        facts = {fact.key: data[fact.name] for fact in self.page.facts if fact.name in changed}
        needs = {}
        for item in self.page.needs:
            if {item.linked_field, item.addressed_field} & changed:
                linked = _as_boolean(data[item.linked_field])
                needs[item.need.key] = {
                    "linked_to_offending": linked,
                    "sufficiently_addressed": _as_boolean(data[item.addressed_field]) if linked else None,
                }
        return {"judgements": judgements, "facts": facts, "needs": needs}

    def display(self, name: str, value: str) -> str:
        """A field's value as the page words it: a radio's label, text as it is."""
        choices = dict(getattr(self.fields[name], "choices", []))
        return choices.get(value, value) if choices else value

    def conflict(self, current_page: CasePage) -> dict:
        """Compare the user's changes with a version someone else saved meanwhile, for the conflict page.

        `differences`: what the user changed that is now different in the other version (mine and theirs);
        `kept`: what the other version changed that the user did not touch, which keeping mine leaves as it is;
        `merged`: the form values that keep the user's changes on top of the other version.
        """
        loaded, theirs = self.cleaned_data["loaded"], case_values(current_page)
        changed = set(self.changed_names())
        differences, kept = [], []
        for name in self.answer_names:
            mine = self.cleaned_data[name]
            row = {
                "name": name,
                "label": self.fields[name].label,
                "mine": self.display(name, mine),
                "theirs": self.display(name, theirs[name]),
                "both_changed": theirs[name] != loaded.get(name, ""),
            }
            if name in changed and mine != theirs[name]:
                differences.append(row)
            elif name not in changed and theirs[name] != loaded.get(name, ""):
                kept.append(row)
        merged = {**theirs, **{name: self.cleaned_data[name] for name in changed}}
        return {"differences": differences, "kept": kept, "merged": merged, "loaded": loaded_token(theirs)}


class QueryAnswerForm(forms.Form):
    """The assistant inspector's answer to one quality-assurance query; case_query_answer checks it.

    Its id names the query (query-answer-<pk>), since a case page can show a form for each open query.
    """

    answer = forms.CharField(label="Your answer", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # On a task's page: the draft answer the page showed, so a save keeps the answer as a draft only if the user
    # changed it there (an untouched box in an older tab never overwrites a newer draft).
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, query, **kwargs):
        kwargs.setdefault("auto_id", f"query-%s-{query.pk}")
        kwargs.setdefault("initial", {"answer": query.draft_answer, "loaded": query.draft_answer})
        super().__init__(*args, **kwargs)
        self.query = query

    def changed_from_loaded(self) -> bool:
        """Whether the typed answer differs from the draft the page was loaded with."""
        return self.cleaned_data["answer"] != self.cleaned_data["loaded"].strip()


class CaseListFilterForm(forms.Form):
    """The filters of "Your cases": a status, an inspection. A value that is not a choice is ignored."""

    status = forms.ChoiceField(label="Status", required=False)
    inspection = forms.TypedChoiceField(label="Inspection", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, inspections, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All statuses"), *InspectedCase.Status.choices]
        self.fields["inspection"].choices = [
            ("", "All inspections"),
            *(
                (inspection.pk, f"{inspection.unit.name}, fieldwork {inspection.fieldwork_start:%B %Y}")
                for inspection in inspections
            ),
        ]

    def filters(self) -> dict:
        """The valid filters, as cases_assigned_by_inspection's keyword arguments (an invalid one is left out)."""
        self.is_valid()
        return {
            "status": self.cleaned_data.get("status", ""),
            "inspection_id": self.cleaned_data.get("inspection"),
        }
