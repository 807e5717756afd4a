"""`python -m tests.load`: 20 API clients save case evidence for 60 s on gunicorn + PostgreSQL while database
connections are killed (pg_terminate_backend), then check the log against the database:

- every acknowledged write (200) is in the case's history, and each case ends with its last acknowledged text or a
  later one whose answer was lost;
- no 500 to a write says nothing was saved when the write was in fact saved (every 500 to a write is checked).

LOAD_DATABASE_URL names the PostgreSQL database (emptied and reused); LOAD_USERS, LOAD_SECONDS, LOAD_WORKERS,
LOAD_KILL_EVERY change the run. The result is printed and recorded in docs/security.md by hand.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("LOAD_PORT", "8765"))
USERS = int(os.environ.get("LOAD_USERS", "20"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
KILL_EVERY = float(os.environ.get("LOAD_KILL_EVERY", "2"))
# What a 500 must never say to a write that may have been saved.
FALSE_CLAIMS = ("nothing has been saved", "nothing was saved", "nothing was changed")


def seed() -> list[dict]:
    """An inspection with USERS assistant inspectors, one case and one token each, and the key question to write."""
    from django.core.management import call_command
    from knox.models import AuthToken

    from cases.questions import case_key_questions
    from inspections.models import Role
    from tests.factories import InspectedCaseFactory, InspectionFactory, current_framework, team_member

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    inspection = InspectionFactory(framework=current_framework())
    assignments = []
    for number in range(USERS):
        user = team_member(inspection, Role.ASSISTANT_INSPECTOR, username=f"load{number}")
        case = InspectedCaseFactory(inspection=inspection, assistant_inspector=user)
        # The first key question the case answers, read from its framework: a code the case does not have is a 400
        # for every write, and the run would check nothing.
        key_question = case_key_questions(case)[0].code
        token = AuthToken.objects.create(user=user)[1]
        assignments.append({"token": token, "case": case.pk, "key_question": key_question})
    return assignments


def kill_connections(database: str, stop: threading.Event, kills: list[int]) -> None:
    """Every KILL_EVERY seconds, terminate every connection the app holds to the database."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    while not stop.wait(KILL_EVERY):
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
        ) as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            ).fetchall()
            kills.append(len(rows))


def check(log: Path) -> dict:
    from cases.models import InspectedCase, Judgement

    entries = [json.loads(line) for line in log.read_text().splitlines()]
    # When each text was first saved (its first history row): a write "was saved" at the moment it was answered if
    # its text was in the database by then, whichever attempt saved it.
    first_saved: dict[tuple[int, str], float] = {}
    for case_id, rationale, at in Judgement.history.values_list("case_id", "rationale", "history_date"):
        key = (case_id, rationale)
        first_saved[key] = min(first_saved.get(key, at.timestamp()), at.timestamp())
    final = dict(Judgement.objects.values_list("case_id", "rationale"))

    def saved(entry: dict) -> bool:
        return first_saved.get((entry["case"], entry["text"]), float("inf")) <= entry["at"]

    acknowledged = [e for e in entries if e["status"] == 200]
    lost = [e for e in acknowledged if not saved(e)]
    errors = [e for e in entries if e["status"] >= 500]
    false_claims = [e for e in errors if saved(e) and any(c in e["detail"].lower() for c in FALSE_CLAIMS)]
    any_claims = [e for e in errors if any(c in e["detail"].lower() for c in FALSE_CLAIMS)]
    # A case never goes back to an older text than its last acknowledged one. (Its final text may be newer than
    # any logged: locust stops clients mid-request, and the server may still commit what they sent.)
    number = lambda text: int(text.rsplit(" ", 1)[1]) if text else 0  # noqa: E731
    stale_ends = []
    for case_id in {e["case"] for e in acknowledged}:
        last_acknowledged = max(number(e["text"]) for e in acknowledged if e["case"] == case_id)
        if number(final.get(case_id, "")) < last_acknowledged:
            stale_ends.append(case_id)
    statuses: dict[str, int] = {}
    for entry in entries:
        statuses[str(entry["status"])] = statuses.get(str(entry["status"]), 0) + 1
    versions = dict(InspectedCase.objects.values_list("pk", "version"))
    return {
        "requests": len(entries),
        "statuses": dict(sorted(statuses.items())),
        "acknowledged": len(acknowledged),
        "acknowledged_lost": len(lost),
        "errors_5xx": len(errors),
        "errors_saying_saved": sum(e["detail"].startswith("Your change was saved") for e in errors),
        "errors_saying_saved_truly": sum(
            e["detail"].startswith("Your change was saved") and saved(e) for e in errors
        ),
        "errors_saying_unclear": sum(e["detail"].startswith("Something went wrong") for e in errors),
        "errors_saying_unclear_when_saved": sum(
            e["detail"].startswith("Something went wrong") and saved(e) for e in errors
        ),
        "errors_claiming_nothing_saved": len(any_claims),
        "false_claims_nothing_saved": len(false_claims),
        "cases_ending_on_an_older_text": len(stale_ends),
        "max_case_version": max(versions.values(), default=0),
        "examples": {"lost": lost[:3], "false_claims": false_claims[:3], "errors": errors[:3]},
    }


def port_is_free(port: int) -> bool:
    """Whether nothing listens on the port: otherwise locust would load whatever server does, not this run's."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def main() -> None:
    database_url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/load")
    if not port_is_free(PORT):
        sys.exit(f"Something already listens on port {PORT}: set LOAD_PORT to a free one.")
    if not database_url.startswith("postgres"):
        sys.exit("The load test runs on PostgreSQL: set LOAD_DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    assignments = seed()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    (workdir / "assignments.json").write_text(json.dumps(assignments))
    log = workdir / "answers.jsonl"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-" + os.urandom(24).hex()),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "API_THROTTLE_USER": "1000000/hour",
        "API_THROTTLE_TOKEN": "1000000/hour",
        "LOAD_ASSIGNMENTS": str(workdir / "assignments.json"),
        "LOAD_LOG": str(log),
    }
    bin_dir = Path(sys.executable).parent
    gunicorn = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=(workdir / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            if gunicorn.poll() is not None:
                sys.exit(f"gunicorn stopped (exit {gunicorn.returncode}): see {workdir / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        stop, kills = threading.Event(), []
        killer = threading.Thread(
            target=kill_connections, args=(settings.DATABASES["default"]["NAME"], stop, kills), daemon=True
        )
        killer.start()
        locust = subprocess.run(  # noqa: S603 (fixed arguments)
            [
                str(bin_dir / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        stop.set()
        killer.join()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    print(locust.stderr[-3000:])
    from django.db import connection

    connection.close()  # killed during the run
    result = check(log)
    result.update(
        users=USERS,
        seconds=SECONDS,
        gunicorn_workers=WORKERS,
        kill_rounds=len(kills),
        connections_killed=sum(kills),
    )
    print(json.dumps(result, indent=2))
    print(f"log: {log}")
    ok = (
        result["acknowledged"] > 0
        and not result["acknowledged_lost"]
        and not result["false_claims_nothing_saved"]
    )
    ok = ok and not result["cases_ending_on_an_older_text"] and result["connections_killed"] > 0
    # A write refused as invalid tests no save: the run checks nothing if its writes are not valid.
    refused = sum(
        count for status, count in result["statuses"].items() if status.startswith("4") and status != "412"
    )
    ok = ok and not refused
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
