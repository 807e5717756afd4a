"""The demo: it lives in reports, the top layer, so that it can load every app's demo data."""

from django.core.management.base import BaseCommand

from cases.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from reports.evidence.demo import evidence_demo_create, staffing_demo_record
from reports.services import inspection_lock


class Command(BaseCommand):
    help = (
        "Load regions, PDUs, published ratings, the frameworks, demo users, three open demo inspections and six "
        "locked ones, the survey of people on probation and the demo inspections' staffing."
    )

    def handle(self, *args, **options):
        staffed_before_lock = []

        def lock_with_staffing(*, inspection, user):
            """A finished demo inspection's staffing is recorded before it is locked, as its lead would have."""
            if staffing_demo_record(inspection):
                staffed_before_lock.append(inspection)
            return inspection_lock(inspection=inspection, user=user)

        created, pdu_count = seed_demo(lock=lock_with_staffing)
        self.stdout.write(
            f"Loaded {pdu_count} PDUs with their published composites and the shipped frameworks."
        )
        for inspection in created:
            self.stdout.write(f"Created demo inspection: {inspection} with {inspection.cases.count()} cases.")
        if not created:
            self.stdout.write("Demo inspections already present: left as they are.")
        survey_rows, staffed = evidence_demo_create()
        staffed += len(staffed_before_lock)
        if survey_rows:
            self.stdout.write(f"Imported {survey_rows} survey results (1,353 people on probation).")
        if staffed:
            self.stdout.write(f"Recorded the staffing of {staffed} demo inspections.")
        self.stdout.write(
            self.style.SUCCESS("\nDemo sign-ins (demo only), all with the password " + DEMO_PASSWORD)
        )
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.description}")
