"""`check --deploy`: nothing that must be shared between workers or hosts is kept in a worker's memory.

The API throttles count requests in the default cache; with a per-process cache each gunicorn worker (and each app
host) keeps its own counts, so three workers let three times the limit through. Sessions and sign-in lock-outs are
in the database, which is shared already. See docs/deployment.md.
"""

from typing import Any

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "kept in each worker's memory",
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing",
    "django.core.cache.backends.filebased.FileBasedCache": "kept on one host's disk",
}
NOT_SHARED = "The default cache ({backend}) is {where}: API throttles will not hold across gunicorn workers and app hosts."
HINT = "Set REDIS_URL (or CACHE_URL) to the Redis every app host shares, e.g. redis://redis:6379/1."


@checks.register(checks.Tags.caches, deploy=True)
def cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        message = NOT_SHARED.format(backend=backend.rsplit(".", 1)[-1], where=PER_PROCESS_CACHES[backend])
        return [checks.Error(message, hint=HINT, id="case_assessment.E001")]
    return []
