"""Move inspections from the old hard-coded "pdu" framework (stages 2.1-2.4, an optional "3.1 Unpaid work" judged by the
lead) to the corrected 2021-23 framework, pdu-2021 version 1 (2.1 Court work from court-report cases, stages 2.2-2.5).

Only where old data exists: an empty database gets its frameworks from `load_frameworks` (or the demo). The cases'
judgements move in cases.0005, which then deletes the old framework. An inspection that rated the optional unpaid
work (out of 27) rates the optional court work instead, so it stays out of 27.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

OLD_SLUG = "pdu"
NEW_FILE = Path(__file__).resolve().parent.parent / "data" / "frameworks" / "pdu-2021-v1.json"


def _load(apps, raw):
    """The framework's rows from its document, with the models as they are at this migration."""
    from inspections.definition_checks import parse
    from inspections.definitions import document

    Framework = apps.get_model("inspections", "Framework")
    Standard = apps.get_model("inspections", "Standard")
    KeyQuestion = apps.get_model("inspections", "KeyQuestion")
    definition = parse(raw)
    existing = Framework.objects.filter(slug=definition.slug, version=definition.version).first()
    if existing is not None:
        return existing
    framework = Framework.objects.create(
        slug=definition.slug,
        version=definition.version,
        name=definition.name,
        unit=definition.unit,
        effective_from=definition.effective_from,
        document=document(definition),
        published_at=timezone.now(),
    )
    for order, standard in enumerate(definition.standards, start=1):
        row = Standard.objects.create(
            framework=framework,
            code=standard.code,
            domain=standard.domain,
            title=standard.title,
            description=standard.description,
            rated_by=standard.rated_by,
            case_kind=standard.case_kind,
            is_optional=standard.optional,
            counts_in_composite=standard.counts_in_composite,
            order=order,
        )
        for question_order, key_question in enumerate(standard.key_questions, start=1):
            KeyQuestion.objects.create(
                standard=row,
                code=key_question.code,
                criterion=key_question.criterion,
                wording=key_question.wording,
                prompts=list(key_question.prompts),
                order=question_order,
            )
    return framework


def forwards(apps, schema_editor):
    Framework = apps.get_model("inspections", "Framework")
    Inspection = apps.get_model("inspections", "Inspection")
    OrganisationalRating = apps.get_model("inspections", "OrganisationalRating")
    old_frameworks = list(Framework.objects.filter(slug=OLD_SLUG))
    if not old_frameworks:
        return
    new = _load(apps, json.loads(NEW_FILE.read_text(encoding="utf-8")))
    new_standards = {standard.code: standard for standard in new.standards.all()}
    for inspection in Inspection.objects.filter(framework__in=old_frameworks):
        chose_unpaid_work = inspection.optional_standards.filter(code="3.1").exists()
        inspection.framework = new
        inspection.save(update_fields=["framework"])
        inspection.optional_standards.set([new_standards["2.1"]] if chose_unpaid_work else [])
        for rating in OrganisationalRating.objects.filter(inspection=inspection).select_related("standard"):
            if rating.standard.code in new_standards and rating.standard.code.startswith("1."):
                rating.standard = new_standards[rating.standard.code]
                rating.save(update_fields=["standard"])
            else:  # the unpaid work the old framework invented: not a standard of this programme
                rating.delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_framework_documents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
