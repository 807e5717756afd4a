"""The API's parsers: JSON, refused before it is read when it is larger than API_MAX_BODY_BYTES (413), and refused
as a 400 problem when it is not JSON or nested deeper than MAX_DEPTH; and, for the few file uploads, multipart,
refused before it is read when it is larger than the view's `max_upload_bytes` (413).

DRF's own JSONParser reads the request stream directly, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE, so a body of any
size was parsed; and Python's json raises RecursionError (a 500) on a few hundred nested brackets. Django's multipart
reader writes a file of any length to disk before the view can look at its size.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers

# The deepest body the API takes is three levels ({"judgements": {"2.1.1": {"answer": ...}}}); 32 leaves room.
MAX_DEPTH = 32
TOO_LARGE = "The request body is larger than {limit:,} bytes. Send a smaller change."
UPLOAD_TOO_LARGE = "The request body is larger than {limit:,} bytes. Upload a smaller file."
# Room in a multipart body for the form's other fields and the part boundaries, beside the file itself.
MULTIPART_ALLOWANCE = 64 * 1024
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


class MultiPartParser(parsers.MultiPartParser):
    """A file upload: refused unread (413) when its declared length is over the view's `max_upload_bytes` (its
    largest file) plus MULTIPART_ALLOWANCE. A body without a length is read as empty by Django's multipart reader."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        parser_context = parser_context or {}
        limit: int = getattr(parser_context.get("view"), "max_upload_bytes", settings.API_MAX_BODY_BYTES)
        if _content_length(parser_context.get("request")) > limit + MULTIPART_ALLOWANCE:
            raise RequestTooLarge(UPLOAD_TOO_LARGE.format(limit=limit + MULTIPART_ALLOWANCE))
        return super().parse(stream, media_type, parser_context)
