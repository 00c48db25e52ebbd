"""Buy a return label exactly once: the shipment id is recorded before the purchase, and a retry
looks at that shipment before buying (EasyPost has no idempotency key; creating an unbought
shipment costs nothing, buying one is what must not happen twice)."""
from __future__ import annotations

from decimal import Decimal

import easypost
from easypost.errors import ApiError, EasyPostError, HttpError, TimeoutError

from adapters.http import PlatformError, platform_call

DEFAULT_API_BASE = "https://api.easypost.com/v2"
# Ounces and inches: a mid-size mailer box; a shop overrides it with its `return_parcel` setting.
DEFAULT_PARCEL = {"length": 12, "width": 9, "height": 4, "weight": 32}
_RETRYABLE = {408, 429, 500, 502, 503, 504}


def _call(method, *args, **kwargs):
    service = type(method.__self__).__name__.removesuffix("Service").lower()
    with platform_call("easypost", f"{service}.{method.__name__}"):
        return _send(method, *args, **kwargs)


def _send(method, *args, **kwargs):
    try:
        return method(*args, **kwargs)
    except (TimeoutError, HttpError) as exc:
        raise PlatformError(f"easypost: {type(exc).__name__}", retryable=True) from None
    except ApiError as exc:
        status = exc.http_status   # None: an answer that was not EasyPost's JSON (a proxy's error page)
        raise PlatformError(f"easypost: HTTP {status}: {str(exc.message)[:200]}", status,
                            retryable=status is None or status in _RETRYABLE) from None
    except EasyPostError as exc:
        raise PlatformError(f"easypost: {exc.message}", retryable=False) from None


def _cheapest(rates) -> dict:
    if not rates:
        raise PlatformError("easypost: no rates for this return shipment; check the return address", retryable=False)
    return min(rates, key=lambda rate: Decimal(rate["rate"]))


class ReturnLabels:
    """The merchant's EasyPost account, return address and parcel; `buy` returns the label and tracking."""

    def __init__(self, api_key: str, api_base: str | None, timeout: float, merchant: dict, parcel: dict | None = None):
        self.client = easypost.EasyPostClient(api_key, api_base=api_base or DEFAULT_API_BASE,
                                              timeout=max(int(timeout), 1))
        self.merchant, self.parcel = merchant, parcel or DEFAULT_PARCEL

    def buy(self, customer: dict, reference: str, ledger) -> dict:
        """A prepaid label from the customer back to the merchant; `ledger` remembers the shipment."""
        shipment_id = ledger.get("easypost_shipment")
        if shipment_id is None:
            # is_return with the original shipment's addresses: EasyPost swaps them on the label.
            shipment = _call(self.client.shipment.create, to_address=customer, from_address=self.merchant,
                             parcel=self.parcel, is_return=True, reference=reference)
            ledger.record("easypost_shipment", shipment["id"])
        else:
            shipment = _call(self.client.shipment.retrieve, shipment_id)
        if not shipment.get("postage_label"):
            rate = _cheapest(shipment.get("rates"))
            shipment = _call(self.client.shipment.buy, shipment["id"], rate={"id": rate["id"]})
        return _label(shipment)


def _label(shipment) -> dict:
    tracker = shipment.get("tracker") or {}
    rate = shipment.get("selected_rate") or {}
    return {"shipment": shipment["id"], "tracker": tracker.get("id"), "label_url": shipment["postage_label"]["label_url"],
            "tracking_code": shipment.get("tracking_code"), "tracking_url": tracker.get("public_url"),
            "carrier": rate.get("carrier"), "cost": rate.get("rate"), "currency": rate.get("currency")}
