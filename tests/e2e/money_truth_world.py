"""Helpers for the per-preset money truths (issue 15's "Done when"): which request each preset grants, the refund
worked out from the order's numbers as the emulated platform holds them and the preset's own terms, and a request
taken from the API through inspection and the outbox to the emulator."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.policy.loader import load_policy_text, resolve_policy_path
from integration.policy.model import Policy, Rule
from integration.shops.core import issue_api_key
from tests.e2e.exchange_world import use_policy_text
from tests.e2e.test_presets_end_to_end import PLATFORMS, ask, contract_request, post
from tests.e2e.test_shopify_actions import drain
from tests.e2e.test_woocommerce_money import _replay_taxed, taxed
from tests.orders.test_picture import replay
from tests.webhook_helpers import load_fixture, post as post_webhook

CENT = Decimal("0.01")
PRESETS = ["kaolate", "kainamo", "kinectr", "motion-hardware", "oak-and-iron", "paper-and-vow"]


@dataclass(frozen=True)
class Grant:
    rule: str                 # the preset's rule that grants the request
    request: dict             # the neutral request (test_presets_end_to_end.ask)
    inspected: str | None     # the condition the inspection finds, when the refund waits for the item


# One money-granting request per preset, each inside its windows on both platforms' stories.
GRANTS = {
    "kaolate": Grant("our-error-claim", ask("return", "defective", line="custom", evidence=True, preferred="refund"),
                     "unused"),
    "kainamo": Grant("change-of-mind", ask("return", "changed_mind"), "unused"),
    "kinectr": Grant("damage-or-defect-claim",
                     ask("return", "damaged_in_transit", line="custom", evidence=True, preferred="refund"), None),
    "motion-hardware": Grant("change-of-mind", ask("return", "changed_mind", line="custom"), "unused"),
    "oak-and-iron": Grant("faulty-or-wrong", ask("return", "defective", evidence=True, preferred="refund"), "unused"),
    "paper-and-vow": Grant("stock-return", ask("return", "changed_mind"), "unused"),
}
# Kaolate offers store credit when the size asked for in an exchange is out of stock (size-exchange-out-of-stock).
CREDIT_GRANTS = {"kaolate": Grant("size-exchange-out-of-stock",
                                  ask("exchange", "ordered_wrong_variant", preferred="store_credit"), "unused")}
WANTED = {"shopify": "8003", "woocommerce": "303"}   # the tee's other size on each platform's catalogue


@cache
def policy(preset: str) -> Policy:
    return load_policy_text(resolve_policy_path(preset).read_text())


def rule(preset: str, rule_id: str) -> Rule:
    return next(r for r in policy(preset).rules if r.id == rule_id)


def offers_store_credit(preset: str) -> bool:
    """True when some rule that grants offers store credit, in stock or out of it."""
    return any("store_credit" in (r.terms.resolutions + (r.terms.if_out_of_stock or ()))
               for r in policy(preset).rules if r.decide == "approve")


def ordered(platform: str, emulator, line: str) -> tuple[int, int]:
    """(units ordered, units the platform has refunded) of the order's line."""
    if platform == "shopify":
        order = emulator.state.orders[f"gid://shopify/Order/{PLATFORMS[platform]['order']}"]
        gid = f"gid://shopify/LineItem/{line}"
        return order["lines"][gid][0], order["refunded_units"].get(gid, 0)
    item = next(li for li in emulator.orders[PLATFORMS[platform]["order"]]["line_items"] if str(li["id"]) == line)
    gone = -sum(li["quantity"] for r in emulator.refunds.get(PLATFORMS[platform]["order"], ()) for li in r["line_items"]
                if any(m["key"] == "_refunded_item_id" and str(m["value"]) == line for m in li["meta_data"]))
    return item["quantity"], gone


def _units(platform: str, emulator, line: str, units: int) -> tuple[Decimal, Decimal]:
    """(pre-tax price, tax) the customer paid for `units` of the line, as the platform holds the order."""
    if platform == "shopify":
        _ordered, price, unit_tax = emulator.state.orders[f"gid://shopify/Order/{PLATFORMS[platform]['order']}"][
            "lines"][f"gid://shopify/LineItem/{line}"]
        return price * units, unit_tax * units
    item = next(li for li in emulator.orders[PLATFORMS[platform]["order"]]["line_items"] if str(li["id"]) == line)
    return Decimal(item["total"]) * units / item["quantity"], Decimal(item["total_tax"]) * units / item["quantity"]


def _shipping(platform: str, emulator) -> Decimal:
    """The shipping the customer paid, its tax included."""
    if platform == "shopify":
        order = emulator.state.orders[f"gid://shopify/Order/{PLATFORMS[platform]['order']}"]
        return order["shipping"] + order["shipping_tax"]
    order = emulator.orders[PLATFORMS[platform]["order"]]
    return sum((Decimal(s["total"]) + Decimal(s["total_tax"]) for s in order["shipping_lines"]), Decimal(0))


def deduction(preset: str, rule_id: str, condition: str | None, price: Decimal, units: int) -> Decimal:
    """The preset's deduction for these units: its fee's percent of the pre-tax price, at least its floor a unit."""
    schedule = rule(preset, rule_id).terms.deductions
    if not schedule:
        return Decimal(0)
    fees = policy(preset).fees[schedule]
    fee = fees.get(condition) or fees["any"]
    assert (fee.per, fee.base, fee.tiers, fee.also, fee.amount) == ("unit", "items", None, (), None), fee
    charged = (price * (fee.percent or 0) / 100).quantize(CENT, ROUND_HALF_UP)
    return min(max(charged, (fee.floor or Decimal(0)) * units), price)


def expected_refund(preset: str, grant: Grant, platform: str, emulator) -> Decimal:
    """The units' price and tax, the shipping with its tax when the grant refunds it, less the preset's deduction."""
    line = PLATFORMS[platform]["lines"][grant.request["line"]]
    units = open_units(platform, emulator, grant)
    price, tax = _units(platform, emulator, line, units)
    terms = rule(preset, grant.rule).terms
    shipping = _shipping(platform, emulator) if terms.refund_shipping == "yes" else Decimal(0)
    gross = price + tax.quantize(CENT, ROUND_HALF_UP) + shipping
    return gross - deduction(preset, grant.rule, grant.inspected, price, units)


def open_units(platform: str, emulator, grant: Grant) -> int:
    """The units of the grant's line not refunded yet: the request asks for all of them."""
    units, gone = ordered(platform, emulator, PLATFORMS[platform]["lines"][grant.request["line"]])
    return units - gone


def open_store(client, rt, queue, shops, platform: str, preset: str, emulator, gateway: str | None = None) -> None:
    """The shop on the preset, its order taxed (WooCommerce: NJ tax; Shopify's story is taxed) and replayed."""
    use_policy_text(rt, shops[platform].id, resolve_policy_path(preset).read_text())
    if platform == "shopify":
        # The story ends with refunds_create: one tee refunded (23.15) in the admin. The shop holds it too.
        order = emulator.state.orders[f"gid://shopify/Order/{PLATFORMS[platform]['order']}"]
        order["refunded_units"]["gid://shopify/LineItem/9001"], order["refunded"] = 1, Decimal("23.15")
        replay(client, rt, queue, "shopify", PLATFORMS["shopify"]["story"])
        return
    order = PLATFORMS[platform]["order"]
    emulator.orders[order] = taxed(emulator.orders[order])
    if gateway is not None:
        emulator.orders[order]["payment_method"] = gateway
    _replay_taxed(client, rt, queue)


def request_body(platform: str, grant: Grant, emulator) -> dict:
    """The contract's request for every open unit of the grant's line (an exchange names the wanted size)."""
    out = contract_request(platform, grant.request)
    out["items"][0]["quantity"] = open_units(platform, emulator, grant)
    if grant.request["type"] == "exchange":
        out["items"][0]["exchange_for"] = {"variant_id": WANTED[platform]}
    return out


def settle(client, rt, shops, platform: str, grant: Grant, emulator) -> tuple[dict, dict]:
    """The grant asked for through the API, inspected when its refund waits for the item, every action run:
    (the first answer's decision, the decision the refund was paid on)."""
    where, shop_id = PLATFORMS[platform], shops[platform].id
    body = {"shop": where["domain"], "order_id": where["order"], "request": request_body(platform, grant, emulator)}
    answer = post(client, rt, shop_id, platform, "/api/v1/requests", body)
    first = answer["decision"]
    assert set(drain(rt)) == {"succeeded"}
    if grant.inspected is not None:
        line = where["lines"][grant.request["line"]]
        answer = post(client, rt, shop_id, platform, f"/api/v1/requests/{answer['request_id']}/inspection",
                      {"items": {line: grant.inspected}, "by": "e2e"})
        assert set(drain(rt)) == {"succeeded"}
    return first, answer["decision"]


def ask_again(client, rt, shops, platform: str, grant: Grant, units: int) -> dict:
    """The same units asked for once more, as a new request (its own Idempotency-Key); the decision."""
    where, body = PLATFORMS[platform], contract_request(platform, grant.request)
    body["items"][0]["quantity"] = units
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops[platform].id))
    response = client.post("/api/v1/requests", headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "again"},
                           json={"shop": where["domain"], "order_id": where["order"], "request": body})
    assert response.status_code == 201, response.json
    return response.json["decision"]


def order_pk(rt, shops, platform: str) -> int:
    with rt.sessions() as session:
        return session.scalar(select(Order.id).where(Order.shop_id == shops[platform].id,
                                                     Order.order_id == PLATFORMS[platform]["order"]))


def tell_of_refunds(client, rt, queue, platform: str, emulator) -> None:
    """What the platform sends once refunds are made: Shopify a refunds/create for each (its lines and money, as in
    the refunds_create fixture); WooCommerce an order.updated whose `refunds` list them ({id, reason, total}, no
    lines, as WC_REST_Orders_Controller::get_order_refunds shapes them)."""
    order = PLATFORMS[platform]["order"]
    if platform == "shopify":
        for refund in emulator.state.refunds:
            body = {**load_fixture("shopify", "refunds_create"), "id": int(refund["id"].rsplit("/", 1)[-1]),
                    "order_id": int(order), "created_at": "2026-05-21T09:00:00-06:00",
                    "refund_line_items": [{"line_item_id": int(line.rsplit("/", 1)[-1]), "quantity": units}
                                          for line, units in refund["lines"]],
                    "transactions": [{"kind": "refund", "status": "success", "amount": str(refund["amount"])}]}
            assert post_webhook(client, "shopify", "refunds/create", body).status_code == 200
    else:
        refunds = [{"id": r["id"], "reason": r["reason"], "total": f"-{r['amount']}"}
                   for r in emulator.refunds.get(order, [])]
        body = {**emulator.orders[order], "date_modified": "2026-05-21T10:00:00",
                "date_modified_gmt": "2026-05-21T15:00:00", "refunds": refunds}
        assert post_webhook(client, "woocommerce", "order.updated", body).status_code == 200
    assert set(replay(client, rt, queue, platform, [])) <= {"processed"}
