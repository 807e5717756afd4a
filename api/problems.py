"""RFC 9457 problem details (application/problem+json) for every error the API answers.

Plumbing only: this module knows no app. An app's error says what it means for the API by declaring the attributes
of `ProblemError` (an HTTP status, a problem type and a title, and where needed the fields or headers to add), and
the exception handler answers any such error the same way, whichever app raised it.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Problem types are documented on the API's documentation page, one anchor each (relative to the API's host).
TYPE_BASE = "/api/docs/#problem-"

INVALID_TITLE = "Your request has problems"
# What a 500 can truthfully say depends on the method: a read changed nothing; a failed write may have been
# committed before the fault (a lost connection at COMMIT, a failure while reading the result back), so it is
# never told "nothing has been saved". Where an app knows it was saved, its own error says so.
SERVER_ERROR = "Something went wrong on our side. Nothing was changed. Try again later."
SERVER_ERROR_WRITE = (
    "Something went wrong on our side. We cannot tell whether your change was saved: read it again before you "
    "send it again."
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@runtime_checkable
class ProblemError(Protocol):
    """What an app's error declares to be answered as a problem document. Optional: `problem_detail` (the detail,
    when not the error's message), `problem_errors()` (a list of {field, message}) and `problem_headers()`."""

    http_status: int
    problem_type: str
    problem_title: str


# The problems HTTP itself gives, whatever the endpoint: (type, title, what it means for a client). An app's
# errors declare their own (ProblemError).
HTTP_PROBLEMS = {
    400: ("invalid", INVALID_TITLE, "A value, filter or body that is not allowed; errors names each field."),
    401: ("not-authenticated", "Sign in or send a valid token", "No token, or an expired or revoked one."),
    403: (
        "forbidden",
        "You do not have permission to do this",
        "You may see the inspection but not do this.",
    ),
    404: ("not-found", "Not found", "No such thing, or not yours to see."),
    405: ("method-not-allowed", "Method not allowed", "This address does not take that method."),
    406: ("not-acceptable", "Not acceptable", "Ask for application/json (or text/csv on aggregates)."),
    411: (
        "length-required",
        "Content-Length required",
        "A body sent without Content-Length (Transfer-Encoding: chunked): it would be read as empty, so it is refused.",
    ),
    413: (
        "too-large",
        "Request body too large",
        "A body over the API's limit (API_MAX_BODY_BYTES, 2.5 MB); refused unread.",
    ),
    415: ("unsupported-media-type", "Unsupported media type", "Send JSON."),
    429: ("throttled", "Too many requests", "Too many requests; wait Retry-After seconds."),
    500: (
        "server-error",
        "Server error",
        "Our fault. A read changed nothing; a change may or may not have been saved: read it again first.",
    ),
}
TYPES = {status: problem[0] for status, problem in HTTP_PROBLEMS.items()}
TITLES = {status: problem[1] for status, problem in HTTP_PROBLEMS.items()}


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_MEDIA_TYPE
    format = "problem+json"


class ProblemFieldSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field (or key question / fact form field) that failed.")
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An error response (RFC 9457)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = ProblemFieldSerializer(many=True, required=False)


def declared_problems() -> list[type[ProblemError]]:
    """Every error class that declares a problem type of its own, each type once (for the API's documentation).

    The apps' errors are found as subclasses of Exception, so this module never imports an app.
    """
    found: dict[str, type[ProblemError]] = {}
    pending = list(Exception.__subclasses__())
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        if "problem_type" in vars(error) and isinstance(vars(error).get("http_status", 0), int):
            found.setdefault(vars(error)["problem_type"], error)  # type: ignore[arg-type]
    return sorted(found.values(), key=lambda error: (error.http_status, error.problem_type))


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, message}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            name = (
                prefix
                if key in ("non_field_errors", "__all__")
                else f"{prefix}.{key}"
                if prefix
                else str(key)
            )
            errors.extend(_flatten(value, name))
        return errors
    if isinstance(detail, list):
        errors = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                errors.extend(_flatten(value, f"{prefix}[{index}]" if prefix else str(index)))
            else:
                errors.extend(_flatten(value, prefix))
        return errors
    return [{"field": prefix, "message": str(detail)}]


def problem(
    request: Any,
    status_code: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    *,
    problem_type: str | None = None,
    title: str | None = None,
) -> Response:
    data: dict[str, Any] = {
        "type": TYPE_BASE + (problem_type or TYPES.get(status_code, "error")),
        "title": title or TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "instance": request.path if request is not None else "",
    }
    if errors is not None:
        data["errors"] = errors
    return Response(data, status=status_code, headers=headers, content_type=PROBLEM_MEDIA_TYPE)


def _declared_problem(request: Any, exc: ProblemError) -> Response:
    errors = exc.problem_errors() if hasattr(exc, "problem_errors") else None
    headers = exc.problem_headers() if hasattr(exc, "problem_headers") else None
    detail = getattr(exc, "problem_detail", None) or str(exc)
    return problem(
        request,
        exc.http_status,
        detail,
        errors,
        headers,
        problem_type=exc.problem_type,
        title=exc.problem_title,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every error, including the services' refusals, as a problem document."""
    request = context.get("request")
    if request is not None:
        # Errors are JSON even where the client asked for CSV.
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_MEDIA_TYPE

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, ProblemError):
        return _declared_problem(request, exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": "" if name == "__all__" else name, "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "", "message": message} for message in exc.messages]
        return problem(request, 400, errors[0]["message"] if errors else INVALID_TITLE, errors)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = errors[0]["message"] if len(errors) == 1 else f"{len(errors)} fields have problems."
        return problem(request, 400, detail, errors)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Token realm="api"'
            exc.status_code = status.HTTP_401_UNAUTHORIZED
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem(request, exc.status_code, str(detail), headers=headers or None)

    logger.exception("Unhandled error in the API", exc_info=exc)
    writing = request is not None and request.method not in SAFE_METHODS
    return problem(request, 500, SERVER_ERROR_WRITE if writing else SERVER_ERROR)


def _problem_response(request: Any, status_code: int, detail: str) -> JsonResponse:
    """A problem document answered outside DRF (no view, or before one runs)."""
    data = {
        "type": TYPE_BASE + TYPES[status_code],
        "title": TITLES[status_code],
        "status": status_code,
        "detail": detail,
        "instance": request.path,
    }
    return JsonResponse(data, status=status_code, content_type=PROBLEM_MEDIA_TYPE)


@csrf_exempt  # a problem document for any method; nothing is changed, so there is nothing to forge
def not_found(request: Any, *args: Any, **kwargs: Any) -> JsonResponse:
    """Paths under /api/ that match no endpoint."""
    return _problem_response(request, 404, "There is no API endpoint at this address. See /api/docs/.")


LENGTH_REQUIRED = "Send the body with a Content-Length header: a body sent in chunks without one is not read."


def length_required(request: Any) -> JsonResponse:
    """A body sent without Content-Length: Django reads it as empty, so it is refused rather than taken as none."""
    return _problem_response(request, 411, LENGTH_REQUIRED)
