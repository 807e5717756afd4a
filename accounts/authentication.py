"""API token authentication (knox), throttled like signing in, and refused with the reason when the token's user
changed their password or was deactivated after it was made."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from . import services
from .throttling import retry_after_seconds, token_locked_out_message

# A token names no user until it is found: counted by the client's address alone (throttling.lockout_parameters).
NO_USERNAME: dict[str, Any] = {"username": None}


class TokenRefused(exceptions.AuthenticationFailed):
    """A genuine token its user may no longer use: 401 with the reason, and not counted as a guess."""


class ThrottledTokenAuthentication(TokenAuthentication):
    """knox's token authentication. A wrong token counts as a failed sign-in from the client's address (axes);
    past the limit a wrong token from that address gets 429 with Retry-After until the wait is over. A right
    token still works: tokens are too long to guess, and a script behind the same address is no attacker."""

    def authenticate(self, request: Any) -> Any:
        try:
            return super().authenticate(request)
        except TokenRefused:
            raise
        except exceptions.AuthenticationFailed:
            # Counted only when it fails, so a good token costs no query more; a wrong one from an address past
            # the limit is answered 429 (the API's problem: throttling.locked_out_response keeps it).
            django_request = request._request
            user_login_failed.send(sender=type(self), credentials=NO_USERNAME, request=django_request)
            if getattr(django_request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
                django_request, NO_USERNAME
            ):
                raise exceptions.Throttled(
                    wait=retry_after_seconds(), detail=token_locked_out_message()
                ) from None
            raise

    def validate_user(self, auth_token: Any) -> Any:
        refusal = services.api_token_refusal(auth_token)
        if refusal:
            raise TokenRefused(refusal)
        return (auth_token.user, auth_token)


class ThrottledTokenScheme(KnoxTokenScheme):
    """The API schema's security scheme for these tokens: knox's, which drf-spectacular matches by exact class."""

    target_class = "accounts.authentication.ThrottledTokenAuthentication"
