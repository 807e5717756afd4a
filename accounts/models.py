from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. Inspection roles come from InspectionMembership, not from here."""

    is_national_viewer = models.BooleanField(
        "national viewer",
        default=False,
        help_text="Sees every aggregate and dashboard, but no case-level evidence.",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiTokenName(models.Model):
    """The name a user gave one of their API tokens (knox's token has no name of its own)."""

    token = models.OneToOneField(
        "knox.AuthToken", on_delete=models.CASCADE, primary_key=True, related_name="api_name"
    )
    name = models.CharField(max_length=100)

    class Meta:
        verbose_name = "API token name"

    def __str__(self) -> str:
        return self.name
