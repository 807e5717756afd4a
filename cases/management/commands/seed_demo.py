from django.core.management.base import BaseCommand

from cases.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Load regions, PDUs, published ratings, the framework, demo users and three demo inspections."

    def handle(self, *args, **options):
        created, pdu_count = seed_demo()
        self.stdout.write(
            f"Loaded {pdu_count} PDUs with their published composites and the shipped frameworks."
        )
        for inspection in created:
            self.stdout.write(f"Created demo inspection: {inspection} with {inspection.cases.count()} cases.")
        if not created:
            self.stdout.write("Demo inspections already present: left as they are.")
        self.stdout.write(
            self.style.SUCCESS("\nDemo sign-ins (demo only), all with the password " + DEMO_PASSWORD)
        )
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.description}")
