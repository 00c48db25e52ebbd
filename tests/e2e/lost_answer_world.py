"""The emulated platforms of tests/e2e/test_lost_answers.py: every call they see is named and numbered, and the
answer to the ones chosen is lost after the platform applied the call (the emulators' own "lost" fault: Shopify
answers 502, WooCommerce and EasyPost 500). What each platform ends with is read back as `effects`."""
from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import graphql
from flask import jsonify, request

from adapters.base import Ledger
from adapters.easypost.client import ReturnLabels
from adapters.http import PlatformError
from adapters.shopify.actions import ShopifyActions
from adapters.shopify.client import ShopifyClient
from adapters.store_session import store_session
from adapters.woocommerce.actions import WooCommerceActions
from adapters.woocommerce.client import WooCommerceClient
from integration.outbox.run import MAX_ATTEMPTS
from tests.emulators.easypost import EasyPostEmulator
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.emulators.woocommerce_orders import refunded_from
from tests.webhook_helpers import load_fixture

SHOPIFY_ORDER, WOO_ORDER = "81", "1201"
ORDER_GID = f"gid://shopify/Order/{SHOPIFY_ORDER}"
WAREHOUSE = {"name": "Returns desk", "street1": "400 Maker Way", "city": "Portland", "state": "OR", "zip": "97201",
             "country": "US"}
# A label bought again after a lost answer has another shipment id and tracking code: the same label to the reader.
_LABEL_IDS = re.compile(r"shp_\d+|9400\d{18}")


class Steps:
    """The calls the platforms saw, as (action kind, call) in order; `lose(call)` picks the answers to lose."""

    def __init__(self, lose: Callable[[str], bool]):
        self.lose, self.kind, self.lost = lose, None, 0
        self.seen: list[tuple[str, str]] = []
        self._counts: Counter = Counter()

    def arrive(self, name: str) -> bool:
        """Record a call (its n-th arrival is `name#n` from the second on); whether its answer is to be lost."""
        self._counts[name] += 1
        call = name if self._counts[name] == 1 else f"{name}#{self._counts[name]}"
        self.seen.append((self.kind, call))
        if self.lose(call):
            self.lost += 1
            return True
        return False


class LosingShopify(ShopifyEmulator):
    def __init__(self, steps: Steps):
        super().__init__(token="shpat_lost")
        self.steps = steps

    def handle(self):
        operation = graphql.get_operation_ast(graphql.parse(request.get_json()["query"]))
        if self.steps.arrive(operation.name.value):
            self.faults.insert(0, "lost")
        return super().handle()


class LosingWoo(WooCommerceEmulator):
    def __init__(self, steps: Steps):
        super().__init__()
        self.steps = steps
        listed = self.app.view_functions["orders_list"]   # GET orders: served beside `handle`, by WooAuth
        self.app.view_functions["orders_list"] = lambda: self._list_orders(listed)

    def _list_orders(self, listed):
        answer = listed()
        if self.steps.arrive("GET orders"):   # read, then lost as the emulator's "lost" fault loses an answer
            return jsonify(code="internal_server_error", message="Internal Server Error"), 500
        return answer

    def handle(self, path: str):
        if self.steps.arrive(f"{request.method} {re.sub(r'/[0-9]+', '/:id', '/' + path.strip('/'))[1:]}"):
            self.faults.insert(0, "lost")
        return super().handle(path)


class LosingEasyPost(EasyPostEmulator):
    def __init__(self, steps: Steps):
        super().__init__(api_key="EZTK_lost")
        self.steps = steps
        self.app.before_request(self._arrive)   # after the key check: a refused call is not a step

    def _arrive(self):
        resource = re.sub(r"shp_\w+", ":id", request.path.removeprefix("/v2/"))
        if self.steps.arrive(f"easypost {request.method} {resource}"):
            self.faults.insert(0, "lost")


def _normal(text: str) -> str:
    return _LABEL_IDS.sub("#", text)


def shopify_effects(shop: LosingShopify, easypost: EasyPostEmulator) -> dict:
    """What the Shopify shop holds for the order: note, tags, cancellation, money, returns; and labels bought."""
    state = shop.state
    order = state.orders[ORDER_GID]
    returns = [r for r in state.returns.values() if state.order_of_return(r) == ORDER_GID]
    return {"note": _normal(order["note"]), "note_entries": order["note"].count("[returnkit-"),
            "tags": sorted(order["tags"]), "cancelled": order["cancelled"], "refunded": str(order["refunded"]),
            "store_credit": str(order.get("store_credit", 0)), "refunded_units": sorted(order["refunded_units"].items()),
            "refunds": sorted((str(r["amount"]), str(r.get("credit", 0)), tuple(r["lines"])) for r in state.refunds),
            "returns": sorted((r["status"], tuple(q for _, q in r["lines"]),
                               tuple(li["processed"] for li in r["line_items"]), tuple(r.get("dispositions", ())),
                               sum(len(rfo["reverseDeliveries"]["nodes"]) for rfo in r["rfos"])) for r in returns),
            "drafts": len(state.drafts), "replacements": sorted(
                (str(m["total"]), m["paid"], tuple(m["tags"]), tuple((v, q, str(p)) for v, q, p in m["lines"]))
                for m in state.completed_orders()),
            "labels": len(easypost.purchases),
            "exchanges": [(fo["status"], tuple(fo["lines"])) for fo in state.exchange_orders()],
            "address": [", ".join(str(v) for v in order["address"].values() if v)],
            "edits": len(order.get("edit_notes", ())),
            "lines": sorted((state.variants.get(line, (line,))[0], state.current_quantity(order, line))
                            for line in order["lines"])}


def woo_effects(store: LosingWoo, easypost: EasyPostEmulator) -> dict:
    """What the WooCommerce store holds for the order: status, our meta, refunds, notes, coupons; labels bought."""
    order = store.orders[WOO_ORDER]
    # PUT orders/<id> meta_data without an id is update_meta_data by key (WC_Data::set_meta_data): one value a key.
    meta = {m["key"]: m["value"] for m in order.get("meta_data") or () if m["key"].startswith("_returnkit")}
    return {"status": order.get("status"), "meta": meta,
            "refunds": [(r["amount"], r["reason"], r.get("api_refund"), r.get("api_restock"),
                         [(refunded_from(li), li.get("quantity"), li["total"])
                          for li in r["line_items"] + r["shipping_lines"]]) for r in store.refunds.get(WOO_ORDER, [])],
            "notes": [(n["customer_note"], _normal(n["note"])) for n in store.notes.get(WOO_ORDER, [])],
            "coupons": [(c["code"], c["amount"], tuple(c["email_restrictions"]), c["usage_limit"])
                        for c in store.coupons],
            "restocked": list(store.restocked), "labels": len(easypost.purchases),
            "shipping": [", ".join(str(v) for v in (order.get("shipping") or {}).values() if v)],
            "children": [(o["total"], o["status"], [(li["product_id"], li["quantity"], li["total"]) for li in
                                                    o["line_items"]], {m["key"]: m["value"] for m in o["meta_data"]})
                         for o in store.orders.values() if o.get("parent_id") == int(WOO_ORDER)]}


class World:
    """One platform's emulator and EasyPost's, served, with the scenario's order on them."""

    def __init__(self, platform: str, steps: Steps, prepare: Callable | None = None):
        self.platform, self.steps = platform, steps
        self.easypost = LosingEasyPost(steps)
        self.shop = LosingShopify(steps) if platform == "shopify" else LosingWoo(steps)
        if platform == "shopify":
            self.shop.state.add_order(SHOPIFY_ORDER, [("1", 2, "40.00", "2.00")], shipping="10.00",
                                      shipping_tax="0.50")
        else:
            self.shop.add_order(load_fixture("woocommerce", "order_updated__delivered"))
        if prepare:
            prepare(self)
        self.servers = [Served(self.shop.app), Served(self.easypost.app)]

    def gateway(self):
        """The platform's action client, as the outbox builds one for each attempt."""
        labels = ReturnLabels("EZTK_lost", f"{self.servers[1].url}/v2", 10, WAREHOUSE)
        if self.platform == "shopify":
            return ShopifyActions(ShopifyClient(self.servers[0].url, "shpat_lost", 10), labels)
        client = WooCommerceClient(self.servers[0].url, "ck_test", "cs_test", 10, store_session(allow_private=True))
        return WooCommerceActions(client, labels)

    def effects(self) -> dict:
        return (shopify_effects if self.platform == "shopify" else woo_effects)(self.shop, self.easypost)

    def close(self) -> None:
        for server in self.servers:
            server.stop()


@dataclass(frozen=True)
class Outcome:
    effects: dict
    seen: list
    attempts: int
    lost: int


def _until_done(world: World, kind: str, payload: dict, key: str) -> int:
    """Attempts of one action, retried with its ledger as the outbox does, until it succeeds."""
    ledger, attempts, errors = Ledger(), 0, []
    for _ in range(5 * MAX_ATTEMPTS):
        if attempts == MAX_ATTEMPTS:
            break
        try:
            world.gateway().perform(kind, payload, key, ledger)
            return attempts + 1
        except PlatformError as exc:
            assert exc.retryable, f"{kind}: a lost answer made the action dead: {exc}"
            errors.append(str(exc))
            if exc.throttled:   # as the outbox: no attempt counted, tried again when the cost bucket has refilled
                time.sleep(min(exc.retry_after or 1.0, 5.0))
            else:
                attempts += 1
    raise AssertionError(f"{kind}: not done in {MAX_ATTEMPTS} attempts: {errors}, calls {world.steps.seen}")


def run(platform: str, actions, prepare=None, lose: Callable[[str], bool] = lambda call: False) -> Outcome:
    """Carry out the actions in turn, each retried until it succeeds (`_until_done`): a retryable failure is
    retried, any other fails the test, as does an action not done within the outbox's MAX_ATTEMPTS."""
    steps = Steps(lose)
    world = World(platform, steps, prepare)
    try:
        attempts = 0
        for kind, payload, key in actions:
            steps.kind = kind
            attempts += _until_done(world, kind, payload, key)
        return Outcome(world.effects(), list(steps.seen), attempts, steps.lost)
    finally:
        world.close()
