"""The scaling curve (issue 19): how the national page and export (open inspections included), the inspection page and
the SQL lower bound grow with the data, at 10,000 and 100,000 cases, and 1,000,000 with BENCH_SCALE_1M=1 (building it takes
minutes).

Each size has a database of its own beside BENCH_DATABASE_URL's (`<name>_<cases>`; the size the other benches use
shares theirs), built once with COPY by tests/bench/dataset.py (90% of the inspections locked, with their frozen
counts, the open ones with their kept counts) and reused. Each size is measured in a fresh process (this module as a script), so one size's caches do not
help the next. It prints a table (Markdown, for docs/performance.md) and writes the chart,
docs/performance-scaling.svg.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

CHART = Path(__file__).resolve().parents[2] / "docs" / "performance-scaling.svg"
SERIES = [  # (key, label, colour): GOV.UK palette
    ("sql_national", "SQL lower bound, national", "#505a5f"),
    ("national_page", "national dashboard page (open included)", "#1d70b8"),
    ("national_export", "national export (XLSX)", "#00703c"),
    ("inspection_page", "inspection page (one open inspection)", "#d4351c"),
    ("sql_inspection", "SQL lower bound, one inspection", "#f47738"),
]


def sizes() -> list[int]:
    """10,000 and 100,000 cases, and a million with BENCH_SCALE_1M=1; BENCH_SCALE_SIZES="2000,5000" for others."""
    if os.environ.get("BENCH_SCALE_SIZES"):
        return [int(size) for size in os.environ["BENCH_SCALE_SIZES"].split(",")]
    chosen = [10_000, 100_000]
    if os.environ.get("BENCH_SCALE_1M"):
        chosen.append(1_000_000)
    return chosen


def run() -> None:
    from tests.bench.__main__ import _create_database

    from .bench_reports import CASES

    base = os.environ["DATABASE_URL"]
    points = []
    for cases in sizes():
        url = base if cases == CASES else f"{base}_{cases}"
        _create_database(url)
        print(f"{cases:,} cases: {url.rpartition('/')[2]} …", flush=True)
        output = subprocess.run(  # noqa: S603 (this module)
            [sys.executable, "-m", "tests.bench.bench_scaling"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "DATABASE_URL": url, "BENCH_DATABASE_URL": url, "BENCH_CASES": str(cases)},
        ).stdout
        point = json.loads(output.strip().splitlines()[-1])
        print(f"  {point['dataset']}", flush=True)
        points.append(point)
    print()
    print(table(points))
    CHART.write_text(chart(points))
    print(f"\nchart: {CHART.relative_to(Path.cwd()) if CHART.is_relative_to(Path.cwd()) else CHART}")


def table(points: list[dict]) -> str:
    """The points as a Markdown table: time in ms and, for the pages, the ratio to their lower bound."""
    lines = [
        "| cases | SQL lower bound, national | national page | national export "
        "| SQL lower bound, one inspection | inspection page (its cases) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        national, inspection = point["sql_national"], point["sql_inspection"]
        lines.append(
            f"| {point['cases']:,} | {national:,.0f} ms "
            f"| {point['national_page']:,.0f} ms ({point['national_page'] / national:.2f}×) "
            f"| {point['national_export']:,.0f} ms ({point['national_export'] / national:.2f}×) "
            f"| {inspection:,.0f} ms "
            f"| {point['inspection_page']:,.0f} ms ({point['inspection_cases']:,}) |"
        )
    return "\n".join(lines)


def chart(points: list[dict]) -> str:
    """A log-log line chart of each series' time against the number of cases, as SVG."""
    width, height, left, right, top, bottom = 780, 420, 70, 290, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [point["cases"] for point in points]
    ys = [point[key] for point in points for key, _, _ in SERIES]
    x_low, x_high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y_low, y_high = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x_high = max(x_high, x_low + 1)
    y_high = max(y_high, y_low + 1)

    def x(value: float) -> float:
        return left + (math.log10(value) - x_low) / (x_high - x_low) * plot_w

    def y(value: float) -> float:
        return top + plot_h - (math.log10(value) - y_low) / (y_high - y_low) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
        'font-family="Arial, sans-serif" font-size="13">',
        '<title id="title">Time of each report against the number of cases (log scales)</title>',
        '<desc id="desc">'
        + "; ".join(
            f"{label}: " + ", ".join(f"{point[key]:,.0f} ms at {point['cases']:,} cases" for point in points)
            for key, label, _ in SERIES
        )
        + "</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for power in range(y_low, y_high + 1):
        value = 10**power
        parts.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" stroke="#b1b4b6" '
            'stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{_milliseconds(value)}</text>'
        )
    for power in range(x_low, x_high + 1):
        value = 10**power
        parts.append(
            f'<line x1="{x(value):.1f}" y1="{top}" x2="{x(value):.1f}" y2="{top + plot_h}" stroke="#b1b4b6" '
            'stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{x(value):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{value:,}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">cases in the dataset</text>'
    )
    parts.append(
        f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">median time (ms)</text>'
    )
    for index, (key, label, colour) in enumerate(SERIES):
        path = " ".join(f"{x(point['cases']):.1f},{y(point[key]):.1f}" for point in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for point in points:
            parts.append(
                f'<circle cx="{x(point["cases"]):.1f}" cy="{y(point[key]):.1f}" r="3.5" fill="{colour}"/>'
            )
        legend_y = top + 12 + index * 22
        parts.append(
            f'<line x1="{width - right + 16}" y1="{legend_y - 4}" x2="{width - right + 36}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2.5"/>'
        )
        parts.append(f'<text x="{width - right + 42}" y="{legend_y}" font-size="12">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _milliseconds(value: float) -> str:
    return f"{value / 1000:g} s" if value >= 1000 else f"{value:g} ms"


def child() -> None:
    """In the subprocess, on its own database: build (or reuse) the dataset, time each series, print JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from cases.counts import breakdown_attributes
    from inspections.models import Inspection

    from .bench_reports import WITH_OPEN, _round_robin, _sql_lower_bound
    from .dataset import ensure_dataset

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cases = int(os.environ["BENCH_CASES"])
    started = time.perf_counter()
    built = ensure_dataset(cases=cases)
    dataset = (
        f"built {built.cases:,} cases, {built.judgements:,} judgements in {built.seconds:.0f} s"
        if built
        else f"reused ({time.perf_counter() - started:.1f} s to check)"
    )
    User = get_user_model()
    national = Client()
    national.force_login(User.objects.get(username="bench-national"))
    lead = Client()
    lead.force_login(User.objects.get(username="bench-lead"))
    all_ids = list(Inspection.objects.values_list("pk", flat=True))
    frameworks = {i.framework_id: i.framework for i in Inspection.objects.select_related("framework")}
    attributes = breakdown_attributes(framework.definition for framework in frameworks.values())
    timed = (
        Inspection.objects.filter(status__in=["fieldwork", "quality_assurance"])
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    times = _round_robin(
        {
            "sql_national": lambda: _sql_lower_bound(all_ids, attributes),
            "national_page": lambda: national.get(reverse("national_dashboard") + WITH_OPEN),
            "national_export": lambda: national.get(reverse("national_dashboard_xlsx") + WITH_OPEN),
            "sql_inspection": lambda: _sql_lower_bound([timed], attributes),
            "inspection_page": lambda: lead.get(reverse("inspection_dashboard", args=[timed])),
        }
    )
    print(
        json.dumps(
            {
                "cases": cases,
                "dataset": dataset,
                "inspection_cases": Inspection.objects.get(pk=timed).cases.count(),
                **{key: seconds * 1000 for key, seconds in times.items()},
            }
        )
    )


if __name__ == "__main__":
    child()
