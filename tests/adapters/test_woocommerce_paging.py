"""WooCommerce lists are read to the last page X-WP-TotalPages names, as WordPress documents its paging
(https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/), even when a page comes back short."""
from datetime import datetime, timedelta, timezone

import pytest

from adapters.http import PlatformError
from adapters.store_session import store_session
from adapters.woocommerce.actions import WooCommerceActions
from adapters.woocommerce.client import Page, WooCommerceClient, _last_page
from adapters.woocommerce.reconcile import changed_orders
from integration.domain import actions as act
from integration.domain.actions import payload_json
from tests.emulators.server import Served
from tests.emulators.woocommerce import PREFIX, WooCommerceEmulator
from tests.webhook_helpers import load_fixture

ORDER = "1201"   # the fixture's order: 60.00, line 42 is one unit of 12.00
START = datetime(2026, 5, 1, tzinfo=timezone.utc)


@pytest.fixture()
def store():
    emulator = WooCommerceEmulator()
    emulator.add_order(load_fixture("woocommerce", "order_updated__delivered"))
    served = Served(emulator.app)
    yield emulator, WooCommerceClient(served.url, "ck_test", "cs_test", 10, store_session(allow_private=True))
    served.stop()


def _orders(emulator, count: int) -> list[str]:
    """`count` orders, one modified each minute from START; their ids in the order the sweep asks for."""
    emulator.orders.clear()
    for n in range(count):
        stamp = (START + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%S")
        emulator.add_order({"id": 7000 + n, "date_created_gmt": stamp, "date_modified_gmt": stamp,
                            "date_modified": stamp})
    return [str(7000 + n) for n in range(count)]


def _gets(emulator, path: str) -> int:
    return sum(1 for method, called, _ in emulator.calls if method == "GET" and called.strip("/") == path)


def test_the_client_gives_a_pages_headers_and_get_still_gives_the_bare_list(store):
    emulator, client = store
    for n in range(25):
        emulator.add_refund(ORDER, "0.10", f"r{n}")
    page = client.get_page(f"orders/{ORDER}/refunds", {"per_page": 10, "page": 3})
    assert (len(page.items), page.total, page.total_pages) == (5, 25, 3)
    assert [r["reason"] for r in client.get(f"orders/{ORDER}/refunds", {"per_page": 10})] == [
        f"r{n}" for n in range(24, 14, -1)]
    assert client.get_page("orders/999/refunds") is None   # no such order: a 404, as get gives None


def test_the_emulators_orders_list_counts_what_it_leaves_out_as_woocommerce_does(store):
    emulator, _ = store
    ids = _orders(emulator, 12)
    emulator.unreadable.update(ids[:3])
    answer = emulator.app.test_client().get(f"{PREFIX}/orders", query_string={"per_page": 5, "orderby": "id",
                                                                              "order": "asc"},
                                            auth=("ck_test", "cs_test"))
    assert [str(o["id"]) for o in answer.get_json()] == ids[3:5]
    assert (answer.headers["X-WP-Total"], answer.headers["X-WP-TotalPages"]) == ("12", "3")


def test_the_sweep_reads_past_a_short_page_and_an_empty_one_to_the_last_page(store):
    emulator, client = store
    ids = _orders(emulator, 230)
    hidden = set(ids[10:15]) | set(ids[100:200])   # page 1 short by five, page 2 empty, page 3 full of 30
    emulator.unreadable.update(hidden)
    pages = list(changed_orders(client, START - timedelta(days=1)))
    assert [len(page) for page in pages] == [95, 0, 30]   # one GET a page, to X-WP-TotalPages (3)
    assert [str(o["id"]) for page in pages for o in page] == [i for i in ids if i not in hidden]


def test_a_refund_already_made_is_found_on_a_later_page_when_an_earlier_one_is_short(store):
    emulator, client = store
    key = "returnkit-41-0-refund"
    emulator.add_refund(ORDER, "12.00", f"returnkit refund [{key}]")   # the oldest: on page 2, newest first
    for n in range(104):
        emulator.add_refund(ORDER, "0.01", f"elsewhere {n}")
    emulator.unreadable.update(str(r["id"]) for r in emulator.refunds[ORDER][-3:])   # page 1 holds 97
    payload = payload_json(act.Refund(ORDER, "12.00", "USD", None, [["42", 1]]))
    result = WooCommerceActions(client).perform("refund", payload, key)
    assert result["skipped"] == "already refunded" and len(emulator.refunds[ORDER]) == 105
    assert not [c for c in emulator.calls if c[0] == "POST"] and _gets(emulator, f"orders/{ORDER}/refunds") == 2


def test_without_the_headers_a_short_page_is_the_last_and_a_runaway_list_is_cut_off(store):
    assert _last_page(Page([{}] * 99, None, None), 1, 100) and not _last_page(Page([{}] * 100, None, None), 1, 100)
    assert not _last_page(Page([], 300, 3), 2, 100) and _last_page(Page([{}] * 100, 300, 3), 3, 100)
    emulator, client = store
    _orders(emulator, 201)
    with pytest.raises(PlatformError) as cut:
        list(client.pages("orders", max_pages=2))
    assert not cut.value.retryable and "more than 200" in str(cut.value)
