"""API tokens: a signed-in user creates named tokens for their scripts and revokes them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from .models import ApiTokenName, User

NAME_REQUIRED = "Enter a name for the token"
NAME_TOO_LONG = "Token name must be 100 characters or fewer"


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[AuthToken, str]:
    """A new token for the user, expiring after REST_KNOX's TOKEN_TTL. The token string exists only here:
    the database keeps its digest, so it can be shown once and never again."""
    token, secret = AuthToken.objects.create(user=user)
    ApiTokenName.objects.create(token=token, name=name.strip())
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> int:
    """Delete the user's token with this key (their own only); returns how many were revoked."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


def api_tokens_for_user(user: User) -> QuerySet[AuthToken]:
    """The user's tokens that have not expired, newest first, with their names."""
    return (
        AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
        .select_related("api_name")
        .order_by("-created")
    )


def token_lifetime_days() -> int:
    return knox_settings.TOKEN_TTL.days
