"""`make bench`: run every tests/bench/bench_*.py module's `run()` against PostgreSQL.

BENCH_DATABASE_URL names the database (created if missing, reused between runs). Each module prints its own
timings; docs/performance.md records the results and the method.
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    if not database_url.startswith("postgres"):
        sys.exit("Benchmarks run on PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    _create_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    selected = set(sys.argv[1:])
    for module_info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module_info.name.startswith("bench_") and (not selected or module_info.name in selected):
            print(f"\n== {module_info.name}", flush=True)
            importlib.import_module(f"tests.bench.{module_info.name}").run()


def _create_database(database_url: str) -> None:
    import psycopg

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'create database "{name}"')


if __name__ == "__main__":
    main()
