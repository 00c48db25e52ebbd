"""The request API with the merchant's own evidence kinds: multipart fields named by kind id, written kinds as text."""
import json

from tests import evidence_files as ef
from tests.api.test_evidence_api import PHOTO, SHOP, _auth, _files, _post_form
from tests.requests.test_decide import DEFECTIVE_HOODIE, _queued, api  # noqa: F401  (fixtures)
from tests.web.test_customer_evidence_kinds import with_kinds

NO_PHOTOS = {**DEFECTIVE_HOODIE, "evidence": {"photos": 0}}
SLIP = ("packing_slip", "slip.pdf", ef.PDF, "application/pdf")


def _create(client, key, fields=None, files=()):
    payload = json.dumps({"shop": SHOP, "order_id": "5550001", "request": NO_PHOTOS})
    return _post_form(client, "/api/v1/requests", key, {"payload": payload, **(fields or {}), **_files(*files)})


def _shown(client, key, created):
    return client.get(f"/api/v1/requests/{created['request_id']}", headers=_auth(key)).json


def test_a_kind_file_is_taken_by_its_id_and_listed_as_its_kind(client, rt, api):
    with_kinds(rt)
    created = _create(client, api["key"], files=[PHOTO, SLIP])
    assert (created.status_code, created.json["decision"]["outcome"]) == (201, "approved"), created.json
    shown = _shown(client, api["key"], created.json)
    assert shown["request"]["evidence"]["provided"] == ["packing_slip"]
    slip = shown["evidence_files"][1]
    assert (slip["kind"], slip["evidence_kind"], slip["filename"]) == ("file", "packing_slip", "slip.pdf")
    got = client.get(f"/api/v1/requests/{created.json['request_id']}/evidence/{slip['id']}", headers=_auth(api["key"]))
    assert (got.data, got.headers["Content-Disposition"]) == (ef.PDF, "attachment; filename=slip.pdf")


def test_a_missing_kind_is_needs_evidence_and_a_later_upload_decides_again(client, rt, api):
    with_kinds(rt)
    created = _create(client, api["key"], files=[PHOTO]).json
    assert created["decision"]["evidence_missing"] == ["packing_slip"]
    assert "Please send a photo of the packing slip" in created["decision"]["explanation"]
    again = _post_form(client, f"/api/v1/requests/{created['request_id']}/evidence", api["key"], _files(SLIP))
    assert (again.status_code, again.json["decision"]["outcome"]) == (200, "approved"), again.json


def test_a_wrong_type_for_a_kind_is_415_naming_the_kind_and_its_types(client, rt, api):
    with_kinds(rt)
    response = _create(client, api["key"], files=[("packing_slip", "slip.pdf", ef.HTML, "application/pdf")])
    assert response.status_code == 415
    assert response.json["errors"][0] == {"field": "packing_slip[0]", "message": (
        "the file is text (HTML, XML or JSON), whatever its name or declared type says; a photo of the packing slip "
        "(packing_slip) must be a JPEG, PNG or PDF file")}


def test_a_field_for_no_kind_is_refused_listing_the_shops_kinds(client, rt, api):
    with_kinds(rt)
    response = _create(client, api["key"], files=[("receipt", "r.pdf", ef.PDF, "application/pdf")])
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "receipt"
    assert "the shop's own evidence in packing_slip" in response.json["errors"][0]["message"]
    as_text = _create(client, api["key"], fields={"packing_slip": "here it is"})
    assert as_text.status_code == 422 and "as a file (JPEG, PNG or PDF), not as text" in as_text.json["errors"][0][
        "message"]


def test_a_written_kind_is_a_form_field(client, rt, api):
    with_kinds(rt, ask="return_tracking")
    created = _create(client, api["key"], fields={"return_tracking": "1Z999"}, files=[PHOTO])
    assert created.json["decision"]["outcome"] == "approved", created.json
    files = _shown(client, api["key"], created.json)["evidence_files"]
    assert [(f["kind"], f["evidence_kind"], f["content_type"]) for f in files] == [
        ("photo", "photo", "image/jpeg"), ("text", "return_tracking", "text/plain")]


def test_a_written_kind_added_later_is_a_json_key(client, rt, api):
    with_kinds(rt, ask="return_tracking")
    later = _create(client, api["key"], files=[PHOTO]).json
    assert later["decision"]["evidence_missing"] == ["return_tracking"]
    url = f"/api/v1/requests/{later['request_id']}/evidence"
    refused = client.post(url, json={"return_tracking": 42}, headers=_auth(api["key"]))
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "return_tracking"
    again = client.post(url, json={"return_tracking": "1Z999AA1"}, headers=_auth(api["key"]))
    assert (again.status_code, again.json["decision"]["outcome"]) == (200, "approved"), again.json
    assert _shown(client, api["key"], later)["request"]["evidence"]["provided"] == ["return_tracking"]


def test_a_file_kind_sent_as_json_says_to_attach_it(client, rt, api):
    with_kinds(rt)
    created = _create(client, api["key"], files=[PHOTO]).json
    refused = client.post(f"/api/v1/requests/{created['request_id']}/evidence", json={"packing_slip": True},
                          headers=_auth(api["key"]))
    assert refused.status_code == 422
    assert refused.json["errors"][0]["message"].startswith("attach a photo of the packing slip as a file: send "
                                                           "multipart/form-data with a packing_slip field")


def test_a_written_kind_goes_with_a_json_request_as_a_key_named_by_its_id(client, rt, api):
    with_kinds(rt, ask="return_tracking")
    body = {"shop": SHOP, "order_id": "5550001", "request": DEFECTIVE_HOODIE, "return_tracking": "1Z999"}
    created = client.post("/api/v1/requests", json=body, headers=_auth(api["key"]))
    assert (created.status_code, created.json["decision"]["outcome"]) == (201, "approved"), created.json
    assert _shown(client, api["key"], created.json)["request"]["evidence"]["provided"] == ["return_tracking"]
