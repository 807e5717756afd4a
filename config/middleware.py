"""Headers every page and API answer carries, whatever app made it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from api.problems import LENGTH_REQUIRED, length_required


class PrivateResponsesMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: no-store` on every one that did not choose its own
    caching: case pages, case API answers and the API token page hold evidence and secrets that no browser cache,
    proxy or back button should keep. Static files never come here (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


class LengthRequiredMiddleware:
    """A body sent without Content-Length (Transfer-Encoding: chunked) is refused with 411. Django reads such a body
    as empty, so a chunked PATCH of a case was answered 200 as an empty change, with nothing saved; a client that
    trusted the 200 lost its change. Browsers always send the length; an API client can, and is told to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get("CONTENT_LENGTH"):
            if request.path.startswith("/api/"):
                return length_required(request)
            return HttpResponse(LENGTH_REQUIRED, status=411, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
