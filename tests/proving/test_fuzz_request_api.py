"""Bad input at the request API (JSON and multipart, /evidence, /inspection) and the customer page forms.

No 5xx ever. An API rejection is a 4xx whose JSON errors each name a field; a page rejection is a 4xx HTML
page whose alert links the field (or, for the lookup, says what to check)."""
from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from integration.web.limits import limiter
from tests import evidence_files as ef
from tests.proving.fuzz import BAD_ENCODINGS, FUZZ, WRONG_TYPES, mutated, nested, to_json
from tests.requests.test_decide import DEFECTIVE_HOODIE, _queued, api  # noqa: F401  (fixtures)
from tests.web_helpers import csrf_from

SHOP, PAGE = "kaolate-demo.myshopify.com", "/r/kaolate-demo.myshopify.com"
BY_KEY = {"shop": SHOP, "order_id": "5550001", "request": DEFECTIVE_HOODIE}
BY_CUSTOMER = {"shop": SHOP, "order_number": "1001", "email": "jane.buyer@example.com", "request": DEFECTIVE_HOODIE}
FILES = st.lists(st.tuples(st.sampled_from(["photos", "videos", "other"]), st.text(max_size=20),
                           st.one_of(st.binary(max_size=64), st.just(ef.jpeg()), st.just(ef.png())),
                           st.sampled_from(["image/jpeg", "video/mp4", "text/plain", ""])), max_size=3)


def _check_api(response) -> None:
    assert response.status_code < 500, response.get_data()[:300]
    if response.status_code >= 400:
        errors = (response.get_json(silent=True) or {}).get("errors")
        assert errors and all(e.get("field") for e in errors), response.get_data()[:300]


def _multipart(client, url, key, fields: list[tuple]):
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers={"Authorization": f"Bearer {key}"})


def _file_fields(files) -> list[tuple]:
    return [(field, FileStorage(io.BytesIO(data), name or "f", content_type=declared))
            for field, name, data, declared in files]


@pytest.fixture()
def case_id(client, api):
    created = client.post("/api/v1/requests", json=BY_KEY, headers={"Authorization": f"Bearer {api['key']}"})
    assert created.status_code == 201
    return created.json["request_id"]


@pytest.mark.scaled
def test_json_requests_with_wrong_types_never_5xx(client, api):
    @FUZZ
    @given(doc=st.one_of(mutated(BY_KEY, rounds=4), mutated(BY_CUSTOMER, rounds=4)), keyed=st.booleans())
    def run(doc, keyed):
        headers = {"Authorization": f"Bearer {api['key']}"} if keyed else {}
        _check_api(client.post("/api/v1/requests", data=to_json(doc), content_type="application/json", headers=headers))
    run()


@pytest.mark.parametrize("body", BAD_ENCODINGS + [nested(10_000), nested(990), b"x" * (2 * 1024 * 1024)])
@pytest.mark.parametrize("route", ["", "/evidence", "/inspection"])
def test_raw_bodies_bad_encodings_deep_nesting_and_huge_are_4xx(client, api, case_id, route, body):
    url = "/api/v1/requests" + (f"/{case_id}{route}" if route else "")
    _check_api(client.post(url, data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {api['key']}"}))


@pytest.mark.scaled
def test_multipart_requests_never_5xx(client, api):
    @FUZZ
    @given(doc=mutated(BY_KEY, rounds=3), raw=st.one_of(st.none(), st.binary(max_size=40)), files=FILES)
    def run(doc, raw, files):
        payload = raw.decode("latin-1") if raw is not None else json.dumps(doc, allow_nan=True)
        _check_api(_multipart(client, "/api/v1/requests", api["key"], [("payload", payload)] + _file_fields(files)))
    run()


@pytest.mark.scaled
def test_evidence_and_inspection_with_wrong_types_never_5xx(client, api, case_id):
    @FUZZ
    @given(evidence=mutated({"photos": 2, "videos": 0, "description": True}),
           inspection=mutated({"items": {"9002": "used"}, "by": "Kay"}), files=FILES,
           words=st.one_of(st.none(), st.text(max_size=30)))
    def run(evidence, inspection, files, words):
        headers = {"Authorization": f"Bearer {api['key']}"}
        _check_api(client.post(f"/api/v1/requests/{case_id}/evidence", data=to_json(evidence),
                               content_type="application/json", headers=headers))
        _check_api(client.post(f"/api/v1/requests/{case_id}/inspection", data=to_json(inspection),
                               content_type="application/json", headers=headers))
        fields = ([("description", words)] if words is not None else []) + _file_fields(files)
        _check_api(_multipart(client, f"/api/v1/requests/{case_id}/evidence", api["key"], fields))
    run()


@pytest.fixture()
def page(client, api):
    limiter.enabled = False  # the rate limits are tested on their own; here they would only cut the run short
    yield client
    limiter.enabled = True


def _check_page(response) -> None:
    assert response.status_code < 500, response.get_data()[:300]
    if 400 <= response.status_code < 500 and response.status_code != 404:
        assert response.mimetype == "text/html"
        assert re.search(rb'role="alert"', response.data), response.data[:500]
    if response.status_code == 404 and response.mimetype == "text/html" and b"lookup-error" in response.data:
        assert b"Check both" in response.data


FORM_TEXT = st.one_of(WRONG_TYPES.map(lambda v: json.dumps(v, allow_nan=True)), st.text(max_size=30))


@pytest.mark.scaled
def test_the_customer_forms_never_5xx(page):
    token = csrf_from(page.get(PAGE).data)
    assert page.post(PAGE, data={"csrf_token": token, "order_number": "1001",
                                 "email": "jane.buyer@example.com"}).status_code == 302

    @FUZZ
    @given(lookup=st.dictionaries(st.sampled_from(["order_number", "email", "x"]), FORM_TEXT, max_size=3),
           form=st.dictionaries(st.sampled_from(["type", "reason", "preferred_resolution", "description", "qty-9001",
                                                 "qty-9002", "qty-x", "nonce"]), FORM_TEXT, max_size=6),
           files=FILES)
    def run(lookup, form, files):
        fresh = csrf_from(page.get(f"{PAGE}/new").data)
        _check_page(page.post(f"{PAGE}/new", data={"csrf_token": fresh, **form, **{
            field: FileStorage(io.BytesIO(data), name or "f", content_type=declared)
            for field, name, data, declared in files if field in ("photos", "videos")}}))
        with page.session_transaction() as session:
            held = dict(session.get("customer") or {})
        _check_page(page.post(PAGE, data={"csrf_token": fresh, **lookup}))
        with page.session_transaction() as session:
            session["customer"] = held  # a failed lookup must not cost the next example its order
    run()
