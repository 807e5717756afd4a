"""Loading versioned frameworks from their data files (inspections/data/frameworks/*.json)."""

import json
from pathlib import Path

from django.db import transaction

from .models import Framework, KeyQuestion, RatedFrom, Standard

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "data" / "frameworks"


def framework_files() -> list[Path]:
    return sorted(FRAMEWORKS_DIR.glob("*.json"))


@transaction.atomic
def framework_load(*, data: dict) -> Framework:
    """Create or update one framework version from its data; idempotent, so loading twice changes nothing."""
    framework, _ = Framework.objects.update_or_create(
        slug=data["slug"],
        version=data["version"],
        defaults={
            "name": data["name"],
            "effective_from": data["effective_from"],
            "key_question_bands": data["key_question_bands"],
            "composite_bands": data["composite_bands"],
            "source": data.get("source", ""),
        },
    )
    for standard_order, standard_data in enumerate(data["standards"], start=1):
        standard, _ = Standard.objects.update_or_create(
            framework=framework,
            code=standard_data["code"],
            defaults={
                "domain": standard_data["domain"],
                "title": standard_data["title"],
                "description": standard_data.get("description", ""),
                "rated_from": standard_data["rated_from"],
                "stage": standard_data.get("stage", ""),
                "is_optional": standard_data.get("is_optional", False),
                "order": standard_order,
            },
        )
        standard.full_clean()
        if standard.rated_from == RatedFrom.CASE_SAMPLE and not standard_data.get("key_questions"):
            raise ValueError(
                f"Standard {standard.code} is rated from the case sample but has no key questions"
            )
        for question_order, question in enumerate(standard_data.get("key_questions", []), start=1):
            KeyQuestion.objects.update_or_create(
                standard=standard,
                criterion=question["criterion"],
                defaults={
                    "code": question["code"],
                    "wording": question["wording"],
                    "prompts": question.get("prompts", []),
                    "order": question_order,
                },
            )
    return framework


def frameworks_load_all() -> list[Framework]:
    """Load every framework data file shipped with the app."""
    return [framework_load(data=json.loads(path.read_text(encoding="utf-8"))) for path in framework_files()]
