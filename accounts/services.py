"""API tokens: a signed-in user creates named tokens for their scripts and revokes them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from .models import ApiTokenName, User

NAME_REQUIRED = "Enter a name for the token"
NAME_TOO_LONG = "Token name must be 100 characters or fewer"
# Why a token no longer works, as its user is told.
ENDED_BY_NEW_CREDENTIALS = (
    "This token stopped working when your password was changed on {date}. "
    "Create a new token on the API tokens page of your account."
)
ENDED_BY_DEACTIVATION = (
    "This token's account has been deactivated: tokens of a deactivated account do not work."
)


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
    """The user's tokens that have not expired, newest first, with their names; each says whether it still works
    (`stopped`: made before the user's password last changed)."""
    stopped = (
        Q(created__lt=user.password_changed_at) if user.password_changed_at is not None else Q(pk__in=[])
    )
    return (
        AuthToken.objects.filter(user=user, expiry__gt=timezone.now())
        .select_related("api_name")
        .annotate(stopped=ExpressionWrapper(stopped, output_field=BooleanField()))
        .order_by("-created")
    )


def api_token_refusal(token: AuthToken) -> str | None:
    """Why a token that is genuine and unexpired may not be used, or None: its user was deactivated, or changed
    their password after the token was made (as a password change ends the user's other sessions)."""
    user: User = token.user
    if not user.is_active:
        return ENDED_BY_DEACTIVATION
    if user.password_changed_at is not None and token.created < user.password_changed_at:
        changed = timezone.localtime(user.password_changed_at)
        return ENDED_BY_NEW_CREDENTIALS.format(date=f"{changed:%-d %B %Y} at {changed:%H:%M}")
    return None


def token_lifetime_days() -> int:
    return knox_settings.TOKEN_TTL.days
