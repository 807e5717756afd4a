"""`make save-latency`: the save-latency load test (docs/performance.md, "Save latency at realistic load").

1. creates the PostgreSQL database if missing (LOAD_DATABASE_URL), migrates it and prepares the users, tokens,
   inspections and cases (prepare.py);
2. serves the application with gunicorn as in production (DEBUG off, persistent connections, the cache in Redis);
3. for each N, runs locust headless (locustfile.py): N assistant inspectors each saving a judgement about every 15 s,
   spawned over one think time (or faster than --max-spawn-rate), statistics reset --settle seconds after the last
   has started (its reads to start have drained), then measured for --duration seconds;
4. a ramp: more and more assistant inspectors at the same pace, step by step, until the saves' p95 passes the
   target (or errors pass 1%, or the server no longer keeps up with what is offered): the saturation throughput is
   the most saves per second served within the target, per core;
5. samples CPU every second (psutil): the gunicorn workers, the PostgreSQL backends of this database, locust, and
   the whole machine; prints a table and writes results.json and results.md under --results.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGET_P95_MS = 100.0
SAVE = "save"


@dataclass
class Stage:
    """One locust run and what was measured in its steady state."""

    label: str
    users: int
    think_seconds: float
    duration: float
    saves: int = 0
    save_failures: int = 0
    other_failures: int = 0
    stale: int = 0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    mean: float = 0.0
    max: float = 0.0
    saves_per_second: float = 0.0
    offered_per_second: float = 0.0
    server_cores: float = 0.0  # CPU seconds per second of the gunicorn workers and this database's backends
    gunicorn_cores: float = 0.0
    postgres_cores: float = 0.0
    locust_cores: float = 0.0
    machine_busy: float = 0.0  # share of all cores busy, anyone's work
    load_average: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def server_ms_per_save(self) -> float:
        return 1000 * self.server_cores / self.saves_per_second if self.saves_per_second else 0.0

    @property
    def error_rate(self) -> float:
        return self.save_failures / self.saves if self.saves else 1.0

    @property
    def within_target(self) -> bool:
        return self.saves > 0 and self.p95 <= TARGET_P95_MS and self.error_rate <= 0.01


class CpuSampler(threading.Thread):
    """CPU seconds per group of processes, summed from one-second deltas (so processes that come and go, like
    PostgreSQL backends when a connection is renewed, are counted while they live)."""

    def __init__(self, gunicorn_pid: int, locust_pid: int, database: str):
        super().__init__(daemon=True)
        self.gunicorn_pid, self.locust_pid, self.database = gunicorn_pid, locust_pid, database
        self.totals = {"gunicorn": 0.0, "postgres": 0.0, "locust": 0.0}
        self.marks: list[tuple[float, dict[str, float], tuple[float, float]]] = []
        self._last: dict[int, float] = {}
        self._halt = threading.Event()

    def _groups(self) -> dict[int, str]:
        groups: dict[int, str] = {}
        try:
            master = psutil.Process(self.gunicorn_pid)
            for process in [master, *master.children(recursive=True)]:
                groups[process.pid] = "gunicorn"
        except psutil.NoSuchProcess:
            pass
        groups[self.locust_pid] = "locust"
        for process in psutil.process_iter(["name", "cmdline"]):
            command = " ".join(process.info["cmdline"] or [])
            if command.startswith("postgres:") and f" {self.database} " in command:
                groups[process.pid] = "postgres"
        return groups

    def sample(self) -> None:
        seen: dict[int, float] = {}
        for pid, group in self._groups().items():
            try:
                times = psutil.Process(pid).cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            seen[pid] = times.user + times.system
            self.totals[group] += seen[pid] - self._last.get(pid, seen[pid])
        self._last = seen
        machine = psutil.cpu_times()
        busy = machine.user + machine.nice + machine.system + machine.irq + machine.softirq + machine.steal
        self.marks.append((time.monotonic(), dict(self.totals), (busy, sum(machine))))

    def run(self) -> None:
        while not self._halt.wait(1.0):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()

    def between(self, start: float) -> tuple[dict[str, float], float]:
        """CPU cores used per group from the first mark after `start` to the last, and the machine's busy share."""
        first = next((mark for mark in self.marks if mark[0] >= start), self.marks[-1])
        last = self.marks[-1]
        seconds = max(last[0] - first[0], 1e-9)
        cores = {group: (last[1][group] - first[1][group]) / seconds for group in self.totals}
        total_delta = last[2][1] - first[2][1]
        busy = (last[2][0] - first[2][0]) / total_delta if total_delta else 0.0
        return cores, busy


def run_stage(
    stage: Stage, arguments, host: str, credentials: Path, gunicorn_pid: int, database: str
) -> Stage:
    """Spawn stage.users over one think time, reset the statistics, measure for stage.duration seconds."""
    spawn_seconds = max(stage.think_seconds, stage.users / arguments.max_spawn_rate, 1.0)
    measure_after = spawn_seconds + arguments.settle
    csv_prefix = arguments.results / "locust" / stage.label
    csv_prefix.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", host, "--users", str(stage.users), "--spawn-rate", f"{stage.users / spawn_seconds:.3f}",
        "--run-time", f"{int(measure_after + stage.duration)}s",
        "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5",
    ]  # fmt: skip
    env = {
        **os.environ,
        "SAVE_LATENCY_CREDENTIALS": str(credentials),
        "SAVE_THINK_SECONDS": str(stage.think_seconds),
        "SAVE_LATENCY_MEASURE_AFTER": str(measure_after),
    }
    started = time.monotonic()
    locust = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # noqa: S603
    sampler = CpuSampler(gunicorn_pid, locust.pid, database)
    sampler.start()
    load_before = os.getloadavg()[0]
    try:
        _, stderr = locust.communicate()
    finally:
        if locust.poll() is None:  # interrupted: stop locust too
            locust.terminate()
            try:
                locust.wait(timeout=10)
            except subprocess.TimeoutExpired:
                locust.kill()
        sampler.stop()
    cores, busy = sampler.between(started + measure_after)
    stage.gunicorn_cores, stage.postgres_cores, stage.locust_cores = (
        cores["gunicorn"], cores["postgres"], cores["locust"]
    )  # fmt: skip
    stage.server_cores = stage.gunicorn_cores + stage.postgres_cores
    stage.machine_busy = busy
    stage.load_average = max(load_before, os.getloadavg()[0])
    stage.offered_per_second = stage.users / stage.think_seconds
    _read_statistics(stage, csv_prefix)
    if locust.returncode not in (0, 1):  # 1: some requests failed, reported in the table
        stage.failures.append(f"locust exited with {locust.returncode}: {stderr[-500:]}")
    return stage


def _read_statistics(stage: Stage, csv_prefix: Path) -> None:
    import csv

    with open(f"{csv_prefix}_stats.csv") as file:
        rows = {row["Name"]: row for row in csv.DictReader(file)}
    save = rows.get(SAVE)
    if save:
        stage.saves = int(save["Request Count"])
        stage.save_failures = int(save["Failure Count"])
        stage.p50, stage.p95, stage.p99 = (float(save[p]) for p in ("50%", "95%", "99%"))
        stage.mean, stage.max = float(save["Average Response Time"]), float(save["Max Response Time"])
        stage.saves_per_second = float(save["Requests/s"])
    stage.stale = sum(
        int(row["Request Count"]) for name, row in rows.items() if "412" in name and "retry" not in name
    )
    stage.other_failures = sum(
        int(row["Failure Count"]) for name, row in rows.items() if name not in (SAVE, "Aggregated")
    )
    failures_file = Path(f"{csv_prefix}_failures.csv")
    if failures_file.exists():
        with open(failures_file) as file:
            stage.failures += [
                f"{row['Name']}: {row['Error']} ({row['Occurrences']}×)" for row in csv.DictReader(file)
            ]


def start_gunicorn(arguments, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CACHE_URL": arguments.cache_url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # The production throttle limits (1,000 requests an hour per token, 2,000 per user) stay: one save every 15 s
        # is 240 an hour. The throttle counts in Redis on every request, as in production.
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{arguments.port}",
        "--workers", str(arguments.workers), "--worker-class", arguments.worker_class,
        "--threads", str(arguments.threads), "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip
    arguments.results.mkdir(parents=True, exist_ok=True)
    log = open(arguments.results / "gunicorn.log", "w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{arguments.port}/api/v1/regions/", timeout=2)
        except urllib.error.HTTPError:
            return server  # 401 without a token: it is up
        except OSError:
            time.sleep(0.5)
        else:
            return server
    server.terminate()
    sys.exit("gunicorn did not start within 60 s")


def prepare_data(database_url: str, users: int, credentials: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from .prepare import prepare, write_credentials

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    write_credentials(prepare(assistant_inspectors=users), credentials)
    print(f"Prepared {users} assistant inspectors in {time.monotonic() - started:.1f} s", flush=True)
    connections.close_all()


def _create_database(database_url: str) -> None:
    import psycopg

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            connection.execute(f'create database "{name}"')


def table(stages: list[Stage]) -> str:
    lines = [
        "| run | users | think (s) | saves | saves/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors | 412 "
        "| server CPU (cores) | of which PostgreSQL | server CPU ms/save | locust CPU | machine busy | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in stages:
        lines.append(
            f"| {s.label} | {s.users} | {s.think_seconds:g} | {s.saves} | {s.saves_per_second:.1f} | {s.p50:.0f} "
            f"| {s.p95:.0f} | {s.p99:.0f} | {s.max:.0f} | {s.save_failures + s.other_failures} | {s.stale} "
            f"| {s.server_cores:.2f} | {s.postgres_cores:.2f} | {s.server_ms_per_save:.1f} | {s.locust_cores:.2f} "
            f"| {s.machine_busy:.0%} | {s.load_average:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Save latency at realistic load (docs/performance.md).")
    parser.add_argument(
        "--users", default="100,300,1000", help="comma-separated numbers of assistant inspectors"
    )
    parser.add_argument("--duration", type=float, default=120, help="seconds measured per N, after spawning")
    parser.add_argument("--think", type=float, default=15, help="mean seconds between a user's saves")
    parser.add_argument(
        "--ramp", default="30,75,150,300,450,600,900,1200,1500", help="users per ramp step ('' for no ramp)"
    )
    parser.add_argument("--ramp-duration", type=float, default=45, help="seconds measured per ramp step")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 × cores + 1)")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--settle", type=float, default=30, help="seconds after the last user starts before measuring"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-spawn-rate", type=float, default=40, help="users started per second, at most")
    parser.add_argument("--cache-url", default=os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--results", type=Path, default=ROOT / "build" / "save-latency")
    arguments = parser.parse_args()
    database_url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/save_latency")
    if not database_url.startswith("postgres"):
        sys.exit("The load test runs on PostgreSQL: set LOAD_DATABASE_URL=postgres://...")
    database = database_url.rpartition("/")[2]
    counts = [int(n) for n in arguments.users.split(",") if n]
    credentials = arguments.results / "credentials.json"
    ramp_counts = [int(n) for n in arguments.ramp.split(",") if n]
    prepare_data(database_url, max([*counts, *ramp_counts]), credentials)

    server = start_gunicorn(arguments, database_url)
    host = f"http://127.0.0.1:{arguments.port}"
    stages: list[Stage] = []
    try:
        for count in counts:
            stage = Stage(f"N={count}", count, arguments.think, arguments.duration)
            stages.append(run_stage(stage, arguments, host, credentials, server.pid, database))
            print(table(stages[-1:]).splitlines()[-1], flush=True)
        ramp: list[Stage] = []
        for count in ramp_counts:
            stage = Stage(f"ramp N={count}", count, arguments.think, arguments.ramp_duration)
            ramp.append(run_stage(stage, arguments, host, credentials, server.pid, database))
            print(table(ramp[-1:]).splitlines()[-1], flush=True)
            if not stage.within_target or stage.saves_per_second < 0.9 * stage.offered_per_second:
                break
        stages += ramp
    finally:
        server.terminate()
        server.wait(timeout=30)

    within = [s for s in stages if s.label.startswith("ramp") and s.within_target]
    cores = psutil.cpu_count() or 1
    saturation = max((s.saves_per_second for s in within), default=0.0)
    summary = {
        "workers": f"{arguments.workers} {arguments.worker_class} (threads {arguments.threads})",
        "cores": cores,
        "target_p95_ms": TARGET_P95_MS,
        "saturation_saves_per_second": saturation,
        "saturation_saves_per_second_per_core": saturation / cores,
        "stages": [{**asdict(s), "server_ms_per_save": s.server_ms_per_save} for s in stages],
    }
    report = [
        table(stages),
        "",
        f"Saturation (ramp to {max(ramp_counts, default=0)} users): {saturation:.1f} saves/s with p95 <= "
        f"{TARGET_P95_MS:.0f} ms, {saturation / cores:.1f} saves/s per core ({cores} cores).",
    ]
    for s in stages:
        if s.label.startswith("N="):
            verdict = "PASS" if s.within_target else "FAIL"
            measured = f"p95 {s.p95:.0f} ms" if s.saves else "no save completed while measured"
            report.append(f"{s.label}: {measured} against {TARGET_P95_MS:.0f} ms: {verdict}")
        report += [f"  {s.label}: {failure}" for failure in s.failures]
    print("\n" + "\n".join(report))
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "results.json").write_text(json.dumps(summary, indent=2))
    (arguments.results / "results.md").write_text("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
