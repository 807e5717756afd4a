"""Sample designer: a 50,000-row caseload read, designed and drawn on PostgreSQL (target: under 3 s in all).

Each phase is timed on its own, in wall time, this process's CPU and the PostgreSQL backend's CPU: the upload
(the streaming read and check of the file, COPY of the eligible cases, and the plan computed and stored: size,
allocation, the seeded draw and the shares), the design (the plan as the design page reads it) and the draw (the
selected and reserve cases kept, the inspection's cases created, the eligible cases deleted). The peak memory of reading the file
is then measured with tracemalloc on a second read, to show it stays bounded (no object per row beyond the
identity keys that finding duplicates needs). The inspection is removed afterwards so runs are repeatable.
"""

import datetime
import math
import os
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection

ROWS = 50_000
TARGET_SECONDS = 3.0
SENTENCES = ("community order", "licence", "community order", "post-sentence supervision", "licence")
ROSH = ("low", "medium", "high", "medium", "very high", "low")
ETHNICITY = ("White", "White", "White", "Asian", "Black", "Mixed", "Other")


def _csv() -> bytes:
    start = datetime.date(2026, 3, 31)
    lines = [
        "CRN,PNC,Name,Date of birth,Start date,Sentence type,Gender,Ethnicity group,RoSH level,Team,Practitioner"
    ]
    for i in range(ROWS):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 15_000)
        lines.append(
            f"B{i:07d},2020/{i:07d}A,Person {i},{birth.isoformat()},"
            f"{(start - datetime.timedelta(days=i % 200)).isoformat()},{SENTENCES[i % 5]},"
            f"{'female' if i % 6 == 0 else 'male'},{ETHNICITY[i % 7]},{ROSH[i % 6]},"
            f"Team {i % 8 + 1},Officer {i % 8 + 1}-{(i // 8) % 40 + 1}"
        )
    return ("\n".join(lines) + "\n").encode()


def _server_cpu() -> float:
    """CPU seconds this connection's PostgreSQL backend has used, when the server runs on this machine (a figure
    the machine's load does not inflate, unlike wall time); NaN when it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def run() -> None:
    from cases.caseload import Eligibility, caseload_read
    from cases.selectors.sampling import case_kinds, design_plan
    from cases.services import sampling
    from inspections.frameworks import frameworks_load_all
    from inspections.models import Framework, Inspection, Role
    from pdus.models import PDU, Region

    if not Framework.objects.filter(slug="pdu-2021").exists():
        frameworks_load_all()
    framework = Framework.objects.filter(slug="pdu-2021").latest("version")
    region, _ = Region.objects.get_or_create(name="Bench region")
    pdu, _ = PDU.objects.get_or_create(name="Bench PDU", defaults={"region": region})
    lead, _ = get_user_model().objects.get_or_create(username="bench-lead")
    Inspection.objects.filter(pdu=pdu).delete()  # a run stopped midway leaves its inspection behind
    inspection = Inspection.objects.create(
        pdu=pdu,
        framework=framework,
        fieldwork_start=datetime.date(2026, 9, 7),
        fieldwork_end=datetime.date(2026, 9, 18),
        status=Inspection.Status.SETUP,
    )
    inspection.memberships.create(user=lead, role=Role.LEAD)
    kind = next(kind for kind in case_kinds(inspection) if kind.attribute("case_type"))
    data = _csv()
    window = {"window_start": datetime.date(2025, 9, 1), "window_end": datetime.date(2026, 5, 31)}
    try:
        server = _server_cpu()
        began, cpu = time.perf_counter(), time.process_time()
        design = sampling.caseload_upload(
            inspection=inspection,
            kind=kind,
            name="bench.csv",
            data=data,
            case_types=[],
            user=lead,
            seed=2026,
            **window,
        )
        uploaded, server_uploaded, cpu_uploaded = time.perf_counter(), _server_cpu(), time.process_time()
        plan = design_plan(design, kind)
        designed, server_designed, cpu_designed = time.perf_counter(), _server_cpu(), time.process_time()
        sampling.sample_draw(design=design, kind=kind, user=lead)
        drawn, cpu_drawn = time.perf_counter(), time.process_time()
        total = drawn - began
        cpu_text = (
            f"{cpu_drawn - cpu:.2f} s of this process's CPU: upload {cpu_uploaded - cpu:.2f}, "
            f"design {cpu_designed - cpu_uploaded:.2f}, draw {cpu_drawn - cpu_designed:.2f}"
        )
        server_after = _server_cpu()
        server_text = (
            f", {server_after - server:.2f} s of PostgreSQL's: upload {server_uploaded - server:.2f}, "
            f"design {server_designed - server_uploaded:.2f}, draw {server_after - server_designed:.2f}"
            if not math.isnan(server_after)
            else ""
        )
        print(
            f"{ROWS:,} rows ({len(data) / 1e6:.1f} MB), {plan.population:,} eligible, sample {plan.size} "
            f"in {len(plan.strata)} strata: upload {uploaded - began:.2f} s, design {designed - uploaded:.2f} s, "
            f"draw {drawn - designed:.2f} s; total {total:.2f} s ({cpu_text}{server_text}) "
            f"({'within' if total <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS:.0f} s target)"
        )
        tracemalloc.start()
        rules = Eligibility(today=datetime.date.today(), **window)
        read = caseload_read(name="bench.csv", data=data, kind=kind, rules=rules)
        kept = sum(1 for _ in read.eligible())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"reading {kept:,} eligible rows peaked at {peak / 1e6:.1f} MB beyond the file "
            f"({peak / ROWS:.0f} bytes a row: the duplicate keys, not the rows)"
        )
    finally:
        inspection.cases.all().delete()
        inspection.delete()
