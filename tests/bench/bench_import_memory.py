"""Sample import memory (issue 15, finding 3): reading and checking any upload up to the 5 MB limit keeps a worker
under 200 MB. Not a timed test: each file is previewed in a fresh subprocess and its peak resident memory (RSS,
getrusage's ru_maxrss) is reported beside the same process's RSS before the preview.

Files: a 2 MB CSV of 1,000,000 one-character rows; a 5 MB CSV of clean rows (well past the row limit); a 5 MB XLSX
of distinct strings (openpyxl keeps a workbook's shared strings in memory even in read-only mode, so distinct
strings are its worst case).
"""

import datetime
import json
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
from pathlib import Path

LIMIT_MB = 200
UPLOAD_LIMIT = 5 * 1024 * 1024


def _one_character_rows() -> bytes:
    return b"x\n" * 1_000_000


def _clean_csv() -> bytes:
    lines = [b"Case reference,Case type,RoSH level,Supervision start date,Assistant inspector\n"]
    size, n = len(lines[0]), 0
    while True:
        line = f"MEM{n:07d},licence,low,2026-03-02,\n".encode()
        if size + len(line) > UPLOAD_LIMIT:
            break
        lines.append(line)
        size += len(line)
        n += 1
    return b"".join(lines)


def _workbook(rows: int) -> bytes:
    import io

    from openpyxl import Workbook

    generator = random.Random(15)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        ["Case reference", "Case type", "RoSH level", "Supervision start date", "Assistant inspector"]
    )
    for n in range(rows):
        noise = "".join(generator.choices(string.ascii_letters + string.digits, k=12))
        sheet.append([f"MEM{n:07d}{noise}", "licence", "low", datetime.date(2026, 3, 2), noise])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _five_megabyte_workbook() -> bytes:
    rows = 50_000
    data = _workbook(rows)
    rows = int(rows * UPLOAD_LIMIT * 0.97 / len(data))
    return _workbook(rows)


def child(path: str, inspection_pk: int) -> None:
    """In the subprocess: preview one file, print RSS before and at peak (MB) as JSON."""
    import django

    django.setup()
    import openpyxl  # noqa: F401  (loaded before the baseline, as a worker has it)

    from cases import imports
    from inspections.models import Inspection

    inspection = Inspection.objects.select_related("framework").get(pk=inspection_pk)
    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    preview = imports.sample_preview(inspection=inspection, name=Path(path).name, data=data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "before": before,
                "peak": peak,
                "rows": len(preview.rows),
                "problems": preview.problem_count,
                "first": preview.problems[0].message if preview.problems else "",
            }
        )
    )


def run() -> None:
    from django.contrib.auth import get_user_model

    from inspections.models import Inspection, Role
    from pdus.models import PDU, Region
    from tests.factories import current_framework

    # The framework the tests use, whose sample columns the files have: under another (a region framework) every file
    # was refused for a missing column before a row was read, and nothing was measured.
    framework = current_framework()
    region, _ = Region.objects.get_or_create(name="Bench region")
    pdu, _ = PDU.objects.get_or_create(name="Bench PDU", defaults={"region": region})
    inspection = Inspection.objects.create(
        pdu=pdu,
        framework=framework,
        fieldwork_start=datetime.date(2026, 9, 7),
        fieldwork_end=datetime.date(2026, 9, 18),
        status=Inspection.Status.SETUP,
    )
    lead, _ = get_user_model().objects.get_or_create(username="bench-lead")
    inspection.memberships.create(user=lead, role=Role.LEAD)
    files = {
        "csv-1m-one-character-rows.csv": _one_character_rows,
        "csv-5mb-clean-rows.csv": _clean_csv,
        "xlsx-5mb-distinct-strings.xlsx": _five_megabyte_workbook,
    }
    failed = False
    try:
        with tempfile.TemporaryDirectory() as directory:
            for name, make in files.items():
                path = Path(directory) / name
                path.write_bytes(make())
                size = path.stat().st_size
                assert size <= UPLOAD_LIMIT, f"{name} is {size} bytes, over the upload limit"
                output = subprocess.run(  # noqa: S603 (our own module and a file we wrote)
                    [sys.executable, "-m", "tests.bench.bench_import_memory", str(path), str(inspection.pk)],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=os.environ.copy(),
                ).stdout
                result = json.loads(output.strip().splitlines()[-1])
                # The clean files must be read up to the row limit, or their memory says nothing.
                read_nothing = name != "csv-1m-one-character-rows.csv" and not result["rows"]
                verdict = "PASS" if result["peak"] < LIMIT_MB and not read_nothing else "FAIL"
                failed |= verdict == "FAIL"
                print(
                    f"{name:34} {size / 1024 / 1024:4.1f} MB  RSS {result['before']:5.0f} → {result['peak']:5.0f} MB"
                    f"  (limit {LIMIT_MB} MB: {verdict})  {result['rows']:,} rows read, {result['problems']:,}"
                    f" problem(s): {result['first'][:60]}",
                    flush=True,
                )
    finally:
        inspection.delete()
    if failed:
        sys.exit(f"A sample preview went over {LIMIT_MB} MB")


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]))
