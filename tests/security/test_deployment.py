"""The low findings of issue 15 about deployment: no serving on the development key, `check --deploy` clean with
the README's production variables, no fixed key in docker-compose.yml, and a /healthz that tells the truth."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.urls import reverse

from config import healthcheck

ROOT = Path(__file__).resolve().parents[2]
TEST_RUN_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(args, **env):
    """A fresh interpreter in the project, with the environment given (no .env value can stand in for it).

    Without the test run's own variables: pytest-django's settings module, and DJANGO_ALLOW_ASYNC_UNSAFE, which
    tests/e2e/conftest.py sets for Playwright and which `check --deploy` rightly reports (async.E001)."""
    environment = {key: value for key, value in os.environ.items() if key not in TEST_RUN_VARIABLES}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_app_refuses_to_serve_without_a_secret_key_when_debug_is_off():
    refused = _run(["-c", "import config.wsgi"], SECRET_KEY="", DEBUG="false")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


@pytest.mark.parametrize(
    "env", [{"SECRET_KEY": "a-real-key-" + "x" * 50, "DEBUG": "false"}, {"SECRET_KEY": "", "DEBUG": "true"}]
)
def test_the_app_serves_with_a_secret_key_or_in_development(env):
    started = _run(["-c", "import config.wsgi"], **env)
    assert started.returncode == 0, started.stderr


def _readme_production_variables() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-variables -->\s*```\n(.*?)```", readme, re.DOTALL).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if line.strip())


def test_check_deploy_is_clean_with_the_readmes_production_variables():
    variables = _readme_production_variables()
    variables["SECRET_KEY"] = "a-production-like-key-" + "k7Qz" * 12
    # The database and cache named there need not exist: check --deploy does not connect.
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **variables)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_has_no_default_secret_key():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    secret = compose["services"]["web"]["environment"]["SECRET_KEY"]
    assert secret.startswith("${SECRET_KEY:?"), secret


@pytest.mark.skipif(
    not shutil.which("docker-compose"), reason="docker-compose is not installed (CI installs it)"
)
def test_docker_compose_config_needs_the_secret_key_and_passes_with_it(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    command = ["docker-compose", "--project-directory", str(ROOT), "-f", str(ROOT / "docker-compose.yml")]
    missing = subprocess.run(  # noqa: S603
        [*command, "config", "-q"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert missing.returncode != 0
    assert "SECRET_KEY" in missing.stderr
    given = subprocess.run(  # noqa: S603
        [*command, "config", "-q"], env={**env, "SECRET_KEY": "x" * 50}, capture_output=True, text=True
    )
    assert given.returncode == 0, given.stderr


def test_the_health_check_is_ok_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_is_503_when_the_database_does_not(client, db, monkeypatch):
    class DatabaseGone:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection", DatabaseGone())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert "refused" not in response.content.decode()  # no error text to the client


def _redis_cache(location: str) -> dict:
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location}}


def test_the_health_check_asks_redis_where_it_is_the_cache(client, db, settings):
    settings.CACHES = _redis_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable"}


@pytest.mark.skipif(
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).returncode != 0  # noqa: S607
    if shutil.which("redis-cli")
    else True,
    reason="no Redis on 127.0.0.1:6379 (CI starts one)",
)
def test_the_health_check_is_ok_with_a_working_redis(client, db, settings):
    settings.CACHES = _redis_cache("redis://127.0.0.1:6379/15")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_the_container_health_check_asks_healthz_as_production_would(live_server, monkeypatch, settings):
    """config.healthcheck sends the first allowed host and https, so SECURE_SSL_REDIRECT does not redirect it."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["case-assessment.example.org"]
    monkeypatch.setenv("PORT", live_server.url.rsplit(":", 1)[1])
    monkeypatch.setenv("ALLOWED_HOSTS", "case-assessment.example.org,localhost")
    assert healthcheck.main() == 0
    monkeypatch.setenv("ALLOWED_HOSTS", "not-allowed.example.org")
    assert healthcheck.main() == 1


def test_the_dockerfile_and_compose_use_the_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^HEALTHCHECK .*config\.healthcheck", dockerfile, re.MULTILINE)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "config.healthcheck"]
