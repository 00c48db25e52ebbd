"""EasyPost's webhook signature and its Tracker Events, read as EasyPost documents them."""
import hashlib
import hmac
from datetime import datetime, timezone

import pytest

from adapters.common import PayloadError
from adapters.easypost import parse, verify
from tests.emulators.easypost import EasyPostEmulator

BODY = b'{"object": "Event", "description": "tracker.updated"}'


def test_a_signature_made_as_easypost_makes_it_verifies():
    # The value by hand: hmac-sha256-hex= and the hex digest of the raw body (https://docs.easypost.com/docs/webhooks).
    expected = "hmac-sha256-hex=" + hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert verify.sign(BODY, "s3cret") == expected
    assert verify.verify({"X-Hmac-Signature": expected}, BODY, ["s3cret"]).ok


@pytest.mark.parametrize("headers, body, secrets, reason", [
    ({}, BODY, ["s3cret"], "missing-signature"),
    ({"x-hmac-signature": verify.sign(BODY, "s3cret")}, BODY + b" ", ["s3cret"], "invalid-signature"),
    ({"x-hmac-signature": verify.sign(BODY, "s3cret")}, BODY, ["other"], "invalid-signature"),
    ({"x-hmac-signature": verify.sign(BODY, "s3cret")}, BODY, [], "invalid-signature"),
    ({"x-hmac-signature": verify.sign(BODY, "s3cret").replace("sha256-hex", "sha256")}, BODY, ["s3cret"],
     "invalid-signature"),
    ({"x-hmac-signature": "hmac-sha256-hex=\u00e9t\u00e9"}, BODY, ["s3cret"], "invalid-signature"),
])
def test_a_missing_or_wrong_signature_is_refused_with_401(headers, body, secrets, reason):
    verdict = verify.verify(headers, body, secrets)
    assert (verdict.ok, verdict.status, verdict.reason) == (False, 401, reason)


def test_the_secret_is_nfkd_normalized_before_keying():
    # "ﬁ" (U+FB01) decomposes to "fi" under NFKD, as EasyPost's client libraries key the HMAC.
    assert verify.sign(BODY, "\ufb01le-secret") == verify.sign(BODY, "file-secret")
    assert verify.verify({"X-Hmac-Signature": verify.sign(BODY, "file-secret")}, BODY, ["\ufb01le-secret"]).ok


def test_the_emulator_signs_as_the_verifier_expects():
    emulator = EasyPostEmulator(webhook_secret="ep-secret")
    body, headers = emulator.signed_event({"object": "Event", "id": "evt_1"})
    assert verify.verify(headers, body, ["ep-secret"]).ok
    assert not verify.verify(headers, body, ["not-it"]).ok


def _event(status, details, updated="2026-05-15T09:00:00Z"):
    tracker = {"object": "Tracker", "id": "trk_1", "shipment_id": "shp_1", "tracking_code": "9400", "status": status,
               "updated_at": updated, "tracking_details": [{"object": "TrackingDetail", "status": s, "datetime": at}
                                                           for s, at in details]}
    return {"object": "Event", "id": "evt_1", "description": "tracker.updated", "result": tracker}


def test_the_first_carrier_scan_and_the_delivery_are_read_from_the_tracking_details():
    [update] = parse.parse_tracker_event(_event("delivered", [
        ("pre_transit", "2026-05-14T10:00:00Z"), ("in_transit", "2026-05-14T18:00:00Z"),
        ("out_for_delivery", "2026-05-15T07:00:00Z"), ("delivered", "2026-05-15T08:30:00Z")]))
    assert (update.tracker_id, update.shipment_id, update.status) == ("trk_1", "shp_1", "delivered")
    assert update.scanned_at == datetime(2026, 5, 14, 18, tzinfo=timezone.utc)
    assert update.delivered_at == datetime(2026, 5, 15, 8, 30, tzinfo=timezone.utc)


def test_a_label_not_yet_scanned_has_reached_no_step():
    [update] = parse.parse_tracker_event(_event("pre_transit", [("pre_transit", "2026-05-14T10:00:00Z")]))
    assert (update.scanned_at, update.delivered_at) == (None, None)


def test_a_status_without_details_takes_the_trackers_time():
    [update] = parse.parse_tracker_event(_event("in_transit", []))
    assert update.scanned_at == datetime(2026, 5, 15, 9, tzinfo=timezone.utc) and update.delivered_at is None


@pytest.mark.parametrize("payload", [{"object": "Tracker"}, {"object": "Event", "result": {"object": "Shipment"}},
                                     {"object": "Event"}])
def test_anything_but_a_trackers_event_is_a_payload_error(payload):
    with pytest.raises(PayloadError):
        parse.parse_tracker_event(payload)
