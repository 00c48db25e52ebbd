"""An EasyPost v2 emulator: Bearer (or basic) API-key auth, shipments with rates, return shipments
(is_return swaps the addresses), buying a rate once, and injected faults: "500", "429", "timeout",
"lost" (the call takes effect, then the answer is a 500); "lost@buy" waits for a call whose path
ends in /buy. A bought label's Tracker moves on with `scan` and is reported as a signed Event webhook
(`signed_event`, `deliver`), as EasyPost sends them."""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
import unicodedata
from datetime import datetime, timedelta, timezone

from flask import Flask, jsonify, make_response, request

_REQUIRED_ADDRESS = ("street1", "city", "zip", "country")


class EasyPostEmulator:
    def __init__(self, api_key: str = "EZTK_test", webhook_secret: str = "ep-webhook-secret"):
        self.api_key, self.webhook_secret = api_key, webhook_secret
        self.shipments: dict[str, dict] = {}
        self.trackers: dict[str, dict] = {}     # shipment id -> its Tracker
        self.clock = datetime.now(timezone.utc).replace(microsecond=0)   # moved on by each scan
        self.purchases: list[str] = []          # shipment ids, one entry per label bought
        self.calls: list[tuple[str, str]] = []  # (method, path) that took effect
        self.faults: list[str] = []
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.app = Flask("easypost-emulator")
        self.app.add_url_rule("/v2/shipments", "create", self.create, methods=["POST"])
        self.app.add_url_rule("/v2/shipments/<sid>", "retrieve", self.retrieve, methods=["GET"])
        self.app.add_url_rule("/v2/shipments/<sid>/buy", "buy", self.buy, methods=["POST"])
        self.app.before_request(self._gate)
        self.app.after_request(self._lose)

    def _authorized(self) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[7:] == self.api_key
        if header.startswith("Basic "):
            return base64.b64decode(header[6:]).decode().split(":")[0] == self.api_key
        return False

    def _fault(self) -> str | None:
        """The next fault, if it applies to this call (a fault named "x@buy" waits for a buy)."""
        if not self.faults:
            return None
        fault, _, where = self.faults[0].partition("@")
        return fault if not where or request.path.endswith(f"/{where}") else None

    def _gate(self):
        if not self._authorized():
            return _error(401, "APIKEY.INACTIVE", "This api key is no longer active.")
        fault = self._fault()
        if fault in ("500", "429", "timeout"):
            self.faults.pop(0)
            if fault == "timeout":
                time.sleep(15)
            elif fault == "429":
                return _error(429, "RATE_LIMITED", "Too many requests")
            else:
                return _error(500, "INTERNAL_SERVER_ERROR", "Something went wrong")
        return None

    def _lose(self, response):
        if self._fault() == "lost" and response.status_code < 300:
            self.faults.pop(0)
            return make_response(*_error(500, "INTERNAL_SERVER_ERROR", "Something went wrong"))
        return response

    def create(self):
        """POST /shipments."""
        params = (request.get_json(silent=True) or {}).get("shipment") or {}
        for side in ("to_address", "from_address"):
            missing = [f for f in _REQUIRED_ADDRESS if not (params.get(side) or {}).get(f)]
            if missing:
                return _error(422, "ADDRESS.VERIFY.FAILURE", f"{side} is missing {', '.join(missing)}")
        if not (params.get("parcel") or {}).get("weight"):
            return _error(422, "PARCEL.WEIGHT.INVALID", "parcel weight is required")
        to, frm = params["to_address"], params["from_address"]
        if params.get("is_return"):
            to, frm = frm, to
        with self.lock:
            sid = f"shp_{next(self.ids):06d}"
            self.shipments[sid] = {
                "object": "Shipment", "id": sid, "is_return": bool(params.get("is_return")),
                "reference": params.get("reference"), "to_address": to, "from_address": frm,
                "parcel": params["parcel"], "postage_label": None, "tracking_code": None, "tracker": None,
                "selected_rate": None, "rates": [
                    {"object": "Rate", "id": f"rate_{sid}_1", "carrier": "USPS", "service": "GroundAdvantage",
                     "rate": "7.45", "currency": "USD", "shipment_id": sid},
                    {"object": "Rate", "id": f"rate_{sid}_2", "carrier": "UPS", "service": "Ground",
                     "rate": "11.20", "currency": "USD", "shipment_id": sid}]}
            self.calls.append(("POST", "/shipments"))
        return jsonify(self.shipments[sid]), 201

    def retrieve(self, sid: str):
        """GET /shipments/<id>."""
        shipment = self.shipments.get(sid)
        if shipment is None:
            return _error(404, "SHIPMENT.NOT_FOUND", "The requested resource could not be found.")
        return jsonify(shipment), 200

    def buy(self, sid: str):
        """POST /shipments/<id>/buy with a rate of that shipment."""
        with self.lock:
            shipment = self.shipments.get(sid)
            if shipment is None:
                return _error(404, "SHIPMENT.NOT_FOUND", "The requested resource could not be found.")
            if shipment["postage_label"]:
                return _error(422, "SHIPMENT.POSTAGE.EXISTS", "This shipment already has postage.")
            rate_id = ((request.get_json(silent=True) or {}).get("rate") or {}).get("id")
            rate = next((r for r in shipment["rates"] if r["id"] == rate_id), None)
            if rate is None:
                return _error(422, "SHIPMENT.RATE.INVALID", "rate is not one of this shipment's rates")
            tracking = f"9400{next(self.ids):018d}"
            self.trackers[sid] = self._tracker(sid, tracking, rate["carrier"])
            shipment.update(selected_rate=rate, tracking_code=tracking,
                            postage_label={"object": "PostageLabel", "label_url": f"https://easypost-files.test/{sid}.png"},
                            tracker=copy.deepcopy(self.trackers[sid]))
            self.purchases.append(sid)
            self.calls.append(("POST", f"/shipments/{sid}/buy"))
        return jsonify(shipment), 200

    def _tracker(self, sid: str, tracking: str, carrier: str) -> dict:
        """Buying a label creates its Tracker, pre_transit until the carrier scans the parcel
        (https://docs.easypost.com/docs/trackers: "A Tracker is created automatically when a Shipment is purchased")."""
        now = _iso(self.clock)
        return {"object": "Tracker", "id": f"trk_{next(self.ids):06d}", "mode": "test", "tracking_code": tracking,
                "status": "pre_transit", "status_detail": "label_created", "shipment_id": sid, "carrier": carrier,
                "public_url": f"https://track.easypost.test/{tracking}", "tracking_details": [],
                "created_at": now, "updated_at": now}

    def scan(self, sid: str, status: str, hours: float = 6, message: str | None = None) -> dict:
        """The carrier reports a scan `hours` later: the Tracker takes its status and appends a TrackingDetail
        (https://docs.easypost.com/docs/trackers, "tracking_details"); the Event EasyPost sends about it."""
        with self.lock:
            tracker = self.trackers[sid]
            self.clock += timedelta(hours=hours)
            previous = tracker["status"]
            tracker["tracking_details"].append({
                "object": "TrackingDetail", "message": message or status.replace("_", " ").title(), "status": status,
                "datetime": _iso(self.clock), "source": tracker["carrier"],
                "tracking_location": {"object": "TrackingLocation", "city": "PORTLAND", "state": "OR",
                                      "country": "US", "zip": "97201"}})
            tracker.update(status=status, updated_at=_iso(self.clock))
            return self._event(tracker, previous)

    def _event(self, tracker: dict, previous: str) -> dict:
        """An Event whose `result` is the Tracker as it is now, described "tracker.updated"
        (https://docs.easypost.com/docs/events: object, description, previous_attributes, result)."""
        now = _iso(self.clock)
        return {"object": "Event", "id": f"evt_{next(self.ids):06d}", "mode": "test", "description": "tracker.updated",
                "previous_attributes": {"status": previous}, "result": copy.deepcopy(tracker), "status": "pending",
                "pending_urls": [], "completed_urls": [], "created_at": now, "updated_at": now}

    def signed_event(self, event: dict, secret: str | None = None) -> tuple[bytes, dict]:
        """The body and headers EasyPost POSTs: X-Hmac-Signature is hmac-sha256-hex= and the hex HMAC-SHA256 of the
        raw body, keyed with the NFKD-normalized webhook secret (https://docs.easypost.com/docs/webhooks, "HMAC
        Validation"; easypost-python's util.validate_webhook computes the same)."""
        body = json.dumps(event).encode()
        key = unicodedata.normalize("NFKD", secret if secret is not None else self.webhook_secret).encode()
        signature = "hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        return body, {"Content-Type": "application/json", "X-Hmac-Signature": signature}

    def deliver(self, post, url: str, event: dict, secret: str | None = None):
        """Send the Event to a webhook URL with `post` (a test client's or requests' post); its answer."""
        body, headers = self.signed_event(event, secret)
        return post(url, data=body, headers=headers)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message, "errors": []}), status
