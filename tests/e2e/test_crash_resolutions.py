"""The crash test for resolutions other than money: size exchanges, replacements, store credit with a bonus, a
refund released by the parcel's tracker, and the emails and outbound webhooks of every step, while the worker
(which also drains the message outbox) is SIGKILLed at progress marks and 10 % of platform answers are lost after
the effect was made. Nothing may be lost; nothing may be done twice."""
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.models import Shop
from integration.db.notify_models import Announcement, Message
from integration.db.order_models import Order, OrderLine
from integration.db.request_models import Action, Decision, ReturnCase
from integration.notify.events import WEBHOOK_EVENTS, step_key
from integration.requests.customer_access import public_slug
from integration.requests.decide import submit_request
from integration.runtime import build_runtime
from integration.settings import load_settings
from integration.shops.core import add_shop, set_policy
from integration.shops.replacements import set_modes
from integration.shops.returns_setup import configure_returns
from tests.e2e.crash_exchanges import (EXCHANGE, WOO_EXCHANGE, assert_one_exchange_each, exchange_shops,
                                       inspect_exchanges, stock_wanted, woo_children)
from tests.e2e.crash_world import SEED, LossyShopify, LossyWoo, action_states, reap_all, remaining, run_python
from tests.e2e.crash_world import run_under_kills
from tests.e2e.test_crash import CLAIM, crash_shops, woo_order
from tests.e2e.test_return_labels import WAREHOUSE
from tests.e2e.test_store_credit_bonus import credit_policy
from tests.emulators.easypost import EasyPostEmulator
from tests.emulators.server import Served
from tests.emulators.shopify_draft_orders_state import CUSTOMER
from tests.notify.helpers import Receiver, add_endpoint_row
from tests.tracking.test_return_tracking import kaolate_with

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

REQUESTS = int(os.environ.get("RETURNKIT_CRASH_RESOLUTION_REQUESTS", "40"))
TRACKED = max(REQUESTS // 10, 2)                          # WooCommerce returns whose refund waits for the parcel
EXCHANGED = max(REQUESTS // 10, 2)                        # size exchanges (Kaolate) per platform
REPLACED = (REQUESTS - TRACKED - 2 * EXCHANGED) // 4      # per platform; the rest of each half is store credit
CREDITED = (REQUESTS - TRACKED - 2 * EXCHANGED) // 2 - REPLACED
DEFECT = {**CLAIM, "reason": "defective", "preferred_resolution": None}   # Kinectr: a replacement
FIRST = {"shopify_replaced": 10_000, "shopify_credited": 20_000, "woo_replaced": 50_000, "woo_credited": 60_000,
         "tracked": 70_000, "shopify_exchanged": 30_000, "woo_exchanged": 80_000}
BONUS = Decimal("2.00")   # 10 % of the 20.00 line


def _claims() -> dict:
    """Each group's shop index (Shopify, WooCommerce, the tracked WooCommerce shop, the exchanging Shopify and
    WooCommerce shops), size and claim."""
    return {"shopify_replaced": (0, REPLACED, DEFECT), "shopify_credited": (0, CREDITED, CLAIM),
            "woo_replaced": (1, REPLACED, DEFECT), "woo_credited": (1, CREDITED, CLAIM), "tracked": (2, TRACKED, CLAIM),
            "shopify_exchanged": (3, EXCHANGED, EXCHANGE), "woo_exchanged": (4, EXCHANGED, WOO_EXCHANGE)}


def email_of(order_id: int) -> str:
    return f"buyer-{order_id}@example.com"


def woo_order_with_customer(order_id: int) -> dict:
    """The crash test's WooCommerce order with what a replacement, a coupon and a label read: product, billing
    email and shipping address."""
    order = woo_order(order_id)
    order["line_items"] = [{**line, "product_id": 302, "variation_id": 0} for line in order["line_items"]]
    order["billing"] = {"first_name": "Sam", "last_name": "Rivera", "email": email_of(order_id)}
    order["shipping"] = {"first_name": "Sam", "last_name": "Rivera", "address_1": "12 Test Lane", "city": "Boulder",
                         "state": "CO", "postcode": "80302", "country": "US"}
    return {**order, "customer_id": order_id}


def _submit(session, shop, order_id: int, claim: dict) -> None:
    order = Order(shop_id=shop.id, order_id=str(order_id), number=str(order_id), currency="USD", placed_at=utcnow(),
                  platform_updated_at=utcnow(), tags=[], shipping_paid=Decimal("5.00"),
                  delivered_at=utcnow().replace(year=2026, month=5, day=2), customer_email=email_of(order_id))
    order.lines = [OrderLine(line_id="1", title="Part", quantity=1, unit_price=Decimal("20.00"))]
    session.add(order)
    session.flush()
    submit_request(session, shop, order, {k: v for k, v in claim.items() if v is not None}, "api", f"res-{order_id}")


def _shops(session, servers, easypost) -> list:
    """Kinectr on both platforms, claims paid as store credit and replacements made automatically; a WooCommerce
    shop whose returns come back with an EasyPost label and are refunded once delivered; Kaolate on both
    platforms for the size exchanges."""
    shops = list(crash_shops(session, servers))
    for shop in shops:
        set_policy(session, shop, credit_policy("10"))
        set_modes(shop, {"replacement[custom]": "automatic"}, ["custom"])
    tracked = add_shop(session, platform="woocommerce", domain="https://track.example.com", webhook_secret="x",
                       policy_text=kaolate_with("on_return_delivered"), consumer_key="ck_test",
                       consumer_secret="cs_test", api_base_url=servers[1].url)
    configure_returns(tracked, address=WAREHOUSE, easypost_api_key="EZTK_crash",
                      easypost_webhook_secret=easypost.webhook_secret)
    return [*shops, tracked, *exchange_shops(session, servers)]


def _seed_platforms(shopify, woo) -> None:
    for group, (index, size, _) in _claims().items():
        for order_id in range(FIRST[group], FIRST[group] + size):
            if index in (0, 3):
                shopify.state.add_order(order_id, [("1", 1, "20.00")], shipping="5.00")
                shopify.state.set_variant(order_id, "1", 44_000_000 + order_id)
            else:
                woo.add_order(woo_order_with_customer(order_id))
    stock_wanted(shopify, woo)


@pytest.fixture()
def world(tmp_path):
    print(f"crash seed {SEED} (RETURNKIT_CRASH_SEED), {REQUESTS} requests (RETURNKIT_CRASH_RESOLUTION_REQUESTS)")
    shopify, woo = LossyShopify(token="shpat_crash", bucket=10**7, restore_rate=10**6), LossyWoo()
    easypost, receiver = EasyPostEmulator(api_key="EZTK_crash"), Receiver()
    servers = [Served(shopify.app), Served(woo.app), Served(easypost.app)]
    # Leases as in test_crash.py; retries of actions and messages after 1 s; the receiver is on localhost.
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(tmp_path), "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode(),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}", "RETURNKIT_ACTION_LEASE_SECONDS": "12",
           "RETURNKIT_ACTION_BACKOFF_SECONDS": "1", "RETURNKIT_MESSAGE_BACKOFF_SECONDS": "1",
           "RETURNKIT_ALLOW_PRIVATE_STORE_URLS": "1", "RETURNKIT_EASYPOST_API_BASE": f"{servers[2].url}/v2"}
    env.pop("REDIS_URL", None)
    env.pop("RETURNKIT_SMTP_HOST", None)   # emails go to the local outbox
    rt = build_runtime(load_settings(env))
    upgrade(rt.settings.database_url)
    _seed_platforms(shopify, woo)
    with transaction(rt.sessions) as session:
        shops = _shops(session, servers, easypost)
    secrets = {shop.domain: add_endpoint_row(rt, shop.id, receiver.url, list(WEBHOOK_EVENTS))[1] for shop in shops}
    with transaction(rt.sessions) as session:
        for group, (index, size, claim) in _claims().items():
            for order_id in range(FIRST[group], FIRST[group] + size):
                _submit(session, shops[index], order_id, claim)
    yield rt, env, shopify, woo, easypost, receiver, secrets
    receiver.close()
    for server in servers:
        server.stop()
    rt.engine.dispose()


POST_EVENTS = ("import json, sys\nfrom integration.app import create_app\nclient = create_app().test_client()\n"
               "print(json.dumps([client.post(url, data=body.encode(), headers=headers).json['status']\n"
               "                  for url, body, headers in json.load(open(sys.argv[1]))]))")


def post_tracker_events(rt, env, easypost, path) -> list[str]:
    """For each label bought: in transit, delivered, the same Event again (EasyPost's retry), then a second
    delivered Event; posted to the app's EasyPost endpoint. Its answers."""
    with rt.sessions() as session:
        labels = session.execute(select(Action.result, Action.shop_id).where(Action.kind == "return_label")).all()
        slug = public_slug(session.get(Shop, labels[0][1]))
    posts = []
    for result, _ in labels:
        sid = result["shipment"]
        scanned, delivered = easypost.scan(sid, "in_transit"), easypost.scan(sid, "delivered")
        again = easypost.scan(sid, "delivered", hours=1, message="Delivered, front desk")
        for event in (scanned, delivered, delivered, again):
            body, headers = easypost.signed_event(event)
            posts.append((f"/webhooks/easypost/{slug}", body.decode(), headers))
    path.write_text(json.dumps(posts))
    done = subprocess.run([sys.executable, "-c", POST_EVENTS, str(path)], env=env, capture_output=True, text=True,
                          check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


class VerifiedLog(list):
    """The receiver's log: each POST checked with `standardwebhooks` as it arrives (its timestamp is fresh then)."""

    def __init__(self, secrets: dict[str, str]):
        super().__init__()
        self.secrets, self.refused = secrets, []

    def append(self, item) -> None:
        headers, body = item
        try:
            Webhook(self.secrets[json.loads(body)["data"]["shop"]]).verify(body, headers)
        except (WebhookVerificationError, KeyError, ValueError) as exc:
            self.refused.append(repr(exc))
        super().append(item)


def test_killing_the_worker_makes_no_exchange_replacement_credit_refund_email_or_webhook_twice(world, tmp_path):
    rt, env, shopify, woo, easypost, receiver, secrets = world
    receiver.received = VerifiedLog(secrets)
    with rt.sessions() as session:
        ids = session.scalars(select(Action.id)).all()
    run_python(env, f"from integration.jobs.queue import enqueue_action\nfor i in {list(ids)}: enqueue_action(i)")
    reap_all(env)   # and the emails and webhooks of the requests received and decided
    started = time.monotonic()
    kills = run_under_kills(rt, env)
    assert remaining(rt) == 0 and len(easypost.purchases) == TRACKED
    cases = cases_by_group(rt)
    inspect_exchanges(rt, env, shopify, woo, [*cases["shopify_exchanged"].values(), *cases["woo_exchanged"].values()])
    assert post_tracker_events(rt, env, easypost, tmp_path / "events.json") == [
        "accepted", "accepted", "duplicate", "accepted"] * TRACKED
    kills += run_under_kills(rt, env)
    print(f"{kills} kills, {time.monotonic() - started:.0f} s")
    states = action_states(rt)
    assert remaining(rt) == 0 and set(states) == {"succeeded"}, states
    assert kills >= 2, kills
    assert_one_exchange_each(shopify, woo, cases["shopify_exchanged"], cases["woo_exchanged"])
    assert_one_replacement_each(shopify, woo, cases)
    assert_one_credit_each(shopify, woo)
    assert_one_released_refund_each(rt, woo, cases["tracked"])
    assert_each_email_once(rt, cases)
    assert_each_webhook_once(rt, receiver)


def cases_by_group(rt) -> dict[str, dict[int, int]]:
    """Each group's requests: order id -> request id."""
    with rt.sessions() as session:
        rows = session.execute(select(Order.order_id, ReturnCase.id).join(ReturnCase, ReturnCase.order_pk == Order.id))
        by_order = {int(order_id): case_id for order_id, case_id in rows}
    return {group: {o: by_order[o] for o in range(FIRST[group], FIRST[group] + size)}
            for group, (_, size, _) in _claims().items()}


def assert_one_replacement_each(shopify, woo, cases) -> None:
    """One zero-price order per replaced request on each platform, counted by what the platform holds."""
    made = shopify.state.completed_orders()
    markers = Counter(tag for order in made for tag in order["tags"] if tag.startswith("returnkit-replacement-case-"))
    assert markers == Counter(f"returnkit-replacement-case-{c}" for c in cases["shopify_replaced"].values())
    assert len(made) == REPLACED and {order["total"] for order in made} == {Decimal(0)}
    children = woo_children(woo, "replacement")
    assert Counter(o["parent_id"] for o in children) == Counter(cases["woo_replaced"].keys())
    assert len(children) + len(woo_children(woo, "exchange")) == len([o for o in woo.orders.values()
                                                                       if o.get("parent_id")])
    assert {o["total"] for o in children} == {"0.00"}


def assert_one_credit_each(shopify, woo) -> None:
    """Shopify: one store-credit refund per credited order and one bonus each; WooCommerce: one coupon each."""
    refunds = [refund for refund in shopify.state.refunds if not refund.get("return")]   # not an exchange's return
    orders = Counter(refund["order"] for refund in refunds)
    assert orders == Counter(f"gid://shopify/Order/{o}" for o in range(FIRST["shopify_credited"],
                                                                        FIRST["shopify_credited"] + CREDITED))
    assert {refund["amount"] for refund in refunds} == {Decimal(0)}   # credit, no money to the card
    assert shopify.state.credited(CUSTOMER) == [BONUS] * CREDITED   # every seeded order has this customer
    owners = Counter(tuple(c["email_restrictions"]) for c in woo.coupons)
    assert owners == Counter((email_of(o),) for o in range(FIRST["woo_credited"], FIRST["woo_credited"] + CREDITED))
    assert {Decimal(c["amount"]) for c in woo.coupons} == {Decimal("20.00") + BONUS}


def assert_one_released_refund_each(rt, woo, tracked: dict[int, int]) -> None:
    """Each delivered parcel released one refund, paid once; no other WooCommerce order was refunded."""
    with rt.sessions() as session:
        released = session.execute(select(Decision.case_pk, Action.idempotency_key).join(
            Action, Action.decision_pk == Decision.id).where(Action.kind == "refund",
                                                             Decision.case_pk.in_(tracked.values()))).all()
    assert Counter(case for case, _ in released) == Counter(tracked.values())
    assert all(key.endswith("-refund-released") for _, key in released)
    assert {order_id: len(refunds) for order_id, refunds in woo.refunds.items() if refunds} == {
        str(o): 1 for o in tracked}


def assert_each_email_once(rt, cases) -> None:
    """Each request's email of each step written once to the local outbox (no SMTP server is set)."""
    with rt.sessions() as session:
        rows = session.execute(select(Announcement.case_pk, Message.step, Message.state, Message.transport)
                               .join(Announcement, Message.announcement_pk == Announcement.id)
                               .where(Message.channel == "email")).all()
    assert set(Counter((case, step) for case, step, _, _ in rows).values()) == {1}
    assert {(state, transport) for _, _, state, transport in rows} <= {("succeeded", "local"), ("skipped", None)}
    sent = defaultdict(set)
    for case, step, state, _ in rows:
        if state == "succeeded":
            sent[step].add(case)
    every = {c for group in cases.values() for c in group.values()}
    assert sent["received"] == every
    assert sent["parcel_received"] == set(cases["tracked"].values())
    paid = ("tracked", "shopify_credited", "woo_credited")   # in money or in credit
    assert sent["refunded"] == {c for group in paid for c in cases[group].values()}   # none for an even exchange
    new_item = ("shopify_replaced", "woo_replaced", "shopify_exchanged", "woo_exchanged")
    assert sent["exchange_shipped"] == {c for group in new_item for c in cases[group].values()}


def assert_each_webhook_once(rt, receiver) -> None:
    """Every webhook delivered, each verified; at most one webhook-id per (request, event, step, endpoint)."""
    assert receiver.received.refused == []
    ids = defaultdict(set)
    for headers, body in receiver.received:
        payload = json.loads(body)
        data = payload["data"]
        ids[(data["request_id"], payload["type"], step_key(payload["type"], data), data["shop"])].add(
            headers["webhook-id"])
    assert {len(found) for found in ids.values()} == {1}
    with rt.sessions() as session:
        messages = session.execute(select(Message.dedupe_key, Message.state).where(Message.channel == "webhook")).all()
    assert {state for _, state in messages} == {"succeeded"}
    assert {key for key, _ in messages} == {i for found in ids.values() for i in found}
