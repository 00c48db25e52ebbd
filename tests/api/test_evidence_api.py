"""The request API with evidence files: multipart in, the evidence listed and downloaded by its own shop only."""
import dataclasses
import io
import json

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from integration.settings import EvidenceLimits
from tests import evidence_files as ef
from tests.requests.test_decide import DEFECTIVE_HOODIE, _queued, api  # noqa: F401  (fixtures)

SHOP = "kaolate-demo.myshopify.com"
NO_PHOTOS = {**DEFECTIVE_HOODIE, "evidence": {"photos": 0}}


def _auth(key):
    return {"Authorization": f"Bearer {key}"} if key else {}


def _files(*named):
    """Form fields for the test client: (field, filename, bytes, declared type) each."""
    form = {}
    for field, filename, data, declared in named:
        form.setdefault(field, []).append(FileStorage(io.BytesIO(data), filename, content_type=declared))
    return form


def _post_form(client, url, key, form):
    # Encoded in memory: the test client's own encoder leaves a large body's temporary file open.
    boundary, body = encode_multipart(MultiDict([(name, v) for name, values in form.items()
                                                 for v in (values if isinstance(values, list) else [values])]))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=_auth(key))


def _create(client, key, request=NO_PHOTOS, files=()):
    payload = json.dumps({"shop": SHOP, "order_id": "5550001", "request": request})
    return _post_form(client, "/api/v1/requests", key, {"payload": payload, **_files(*files)})


PHOTO = ("photos", "hoodie-seam.jpg", ef.jpeg(), "image/jpeg")


def test_photos_uploaded_with_the_request_reach_the_decision(client, api):
    without = client.post("/api/v1/requests", json={"shop": SHOP, "order_id": "5550001", "request": NO_PHOTOS},
                          headers={**_auth(api["key"]), "Idempotency-Key": "bare"})
    assert without.json["decision"]["outcome"] == "needs_evidence"
    created = _create(client, api["key"], files=[PHOTO, ("photos", "two.png", ef.png(), "image/png")])
    assert (created.status_code, created.json["decision"]["outcome"]) == (201, "approved")
    shown = client.get(f"/api/v1/requests/{created.json['request_id']}", headers=_auth(api["key"])).json
    assert shown["request"]["evidence"]["photos"] == 2
    assert [(f["kind"], f["content_type"], f["filename"]) for f in shown["evidence_files"]] == [
        ("photo", "image/jpeg", "hoodie-seam.jpg"), ("photo", "image/png", "two.png")]
    assert shown["evidence_files"][1]["size"] == len(ef.png()) and len(shown["evidence_files"][1]["sha256"]) == 64


def test_evidence_uploaded_later_decides_the_request_again(client, api):
    created = _create(client, api["key"]).json
    assert created["decision"]["outcome"] == "needs_evidence"
    url = f"/api/v1/requests/{created['request_id']}/evidence"
    again = _post_form(client, url, api["key"], {"description": "The seam split.", **_files(PHOTO)})
    assert (again.status_code, again.json["decision"]["outcome"]) == (200, "approved")
    shown = client.get(f"/api/v1/requests/{created['request_id']}", headers=_auth(api["key"])).json
    assert shown["request"]["evidence"] == {"photos": 1, "videos": 0, "description": True}


def test_the_owning_shop_downloads_a_file_and_no_one_else_sees_it(client, api):
    created = _create(client, api["key"], files=[("videos", "clip.mp4", ef.mp4(), "video/mp4")]).json
    case_url = f"/api/v1/requests/{created['request_id']}"
    [listed] = client.get(case_url, headers=_auth(api["key"])).json["evidence_files"]
    got = client.get(f"{case_url}/evidence/{listed['id']}", headers=_auth(api["key"]))
    assert (got.status_code, got.data, got.mimetype) == (200, ef.mp4(), "video/mp4")
    assert got.headers["Content-Disposition"] == "attachment; filename=clip.mp4"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    for path in (case_url, f"{case_url}/evidence/{listed['id']}"):
        assert client.get(path, headers=_auth(api["other"])).status_code == 404
        assert client.get(path).status_code == 401
    assert client.get(f"{case_url}/evidence/{listed['id'] + 1}", headers=_auth(api["key"])).status_code == 404


def test_a_jpg_that_is_really_a_pdf_or_html_is_415_naming_the_field(client, api):
    for fake in (ef.PDF, ef.HTML):
        response = _create(client, api["key"], files=[PHOTO, ("photos", "receipt.jpg", fake, "image/jpeg")])
        assert response.status_code == 415
        assert response.json["errors"][0]["field"] == "photos[1]"


def test_too_many_files_is_422(client, api):
    response = _create(client, api["key"], files=[PHOTO] * 11)
    assert (response.status_code, response.json["errors"][0]["field"]) == (422, "photos[10]")


@pytest.fixture()
def small_limits(client):
    """Limits of a few KiB, so that 'too large' needs no megabytes."""
    runtime = client.application.extensions["returnkit"].runtime
    limits = EvidenceLimits(photo_max_bytes=2048, video_max_bytes=4096, request_max_bytes=6144, max_files=10)
    runtime.settings = dataclasses.replace(runtime.settings, evidence=limits)
    return limits


def test_a_file_past_its_limit_is_413_naming_the_field(client, api, small_limits):
    response = _create(client, api["key"], files=[PHOTO, ("photos", "big.jpg", ef.jpeg(padding=3000), "image/jpeg")])
    assert (response.status_code, response.json["errors"][0]["field"]) == (413, "photos[1]")


def test_a_body_past_the_routes_limit_is_413_before_it_is_read(client, api, small_limits):
    huge = ef.jpeg(padding=1024 * 1024 + 8000)
    response = _create(client, api["key"], files=[("photos", "huge.jpg", huge, "image/jpeg")])
    assert (response.status_code, response.json["errors"][0]["field"]) == (413, "(body)")


def test_an_upload_may_be_larger_than_a_json_body(client, api):
    two_mib = ef.jpeg(padding=2 * 1024 * 1024)
    assert _create(client, api["key"], files=[("photos", "sharp.jpg", two_mib, "image/jpeg")]).status_code == 201
    big_json = {"shop": SHOP, "order_id": "5550001", "request": NO_PHOTOS, "pad": "x" * (2 * 1024 * 1024)}
    response = client.post("/api/v1/requests", json=big_json, headers=_auth(api["key"]))
    assert response.status_code == 413 and "multipart/form-data" in response.json["errors"][0]["message"]


@pytest.mark.parametrize("form, status, field", [
    ({"payload": "{not json"}, 400, "payload"),
    ({"payload": "{}", "note": "hi"}, 422, "note"),
    ({"payload": "{}", "photos": "2"}, 422, "photos"),
])
def test_a_bad_form_names_the_field(client, api, form, status, field):
    response = _post_form(client, "/api/v1/requests", api["key"], form)
    assert (response.status_code, response.json["errors"][0]["field"]) == (status, field)


def test_a_count_beside_attached_files_is_refused(client, api):
    response = _create(client, api["key"], request={**NO_PHOTOS, "evidence": {"photos": 3}}, files=[PHOTO])
    assert (response.status_code, response.json["errors"][0]["field"]) == (422, "request.evidence.photos")


def test_another_shop_cannot_upload_evidence_to_this_request(client, api):
    created = _create(client, api["key"]).json
    response = _post_form(client, f"/api/v1/requests/{created['request_id']}/evidence", api["other"], _files(PHOTO))
    assert response.status_code == 404


def test_a_customer_uploads_photos_with_the_order_number_and_email(client, api):
    payload = json.dumps({"shop": SHOP, "order_number": "1001", "email": "jane.buyer@example.com", "request": NO_PHOTOS})
    response = _post_form(client, "/api/v1/requests", None, {"payload": payload, **_files(PHOTO)})
    assert (response.status_code, response.json["decision"]["outcome"]) == (201, "approved")
