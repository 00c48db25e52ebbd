"""Two first calls with one Idempotency-Key at the same instant are one request (issue 16, item 3: follow-up).

Both calls are held until each has looked for the key and found nothing, then both go on: the shop's one request per
source_ref (the caller and key) lets one insert, and the other, taken again, finds it: a 409 naming the key when its
body differs, the first answer when it is the same. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set
(`--tier all`)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

import integration.requests.decide as decide
from integration.db.request_models import ReturnCase
from tests.requests.test_decide import DEFECTIVE_HOODIE, _queued, api  # noqa: F401  (fixtures)

BODY = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
OTHER = {**BODY, "request": {**DEFECTIVE_HOODIE, "reason": "wrong_item"}}


@pytest.fixture()
def held_together(monkeypatch):
    """Each thread's first look for its key waits until the other thread has looked too."""
    barrier, seen = threading.Barrier(2, timeout=20), threading.local()
    real = decide.find_case

    def find_case(session, shop, source, source_ref):
        found = real(session, shop, source, source_ref)
        if not getattr(seen, "looked", False):
            seen.looked = True
            barrier.wait()
        return found
    monkeypatch.setattr(decide, "find_case", find_case)


def _at_once(app, key: str, bodies: list[dict], bearer: str) -> list:
    answers = [None, None]

    def call(n: int) -> None:
        answers[n] = app.test_client().post("/api/v1/requests", json=bodies[n],
                                            headers={"Idempotency-Key": key, "Authorization": f"Bearer {bearer}"})
    threads = [threading.Thread(target=call, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def _count(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count(ReturnCase.id)))


def test_two_first_calls_with_one_key_and_different_bodies_take_one_request_and_409_the_other(client, rt, api,
                                                                                                held_together):
    answers = _at_once(client.application, "race-key", [BODY, OTHER], api["key"])
    assert sorted(a.status_code for a in answers) == [201, 409], [a.get_data(as_text=True) for a in answers]
    [refused] = [a for a in answers if a.status_code == 409]
    [error] = refused.json["errors"]
    assert error["field"] == "Idempotency-Key" and "'race-key'" in error["message"]
    assert _count(rt) == 1


def test_two_first_calls_with_one_key_and_the_same_body_get_the_one_request(client, rt, api, held_together):
    answers = _at_once(client.application, "same-key", [BODY, BODY], api["key"])
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json == answers[1].json and _count(rt) == 1
