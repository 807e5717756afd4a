"""Sign-in throttling (django-axes): failed sign-ins and failed API tokens are counted by username and by the
client's IP address, in the database, so every worker and host sees the same counts.

After AXES_FAILURE_LIMIT failures a username, or an address, is refused for AXES_COOLOFF_TIME, even with the
right password; another failure while refused starts the wait again. The same message answers a known and an
unknown username, so the page tells nobody which accounts exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import SignInForm


def wait_description(wait: timedelta) -> str:
    """'15 minutes', '1 hour', '1 hour and 30 minutes': the cool-off in words."""
    minutes = max(1, round(wait.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts)


def locked_out_message() -> str:
    wait = wait_description(settings.AXES_COOLOFF_TIME)
    return f"You have tried to sign in too many times. Wait {wait}, then try again."


def token_locked_out_message() -> str:
    wait = wait_description(settings.AXES_COOLOFF_TIME)
    return f"Too many requests with a wrong API token from this address. Wait {wait}, then try again."


def retry_after_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_parameters(request: HttpRequest, credentials: dict[str, Any] | None) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: by username and, separately, by address. A failed API token has no username;
    counting it under an empty username would lock every token client out together, so it counts by address."""
    if credentials and credentials.get("username"):
        return ["username", "ip_address"]
    return ["ip_address"]


def client_ip_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address. Behind NUM_PROXIES trusted proxies (a load balancer), the
    address the outermost of them saw, from X-Forwarded-For; never an address the client could write itself."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.NUM_PROXIES
    if not proxies:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def locked_out_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, with the user's username, a GOV.UK error saying how long to
    wait, 429 and Retry-After. A response that says so already (the API's 429 problem for a wrong token) is kept."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    form = SignInForm(request, data={"username": request.POST.get("username", "")})
    form.errors.clear()
    form.add_error(None, locked_out_message())
    response = render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", request.GET.get("next", ""))},
        status=429,
    )
    response["Retry-After"] = str(retry_after_seconds())
    return response
