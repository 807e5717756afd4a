"""OpenAPI: every operation documents the problem responses it can give, as application/problem+json.

A view lists the errors it can answer beyond the usual ones in `error_responses` by method: HTTP statuses, or an app's
error classes (api.problems.ProblemError), whose title describes the response.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .problems import PROBLEM_MEDIA_TYPE, TITLES, ProblemSerializer


class AutoSchema(SpectacularAutoSchema):
    def _error_descriptions(self) -> dict[int, str]:
        # 404 everywhere: an object that is not there or not yours, a page past the end, an unknown ?format=.
        codes = {code: TITLES[code] for code in (401, 403, 404, 406, 429)}
        if self.method == "GET" and (self._is_list_view() or getattr(self.view, "filter_backends", None)):
            codes[400] = TITLES[400]  # bad filter, ordering or page values
        if self.method in ("POST", "PUT", "PATCH"):
            codes.update({400: TITLES[400], 413: TITLES[413], 415: TITLES[415]})
        for error in getattr(self.view, "error_responses", {}).get(self.method, []):
            if isinstance(error, int):
                codes.setdefault(error, TITLES.get(error, "Error"))
            else:
                codes[error.http_status] = error.problem_title
        return dict(sorted(codes.items()))

    def _resolve_path_parameters(self, variables):
        """A path's ids are whole numbers from 1: the schema says so, so a client never sends 0 or -1."""
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"].setdefault("minimum", 1)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in self._error_descriptions().items():
            if str(code) in responses:
                continue
            content = self._get_response_for_code(
                ProblemSerializer, str(code), [PROBLEM_MEDIA_TYPE], direction
            )
            content["description"] = description
            responses[str(code)] = content
        return responses
