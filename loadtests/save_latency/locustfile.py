"""The scenario: each simulated assistant inspector saves one judgement on one of its own cases, then thinks for
SAVE_THINK_SECONDS on average (15; uniformly between half and one and a half times that) before the next.

Written against the public REST API only (docs/api.md), so model changes do not break it:
- on start, with its own token: its inspection (GET /api/v1/inspections/), its own cases
  (GET /api/v1/inspections/{id}/cases/, each with its kind), the key questions of each case kind in the framework
  (GET /api/v1/key-questions/?standard__case_kind=..., read once per framework and kind for all users of the
  process) and each case's ETag (GET /api/v1/cases/{id}/);
- each save: PATCH /api/v1/cases/{id}/ with If-Match and one judgement on a key question of the case's kind (answer
  and evidence), taking the new ETag
  from the answer. A 412 (the case changed since it was read) is recorded under its own name, the case is read
  again and the save retried once with the fresh ETag.

Requests are named so the statistics separate the saves ("save") from the reads made to start ("start: ...").
SAVE_LATENCY_CREDENTIALS names the JSON file from prepare.py; each user takes the next token in it.
SAVE_LATENCY_MEASURE_AFTER: seconds after which the statistics are reset, so that they cover the steady state.
"""

from __future__ import annotations

import itertools
import json
import os
import random

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

THINK_SECONDS = float(os.environ.get("SAVE_THINK_SECONDS", "15"))
SAVE = "save"
STALE = "save: 412 stale ETag, read again"
RETRY = "save: retry after 412"
READ_AGAIN = "save: read again after 412"
EVIDENCE = (
    "The case record shows {detail}. The practitioner {verb} the risk information from the police and children's "
    "services, and the plan {plan}. Evidence read in the case notes, the OASys assessment and the contact log "
    "for the first six months of the sentence."
)
DETAILS = ("a thorough induction on the first day", "an induction two weeks late", "regular contact")
VERBS = ("used", "did not use", "partly used")
PLANS = ("addresses the main needs", "was not reviewed after the change of address", "sets clear objectives")

_credentials: list[dict[str, str]] = []
_next_credential = itertools.count()
# (framework id, case kind) -> its key question codes, shared by the process's users
_key_questions: dict[tuple[int, str], list[str]] = {}


@events.init.add_listener
def _read_credentials(environment, **_kwargs) -> None:
    path = os.environ.get("SAVE_LATENCY_CREDENTIALS")
    if path:
        with open(path) as file:
            _credentials.extend(json.load(file))


@events.test_start.add_listener
def _measure_the_steady_state(environment, **_kwargs) -> None:
    """Reset the statistics SAVE_LATENCY_MEASURE_AFTER seconds into the run: once every user has started and the
    reads made to start have drained, so that what is measured is the steady state of saves (locust's own
    --reset-stats resets when the last user is spawned, while the last ones are still reading their cases)."""
    delay = float(os.environ.get("SAVE_LATENCY_MEASURE_AFTER", "0"))
    if delay > 0:
        gevent.spawn_later(delay, environment.stats.reset_all)


class AssistantInspector(FastHttpUser):
    wait_time = between(THINK_SECONDS / 2, THINK_SECONDS * 3 / 2)

    def on_start(self) -> None:
        number = next(_next_credential)
        if number >= len(_credentials):
            raise StopUser()  # more users than prepared tokens: the runner prepares enough
        self.headers = {"Authorization": f"Token {_credentials[number]['token']}"}
        self.etags: dict[int, str] = {}
        inspections = self._json("/api/v1/inspections/?status=fieldwork", "start: my inspections")["results"]
        inspection = inspections[0]
        cases = self._json(f"/api/v1/inspections/{inspection['id']}/cases/?page_size=500", "start: my cases")[
            "results"
        ]
        framework = inspection["framework_id"]
        for kind in {case["kind"] for case in cases}:
            if (framework, kind) not in _key_questions:
                key_questions = self._json(
                    f"/api/v1/key-questions/?standard__framework={framework}&standard__case_kind={kind}"
                    "&page_size=500",
                    "start: key questions",
                )["results"]
                _key_questions[framework, kind] = [kq["code"] for kq in key_questions]
        for case in cases:
            self._read_case(case["id"], "start: read case")
        # Each case is saved on its own kind's key questions only (a supervision case has no court work).
        self.work = itertools.cycle(
            [(case["id"], code) for case in cases for code in _key_questions[framework, case["kind"]]]
        )

    def _json(self, path: str, name: str) -> dict:
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                raise StopUser()
            return response.json()

    def _read_case(self, case_id: int, name: str) -> None:
        with self.client.get(
            f"/api/v1/cases/{case_id}/", headers=self.headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200 or "ETag" not in response.headers:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.etags[case_id] = response.headers["ETag"]

    def _patch(self, case_id: int, body: dict, name: str) -> int:
        headers = {**self.headers, "If-Match": self.etags[case_id]}
        with self.client.request(
            "PATCH", f"/api/v1/cases/{case_id}/", json=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code == 200:
                self.etags[case_id] = response.headers["ETag"]
            elif response.status_code == 412:
                # Not an error: the case changed elsewhere. Counted under its own name, then read and retried.
                response.request_meta["name"] = STALE
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response.status_code

    @task
    def save_a_judgement(self) -> None:
        case_id, code = next(self.work)
        evidence = EVIDENCE.format(
            detail=random.choice(DETAILS), verb=random.choice(VERBS), plan=random.choice(PLANS)
        )
        body = {"judgements": {code: {"answer": random.choice(["yes", "yes", "no"]), "rationale": evidence}}}
        if self._patch(case_id, body, SAVE) == 412:
            self._read_case(case_id, READ_AGAIN)
            self._patch(case_id, body, RETRY)
