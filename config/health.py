"""/healthz: whether this app instance can serve, for the container's health check and a load balancer.

200 when the database answers and, where the cache is Redis, Redis does; 503 otherwise. The body names each
check and its state, never an error's text (the log has that)."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return UNAVAILABLE
    return OK


def _uses_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _redis() -> str:
    try:
        cache.set("healthz", OK, timeout=10)
        answered = cache.get("healthz")
    except Exception:
        logger.exception("Health check: Redis did not answer")
        return UNAVAILABLE
    return OK if answered == OK else UNAVAILABLE


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database()}
    if _uses_redis():
        checks["redis"] = _redis()
    healthy = all(state == OK for state in checks.values())
    return JsonResponse(
        {"status": OK if healthy else UNAVAILABLE, "checks": checks}, status=200 if healthy else 503
    )
