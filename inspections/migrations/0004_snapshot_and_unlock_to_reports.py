# InspectionSnapshot and InspectionUnlock now belong to reports (reports 0001): state only, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_inspection_unlock"),
        ("reports", "0001_snapshot_and_unlock_from_inspections"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="InspectionSnapshot"),
                migrations.DeleteModel(name="InspectionUnlock"),
            ],
            database_operations=[],
        ),
    ]
