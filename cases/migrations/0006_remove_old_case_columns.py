"""The old case columns go: cases.0005 moved them to attributes and case facts."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_move_to_pdu_2021")]

    operations = [
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='case_type',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='child_safeguarding_enquiries',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='domestic_abuse_enquiries',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='home_visits',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='management_oversight',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='rosh_classified_correctly',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='rosh_level',
        ),
        migrations.RemoveField(
            model_name='historicalinspectedcase',
            name='supervision_start',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='case_type',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='child_safeguarding_enquiries',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='domestic_abuse_enquiries',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='home_visits',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='management_oversight',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='rosh_classified_correctly',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='rosh_level',
        ),
        migrations.RemoveField(
            model_name='inspectedcase',
            name='supervision_start',
        ),
    ]
