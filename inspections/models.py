from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from pdus.models import PDU

if TYPE_CHECKING:
    from accounts.models import User


class Rating(models.TextChoices):
    """Stored rating values; they are the values of reports.rating.Rating."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Framework(models.Model):
    """A versioned inspection framework: its standards, key questions and rating bands.

    An inspection is pinned to one version, so next year's wording or bands never change last year's results.
    """

    slug = models.SlugField(max_length=50, help_text='Family of frameworks, e.g. "pdu".')
    name = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    key_question_bands = models.JSONField(
        help_text='Lowest sufficiency percentage for each rating, e.g. {"outstanding": 80, "good": 65, ...}.'
    )
    composite_bands = models.JSONField(
        help_text='Per maximum composite score, the lowest score for each rating, e.g. {"27": {"good": 14, ...}}.'
    )
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Domain(models.IntegerChoices):
    ORGANISATIONAL_DELIVERY = 1, "Organisational delivery"
    CASE_SUPERVISION = 2, "Case supervision"
    OTHER = 3, "Other rated work"


class Stage(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning"
    IMPLEMENTATION = "implementation", "Implementation and delivery"
    REVIEWING = "reviewing", "Reviewing"


class Criterion(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    DESISTANCE = "desistance", "Desistance"
    SAFETY = "safety", "Keeping other people safe"


class RatedFrom(models.TextChoices):
    CASE_SAMPLE = "case_sample", "Case sample"
    LEAD_JUDGEMENT = "lead_judgement", "Lead inspector's judgement"


class Standard(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    domain = models.PositiveSmallIntegerField(choices=Domain.choices)
    code = models.CharField(max_length=10, help_text='As published, e.g. "2.2".')
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rated_from = models.CharField(max_length=20, choices=RatedFrom.choices)
    stage = models.CharField(
        max_length=20, choices=Stage.choices, blank=True, help_text="Case-supervision standards only."
    )
    is_optional = models.BooleanField(
        default=False,
        help_text="Rated only where the inspection's set-up includes it (e.g. unpaid work): 9 standards, not 8.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="standard_code_unique"),
            models.CheckConstraint(
                condition=models.Q(rated_from__in=RatedFrom.values), name="standard_rated_from_valid"
            ),
            models.CheckConstraint(
                condition=(models.Q(rated_from=RatedFrom.CASE_SAMPLE) & ~models.Q(stage=""))
                | (models.Q(rated_from=RatedFrom.LEAD_JUDGEMENT) & models.Q(stage="")),
                name="standard_stage_only_for_case_sample",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class KeyQuestionQuerySet(models.QuerySet):
    def of_framework(self, framework_id: int) -> "KeyQuestionQuerySet":
        """A framework's key questions in the inspectorate's order: by standard, then within it."""
        return self.filter(standard__framework_id=framework_id).order_by("standard__order", "order")


class KeyQuestion(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="key_questions")
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    code = models.CharField(max_length=12, help_text='e.g. "2.1.3".')
    wording = models.TextField()
    prompts = models.JSONField(
        default=list, blank=True, help_text="The prompts inspectors consider, in order."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = KeyQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["standard__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "criterion"], name="key_question_one_per_criterion"),
            models.UniqueConstraint(fields=["standard", "code"], name="key_question_code_unique"),
            models.CheckConstraint(
                condition=models.Q(criterion__in=Criterion.values), name="key_question_criterion_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.wording}"

    @property
    def stage(self) -> str:
        return self.standard.stage


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

    pdu = models.ForeignKey(PDU, on_delete=models.PROTECT, related_name="inspections")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="inspections")
    fieldwork_start = models.DateField()
    fieldwork_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SETUP)
    optional_standards = models.ManyToManyField(
        Standard,
        blank=True,
        related_name="+",
        help_text="Optional standards this inspection rates as well (e.g. unpaid work).",
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
        ]

    def __str__(self) -> str:
        return f"{self.pdu} ({self.fieldwork_start:%B %Y})"

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
    """The lead inspector's rating of a standard judged from evidence rather than the case sample."""

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
