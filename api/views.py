"""The API's documentation as a GOV.UK page rendered from the OpenAPI schema: no JavaScript, no CDN."""

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

from .problems import HTTP_PROBLEMS, declared_problems

METHODS = ("get", "post", "put", "patch", "delete")


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
        {"slug": slug, "status": status, "title": title, "meaning": meaning}
        for status, (slug, title, meaning) in HTTP_PROBLEMS.items()
    ] + [
        {
            "slug": error.problem_type,
            "status": error.http_status,
            "title": error.problem_title,
            "meaning": (error.__doc__ or "").strip().split("\n\n")[0],
        }
        for error in declared_problems()
    ]
    problem_types.sort(key=lambda problem: (problem["status"], problem["slug"]))
    return render(
        request,
        "api/docs.html",
        {"info": schema["info"], "operations": operations, "problem_types": problem_types},
    )
