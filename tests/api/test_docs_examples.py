"""The examples in docs/api.md and the README run against a live server and write the CSV they promise."""

import csv
import re
from pathlib import Path

import pytest

from accounts.services import api_token_create
from tests.factories import PDUFactory, PublishedRatingFactory, UserFactory, current_framework

ROOT = Path(__file__).resolve().parents[2]


def python_example(path: Path) -> str:
    return re.search(r"```python\n(.*?)```", path.read_text(), re.S).group(1)


@pytest.fixture
def derby(transactional_db):
    current_framework()  # the framework the composite was published under, which bands it
    pdu = PDUFactory(name="Derby City")
    PublishedRatingFactory(pdu=pdu, composite_score=11, composite_max=27)
    return pdu


@pytest.mark.parametrize(
    ("document", "output"), [("docs/api.md", "derby-ratings.csv"), ("README.md", "ratings.csv")]
)
def test_the_python_example_writes_a_pdus_ratings_to_csv(
    document, output, derby, live_server, monkeypatch, tmp_path
):
    _, secret = api_token_create(user=UserFactory(), name="docs example")
    monkeypatch.setenv("TOKEN", secret)
    monkeypatch.chdir(tmp_path)
    code = python_example(ROOT / document)
    code = code.replace("https://case-assessment.example", live_server.url)
    code = code.replace("http://127.0.0.1:8000", live_server.url).replace("pdus/17/", f"pdus/{derby.pk}/")
    exec(compile(code, document, "exec"), {})  # noqa: S102 - our own documentation's example
    with open(tmp_path / output, newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows == [
        {
            "period_start": "2022-01-01",
            "period_end": "2023-08-01",
            "composite_score": "11",
            "composite_max": "27",
            "overall_rating": "requires_improvement",
        }
    ]
