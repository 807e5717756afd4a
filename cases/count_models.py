"""Counts over an inspection's counted cases, stored as rows: what the national figures read instead of judgements.

`CountRow` is the shape (reports.models.FrozenCount, frozen with a locked inspection's snapshot, has it too);
`KeptCount` rows are an inspection's counts kept current by the services that change what is counted
(cases.services.counts), so the national figures read an open inspection's counts as they read a locked one's.
`KeptCounts` marks the inspections whose counts are kept: one without it is counted live from its cases.
"""

from django.db import models

from inspections.models import Inspection


class Measure(models.TextChoices):
    JUDGEMENTS = "judgements", "Judgements: key question, answer and breakdown attributes"
    CASES = "cases", "Counted cases"
    FACTS = "facts", "Case facts: fact and answer"
    NEEDS = "needs", "Needs: need and its answers"


class CountRow(models.Model):
    """One count: of judgements (by key question, answer and the case's breakdown attributes), of counted cases, of
    case facts (by fact and answer) or of needs (by need and its answers), for one case kind."""

    Measure = Measure

    measure = models.CharField(max_length=20, choices=Measure.choices)
    case_kind = models.SlugField(max_length=50)
    key = models.CharField(max_length=50, blank=True, help_text="The key question code, fact key or need.")
    value = models.CharField(max_length=50, blank=True, help_text="The answer.")
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Judgements: the case's value of each breakdown attribute."
    )
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.measure} {self.case_kind} {self.key} {self.value}: {self.count}"


class KeptCounts(models.Model):
    """The inspection's counts are kept in KeptCount rows, current with every change to its counted cases. Locked
    while they are changed, so changes to one inspection's counts are made one at a time."""

    inspection = models.OneToOneField(
        Inspection, on_delete=models.CASCADE, primary_key=True, related_name="kept_counts"
    )
    kept_since = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "kept counts"

    def __str__(self) -> str:
        return f"Counts of {self.inspection} kept since {self.kept_since:%Y-%m-%d %H:%M}"


class KeptCount(CountRow):
    """One count over an open (or reopened) inspection's counted cases, kept current by cases.services.counts."""

    # Its KeptCounts' key is the inspection's, so `counts_id` is the inspection's id, read without a join.
    counts = models.ForeignKey(KeptCounts, on_delete=models.CASCADE, related_name="rows")

    class Meta:
        indexes = [models.Index(fields=["counts", "measure"], name="keptcount_inspection")]
