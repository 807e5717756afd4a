"""Loading framework versions: a document (docs/frameworks.md) is checked, stored normalised, and its standards and
key questions written as rows so SQL can join on them. The shipped versions are inspections/data/frameworks/*.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from .definition_checks import check_pools, parse
from .definitions import Definition
from .definitions import document as normalised
from .models import Framework, Inspection, KeyQuestion, Standard

if TYPE_CHECKING:
    from accounts.models import User

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "data" / "frameworks"

IN_USE = (
    "Version {version} of {slug} is used by {count} inspection(s), so it cannot change: their results must stay "
    "as they were judged. Give the changed framework a new version number."
)


class FrameworkInUse(Exception):
    """Refused: the version is used by an inspection and the document differs. Carries its meaning for the API."""

    http_status = 409
    problem_type = "framework-in-use"
    problem_title = "The framework version is in use"


def framework_files() -> list[Path]:
    return sorted(FRAMEWORKS_DIR.glob("*.json"))


def pool_sources() -> list[Definition]:
    """Every loaded framework version, oldest first: what a pooled standard may pool (one query)."""
    return [each.definition for each in Framework.objects.order_by("slug", "version")]


def _pools_check(definition: Definition) -> None:
    """A pooled standard pools a loaded framework's key questions (DefinitionInvalid otherwise): a misspelt slug or
    code would otherwise load and pool nothing. One query, none where nothing is pooled."""
    if any(standard.rated_by == "pooled" for standard in definition.standards):
        check_pools(definition, pool_sources())


def _rows_write(framework: Framework, definition: Definition) -> None:
    framework.standards.all().delete()
    for order, standard in enumerate(definition.standards, start=1):
        row = Standard(
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
        row.full_clean(exclude=["framework"])
        row.save()
        KeyQuestion.objects.bulk_create(
            KeyQuestion(
                standard=row,
                code=key_question.code,
                criterion=key_question.criterion,
                wording=key_question.wording,
                prompts=list(key_question.prompts),
                order=question_order,
            )
            for question_order, key_question in enumerate(standard.key_questions, start=1)
        )


@transaction.atomic
def framework_load(*, document: dict[str, Any], user: User | None = None, publish: bool = True) -> Framework:
    """Create or update one framework version from its document; DefinitionInvalid lists every mistake in it, and
    every pooled key question that a loaded framework does not have.

    Loading the same document again changes nothing. A version an inspection uses is never changed (FrameworkInUse):
    its results must stay as they were judged. `publish` makes a draft available to new inspections.
    """
    definition = parse(document)
    _pools_check(definition)
    stored = normalised(definition)
    framework = (
        Framework.objects.select_for_update().filter(slug=definition.slug, version=definition.version).first()
    )
    if framework is not None and framework.document == stored:
        if publish and not framework.is_published:
            framework.published_at, framework.published_by = timezone.now(), user
            if user is not None:
                framework._history_user = user
            framework.save(update_fields=["published_at", "published_by"])
        return framework
    if framework is not None:
        in_use = Inspection.objects.filter(framework=framework).count()
        if in_use:
            raise FrameworkInUse(
                IN_USE.format(version=definition.version, slug=definition.slug, count=in_use)
            )
    framework = framework or Framework(slug=definition.slug, version=definition.version)
    framework.name = definition.name
    framework.unit = definition.unit
    framework.effective_from = definition.effective_from
    framework.document = stored
    if publish and not framework.is_published:
        framework.published_at, framework.published_by = timezone.now(), user
    framework.full_clean(validate_unique=False)
    if user is not None:
        framework._history_user = user
    framework.save()
    _rows_write(framework, definition)
    return framework


def frameworks_load_all() -> list[Framework]:
    """Load and publish every framework file shipped with the app."""
    return [
        framework_load(document=json.loads(path.read_text(encoding="utf-8"))) for path in framework_files()
    ]


# The administrators' pages: a version is uploaded as a draft, previewed, then published or discarded.

PUBLISHED_UNCHANGEABLE = (
    "Version {version} of {slug} is already published, so uploading it again cannot change it. Give the changed "
    "framework a new version number."
)
DISCARD_PUBLISHED = "Version {version} of {slug} is published, so it cannot be discarded."


class FrameworkPublished(Exception):
    """Refused: a published version is changed only by a new version."""

    http_status = 409
    problem_type = "framework-published"
    problem_title = "The framework version is published"


@transaction.atomic
def framework_upload(*, document: dict[str, Any], user: User | None) -> tuple[Framework, bool]:
    """Load an uploaded document as a draft (unless that version is loaded already, unchanged); the version and
    whether anything changed. DefinitionInvalid lists its mistakes; a published version is never changed by an
    upload (FrameworkPublished), nor one an inspection uses (FrameworkInUse)."""
    stored = normalised(parse(document))
    existing = (
        Framework.objects.select_for_update().filter(slug=stored["slug"], version=stored["version"]).first()
    )
    if existing is not None and existing.document == stored:
        return existing, False
    if existing is not None and existing.is_published:
        in_use = Inspection.objects.filter(framework=existing).count()
        if in_use:
            raise FrameworkInUse(IN_USE.format(version=existing.version, slug=existing.slug, count=in_use))
        raise FrameworkPublished(PUBLISHED_UNCHANGEABLE.format(version=existing.version, slug=existing.slug))
    return framework_load(document=stored, user=user, publish=False), True


@transaction.atomic
def framework_publish(*, framework: Framework, user: User) -> Framework:
    """Make a draft available to new inspections, recording who published it and when (idempotent)."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_published:
        return framework
    framework.published_at, framework.published_by = timezone.now(), user
    framework._history_user = user
    framework.save(update_fields=["published_at", "published_by"])
    return framework


@transaction.atomic
def framework_discard(*, framework: Framework, user: User) -> None:
    """Delete a draft nobody uses; a published version or one in use stays (FrameworkPublished, FrameworkInUse)."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    in_use = Inspection.objects.filter(framework=framework).count()
    if in_use:
        raise FrameworkInUse(IN_USE.format(version=framework.version, slug=framework.slug, count=in_use))
    if framework.is_published:
        raise FrameworkPublished(DISCARD_PUBLISHED.format(version=framework.version, slug=framework.slug))
    framework._history_user = user
    framework.delete()
