"""Finding 9: production keeps the throttle counts in the Redis every worker and host shares, and `check --deploy`
refuses a cache kept in one worker's memory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from config.shared_state import cache_is_shared

ROOT = Path(__file__).resolve().parents[2]


def caches_with(**environment) -> dict:
    """The CACHES a fresh process builds from this environment (settings are read once per process)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "REDIS_URL")}
    env.update(environment, DJANGO_SETTINGS_MODULE="config.settings")
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    result = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)["default"]


def test_redis_url_makes_redis_the_cache():
    cache = caches_with(REDIS_URL="redis://redis.internal:6379/1")
    assert cache["BACKEND"].endswith("RedisCache")
    assert cache["LOCATION"] == "redis://redis.internal:6379/1"


def test_cache_url_wins_over_redis_url():
    cache = caches_with(REDIS_URL="redis://a:6379/1", CACHE_URL="redis://b:6379/2")
    assert cache["LOCATION"] == "redis://b:6379/2"


def test_development_keeps_the_in_process_cache():
    assert caches_with()["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_the_deploy_check_refuses_a_cache_not_shared_by_workers(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "/tmp/x"}}
    [error] = cache_is_shared()
    assert error.id == "case_assessment.E001"
    assert "REDIS_URL" in error.hint


def test_the_deploy_check_passes_with_redis():
    redis = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://r:6379/1"}}
    with override_settings(CACHES=redis):  # undone before the cache is cleared after the test
        assert cache_is_shared() == []


def test_check_deploy_fails_on_the_in_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(SystemCheckError, match=r"case_assessment\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", tags=["caches"])
