"""Two imports of the same PDU and period at once (PostgreSQL, two threads, two connections): the second waits for
the first and then replaces its counts, rather than failing on the unique constraint (a 500 on the page and API)."""

import contextlib
import threading

import pytest
from django.db import connection, connections

from reports.evidence import survey_import as importer
from reports.evidence.models import SurveyCount, SurveyImport
from tests.factories import PDUFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _survey(yes: int) -> bytes:
    return f"PDU,Period,Question,Response,Count\nGateshead,2026-27,Q,Yes,{yes}\nGateshead,2026-27,Q,No,7\n".encode()


def test_two_imports_of_the_same_pdu_and_period_at_once_both_succeed_one_after_the_other(monkeypatch):
    PDUFactory(name="Gateshead")
    user = UserFactory()
    importer.survey_import(name="earlier.csv", data=_survey(1), user=user)
    meeting = threading.Barrier(2, timeout=3)
    orders = importer._orders

    def meet_then_order(rows):
        # Called after the old counts are deleted and before the new are inserted. Unserialised, both imports meet
        # here and the second to insert breaks the unique constraint; serialised, the second waits for the first's
        # lock, so the first waits here alone until the timeout and goes on.
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return orders(rows)

    monkeypatch.setattr(importer, "_orders", meet_then_order)
    errors: list[Exception] = []

    def run(yes: int) -> None:
        try:
            importer.survey_import(name=f"{yes}.csv", data=_survey(yes), user=user)
        except Exception as error:  # the test reports whatever an import raised
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(yes,)) for yes in (11, 22)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert SurveyImport.objects.count() == 3
    # The counts are one whole file's: the import that committed last replaced the other's.
    [(file_name,)] = set(SurveyCount.objects.values_list("survey_import__file_name"))
    assert file_name in {"11.csv", "22.csv"}
    yes = int(file_name.removesuffix(".csv"))
    assert dict(SurveyCount.objects.values_list("response", "count")) == {"Yes": yes, "No": 7}
