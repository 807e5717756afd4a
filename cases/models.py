import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from inspections.definitions import CaseKind
from inspections.models import Inspection, KeyQuestion

if TYPE_CHECKING:
    from accounts.models import User


class Answer(models.TextChoices):
    """An assistant inspector's answer to a key question. Not applicable is left out of the rate."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


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
    kind = models.SlugField(max_length=50, help_text="Its case kind in the inspection's framework.")
    # Attribute key → value as imported (dates as ISO text), e.g. {"case_type": "licence", "rosh_level": "high"};
    # the framework's case kind says which there are.
    attributes = models.JSONField(default=dict, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values),
                name="case_status_valid",
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

    @property
    def attribute_items(self) -> list[tuple[str, str]]:
        """Its attributes as (label, value shown), in the framework's order: "Case type", "Licence"."""
        items = []
        for attribute in self.case_kind.attributes:
            value = str(self.attributes.get(attribute.key, "") or "")
            if attribute.type == "date" and value:
                shown = f"{datetime.date.fromisoformat(value):%-d %B %Y}"
            else:
                shown = attribute.label_of(value)
            items.append((attribute.label, shown or "Not known"))
        return items

    @property
    def description(self) -> str:
        """Its kind and the attributes the reports break down by: "Supervision case: Licence, High"."""
        kind = self.case_kind
        values = [a.label_of(str(self.attributes.get(a.key, ""))) for a in kind.attributes if a.breakdown]
        return f"{kind.name}: {', '.join(v for v in values if v)}" if any(values) else kind.name

    @property
    def case_kind(self) -> CaseKind:
        """Its kind as the inspection's framework defines it (attributes, facts, needs)."""
        kind = self.inspection.framework.definition.case_kind(self.kind)
        assert kind is not None  # the import and the services only make cases of the framework's kinds
        return kind


class CaseFact(models.Model):
    """The answer to one of the framework's case facts for one case (e.g. domestic-abuse enquiries: made)."""

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="facts")
    key = models.SlugField(max_length=50)
    value = models.CharField(max_length=50)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "key"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="case_fact_unique")]
        indexes = [models.Index(fields=["key", "value"])]

    def __str__(self) -> str:
        return f"{self.case} {self.key}: {self.value}"


class Judgement(models.Model):
    """The answer to one key question for one case: sufficient or not, with the evidence for it."""

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="judgements")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="judgements")
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    rationale = models.TextField(blank=True)
    # Prompt index (as text) → yes / no / not_applicable, where the key question says its prompts are recorded.
    prompt_answers = models.JSONField(default=dict, blank=True)
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
    need = models.SlugField(max_length=50, help_text="The need's key in the case kind's needs.")
    linked_to_offending = models.BooleanField(null=True, blank=True)
    sufficiently_addressed = models.BooleanField(null=True, blank=True)

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "need"]
        constraints = [
            models.UniqueConstraint(fields=["case", "need"], name="case_need_unique"),
            models.CheckConstraint(
                condition=models.Q(sufficiently_addressed__isnull=True) | models.Q(linked_to_offending=True),
                name="case_need_addressed_only_if_linked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.need}"


class CaseQuery(models.Model):
    """A quality assurer's query on a returned case, about one key question, case fact or need, and its answer.

    Queries are never deleted: together they are the case's quality-assurance thread.
    """

    case = models.ForeignKey(InspectedCase, on_delete=models.CASCADE, related_name="queries")
    key_question = models.ForeignKey(
        KeyQuestion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fact = models.CharField(
        max_length=50, blank=True, help_text="The key of the case fact queried, if not a key question."
    )
    need = models.SlugField(
        max_length=50,
        blank=True,
        help_text="The key of the criminogenic need queried, if not a key question.",
    )
    text = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Typed and kept with "Save draft", not sent: only the assistant inspector sees it until they send an answer.
    draft_answer = models.TextField(
        blank=True, help_text="The assistant inspector's answer as saved with the case's draft, not yet sent."
    )

    history = HistoricalRecords()
    _history_user: "User"  # set by the service that saves it (django-simple-history)

    class Meta:
        ordering = ["case", "raised_at", "pk"]
        verbose_name_plural = "case queries"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(key_question__isnull=False) & models.Q(fact="") & models.Q(need=""))
                | (models.Q(key_question__isnull=True) & ~models.Q(fact="") & models.Q(need=""))
                | (models.Q(key_question__isnull=True) & models.Q(fact="") & ~models.Q(need="")),
                name="case_query_about_one_thing",
            ),
            models.CheckConstraint(
                condition=(models.Q(answer="") & models.Q(answered_at__isnull=True))
                | (~models.Q(answer="") & models.Q(answered_at__isnull=False)),
                name="case_query_answered_consistently",
            ),
            # Sending the answer replaces the draft: an answered query has no draft left to show.
            models.CheckConstraint(
                condition=models.Q(answer="") | models.Q(draft_answer=""),
                name="case_query_draft_only_while_open",
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
        if self.need:
            found = next((n for n in self.case.case_kind.needs if n.key == self.need), None)
            return "Criminogenic need: " + (found.label if found else self.need)
        fact = self.case.case_kind.fact(self.fact)
        attribute = self.case.case_kind.attribute(self.fact)
        return "Case fact: " + (fact.label if fact else attribute.label if attribute else self.fact)


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

    The agreed answer is written to the case's Judgement too, since that is the one that counts; the first marker's
    answer and evidence as they were are kept here, so the disagreement and its resolution stay on record.
    """

    marking = models.ForeignKey(SecondMarking, on_delete=models.CASCADE, related_name="judgements")
    key_question = models.ForeignKey(KeyQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices)
    rationale = models.TextField(blank=True)
    agreed_answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    agreed_reason = models.TextField(blank=True, help_text="Why the agreed answer is the right one.")
    first_answer = models.CharField(
        max_length=20, choices=Answer.choices, blank=True, help_text="The first marker's answer when agreed."
    )
    first_rationale = models.TextField(blank=True, help_text="The first marker's evidence when agreed.")
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
                & models.Q(agreed_answer__in=["", *Answer.values])
                & models.Q(first_answer__in=["", *Answer.values]),
                name="second_judgement_answers_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Second marking {self.marking.case} {self.key_question.code}: {self.answer}"


class SamplePreview(models.Model):
    """A checked, clean sample file waiting for the lead to confirm it: its rows as read, kept here rather than in
    the session (a sample of thousands of rows would bloat every request's session). Deleted when confirmed, when
    the lead uploads another file, and by age (settings.SAMPLE_PREVIEW_MAX_AGE)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.SlugField(max_length=50, blank=True)
    rows = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Sample preview for {self.inspection} ({len(self.rows) - 1} cases)"


from .count_models import (  # noqa: E402, F401  (counts kept current for the national figures)
    KeptCount,
    KeptCounts,
)
from .sample_models import CaseloadCase, SampleDesign  # noqa: E402, F401  (the sample designer's models)
