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
