"""The API's documentation as a GOV.UK page rendered from the OpenAPI schema: no JavaScript, no CDN."""

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from .problems import TITLES, TYPES

METHODS = ("get", "post", "put", "patch", "delete")
MEANINGS = {
    400: "A value, filter or body that is not allowed; errors names each field.",
    401: "No token, or an expired or revoked one.",
    403: "You may see the inspection but not do this.",
    404: "No such thing, or not yours to see.",
    405: "This address does not take that method.",
    406: "Ask for application/json (or text/csv on aggregates).",
    409: "The case cannot be changed now: submitted, approved, or its inspection locked.",
    412: "The case changed since you read it (If-Match is stale); the response carries the current ETag.",
    415: "Send JSON.",
    422: "The case is not complete; errors lists what is missing.",
    428: "Send the ETag you read in If-Match.",
    429: "Too many requests; wait Retry-After seconds.",
    500: "Our fault; nothing was saved.",
}


def _component_name(content: dict) -> str:
    schema = next(iter(content.values()), {}).get("schema", {}) if content else {}
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1]


def api_docs(request):
    """Every operation of /api/v1/ with its parameters, request body and responses, from the live schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method in METHODS:
            if method not in methods:
                continue
            operation = methods[method]
            operations.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "request_body": _component_name(operation.get("requestBody", {}).get("content", {})),
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "media_types": list(response.get("content", {})),
                            "body": _component_name(response.get("content", {})),
                        }
                        for status, response in sorted(operation["responses"].items())
                    ],
                }
            )
    problem_types = [
        {
            "slug": TYPES[status],
            "status": status,
            "title": TITLES[status],
            "meaning": MEANINGS.get(status, ""),
        }
        for status in sorted(TYPES)
    ]
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "operations": operations, "problem_types": problem_types},
    )
