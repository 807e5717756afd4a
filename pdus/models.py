from django.db import models


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class PDU(models.Model):
    """A Probation Delivery Unit: the unit an inspection rates."""

    name = models.CharField(max_length=200, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="pdus")
    country = models.CharField(max_length=10, choices=Country.choices, default=Country.ENGLAND)

    class Meta:
        ordering = ["name"]
        verbose_name = "PDU"
        verbose_name_plural = "PDUs"
        constraints = [
            models.CheckConstraint(condition=models.Q(country__in=Country.values), name="pdu_country_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class PublishedRating(models.Model):
    """A composite score the inspectorate published for a PDU, kept so dashboards show history."""

    pdu = models.ForeignKey(PDU, on_delete=models.CASCADE, related_name="published_ratings")
    period_start = models.DateField(help_text="First day of the month the reporting period starts.")
    period_end = models.DateField(help_text="First day of the month the reporting period ends.")
    composite_score = models.PositiveSmallIntegerField()
    composite_max = models.PositiveSmallIntegerField()
    overall_rating = models.CharField(
        max_length=30,
        blank=True,
        help_text="As published, where known; otherwise the reports compute it from the composite.",
    )
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pdu__name", "-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["pdu", "period_start", "period_end"], name="published_rating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="published_rating_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(composite_score__lte=models.F("composite_max")),
                name="published_rating_score_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pdu}: {self.composite_score}/{self.composite_max} ({self.period_label})"

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%b %Y} to {self.period_end:%b %Y}"
