"""The API's only parser: JSON, refused before it is read when it is larger than API_MAX_BODY_BYTES (413), and
refused as a 400 problem when it is not JSON or nested deeper than MAX_DEPTH.

DRF's own JSONParser reads the request stream directly, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE, so a body of any
size was parsed; and Python's json raises RecursionError (a 500) on a few hundred nested brackets.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers

# The deepest body the API takes is three levels ({"judgements": {"2.1.1": {"answer": ...}}}); 32 leaves room.
MAX_DEPTH = 32
TOO_LARGE = "The request body is larger than {limit:,} bytes. Send a smaller change."
TOO_DEEP = f"The JSON is nested more than {MAX_DEPTH} levels deep."
MALFORMED = "The body is not valid JSON: {error}."


class RequestTooLarge(exceptions.APIException):
    """A body over API_MAX_BODY_BYTES: refused without reading it."""

    status_code = 413
    default_detail = "The request body is too large."


def _refuse_non_standard_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a JSON value")


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether data nests deeper than limit, without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > limit:
                return True
            pending.extend((item, depth + 1) for item in value)
    return False


def _content_length(request: Any) -> int:
    meta = request.META if request is not None else {}
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        parser_context = parser_context or {}
        limit: int = settings.API_MAX_BODY_BYTES
        if _content_length(parser_context.get("request")) > limit:
            raise RequestTooLarge(TOO_LARGE.format(limit=limit))
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(TOO_LARGE.format(limit=limit))
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_non_standard_constant)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None
        except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise exceptions.ParseError(MALFORMED.format(error=error)) from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise exceptions.ParseError(TOO_DEEP)
        return data
