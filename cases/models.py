from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from inspections.models import Inspection, KeyQuestion

if TYPE_CHECKING:
    from accounts.models import User


class CaseType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community order"
    LICENCE = "licence", "Licence"
    POST_SENTENCE_SUPERVISION = "post_sentence_supervision", "Post-sentence supervision"


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class Enquiries(models.TextChoices):
    """Whether enquiries (domestic abuse, child safeguarding) or home visits were made where needed."""

    MADE = "made", "Made"
    NOT_MADE = "not_made", "Not made"
    NOT_NEEDED = "not_needed", "Not needed"


class Oversight(models.TextChoices):
    SUFFICIENT = "sufficient", "Sufficient"
    INSUFFICIENT = "insufficient", "Insufficient, ineffective or absent"
    NOT_REQUIRED = "not_required", "Not required"


class Answer(models.TextChoices):
    """An assistant inspector's answer to a key question. Not applicable is left out of the rate."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Need(models.TextChoices):
    """Criminogenic needs, in the order the inspectorate publishes them."""

    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    FINANCE = "finance", "Finance"
    RELATIONSHIPS = "relationships", "Relationships"
    LIFESTYLE = "lifestyle", "Lifestyle"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    THINKING_AND_BEHAVIOUR = "thinking_and_behaviour", "Thinking and behaviour"
    ATTITUDES = "attitudes", "Attitudes"
    HEALTH_AND_WELLBEING = "health_and_wellbeing", "Health and well-being"


class InspectedCaseQuerySet(models.QuerySet):
    def counted(self):
        """Cases whose judgements count towards the ratings: submitted for quality assurance, or approved."""
        return self.filter(status__in=InspectedCase.COUNTED_STATUSES)

    def assigned_to(self, user):
        return self.filter(assistant_inspector=user)


class CaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class InspectedCase(models.Model):
    Status = CaseStatus

    COUNTED_STATUSES = (Status.SUBMITTED, Status.APPROVED)
    EDITABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED)
    # Cases quality assurance has seen or is to see: submitted, returned with a query, approved.
    REVIEWED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.APPROVED)

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=50)
    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    rosh_level = models.CharField("RoSH level", max_length=20, choices=RoshLevel.choices)
    supervision_start = models.DateField()
    assistant_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # Optimistic locking: every save through a service bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    # Case facts.
    rosh_classified_correctly = models.BooleanField("RoSH classified correctly", null=True, blank=True)
    domestic_abuse_enquiries = models.CharField(max_length=20, choices=Enquiries.choices, blank=True)
    child_safeguarding_enquiries = models.CharField(max_length=20, choices=Enquiries.choices, blank=True)
    home_visits = models.CharField(max_length=20, choices=Enquiries.choices, blank=True)
    management_oversight = models.CharField(max_length=20, choices=Oversight.choices, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InspectedCaseQuerySet.as_manager()
    history = HistoricalRecords()
    # Who made a change, set by the service that saves it; django-simple-history records it.
    _history_user: "User"

    class Meta:
        ordering = ["inspection", "reference"]
        constraints = [
            # NEW001 and new001 are one case: references are kept as written but unique ignoring case.
            models.UniqueConstraint(
                models.F("inspection"),
                Lower("reference"),
                name="case_reference_unique_ignoring_case",
                violation_error_message="This inspection's sample already has a case with this reference.",
            ),
            models.CheckConstraint(condition=models.Q(case_type__in=CaseType.values), name="case_type_valid"),
            models.CheckConstraint(
                condition=models.Q(rosh_level__in=RoshLevel.values), name="case_rosh_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(domestic_abuse_enquiries__in=["", *Enquiries.values])
                & models.Q(child_safeguarding_enquiries__in=["", *Enquiries.values])
                & models.Q(home_visits__in=["", *Enquiries.values]),
                name="case_enquiries_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(management_oversight__in=["", *Oversight.values]),
                name="case_oversight_valid",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES and not self.inspection.is_locked

    @property
    def etag(self) -> str:
        """The version as an HTTP entity tag: a client sends it back in If-Match to change the case."""
        return f'"{self.pk}-{self.version}"'


class Judgement(models.Model):
    """The answer to one key question for one case: sufficient or not, with the evidence for it."""

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="judgements")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="judgements")
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    rationale = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "key_question__standard__order", "key_question__order"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key_question"], name="judgement_one_per_key_question"),
            models.CheckConstraint(
                condition=models.Q(answer__in=["", *Answer.values]), name="judgement_answer_valid"
            ),
        ]
        indexes = [models.Index(fields=["key_question", "answer"])]

    def __str__(self) -> str:
        return f"{self.case} {self.key_question.code}: {self.get_answer_display() or 'unanswered'}"


class CaseNeed(models.Model):
    """One criminogenic need of a case: whether it is linked to offending and, if so, sufficiently addressed."""

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=30, choices=Need.choices)
    linked_to_offending = models.BooleanField(null=True, blank=True)
    sufficiently_addressed = models.BooleanField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "need"]
        constraints = [
            models.UniqueConstraint(fields=["case", "need"], name="case_need_unique"),
            models.CheckConstraint(condition=models.Q(need__in=Need.values), name="case_need_valid"),
            models.CheckConstraint(
                condition=models.Q(sufficiently_addressed__isnull=True) | models.Q(linked_to_offending=True),
                name="case_need_addressed_only_if_linked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_need_display()}"


class CaseQuery(models.Model):
    """A quality assurer's query on a returned case, about one key question or one case fact, and its answer.

    Queries are never deleted: together they are the case's quality-assurance thread.
    """

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="queries")
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fact = models.CharField(
        max_length=40, blank=True, help_text="The case fact queried, if not a key question."
    )
    text = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "raised_at", "pk"]
        verbose_name_plural = "case queries"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(key_question__isnull=False) & models.Q(fact=""))
                | (models.Q(key_question__isnull=True) & ~models.Q(fact="")),
                name="case_query_about_one_thing",
            ),
            models.CheckConstraint(
                condition=(models.Q(answer="") & models.Q(answered_at__isnull=True))
                | (~models.Q(answer="") & models.Q(answered_at__isnull=False)),
                name="case_query_answered_consistently",
            ),
        ]

    def __str__(self) -> str:
        return f"Query on {self.case}: {self.text[:40]}"

    @property
    def is_open(self) -> bool:
        return not self.answer

    @property
    def subject(self) -> str:
        """What the query is about, as the case page words it."""
        if self.key_question is not None:
            return f"{self.key_question.code} {self.key_question.wording}"
        fact_field = InspectedCase._meta.get_field(self.fact)
        assert isinstance(fact_field, models.Field)  # a case fact is a column of the case
        return "Case fact: " + str(fact_field.verbose_name)


class SecondMarking(models.Model):
    """A case chosen for blind double marking, and the second assistant inspector who marks it."""

    case = models.OneToOneField(InspectedCase, on_delete=models.CASCADE, related_name="second_marking")
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_markings"
    )
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case"]

    def __str__(self) -> str:
        return f"Second marking of {self.case} by {self.marker}"


class SecondJudgement(models.Model):
    """The second marker's blind answer to one key question, and the lead's agreed answer where they differ.

    The agreed answer is written to the case's Judgement too, since that is the one that counts.
    """

    marking = models.ForeignKey(SecondMarking, on_delete=models.CASCADE, related_name="judgements")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices)
    rationale = models.TextField(blank=True)
    agreed_answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["marking", "key_question__standard__order", "key_question__order"]
        constraints = [
            models.UniqueConstraint(fields=["marking", "key_question"], name="second_judgement_unique"),
            models.CheckConstraint(
                condition=models.Q(answer__in=Answer.values)
                & models.Q(agreed_answer__in=["", *Answer.values]),
                name="second_judgement_answers_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Second marking {self.marking.case} {self.key_question.code}: {self.answer}"


from .sample_models import CaseloadCase, SampleDesign  # noqa: E402, F401  (the sample designer's models)
