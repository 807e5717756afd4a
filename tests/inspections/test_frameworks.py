import json

import pytest
from django.db import IntegrityError

from inspections.frameworks import framework_files, frameworks_load_all
from inspections.models import Criterion, Framework, KeyQuestion, RatedFrom, Standard
from reports import rating


def test_the_pdu_framework_has_eight_mandatory_standards_and_twelve_key_questions(framework):
    mandatory = framework.standards.filter(is_optional=False)
    assert list(mandatory.values_list("code", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
    ]
    assert KeyQuestion.objects.filter(standard__framework=framework).count() == 12
    for standard in mandatory.filter(rated_from=RatedFrom.CASE_SAMPLE):
        assert sorted(standard.key_questions.values_list("criterion", flat=True)) == sorted(Criterion.values)
        assert all(kq.prompts for kq in standard.key_questions.all())
    assert framework.standards.get(is_optional=True).code == "3.1"


def test_key_question_wording_is_exactly_as_published(framework):
    wording = dict(KeyQuestion.objects.filter(standard__framework=framework).values_list("code", "wording"))
    assert wording["2.1.1"] == "Does assessment focus sufficiently on engaging the person on probation?"
    assert wording["2.2.2"] == (
        "Does planning focus sufficiently on reducing reoffending and supporting the person on probation's desistance?"
    )
    assert wording["2.3.3"] == (
        "Does the implementation and delivery of services effectively support the safety of other people?"
    )
    assert wording["2.4.1"] == (
        "Does reviewing focus sufficiently on supporting the person on probation's compliance and engagement?"
    )


def test_loading_frameworks_twice_changes_nothing(framework):
    counts = (Framework.objects.count(), Standard.objects.count(), KeyQuestion.objects.count())
    frameworks_load_all()
    assert (Framework.objects.count(), Standard.objects.count(), KeyQuestion.objects.count()) == counts


def test_the_shipped_framework_has_the_methodologys_bands(framework):
    data = json.loads(framework_files()[-1].read_text())
    assert data["key_question_bands"] == {"outstanding": 80, "good": 65, "requires_improvement": 50}
    # Overall bands at one sixth, one half and five sixths of each maximum (methodology, section 3.6).
    assert data["composite_bands"] == {
        "24": {"outstanding": 21, "good": 13, "requires_improvement": 5},
        "27": {"outstanding": 23, "good": 14, "requires_improvement": 5},
        "36": {"outstanding": 31, "good": 19, "requires_improvement": 7},
    }
    assert framework.key_question_bands == data["key_question_bands"]


def test_the_stored_rating_values_are_the_engines():
    from inspections.models import Rating as StoredRating

    assert StoredRating.values == [r.value for r in rating.Rating]


def test_a_framework_version_is_unique(framework):
    with pytest.raises(IntegrityError):
        Framework.objects.create(
            slug=framework.slug,
            name="Copy",
            version=framework.version,
            effective_from=framework.effective_from,
            key_question_bands={},
            composite_bands={},
        )
