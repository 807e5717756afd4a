"""RFC 9457 problem details (application/problem+json) for every error the API answers."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cases.services import CaseConflict, CaseError, CaseIncomplete, CaseNotEditable

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Problem types are documented on the API's documentation page, one anchor each (relative to the API's host).
TYPE_BASE = "/api/docs/#problem-"

INVALID_TITLE = "Your request has problems"
PRECONDITION_REQUIRED = "Send the case's ETag in an If-Match header: read the case first, then change it."
PRECONDITION_FAILED = "The case has changed since you read it. Read it again and reapply your changes."
INCOMPLETE_TITLE = "The case is not complete"
SERVER_ERROR = "Something went wrong on our side. Nothing has been saved."

TITLES = {
    400: "Your request has problems",
    401: "Sign in or send a valid token",
    403: "You do not have permission to do this",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "This case cannot be changed now",
    412: "The case has changed since you read it",
    415: "Unsupported media type",
    422: INCOMPLETE_TITLE,
    428: "If-Match header required",
    429: "Too many requests",
    500: "Server error",
}
TYPES = {
    400: "invalid",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "case-not-editable",
    412: "stale-etag",
    415: "unsupported-media-type",
    422: "case-incomplete",
    428: "if-match-required",
    429: "throttled",
    500: "server-error",
}


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_MEDIA_TYPE
    format = "problem+json"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = PRECONDITION_REQUIRED
    default_code = "if_match_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = PRECONDITION_FAILED
    default_code = "stale_etag"

    def __init__(self, etag: str | None = None):
        super().__init__()
        self.etag = etag


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


def _flatten(detail, prefix: str = "") -> list[dict]:
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
    request, status_code: int, detail: str, errors: list[dict] | None = None, headers=None
) -> Response:
    data = {
        "type": TYPE_BASE + TYPES.get(status_code, "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "instance": request.path if request is not None else "",
    }
    if errors is not None:
        data["errors"] = errors
    return Response(data, status=status_code, headers=headers, content_type=PROBLEM_MEDIA_TYPE)


def exception_handler(exc, context):
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

    from cases.api import api_field, case_etag  # cases.api imports this module

    if isinstance(exc, CaseConflict):
        return problem(request, 412, PRECONDITION_FAILED, headers={"ETag": case_etag(exc.current)})
    if isinstance(exc, CaseIncomplete):
        errors = [{"field": api_field(p.field), "message": p.message} for p in exc.problems]
        return problem(request, 422, str(exc), errors)
    if isinstance(exc, CaseNotEditable | CaseError):
        # Any other refusal of a case service is about the case's state: a conflict, with the service's words.
        return problem(request, 409, str(exc))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": "" if name == "__all__" else api_field(name), "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "", "message": message} for message in exc.messages]
        return problem(request, 400, errors[0]["message"] if errors else INVALID_TITLE, errors)
    if isinstance(exc, PreconditionFailed):
        return problem(request, 412, str(exc.detail), headers={"ETag": exc.etag} if exc.etag else None)
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
    return problem(request, 500, SERVER_ERROR)


@csrf_exempt  # a problem document for any method; nothing is changed, so there is nothing to forge
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Paths under /api/ that match no endpoint."""
    data = {
        "type": TYPE_BASE + TYPES[404],
        "title": TITLES[404],
        "status": 404,
        "detail": "There is no API endpoint at this address. See /api/docs/.",
        "instance": request.path,
    }
    return JsonResponse(data, status=404, content_type=PROBLEM_MEDIA_TYPE)
