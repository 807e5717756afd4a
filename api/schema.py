"""OpenAPI: every operation documents the problem responses it can give, as application/problem+json."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .problems import PROBLEM_MEDIA_TYPE, TITLES, ProblemSerializer


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> list[int]:
        # 404 everywhere: an object that is not there or not yours, a page past the end, an unknown ?format=.
        codes = [401, 403, 404, 406, 429]
        if self.method == "GET" and (self._is_list_view() or getattr(self.view, "filter_backends", None)):
            codes.append(400)  # bad filter, ordering or page values
        if self.method in ("POST", "PUT", "PATCH"):
            codes += [400, 415]
        codes += getattr(self.view, "error_status_codes", {}).get(self.method, [])
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if str(code) in responses:
                continue
            content = self._get_response_for_code(
                ProblemSerializer, str(code), [PROBLEM_MEDIA_TYPE], direction
            )
            content["description"] = TITLES.get(code, "Error")
            responses[str(code)] = content
        return responses
