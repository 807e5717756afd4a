"""Dates as the GOV.UK Design System asks for them: three boxes (day, month, year), its error wording, and a
sensible range for each date.

One place for every app: the forms' `GovUKDateField`, and `date_from_parts` and `date_in_range` for anything that
reads a date some other way (a sample file's cell), so a date is refused with the same words wherever it is typed.
Messages follow https://design-system.service.gov.uk/components/date-input/ ("Year must include 4 numbers", "… must
be a real date", "… must include a month").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
ENTER = "Enter {label}"
MUST_INCLUDE = "{Label} must include {parts}"
YEAR_FOUR_NUMBERS = "Year must include 4 numbers"
NOT_REAL = "{Label} must be a real date"
TOO_EARLY = "{Label} must be the same as or after {earliest}"
TOO_LATE = "{Label} must be the same as or before {latest}"
NOT_IN_FUTURE = "{Label} must be today or in the past"


def _written(date: datetime.date) -> str:
    """A date as GOV.UK writes it: 7 September 2026."""
    return f"{date.day} {date:%B %Y}"


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class DateRange:
    """The earliest and latest sensible value of a date (either may be open); `latest=today` says "in the past".

    Bounds are functions of today, so a range stays sensible as years pass.
    """

    years_before: int | None = None
    years_after: int | None = None
    not_in_future: bool = False

    def bounds(self, today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
        earliest = _years_from(today, -self.years_before) if self.years_before is not None else None
        latest = today if self.not_in_future else None
        if self.years_after is not None:
            latest = _years_from(today, self.years_after)
        return earliest, latest


def _years_from(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


class DateProblem(ValidationError):
    """A date refused; `parts` are the indexes (0 day, 1 month, 2 year) of the boxes to mark and link to."""

    def __init__(self, message: str, parts: tuple[int, ...] = (0, 1, 2)):
        super().__init__(message, code="invalid_date")
        self.parts = parts


def date_in_range(
    value: datetime.date, *, label: str, allowed: DateRange, today: datetime.date | None = None
) -> None:
    """Refuse a real date outside its sensible range (DateProblem), in GOV.UK's words."""
    today = today or datetime.date.today()
    earliest, latest = allowed.bounds(today)
    if latest is not None and value > latest:
        if allowed.not_in_future and latest == today:
            raise DateProblem(NOT_IN_FUTURE.format(Label=_sentence(label)))
        raise DateProblem(TOO_LATE.format(Label=_sentence(label), latest=_written(latest)))
    if earliest is not None and value < earliest:
        raise DateProblem(TOO_EARLY.format(Label=_sentence(label), earliest=_written(earliest)))


def date_from_parts(
    day: str,
    month: str,
    year: str,
    *,
    label: str,
    allowed: DateRange | None = None,
    today: datetime.date | None = None,
) -> datetime.date:
    """The date typed as day, month and year, or a DateProblem saying what is wrong and in which box.

    `label` is the date's name as in "Enter the fieldwork start date" ("the fieldwork start date").
    """
    values = [str(value or "").strip() for value in (day, month, year)]
    missing = [index for index, value in enumerate(values) if not value]
    if len(missing) == len(values):
        raise DateProblem(ENTER.format(label=label))
    if missing:
        names = [PARTS[index] for index in missing]
        raise DateProblem(
            MUST_INCLUDE.format(Label=_sentence(label), parts="a " + " and ".join(names)), tuple(missing)
        )
    not_numbers = tuple(index for index, value in enumerate(values) if not value.isdigit())
    if not_numbers:
        raise DateProblem(NOT_REAL.format(Label=_sentence(label)), not_numbers)
    if len(values[2]) != 4:
        raise DateProblem(YEAR_FOUR_NUMBERS, (2,))
    number_day, number_month, number_year = (int(value) for value in values)
    if not 1 <= number_month <= 12:
        raise DateProblem(NOT_REAL.format(Label=_sentence(label)), (1,))
    try:
        value = datetime.date(number_year, number_month, number_day)
    except ValueError:
        raise DateProblem(NOT_REAL.format(Label=_sentence(label)), (0,)) from None
    if allowed is not None:
        date_in_range(value, label=label, allowed=allowed, today=today)
    return value


class GovUKDateField(DateInputField):
    """A GOV.UK date input whose every refusal is in the Design System's words and marks (and links to) the box that
    is wrong, within a sensible range.

    `name` is the date's name in messages ("the fieldwork start date"); the error summary links to the first wrong
    box (templates/includes/error_summary.html reads `error_part`).
    """

    def __init__(self, *, name: str, allowed: DateRange | None = None, **kwargs):
        super().__init__(**kwargs)
        self.date_name, self.allowed = name, allowed
        self.error_part = 0

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        self.error_part = 0
        if self.disabled and not isinstance(value, list):
            value = self.widget.decompress(value)
        values = list(value or ("", "", ""))
        values += [""] * (3 - len(values))
        if not any(str(part or "").strip() for part in values) and not self.required:
            return None
        try:
            return date_from_parts(*values[:3], label=self.date_name, allowed=self.allowed)
        except DateProblem as problem:
            self.error_part = problem.parts[0]
            for index in problem.parts:
                self.fields[index].widget.errors = list(problem.messages)
            raise ValidationError(problem.messages[0], code="invalid_date") from None
