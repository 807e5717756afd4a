from django.core.management.base import BaseCommand

from inspections.frameworks import frameworks_load_all


class Command(BaseCommand):
    help = "Load (or refresh) every inspection framework version from inspections/data/frameworks/."

    def handle(self, *args, **options):
        for framework in frameworks_load_all():
            self.stdout.write(
                f"{framework}: {framework.standards.count()} standards, "
                f"{framework.standards.filter(key_questions__isnull=False).count()} key questions"
            )
