"""`python -m config.healthcheck`: the container's health check. Asks this instance's /healthz as a client behind
the load balancer would (its host name, over "https"), so ALLOWED_HOSTS and SECURE_SSL_REDIRECT apply as in
production; exits 0 when healthy, 1 otherwise. No Django import: it runs every few seconds."""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
    if not host or "*" in host:
        host = "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (a fixed local address)
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
