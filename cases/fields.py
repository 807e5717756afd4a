"""How a case's answers are named: the case page's form fields, the services' problems and the API's fields.

One naming, so an error summary links straight to its field and the API can say which field a problem is about.
"""

from __future__ import annotations

import re

# Case facts an assistant inspector records, in the order the form shows them.
FACT_FIELDS = (
    "rosh_level",
    "rosh_classified_correctly",
    "domestic_abuse_enquiries",
    "child_safeguarding_enquiries",
    "home_visits",
    "management_oversight",
)


def key_question_field(code: str, part: str) -> str:
    """Form field name for a key question's answer or rationale: kq_2_1_3_answer."""
    return f"kq_{code.replace('.', '_')}_{part}"


def need_field(need: str, part: str) -> str:
    """Form field name for a need's linked or addressed answer: need_drugs_linked."""
    return f"need_{need}_{part}"


def api_field(name: str) -> str:
    """The API's name for a form field (kq_2_1_3_answer → judgements.2.1.3.answer); other names unchanged."""
    if match := re.fullmatch(r"kq_(\d+(?:_\d+)*)_(answer|rationale)", name):
        return f"judgements.{match[1].replace('_', '.')}.{match[2]}"
    if match := re.fullmatch(r"need_(\w+)_(linked|addressed)", name):
        part = "linked_to_offending" if match[2] == "linked" else "sufficiently_addressed"
        return f"needs.{match[1]}.{part}"
    if name in FACT_FIELDS:
        return f"facts.{name}"
    return name
