"""Real flows with logging captured at DEBUG: every line is JSON with a documented event key, and no token,
key, secret or customer email appears, neither in what we write nor in what the call sites passed."""
import json
import logging
import re
from pathlib import Path

import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.observability.logging import OUR_PACKAGES, JsonFormatter
from integration.shops.core import issue_api_key
from tests.e2e.test_return_labels import approve_defective_hoodie, easypost, set_up_labels  # noqa: F401
from tests.e2e.test_shopify_actions import drain, shopify  # noqa: F401  (fixtures)
from tests.e2e.test_woocommerce_actions import DAMAGED, STORY as WOO_STORY, ask, woo  # noqa: F401
from tests.orders.test_picture import replay
from tests.web.test_install_shopify import callback, emulator, irt, start, web  # noqa: F401
from tests.webhook_helpers import post

DOCUMENTED = set(re.findall(r"^\| `([a-z][a-z0-9_.-]+)` \|", Path("docs/observability.md").read_text(), re.MULTILINE))
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
PREFIXES = re.compile(r"\b(shpat_|shpca_|shppa_|shpss_|ck_[A-Za-z0-9]|cs_[A-Za-z0-9]|EZAK|EZTK|gAAAAA)|Bearer [^\[]")
CUSTOMER_EMAIL = "jane.buyer@example.com"


class Captured(logging.Handler):
    """Every record: what the call site passed, and the line our formatter writes."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.raw, self.lines = [], []

    def emit(self, record):
        if record.name.split(".")[0] in OUR_PACKAGES:   # libraries (urllib3 at DEBUG logs query strings) rely on redaction
            self.raw.append(record.getMessage() + (self.formatter.formatException(record.exc_info) if record.exc_info else ""))
        self.lines.append(self.format(record))


@pytest.fixture()
def captured():
    handler, root = Captured(), logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def assert_clean(captured, secrets):
    assert captured.lines, "the flow logged nothing: the test would prove nothing"
    for line in captured.lines:
        record = json.loads(line)
        assert {"ts", "level", "logger", "event", "message"} <= record.keys(), line
        event = record["event"]
        assert event in DOCUMENTED or event.startswith("lib."), f"undocumented event {event!r}: {line}"
        assert not PREFIXES.search(line) and not EMAIL.search(line), line
    assert captured.raw, "none of our own code logged"
    for text in captured.raw:   # our call sites never pass a secret: the redaction is a last resort
        assert not any(secret in text for secret in secrets), text
        assert not EMAIL.search(text), text


def test_webhooks_requests_and_actions_on_shopify_with_easypost_log_no_secret(client, rt, queue, shops, shopify,
                                                                            easypost, captured):  # noqa: F811
    set_up_labels(rt, shops["shopify"].id)
    approve_defective_hoodie(client, rt, queue, shops, shopify)
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    by_customer = {"shop": "kaolate-demo.myshopify.com", "order_number": "1001", "email": CUSTOMER_EMAIL,
                   "request": {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"}}
    answer = client.post("/api/v1/requests", json=by_customer)
    assert answer.status_code == 201, answer.json
    post(client, "shopify", "orders/create", {"id": 1, "email": CUSTOMER_EMAIL}, secret="forged")
    assert "succeeded" in drain(rt)
    events = {json.loads(line)["event"] for line in captured.lines}
    assert {"webhook.received", "webhook.rejected-signature", "ingest.processed"} <= events
    bound = [json.loads(line) for line in captured.lines if json.loads(line)["event"] == "webhook.received"]
    assert all("delivery_id" in line for line in bound)
    assert_clean(captured, ["shpat_e2e", "EZTK_e2e", key, shops["shopify"].webhook_secret])


def test_woocommerce_actions_log_no_consumer_key_or_secret(client, rt, queue, shops, woo, captured):  # noqa: F811
    replay(client, rt, queue, "woocommerce", WOO_STORY)
    assert ask(client, rt, shops, DAMAGED).status_code == 201
    drain(rt)
    assert_clean(captured, ["ck_test", "cs_test"])


def test_a_shopify_install_logs_no_token_or_secret(web, irt, emulator, captured):  # noqa: F811
    assert callback(web, start(web)).status_code == 302
    events = {json.loads(line)["event"] for line in captured.lines}
    assert {"install.shopify.started", "install.shopify.completed"} <= events
    assert_clean(captured, [emulator.token, "shpss_" + "5e" * 16])


def test_the_redaction_masks_what_a_careless_call_site_would_pass(captured):
    logging.getLogger("integration.test").warning(
        "actions.retrying: token shpat_0123abcd key ck_%s secret cs_%s EZAK123456abcdef Bearer rk_live_x to %s",
        "a" * 40, "b" * 40, CUSTOMER_EMAIL)
    [line] = captured.lines
    assert not PREFIXES.search(line) and CUSTOMER_EMAIL not in line
    assert json.loads(line)["event"] == "actions.retrying"
