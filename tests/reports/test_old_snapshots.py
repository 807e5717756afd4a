"""A snapshot locked before frameworks were data (tests/reports/data/snapshot-before-frameworks.json, written by the
app as it was then: stages 2.1-2.4, unpaid work 3.1 judged by the lead, criteria stored as values) still displays
exactly as it was locked: every rating, score, rate, label and rationale."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from inspections.models import Inspection
from reports import tables
from reports.models import InspectionSnapshot
from reports.selectors import dashboards
from reports.snapshots import RESULTS_SHAPE, results_shape
from tests.factories import InspectionFactory

OLD_SNAPSHOT = Path(__file__).parent / "data" / "snapshot-before-frameworks.json"

# The rows these tables showed for this snapshot when it was locked (exported by the app as it was then).
AS_LOCKED = {
    "standards": [
        ["1.1", "Leadership", "Lead inspector's judgement", "Good", 2],
        ["1.2", "Staff", "Lead inspector's judgement", "Requires improvement", 1],
        ["1.3", "Services", "Lead inspector's judgement", "Good", 2],
        ["1.4", "Information and facilities", "Lead inspector's judgement", "Inadequate", 0],
        ["2.1", "Assessment", "Case sample", "Good", 2],
        ["2.2", "Planning", "Case sample", "Requires improvement", 1],
        ["2.3", "Implementation and delivery", "Case sample", "Requires improvement", 1],
        ["2.4", "Reviewing", "Case sample", "Outstanding", 3],
        ["3.1", "Unpaid work", "Lead inspector's judgement", "Outstanding", 3],
        ["Composite", "Composite score out of 27", "", "Good", 15],
    ],
    "band-changes": [
        ["2.1 Assessment", "Good", "2.1.1", 7, 10, 70.0, 39.68, 89.22, 1, 1, 3, 1],
        ["2.2 Planning", "Requires improvement", "2.2.1", 6, 10, 60.0, 31.27, 83.18, 1, 2, 3, 2],
        [
            "2.3 Implementation and delivery",
            "Requires improvement",
            "2.3.1",
            5,
            9,
            55.56,
            26.67,
            81.12,
            1,
            1,
            3,
            1,
        ],
        ["2.4 Reviewing", "Outstanding", "2.4.1", 9, 10, 90.0, 59.58, 98.21, None, 2, None, 2],
    ],
    "key-questions": [
        [
            "Assessment",
            "2.1.1",
            "Engagement",
            "Does assessment focus sufficiently on engaging the person on probation?",
            7,
            10,
            70.0,
            39.68,
            89.22,
            "Good",
        ],
        [
            "Assessment",
            "2.1.2",
            "Desistance",
            "Does assessment focus sufficiently on the factors linked to offending and desistance?",
            7,
            10,
            70.0,
            39.68,
            89.22,
            "Good",
        ],
        [
            "Assessment",
            "2.1.3",
            "Keeping other people safe",
            "Does assessment focus sufficiently on keeping other people safe?",
            7,
            10,
            70.0,
            39.68,
            89.22,
            "Good",
        ],
        [
            "Planning",
            "2.2.1",
            "Engagement",
            "Does planning focus sufficiently on engaging the person on probation?",
            6,
            10,
            60.0,
            31.27,
            83.18,
            "Requires improvement",
        ],
        [
            "Planning",
            "2.2.2",
            "Desistance",
            "Does planning focus sufficiently on reducing reoffending and supporting the person on probation's desistance?",
            6,
            10,
            60.0,
            31.27,
            83.18,
            "Requires improvement",
        ],
        [
            "Planning",
            "2.2.3",
            "Keeping other people safe",
            "Does planning focus sufficiently on keeping other people safe?",
            6,
            10,
            60.0,
            31.27,
            83.18,
            "Requires improvement",
        ],
        [
            "Implementation and delivery",
            "2.3.1",
            "Engagement",
            "Is the sentence or post-custody period implemented effectively with a focus on engaging the person on probation?",
            5,
            9,
            55.56,
            26.67,
            81.12,
            "Requires improvement",
        ],
        [
            "Implementation and delivery",
            "2.3.2",
            "Desistance",
            "Does the implementation and delivery of services effectively support desistance?",
            5,
            9,
            55.56,
            26.67,
            81.12,
            "Requires improvement",
        ],
        [
            "Implementation and delivery",
            "2.3.3",
            "Keeping other people safe",
            "Does the implementation and delivery of services effectively support the safety of other people?",
            5,
            9,
            55.56,
            26.67,
            81.12,
            "Requires improvement",
        ],
        [
            "Reviewing",
            "2.4.1",
            "Engagement",
            "Does reviewing focus sufficiently on supporting the person on probation's compliance and engagement?",
            9,
            10,
            90.0,
            59.58,
            98.21,
            "Outstanding",
        ],
        [
            "Reviewing",
            "2.4.2",
            "Desistance",
            "Does reviewing focus sufficiently on supporting the person on probation's desistance?",
            9,
            10,
            90.0,
            59.58,
            98.21,
            "Outstanding",
        ],
        [
            "Reviewing",
            "2.4.3",
            "Keeping other people safe",
            "Does reviewing focus sufficiently on keeping other people safe?",
            9,
            10,
            90.0,
            59.58,
            98.21,
            "Outstanding",
        ],
    ],
    "judgements": [
        ["1.1", "Leadership", "Good", "Evidence for 1.1."],
        ["1.2", "Staff", "Requires improvement", "Evidence for 1.2."],
        ["1.3", "Services", "Good", "Evidence for 1.3."],
        ["1.4", "Information and facilities", "Inadequate", "Evidence for 1.4."],
        ["3.1", "Unpaid work", "Outstanding", "Evidence for 3.1."],
    ],
}


@pytest.fixture
def old_snapshot(framework, national_viewer):
    inspection = InspectionFactory(framework=framework, status=Inspection.Status.LOCKED)
    lead = national_viewer
    data = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    InspectionSnapshot.objects.create(inspection=inspection, data=data, framework_version=1, created_by=lead)
    return inspection, data


def test_the_fixture_is_in_the_shape_before_frameworks():
    data = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    assert "shape" not in data
    assert {s["rated_from"] for s in data["standards"]} == {"case_sample", "lead_judgement"}


def test_an_old_snapshot_is_read_into_the_current_shape_without_changing_a_figure():
    data = json.loads(OLD_SNAPSHOT.read_text(encoding="utf-8"))
    read = results_shape(data)
    assert read["shape"] == RESULTS_SHAPE
    assert results_shape(read) is read  # the current shape is read as it is
    assert (read["composite_score"], read["max_score"], read["overall_rating"]) == (15, 27, "good")
    assert [(s["code"], s["rating"]) for s in read["standards"]] == [
        (s["code"], s["rating"]) for s in data["standards"]
    ]
    old_kqs = [kq for s in data["standards"] for kq in s["key_questions"]]
    new_kqs = [kq for s in read["standards"] for kq in s["key_questions"]]
    keep = ("code", "wording", "rating", "sufficient", "total", "rate", "ci_lower", "ci_upper")
    assert [{k: kq[k] for k in keep} for kq in new_kqs] == [{k: kq[k] for k in keep} for kq in old_kqs]


def _as_locked_columns(table):
    """The table's exported rows without the columns derived since (which band boundaries a rate's interval
    crosses): the figures the snapshot holds."""
    derived = {
        i for i, name in enumerate(table.export_columns()) if name.endswith("crosses band boundaries %")
    }
    return [[value for i, value in enumerate(row) if i not in derived] for row in table.export_rows()]


def test_an_old_snapshot_displays_exactly_as_it_was_locked(old_snapshot):
    inspection, _ = old_snapshot
    dashboard = dashboards.inspection_dashboard(
        Inspection.objects.select_related("framework").get(pk=inspection.pk)
    )
    assert not dashboard.provisional
    shown = {table.slug: _as_locked_columns(table) for table in tables.inspection_tables(dashboard)}
    for slug, rows in AS_LOCKED.items():
        assert shown[slug] == rows, slug
    assert dashboard.overall_rating.label == "Good"


def test_the_dashboard_page_shows_an_old_snapshot_as_locked(old_snapshot, client, national_viewer):
    inspection, _ = old_snapshot
    client.force_login(national_viewer)
    response = client.get(reverse("inspection_dashboard", args=[inspection.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("15 out of 27", "Unpaid work", "Evidence for 3.1.", "Keeping other people safe", "2.4.3"):
        assert text in page
    api = client.get(f"/api/v1/inspections/{inspection.pk}/results/")
    assert api.status_code == 200
    body = api.json()
    assert (body["composite_score"], body["max_score"], body["overall_rating"]) == (15, 27, "good")
    assert [s["rated_by_label"] for s in body["standards"]][-1] == "Lead inspector's judgement"
