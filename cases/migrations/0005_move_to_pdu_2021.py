"""Cases move to the corrected 2021-23 framework (inspections.0006 moved their inspections): the old columns become
attributes and case facts, and judgements, queries and second judgements move to the same key question renumbered
(old 2.1.x Assessment is 2.2.x, up to old 2.4.x Reviewing, now 2.5.x). Then the old framework goes.

Every old case was a supervision case; the fact values keep their meaning (enquiries made / not made / not needed,
oversight sufficient / insufficient / not required; RoSH classified correctly true / false becomes yes / no).
"""

from django.db import migrations

OLD_SLUG = "pdu"
NEW_SLUG = "pdu-2021"
FACT_COLUMNS = ("domestic_abuse_enquiries", "child_safeguarding_enquiries", "home_visits", "management_oversight")


def _renumbered(code: str) -> str:
    """The corrected code of an old one: the four stages move up one (2.1.3 → 2.2.3); domain one is unchanged."""
    parts = code.split(".")
    if parts[0] == "2":
        parts[1] = str(int(parts[1]) + 1)
    return ".".join(parts)


def forwards(apps, schema_editor):
    Framework = apps.get_model("inspections", "Framework")
    KeyQuestion = apps.get_model("inspections", "KeyQuestion")
    InspectedCase = apps.get_model("cases", "InspectedCase")
    CaseFact = apps.get_model("cases", "CaseFact")
    Judgement = apps.get_model("cases", "Judgement")
    CaseQuery = apps.get_model("cases", "CaseQuery")
    SecondJudgement = apps.get_model("cases", "SecondJudgement")

    facts = []
    for case in InspectedCase.objects.all():
        case.kind = "supervision"
        case.attributes = {
            "case_type": case.case_type,
            "rosh_level": case.rosh_level,
            "start_date": case.supervision_start.isoformat(),
        }
        case.save(update_fields=["kind", "attributes"])
        if case.rosh_classified_correctly is not None:
            value = "yes" if case.rosh_classified_correctly else "no"
            facts.append(CaseFact(case=case, key="rosh_classified_correctly", value=value))
        facts += [
            CaseFact(case=case, key=column, value=getattr(case, column))
            for column in FACT_COLUMNS
            if getattr(case, column)
        ]
    CaseFact.objects.bulk_create(facts)

    old = Framework.objects.filter(slug=OLD_SLUG)
    new = Framework.objects.filter(slug=NEW_SLUG, version=1).first()
    if new is None:  # no old framework either: inspections.0006 had nothing to move
        return
    new_questions = {kq.code: kq for kq in KeyQuestion.objects.filter(standard__framework=new)}
    for model in (Judgement, CaseQuery, SecondJudgement):
        rows = model.objects.filter(key_question__standard__framework__in=old).select_related("key_question")
        for row in rows:
            row.key_question = new_questions[_renumbered(row.key_question.code)]
            row.save(update_fields=["key_question"])
    old.filter(inspections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_kinds_and_facts"),
        ("inspections", "0006_pdu_2021_framework"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
