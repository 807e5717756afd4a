"""Knowing that a session ended by expiry, not by signing out, so the sign-in page can say so.

The session cookie cannot tell: the browser drops it when it expires, at about the time the server's session ends.
So a second cookie, holding no identity or secret ("1"), marks this browser as having been signed in: set on every
signed-in response, deleted when the user signs out. A request without a signed-in user that still carries it comes
from a browser whose session expired (or was ended on the server)."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SIGNED_IN_COOKIE = "signed_in"
SIGNED_IN_COOKIE_AGE = 30 * 24 * 60 * 60  # longer than any session; drafts are kept 7 days (js/drafts.js)
_SIGNED_OUT = "_signed_out"


@receiver(user_logged_out)
def _remember_signing_out(sender, request, **kwargs):
    if request is not None:
        setattr(request, _SIGNED_OUT, True)


def session_expired(request: HttpRequest) -> bool:
    """This browser was signed in and no longer is, without having signed out."""
    return not request.user.is_authenticated and request.COOKIES.get(SIGNED_IN_COOKIE) == "1"


class SignedInCookieMiddleware:
    """Sets the signed-in marker while a user is signed in; deletes it when they sign out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _SIGNED_OUT, False):
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        elif request.user.is_authenticated and SIGNED_IN_COOKIE not in request.COOKIES:
            response.set_cookie(
                SIGNED_IN_COOKIE,
                "1",
                max_age=SIGNED_IN_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
