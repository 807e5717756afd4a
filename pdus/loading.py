"""Loading regions, PDUs and their published composite scores from pdus/data/published_pdu_composites.csv.

Each row names its publication (`source`): the annual report counts 31 of the brief's 36 PDUs, and its figures are
those of that publication's rows."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from .models import PDU, Country, PublishedRating, Region

PUBLISHED_COMPOSITES_FILE = Path(__file__).resolve().parent / "data" / "published_pdu_composites.csv"
SOURCE = "HM Inspectorate of Probation, Annual Report 2023"
WELSH_REGIONS = {"Wales"}


def _month(value: str) -> datetime.date:
    return datetime.datetime.strptime(value, "%Y-%m").date()


@transaction.atomic
def published_ratings_load(path: Path = PUBLISHED_COMPOSITES_FILE) -> int:
    """Create the regions, PDUs and published composites in the file; idempotent. Returns rows read."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        region, _ = Region.objects.get_or_create(name=row["region"])
        country = Country.WALES if row["region"] in WELSH_REGIONS else Country.ENGLAND
        pdu, _ = PDU.objects.update_or_create(
            name=row["pdu"], defaults={"region": region, "country": country}
        )
        PublishedRating.objects.update_or_create(
            pdu=pdu,
            period_start=_month(row["period_start"]),
            period_end=_month(row["period_end"]),
            defaults={
                "composite_score": int(row["composite_score"]),
                "composite_max": int(row["composite_max"]),
                "source": row.get("source") or SOURCE,
            },
        )
    return len(rows)
