"""The setup checklist, item by item, read from the shop's rows and settings."""
import json
from datetime import timedelta

import pytest

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PolicyVersion, Shop, WebhookDelivery, WebhookSubscription
from integration.db.order_models import Order
from integration.db.request_models import Action, ActionAttempt, Decision, ReturnCase
from integration.merchant.checklist import DONE, NOT_NEEDED, TODO, checklist, mark_customer_page_linked
from integration.policy.loader import resolve_policy_path
from integration.shops.core import set_policy
from integration.shops.returns_setup import configure_returns
from integration.settings import load_settings

ADDRESS = {"name": "Kaolate Returns", "street1": "1 Main St", "city": "Austin", "zip": "78701", "country": "US"}
NO_SMTP = load_settings({"RETURNKIT_PUBLIC_URL": "https://rk.example.com"})
SMTP = load_settings({"RETURNKIT_PUBLIC_URL": "https://rk.example.com", "RETURNKIT_SMTP_HOST": "smtp.example.com"})


def items(rt, shop_id, settings=NO_SMTP) -> dict:
    with rt.sessions() as session:
        return {item.key: item for item in checklist(session, shop_id, settings)}


def change(rt, shop_id, **columns):
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        for name, value in columns.items():
            setattr(shop, name, value)


def attempt(rt, shop_id, status, response, ago=timedelta(minutes=5)):
    """One finished action attempt of the shop, as the outbox records it."""
    with transaction(rt.sessions) as session:
        order = Order(shop_id=shop_id, order_id=f"o{status}{ago.seconds}", currency="USD", placed_at=utcnow(),
                      platform_updated_at=utcnow(), tags=[], lines=[])
        session.add(order)
        session.flush()
        case = ReturnCase(shop_id=shop_id, order_pk=order.id, source="api", source_ref=order.order_id, request={})
        session.add(case)
        session.flush()
        decision = Decision(case_pk=case.id, policy_version_id=session.get(Shop, shop_id).policy_version_id,
                            outcome="approved", document={})
        session.add(decision)
        session.flush()
        action = Action(shop_id=shop_id, decision_pk=decision.id, kind="order_note", payload={},
                        idempotency_key=f"k-{order.order_id}", state="dead" if status == "failed" else status)
        action.attempt_log.append(ActionAttempt(started_at=utcnow() - ago, finished_at=utcnow() - ago, status=status,
                                                response=json.dumps(response)))
        session.add(action)


@pytest.fixture()
def shop_id(shops):
    return shops["shopify"].id


def test_a_shop_without_credentials_is_not_connected_and_that_is_required(rt, shop_id):
    store = items(rt, shop_id)["store"]
    assert (store.state, store.required) == (TODO, True) and "no access to your store" in store.words
    assert store.link == ("install_shopify.begin", {"shop": "kaolate-demo.myshopify.com"})


def test_the_demo_shop_says_it_is_a_demo_and_is_not_required(rt, shop_id):
    change(rt, shop_id, is_demo=True)
    store = items(rt, shop_id)["store"]
    assert (store.state, store.required) == (TODO, False) and "demo shop is not connected" in store.words


def test_credentials_refused_at_the_last_call_are_not_working(rt, shop_id):
    change(rt, shop_id, api_token="shpat_x")
    assert items(rt, shop_id)["store"].state == DONE
    attempt(rt, shop_id, "failed", "shopify: HTTP 401")
    store = items(rt, shop_id)["store"]
    assert (store.state, store.required) == (TODO, True) and "(HTTP 401)" in store.words


def test_a_later_success_clears_a_refusal_and_another_error_is_not_about_access(rt, shop_id):
    change(rt, shop_id, api_token="shpat_x")
    attempt(rt, shop_id, "failed", "shopify: HTTP 403", ago=timedelta(hours=2))
    an_hour_ago = (utcnow() - timedelta(hours=1)).isoformat()
    change(rt, shop_id, settings={"reconcile": {"last_success_at": an_hour_ago}})
    assert items(rt, shop_id)["store"].state == DONE
    attempt(rt, shop_id, "retryable", "shopify: HTTP 502", ago=timedelta(seconds=1))
    store = items(rt, shop_id)["store"]
    assert store.state == DONE and "failed, but not because of access" in store.words


def test_a_sweep_refused_by_the_store_counts_too(rt, shops):
    woo = shops["woocommerce"].id
    change(rt, woo, consumer_key="ck", consumer_secret="cs",
           settings={"reconcile": {"last_error": "woocommerce: HTTP 401", "last_error_at": utcnow().isoformat()}})
    store = items(rt, woo)["store"]
    assert store.state == TODO and store.link == ("install_woo.connect_page", {})


def test_webhooks_none_registered_broken_or_receiving(rt, shop_id):
    assert (items(rt, shop_id)["webhooks"].state, items(rt, shop_id)["webhooks"].required) == (TODO, False)
    with transaction(rt.sessions) as session:
        session.add(WebhookSubscription(shop_id=shop_id, topic="orders/updated", address="https://x", status="active"))
    assert "1 registered" in items(rt, shop_id)["webhooks"].words
    with transaction(rt.sessions) as session:
        session.add(WebhookDelivery(shop_id=shop_id, platform="shopify", topic="orders/updated", dedupe_key="d1",
                                    headers={"x-shopify-topic": "orders/updated"}))
        session.add(WebhookSubscription(shop_id=shop_id, topic="refunds/create", address="https://x",
                                        status="missing"))
    webhooks = items(rt, shop_id)["webhooks"]
    assert (webhooks.state, webhooks.required) == (TODO, True) and webhooks.words.startswith(
        "Not working: Shopify: refund created (not registered). returnkit sees changes only when")
    assert "refunds/create" not in webhooks.words and "missing" not in webhooks.words


def test_a_recent_delivery_is_healthy_but_a_sweeps_copy_is_not_a_delivery(rt, shop_id):
    with transaction(rt.sessions) as session:
        session.add(WebhookDelivery(shop_id=shop_id, platform="shopify", topic="orders/updated", dedupe_key="s1",
                                    headers={"x-returnkit-source": "reconcile"}))
    assert items(rt, shop_id)["webhooks"].state == TODO
    with transaction(rt.sessions) as session:
        session.add(WebhookDelivery(shop_id=shop_id, platform="shopify", topic="orders/updated", dedupe_key="d1",
                                    headers={}, received_at=utcnow() - timedelta(days=1)))
    webhooks = items(rt, shop_id)["webhooks"]
    assert webhooks.state == DONE and "the last one arrived" in webhooks.words


def test_a_subscription_problem_the_sweep_recorded_is_required(rt, shop_id):
    change(rt, shop_id, settings={"reconcile": {"subscription_problem": "Shopify would not recreate orders/updated"}})
    webhooks = items(rt, shop_id)["webhooks"]
    assert webhooks.failing and "would not recreate" in webhooks.words


def test_the_blank_policy_and_the_demos_sample_are_not_chosen(rt, shop_id):
    assert items(rt, shop_id)["policy"].state == DONE
    change(rt, shop_id, is_demo=True)
    policy = items(rt, shop_id)["policy"]
    assert policy.state == TODO and "demo's sample policy (kaolate)" in policy.words
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), resolve_policy_path("blank").read_text())
    policy = items(rt, shop_id)["policy"]
    assert policy.state == TODO and "blank starting policy" in policy.words and not policy.required
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), resolve_policy_path("kainamo").read_text())
        assert session.get(PolicyVersion, session.get(Shop, shop_id).policy_version_id).version == 3
    assert items(rt, shop_id)["policy"].state == DONE


def test_labels_address_and_a_policy_that_never_pays_return_shipping(rt, shop_id):
    assert "No return address" in items(rt, shop_id)["labels"].words
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shop_id), address=ADDRESS)
    labels = items(rt, shop_id)["labels"]   # kaolate pays return shipping for some requests
    assert labels.state == TODO and "no EasyPost key" in labels.words and "1 Main St" in labels.words
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), resolve_policy_path("blank").read_text())
    assert items(rt, shop_id)["labels"].state == NOT_NEEDED
    change(rt, shop_id, easypost_api_key="EZAK_x")
    assert items(rt, shop_id)["labels"].state == DONE


def test_emails_say_outbox_or_mail_server_and_the_platforms_own(rt, shops):
    emails = items(rt, shops["shopify"].id)["emails"]
    assert emails.state == TODO and "Local outbox only" in emails.words and "Shopify itself emails" in emails.words
    emails = items(rt, shops["woocommerce"].id, SMTP)["emails"]
    assert emails.state == DONE and "mail server" in emails.words and "itself emails" not in emails.words


def test_the_customer_page_is_done_once_ticked_and_gives_the_link(rt, shop_id):
    page = items(rt, shop_id)["customer_page"]
    assert page.state == TODO and "https://rk.example.com/r/kaolate-demo" in page.words
    with transaction(rt.sessions) as session:
        mark_customer_page_linked(session.get(Shop, shop_id), True)
    assert items(rt, shop_id)["customer_page"].state == DONE
