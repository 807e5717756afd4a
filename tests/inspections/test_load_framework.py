"""manage.py load_framework FILE [--draft]: a framework loaded from JSON or a workbook without a developer; a file
with mistakes prints every one (where, what, how to fix) and loads nothing."""

import io
import json

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from inspections.definition_checks import parse
from inspections.frameworks import IN_USE, PUBLISHED_UNCHANGEABLE
from inspections.models import Framework
from inspections.workbook import workbook
from tests.factories import InspectionFactory


def _framework(version: int = 1) -> dict:
    """A small valid framework: a judged standard and a case standard rated from supervision cases."""
    return {
        "format": 2,
        "slug": "small",
        "version": version,
        "name": "A small framework",
        "unit": "pdu",
        "effective_from": "2024-04-01",
        "key_question_bands": {"outstanding": 80, "good": 65, "requires_improvement": 50},
        "overall": {
            "rule": "composite",
            "bands": {"6": {"outstanding": 6, "good": 4, "requires_improvement": 2}},
        },
        "domains": [{"code": "1", "title": "Organisation"}, {"code": "2", "title": "Cases"}],
        "case_kinds": [
            {
                "slug": "supervision",
                "name": "Supervision case",
                "attributes": [
                    {"key": "start_date", "label": "Start date", "type": "date", "required": True}
                ],
            }
        ],
        "standards": [
            {"code": "1.1", "domain": "1", "title": "Leadership", "rated_by": "team_judgement"},
            {
                "code": "2.1",
                "domain": "2",
                "title": "Assessment",
                "rated_by": "lowest_key_question",
                "case_kind": "supervision",
                "key_questions": [{"code": "2.1.1", "criterion": "Engagement", "wording": "Does it engage?"}],
            },
        ],
    }


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def json_file(tmp_path):
    def write(data: dict, name: str = "small-v1.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


def test_a_json_file_is_loaded_published_and_said_what_was_loaded(db, json_file):
    out, _ = _run(str(json_file(_framework())))
    framework = Framework.objects.get(slug="small", version=1)
    assert framework.is_published
    assert framework.standards.count() == 2
    assert (
        "A small framework (version 1) (small) loaded, published: 2 domains, 2 standards, 1 key questions"
        in out
    )
    assert "composite out of 6." in out


def test_a_workbook_is_loaded_as_a_draft(db, tmp_path):
    path = tmp_path / "small.xlsx"
    path.write_bytes(workbook(parse(_framework())))
    out, _ = _run(str(path), "--draft")
    assert not Framework.objects.get(slug="small").is_published
    assert "loaded as a draft" in out


def test_loading_again_unchanged_says_so(db, json_file):
    path = json_file(_framework())
    _run(str(path))
    out, _ = _run(str(path))
    assert "is already loaded, unchanged" in out
    assert Framework.objects.count() == 1


def test_a_file_with_mistakes_prints_every_one_and_loads_nothing(db, json_file):
    data = _framework()
    data["standards"][0]["rated_by"] = "lead"
    data["domains"][1]["code"] = "1"
    with pytest.raises(
        CommandError, match=r"small-v1.json has 3 problems \(listed above\). Nothing was loaded."
    ):
        call_command(
            "load_framework", str(json_file(data)), stdout=io.StringIO(), stderr=(err := io.StringIO())
        )
    printed = err.getvalue().splitlines()
    assert any(
        line.startswith('- standards[0].rated_by: "lead" is not allowed. Use one of: lowest_key_question,')
        for line in printed
    )
    assert any("domains[1].code" in line and "used twice" in line for line in printed)
    assert len(printed) == 3
    assert not Framework.objects.exists()


def test_a_file_that_is_not_a_framework_file_is_one_problem(db, tmp_path):
    path = tmp_path / "framework.xlsx"
    path.write_text("code,title\n1.1,Leadership\n")
    with pytest.raises(CommandError, match="has 1 problem "):
        call_command("load_framework", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "The file: is not an Excel workbook (.xlsx)." in err.getvalue()


def test_a_missing_file_is_an_error_not_a_traceback(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "nowhere.json"))


def test_a_version_in_use_is_not_changed(db, framework, json_file):
    InspectionFactory(framework=framework)
    changed = dict(framework.document, name="Changed")
    with pytest.raises(CommandError) as refused:
        _run(str(json_file(changed)))
    assert str(refused.value) == IN_USE.format(version=framework.version, slug=framework.slug, count=1)
    framework.refresh_from_db()
    assert framework.name != "Changed"


def test_the_command_exits_non_zero_on_mistakes(db, json_file):
    """As run from a shell: the exit status says it failed."""
    data = _framework()
    del data["name"]
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "load_framework", str(json_file(data))])
    assert exited.value.code != 0


def test_a_draft_never_changes_a_published_version(db, json_file):
    _run(str(json_file(_framework())))
    changed = dict(_framework(), name="Changed")
    with pytest.raises(CommandError) as refused:
        _run(str(json_file(changed)), "--draft")
    assert str(refused.value) == PUBLISHED_UNCHANGEABLE.format(version=1, slug="small")
    assert Framework.objects.get(slug="small").name == "A small framework"
