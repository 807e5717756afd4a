from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A person who signs in. Inspection roles come from InspectionMembership, not from here."""

    is_national_viewer = models.BooleanField(
        "national viewer",
        default=False,
        help_text="Sees every aggregate and dashboard, but no case-level evidence.",
    )

    password_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the password was last set; API tokens made before it no longer work.",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        # Every way of changing a password (the account page, the admin, changepassword) goes through here.
        # Django's re-hash of an unchanged password at sign-in saves the password field alone, so it leaves this
        # date, and the user's tokens, as they were.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


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
