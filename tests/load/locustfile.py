"""Locust clients that save case evidence through the API, one case each, and log every answer.

Driven by tests/load/__main__.py (which seeds the cases, starts gunicorn, kills database connections during the
run and checks the log); not meant to be run on its own. LOAD_ASSIGNMENTS names a JSON list of {token, case, key_question};
LOAD_LOG the JSON-lines file each answer is appended to.

Each client loops: PATCH its case's evidence with a new, unique text and the ETag it holds. On 200 the write is
acknowledged. On a 500, a lost connection or any other unclear answer, it sends the same change again with the
same If-Match, as a careful client would; on a 412 it reads the case and applies the change again.
"""

import itertools
import json
import os
import threading
import time

from locust import HttpUser, constant, task

ASSIGNMENTS = json.loads(open(os.environ["LOAD_ASSIGNMENTS"]).read())  # noqa: SIM115
_next = itertools.count()
_log_lock = threading.Lock()
LOG = open(os.environ["LOAD_LOG"], "a", buffering=1)  # noqa: SIM115


def record(**entry) -> None:
    with _log_lock:
        LOG.write(json.dumps(entry) + "\n")


class Assessor(HttpUser):
    wait_time = constant(0.05)

    def on_start(self) -> None:
        assignment = ASSIGNMENTS[next(_next) % len(ASSIGNMENTS)]
        self.case = assignment["case"]
        self.headers = {"Authorization": f"Token {assignment['token']}"}
        self.key_question = assignment["key_question"]
        self.url = f"/api/v1/cases/{self.case}/"
        self.writes = itertools.count(1)
        self.pending: str | None = None
        self.etag: str | None = None
        self.read()

    def read(self) -> None:
        while True:  # until the case is read: a killed connection fails a read now and then
            with self.client.get(self.url, headers=self.headers, name="GET case", catch_response=True) as r:
                if r.status_code == 200:
                    self.etag = r.headers["ETag"]
                    r.success()
                    return
                r.failure(f"read answered {r.status_code}")

    @task
    def save(self) -> None:
        if self.pending is None:
            self.pending = f"case {self.case} write {next(self.writes)}"
        text, etag = self.pending, self.etag
        body = {"judgements": {self.key_question: {"answer": "yes", "rationale": text}}}
        with self.client.patch(
            self.url,
            json=body,
            headers={**self.headers, "If-Match": etag},
            name="PATCH case",
            catch_response=True,
        ) as r:
            try:
                detail = r.json().get("detail", "")
            except ValueError:
                detail = ""
            record(
                case=self.case, text=text, if_match=etag, status=r.status_code, detail=detail, at=time.time()
            )
            if r.status_code == 200:
                self.etag, self.pending = r.headers["ETag"], None
                r.success()
            elif r.status_code == 412:
                # Someone (only ever this client) saved since: take the saved version and apply the change again.
                self.etag = r.headers.get("ETag", self.etag)
                r.success()
            else:
                r.failure(f"{r.status_code}: {detail[:80]}")  # sent again with the same If-Match
