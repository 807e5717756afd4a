"""Throttles on the shared cache (CACHE_URL), so every gunicorn worker counts the same requests."""

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    """All of a user's requests, by session or any of their tokens."""

    scope = "user"


class PerTokenThrottle(SimpleRateThrottle):
    """One token's requests; session requests are not counted here."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        token_key = getattr(token, "token_key", None)
        if not token_key:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_key}
