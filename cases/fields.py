"""How a case's answers are named: the case page's form fields, the services' problems and the API's fields.

One naming, so an error summary links straight to its field and the API can say which field a problem is about.
Facts (and attributes the assistant inspector records on the case, such as the RoSH level) are named by their key in
the framework.
"""

from __future__ import annotations

import re


def key_question_field(code: str, part: str) -> str:
    """Form field name for a key question's answer or rationale: kq_2_2_3_answer; a prompt's: kq_2_2_3_prompt_0."""
    return f"kq_{code.replace('.', '_').replace('-', '_')}_{part}"


def fact_field(key: str) -> str:
    """Form field name for a case fact (or an attribute recorded on the case): fact_home_visits."""
    return f"fact_{key}"


def need_field(need: str, part: str) -> str:
    """Form field name for a need's linked or addressed answer: need_drugs_linked."""
    return f"need_{need}_{part}"


def query_answer_field(query_id: int, part: str = "answer") -> str:
    """Form field name on a task's page for the answer typed to one of its queries (query-12-answer), or for the
    draft answer the page was loaded with (query-12-loaded)."""
    return f"query-{query_id}-{part}"


def api_field(name: str) -> str:
    """The API's name for a form field (kq_2_1_3_answer → judgements.2.1.3.answer); other names unchanged."""
    if match := re.fullmatch(r"kq_(\w+?)_(answer|rationale)", name):
        return f"judgements.{match[1].replace('_', '.')}.{match[2]}"
    if match := re.fullmatch(r"kq_(\w+?)_prompt_(\d+)", name):
        return f"judgements.{match[1].replace('_', '.')}.prompts.{match[2]}"
    if match := re.fullmatch(r"need_(\w+)_(linked|addressed)", name):
        part = "linked_to_offending" if match[2] == "linked" else "sufficiently_addressed"
        return f"needs.{match[1]}.{part}"
    if match := re.fullmatch(r"fact_(\w+)", name):
        return f"facts.{match[1]}"
    return name
