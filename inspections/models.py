import functools
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from pdus.models import PDU, Region

from .definition_checks import parse
from .definitions import CRITERION_MAX_LENGTH, NAME_MAX_LENGTH, RATED_BY, Definition

if TYPE_CHECKING:
    from accounts.models import User


class Rating(models.TextChoices):
    """Stored rating values; they are the values of reports.rating.Rating."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Unit(models.TextChoices):
    """What a framework inspects."""

    PDU = "pdu", "Probation Delivery Unit"
    REGION = "region", "Region"


@functools.lru_cache(maxsize=64)
def _definition_of(document_json: str) -> Definition:
    return parse(json.loads(document_json))


class FrameworkQuerySet(models.QuerySet):
    def published(self) -> "FrameworkQuerySet":
        """Versions an inspection may use: drafts are still being checked."""
        return self.filter(published_at__isnull=False)


class Framework(models.Model):
    """A versioned inspection framework: the validated document (inspections.definitions) and rows derived from it
    (standards, key questions) so SQL can join on them.

    An inspection is pinned to one version, so next year's wording or bands never change last year's results.
    """

    slug = models.SlugField(max_length=50, help_text='Family of frameworks, e.g. "pdu-2021".')
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    version = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PDU)
    effective_from = models.DateField()
    document = models.JSONField(
        default=dict, help_text="The framework document, normalised (docs/frameworks.md)."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty while a draft.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = FrameworkQuerySet.as_manager()
    history = HistoricalRecords()
    _history_user: "User"

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_version_unique"),
            models.CheckConstraint(condition=models.Q(unit__in=Unit.values), name="framework_unit_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def definition(self) -> Definition:
        """The framework as data. Parsed once per process for each document, so a list page never parses twice."""
        cached = self.__dict__.get("_definition")
        if cached is not None and cached[0] is self.document:
            return cached[1]
        definition = _definition_of(json.dumps(self.document, sort_keys=True))
        self.__dict__["_definition"] = (self.document, definition)
        return definition

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Standard(models.Model):
    """A framework's standard, derived from its document when it is loaded."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=12, help_text='As published, e.g. "2.2".')
    domain = models.CharField(max_length=12, help_text="The code of its domain in the framework.")
    title = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(blank=True)
    rated_by = models.CharField(
        max_length=30, choices=[(value, value.replace("_", " ")) for value in RATED_BY]
    )
    case_kind = models.SlugField(max_length=50, blank=True, help_text="The kind of case it samples, if any.")
    is_optional = models.BooleanField(
        default=False,
        help_text="Rated only where the inspection's set-up includes it (e.g. court work): 9 standards, not 8.",
    )
    counts_in_composite = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="standard_code_unique"),
            models.CheckConstraint(condition=models.Q(rated_by__in=RATED_BY), name="standard_rated_by_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class KeyQuestionQuerySet(models.QuerySet):
    def of_framework(self, framework_id: int) -> "KeyQuestionQuerySet":
        """A framework's key questions in the inspectorate's order: by standard, then within it."""
        return self.filter(standard__framework_id=framework_id).order_by("standard__order", "order")


class KeyQuestion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="key_questions")
    code = models.CharField(max_length=12, help_text='e.g. "2.2.3".')
    criterion = models.CharField(
        max_length=CRITERION_MAX_LENGTH, help_text='As the framework labels it, e.g. "Desistance".'
    )
    wording = models.TextField()
    prompts = models.JSONField(
        default=list, blank=True, help_text="The prompts inspectors consider, in order."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = KeyQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["standard__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="key_question_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.wording}"


class InspectionQuerySet(models.QuerySet):
    def open(self):
        """Inspections whose cases can still be worked on."""
        return self.exclude(status=Inspection.Status.LOCKED)


class InspectionStatus(models.TextChoices):
    SETUP = "setup", "Set-up"
    FIELDWORK = "fieldwork", "Fieldwork"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
    LOCKED = "locked", "Locked"


class Inspection(models.Model):
    Status = InspectionStatus

    # The unit inspected: a PDU or a region, as its framework's unit says.
    pdu = models.ForeignKey(PDU, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    fieldwork_start = models.DateField()
    fieldwork_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SETUP)
    optional_standards = models.ManyToManyField(
        Standard,
        blank=True,
        related_name="+",
        help_text="Optional standards this inspection rates as well (e.g. court work).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords()
    # Who made a change and why, set by the service that saves it; django-simple-history records them.
    _history_user: "User"
    _change_reason: str

    class Meta:
        ordering = ["-fieldwork_start", "pdu__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="inspection_fieldwork_dates_in_order",
            ),
            # One inspection of a PDU per fieldwork period: a duplicate would become the PDU's "latest".
            models.UniqueConstraint(
                fields=["pdu", "fieldwork_start"], name="inspection_pdu_fieldwork_start_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InspectionStatus.values),
                name="inspection_status_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(pdu__isnull=False) & models.Q(region__isnull=True))
                | (models.Q(pdu__isnull=True) & models.Q(region__isnull=False)),
                name="inspection_one_unit",
                violation_error_message="An inspection inspects either a PDU or a region.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.fieldwork_start:%B %Y})"

    @property
    def unit(self) -> PDU | Region:
        """The PDU or region inspected."""
        unit = self.pdu if self.pdu_id is not None else self.region
        assert unit is not None  # a database constraint: exactly one of them
        return unit

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    def rated_standards(self) -> models.QuerySet[Standard]:
        """The standards this inspection rates: every mandatory one, plus the optional ones it chose."""
        chosen = self.optional_standards.values("pk")
        return self.framework.standards.filter(models.Q(is_optional=False) | models.Q(pk__in=chosen))


class Role(models.TextChoices):
    LEAD = "lead", "Lead inspector"
    INSPECTOR = "inspector", "Inspector"
    ASSISTANT_INSPECTOR = "assistant_inspector", "Assistant inspector"
    QUALITY_ASSURER = "quality_assurer", "Quality assurer"


class InspectionMembershipQuerySet(models.QuerySet):
    def team(self, inspection: Inspection, *roles: str) -> "InspectionMembershipQuerySet":
        """An inspection's team, or those of it in the given roles."""
        memberships = self.filter(inspection=inspection)
        return memberships.filter(role__in=roles) if roles else memberships


class InspectionMembership(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)

    objects = InspectionMembershipQuerySet.as_manager()
    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["inspection", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user", "role"], name="membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.inspection}"


class OrganisationalRating(models.Model):
    """The team's judgement of a standard rated by judgement (not from cases), with its rationale."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="organisational_ratings"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=30, choices=Rating.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["inspection", "standard__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "standard"], name="organisational_rating_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values), name="organisational_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.get_rating_display()} – {self.inspection}"


class OverallJudgement(models.Model):
    """The team's overall rating of an inspection, with its rationale, where the framework's overall rule is the
    team's judgement (the composite banded is only indicative, shown beside it)."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="overall_judgement")
    rating = models.CharField(max_length=30, choices=Rating.choices)
    rationale = models.TextField()
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values), name="overall_judgement_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Overall {self.get_rating_display()} – {self.inspection}"
