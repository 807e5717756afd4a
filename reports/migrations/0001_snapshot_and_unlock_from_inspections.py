# InspectionSnapshot and InspectionUnlock move from inspections to reports: state only, the tables stay.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("inspections", "0003_inspection_unlock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InspectionSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("data", models.JSONField()),
                        ("framework_version", models.PositiveSmallIntegerField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("inspection", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="snapshots", to="inspections.inspection")),
                    ],
                    options={
                        "db_table": "inspections_inspectionsnapshot",
                        "ordering": ["inspection", "-created_at"],
                        "get_latest_by": "created_at",
                    },
                ),
                migrations.CreateModel(
                    name="InspectionUnlock",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reason", models.TextField()),
                        ("unlocked_at", models.DateTimeField(auto_now_add=True)),
                        ("inspection", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="unlocks", to="inspections.inspection")),
                        ("unlocked_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "inspections_inspectionunlock",
                        "ordering": ["inspection", "-unlocked_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
