"""Load one framework version from a file (JSON or an .xlsx workbook), without a developer: every problem in the file
is printed with where it is, what is wrong and how to fix it, and nothing is loaded until there are none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.definition_checks import DefinitionInvalid
from inspections.frameworks import (
    FrameworkInUse,
    FrameworkPublished,
    framework_load,
    framework_upload,
    pool_sources,
)
from inspections.models import Framework
from inspections.workbook import document_from_file


class Command(BaseCommand):
    help = (
        "Load a framework version from FILE (.json, or an .xlsx workbook; docs/framework-workbook.md), published "
        "unless --draft. Prints every problem in the file and loads nothing if there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The framework file: .json or .xlsx")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Load it as a draft, to check on the Frameworks pages before publishing it there.",
        )

    def handle(self, *args, file, draft, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        try:
            document = document_from_file(content, path.name, pool_sources=pool_sources())
        except DefinitionInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(f"- {problem}")
            count = len(invalid.problems)
            raise CommandError(
                f"{path.name} has {count} problem{'s' if count != 1 else ''} (listed above). Nothing was loaded."
            ) from invalid
        before = Framework.objects.filter(slug=document["slug"], version=document["version"]).first()
        try:
            if draft:  # as the upload page: a draft never changes a published version
                framework, _ = framework_upload(document=document, user=None)
            else:
                framework = framework_load(document=document, publish=True)
        except (FrameworkInUse, FrameworkPublished) as refusal:
            raise CommandError(str(refusal)) from refusal
        definition = framework.definition
        if (
            before is not None
            and before.document == framework.document
            and before.is_published == framework.is_published
        ):
            what = "is already loaded, unchanged"
        else:
            what = "loaded" if before is None else "updated"
            what += ", published" if framework.is_published else " as a draft"
        self.stdout.write(
            self.style.SUCCESS(f"{framework} ({framework.slug}) {what}: ")
            + f"{len(definition.domains)} domains, {len(definition.standards)} standards, "
            f"{len(definition.key_questions())} key questions, {len(definition.case_kinds)} case kinds "
            f"({', '.join(kind.name for kind in definition.case_kinds) or 'none'}); composite out of "
            + " or ".join(str(maximum) for maximum in definition.possible_maxima())
            + "."
        )
