"""The survey of people on probation and the staffing of each inspected PDU.

Imported by reports.models, so these are the reports app's models.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from inspections.models import Inspection
from pdus.models import PDU


class SurveyImport(models.Model):
    """One upload of survey results: who imported which file, when. Its counts replace the earlier counts of the
    same PDUs and periods; the record of the earlier upload stays."""

    file_name = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} rows, {self.imported_at:%Y-%m-%d %H:%M})"


class SurveyCount(models.Model):
    """How many people on probation in a PDU gave one response to one question of the survey in one period."""

    pdu = models.ForeignKey(PDU, on_delete=models.CASCADE, related_name="survey_counts")
    period = models.CharField(max_length=7, help_text='An inspection year, April to March, e.g. "2022-23".')
    question = models.CharField(max_length=300)
    question_order = models.PositiveIntegerField(help_text="The question's place in the file.")
    response = models.CharField(max_length=200)
    response_order = models.PositiveIntegerField(help_text="The response's place among its question's.")
    count = models.PositiveIntegerField()
    survey_import = models.ForeignKey(SurveyImport, on_delete=models.PROTECT, related_name="counts")

    class Meta:
        ordering = ["pdu", "period", "question_order", "response_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["pdu", "period", "question", "response"], name="survey_count_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pdu} {self.period}: {self.question} / {self.response}: {self.count}"


class Grade(models.TextChoices):
    """The grades whose vacancies the inspection records."""

    SENIOR_PROBATION_OFFICER = "spo", "Senior probation officer"
    PROBATION_OFFICER = "po", "Probation officer"
    PROBATION_SERVICES_OFFICER = "pso", "Probation services officer"
    ADMINISTRATIVE = "admin", "Administrative staff"


class StaffingEvidence(models.Model):
    """The staffing of the inspected PDU, for domain one: its staff in post, their sickness absence and how many
    said in the staff survey that their workload is manageable. Vacancies by grade are StaffingVacancy rows."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="staffing")
    staff_in_post = models.PositiveIntegerField(help_text="People employed in the PDU.")
    sickness_days = models.DecimalField(
        max_digits=8, decimal_places=1, help_text="Working days lost to sickness over the last 12 months."
    )
    staff_surveyed = models.PositiveIntegerField(help_text="Staff who answered the workload question.")
    workloads_manageable = models.PositiveIntegerField(help_text="Of those, how many said it is manageable.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "staffing evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(workloads_manageable__lte=F("staff_surveyed")),
                name="staffing_manageable_within_surveyed",
            ),
            models.CheckConstraint(condition=Q(sickness_days__gte=0), name="staffing_sickness_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Staffing of {self.inspection}"


class StaffingVacancy(models.Model):
    """One grade's posts (full-time equivalent) and how many of them are vacant."""

    evidence = models.ForeignKey(StaffingEvidence, on_delete=models.CASCADE, related_name="vacancies")
    grade = models.CharField(max_length=10, choices=Grade.choices)
    posts = models.DecimalField(max_digits=7, decimal_places=1)
    vacant = models.DecimalField(max_digits=7, decimal_places=1)

    class Meta:
        ordering = ["evidence", "grade"]
        verbose_name_plural = "staffing vacancies"
        constraints = [
            models.UniqueConstraint(fields=["evidence", "grade"], name="staffing_vacancy_grade_unique"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="staffing_vacancy_grade_valid"),
            models.CheckConstraint(
                condition=Q(vacant__gte=0) & Q(vacant__lte=F("posts")), name="staffing_vacant_within_posts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()}: {self.vacant} of {self.posts} vacant"
