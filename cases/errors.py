"""What a write to a case can refuse. Each error carries its meaning for the API (api.problems reads
`http_status`, `problem_type` and `problem_title`, and `problem_errors()` / `problem_headers()` where given), so the
API answers it without knowing this app.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .fields import api_field

if TYPE_CHECKING:
    from .models import InspectedCase

NOT_EDITABLE = "This case cannot be changed now: it has been submitted, approved or its inspection is locked."
CONFLICT = "This case was saved after you opened it. Nothing you typed has been saved yet."
# The API's 412: the saved version, so a client that retried after an unclear failure sees where the case is now.
STALE = (
    "The case has changed since you read it: it is now saved as {etag}. Read it again and reapply your changes "
    "(a change already saved is answered 200, not 412)."
)


class CaseError(Exception):
    """A case write that was refused because of the case's state; the message is for the user."""

    http_status = 409
    problem_type = "case-not-editable"
    problem_title = "This case cannot be changed now"


class CaseNotEditable(CaseError):
    def __init__(self, message: str = NOT_EDITABLE):
        super().__init__(message)


class CaseConflict(CaseError):
    """Someone saved the case since the version the save started from; `current` is the case as saved now."""

    http_status = 412
    problem_type = "stale-etag"
    problem_title = "The case has changed since you read it"

    def __init__(self, current: InspectedCase):
        super().__init__(CONFLICT)
        self.current = current

    @property
    def problem_detail(self) -> str:
        return STALE.format(etag=self.current.etag)

    def problem_headers(self) -> dict[str, str]:
        return {"ETag": self.current.etag}


@dataclass(frozen=True)
class Problem:
    """Something missing before a case can be submitted. `field` is the form field's name."""

    field: str
    message: str


class CaseIncomplete(CaseError):
    http_status = 422
    problem_type = "case-incomplete"
    problem_title = "The case is not complete"

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} items need an answer before this case can be submitted.")
        self.problems = problems

    def problem_errors(self) -> list[dict[str, str]]:
        return [{"field": api_field(problem.field), "message": problem.message} for problem in self.problems]


REASSIGNED = (
    "Case {reference} is no longer assigned to you: it was reassigned to {to} on {when}. Nothing you sent has been "
    "saved."
)


class CaseReassigned(CaseError):
    """The case was assigned to the user and has since been reassigned to someone else (or to nobody): they may no
    longer see or change it, and are told so rather than "not found"."""

    http_status = 403
    problem_type = "case-reassigned"
    problem_title = "This case has been reassigned"

    def __init__(self, case: InspectedCase, to: str, when: datetime.datetime, by: str):
        super().__init__(
            REASSIGNED.format(reference=case.reference, to=to, when=f"{when:%-d %B %Y at %H:%M}")
        )
        self.case, self.to, self.when, self.by = case, to, when, by
