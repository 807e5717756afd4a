"""The sample designer's records: one design per inspection and case kind, and the caseload rows it keeps.

Before the draw a design keeps its eligible caseload as `EligibleCase` rows (no name, date of birth or PNC: those
are read only to find duplicates); the draw copies the selected and reserve cases to `CaseloadCase` and deletes
every `EligibleCase` of the design (data minimisation), so what remains is the sample, its reserve lists, the
recorded replacements and what reproduces the draw.
"""

from django.conf import settings
from django.db import models

from inspections.models import Inspection

from .models import InspectedCase


class SamplingMethod(models.TextChoices):
    RANDOM = "random", "Random within each stratum"
    SYSTEMATIC = "systematic", "Systematic (random start and fixed interval)"


class SampleRole(models.TextChoices):
    UNSAMPLED = "", "Not sampled"
    SELECTED = "selected", "Selected"
    RESERVE = "reserve", "Reserve"
    REPLACED = "replaced", "Replaced"


class SampleDesign(models.Model):
    """A caseload upload for one case kind of an inspection, the lead's design choices and, once drawn, the draw."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sample_designs")
    case_kind = models.SlugField(max_length=50)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField("SHA-256 of the caseload file", max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    window_start = models.DateField()
    window_end = models.DateField()
    # Option values of the case type attribute that are eligible; empty means every case type.
    case_types = models.JSONField(default=list, blank=True)
    # [line, reason] for every row of the file left out, in line order.
    exclusions = models.JSONField(default=list, blank=True)

    confidence = models.FloatField(default=0.80)
    margin = models.FloatField(default=0.10)
    minimum = models.PositiveIntegerField(null=True, blank=True)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    practitioner_cap = models.PositiveIntegerField(default=6)
    reserve_per_stratum = models.PositiveIntegerField(default=3)
    # Variables the strata are formed from; ["default"] is the inspectorate sampler's five strata.
    strata = models.JSONField(default=list, blank=True)
    represent_every_stratum = models.BooleanField(default=False)
    method = models.CharField(max_length=20, choices=SamplingMethod.choices, default=SamplingMethod.RANDOM)
    seed = models.BigIntegerField()

    # The plan as computed from the caseload by the upload and by each change of the design (size, allocation,
    # shares, the selected and reserve keys, and the values it was computed from), so the design page and the draw
    # need not read the caseload again. Emptied at the draw, which keeps what it drew in drawn_design.
    plan = models.JSONField(default=dict, blank=True)

    algorithm = models.CharField(max_length=50, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept at the draw, since the unsampled rows are then deleted: the design as computed (population, size,
    # allocation and shortfall per stratum, caseload counts per variable).
    drawn_design = models.JSONField(default=dict, blank=True)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["inspection_id", "case_kind"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "case_kind"], name="sample_design_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")), name="sample_window_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__gt=0, confidence__lt=1), name="sample_confidence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(margin__gt=0, margin__lte=0.5), name="sample_margin_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum__isnull=True)
                | models.Q(maximum__isnull=True)
                | models.Q(maximum__gte=models.F("minimum")),
                name="sample_minimum_not_above_maximum",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=SamplingMethod.values), name="sample_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection}: {self.case_kind} sample design"

    @property
    def is_drawn(self) -> bool:
        return self.drawn_at is not None


class EligibleCase(models.Model):
    """One eligible caseload row of a design not yet drawn: what the design is computed from.

    A caseload has tens of thousands of these, written by COPY and all deleted at the draw, so the table has no
    database constraint: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, and their checks, queued for every
    row written or deleted, cost as much as the rest of the upload and the draw together. The foreign key to the
    design is kept in Django only, so deleting a design (or its inspection) still deletes its rows, in one
    statement; the draw deletes them explicitly.
    """

    design = models.ForeignKey(
        SampleDesign, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="eligible"
    )
    line = models.PositiveIntegerField()
    reference = models.CharField("Case reference (CRN)", max_length=50)
    start_date = models.DateField()
    gender = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=100)
    team = models.CharField(max_length=100)
    practitioner = models.CharField(max_length=100)
    # The case kind's attributes as read (option values, dates as ISO text), e.g. case type and RoSH level.
    attributes = models.JSONField(default=dict)

    class Meta:
        # The design is computed from its rows in line order (the order the seeded draw depends on).
        ordering = ["design_id", "line"]
        indexes = [models.Index(fields=["design", "line"], name="eligible_case_design_line")]

    def __str__(self) -> str:
        return f"{self.reference} (line {self.line})"


class CaseloadCase(models.Model):
    """A drawn case of a design: selected, reserve or replaced (the rest of the caseload is not kept)."""

    design = models.ForeignKey(SampleDesign, on_delete=models.CASCADE, related_name="caseload")
    line = models.PositiveIntegerField()
    reference = models.CharField("Case reference (CRN)", max_length=50)
    start_date = models.DateField()
    gender = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=100)
    team = models.CharField(max_length=100)
    practitioner = models.CharField(max_length=100)
    # The case kind's attributes as read (option values, dates as ISO text), e.g. case type and RoSH level.
    attributes = models.JSONField(default=dict)

    stratum = models.CharField(max_length=200, blank=True)
    role = models.CharField(
        max_length=10, choices=SampleRole.choices, blank=True, default=SampleRole.UNSAMPLED
    )
    # Position in the stratum's reserve list (1 first), or in the order drawn for a selected case.
    position = models.PositiveIntegerField(null=True, blank=True)
    case = models.OneToOneField(
        InspectedCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload_row"
    )
    # DO_NOTHING: the database's foreign key refuses to delete a row another row was replaced by.
    replaced_by = models.OneToOneField(
        "self", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="replaces"
    )
    replacement_reason = models.TextField(blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["design_id", "stratum", "role", "position", "line"]
        constraints = [
            models.UniqueConstraint(fields=["design", "line"], name="caseload_line_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=SampleRole.values), name="caseload_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=SampleRole.REPLACED) | ~models.Q(replacement_reason=""),
                name="caseload_replacement_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["design", "role"])]

    def __str__(self) -> str:
        return f"{self.reference} (line {self.line})"
