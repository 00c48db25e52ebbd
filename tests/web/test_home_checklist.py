"""Home opens with the setup checklist: what is left to do first, with where to fix it; what is done folded away."""
import re

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.shops.returns_setup import configure_returns
from tests.web_helpers import csrf_from, sign_in

ADDRESS = {"name": "Returns desk", "street1": "1 Main St", "city": "Austin", "zip": "78701", "country": "US"}


def home(client) -> str:
    response = client.get("/app/")
    assert response.status_code == 200
    return response.data.decode()


def todo_part(page: str) -> str:
    return page.split('class="checklist-todo"')[1].split("</ul>")[0]


def done_part(page: str) -> str:
    return page.split('<details class="checklist-done">')[1].split("</details>")[0]


def test_the_checklist_comes_first_with_each_item_to_do_and_where_to_fix_it(client, shops):
    sign_in(client, shops["shopify"].id)
    page = home(client)
    assert page.index("Set-up checklist") < page.index("waiting for you") < page.index("Order sync")
    todo = todo_part(page)
    for words in ("no access to your store", "None registered", "No return address", "Local outbox only",
                  "I added the link"):
        assert words in todo, words
    assert '/auth?shop=kaolate-demo.myshopify.com' in todo and 'href="/app/returns/"' in todo
    assert 'href="/app/notifications/"' in todo
    store = re.search(r'<li class="card alert" id="setup-store">', todo)
    assert store, "the required item stands out"
    assert "Your return policy is chosen" in done_part(page) and "Your policy “Kaolate Returns and Refund Policy”, version 1" in done_part(page)


def test_done_items_move_into_the_folded_list(client, rt, shops):
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        shop.api_token, shop.easypost_api_key = "shpat_home", "EZAK_home"
        configure_returns(shop, address=ADDRESS)
    sign_in(client, shops["shopify"].id)
    page = home(client)
    assert "no access to your store" not in page and "3 of 6 still to do" in page
    done = done_part(page)
    assert "Done or not needed (3)" in page and "Connected." in done and "1 Main St" in done
    assert "shpat_home" not in page and "EZAK_home" not in page


def test_ticking_i_added_the_link_marks_the_customer_page_done_and_unticking_undoes_it(client, shops):
    sign_in(client, shops["shopify"].id)
    page = home(client)
    assert "Your store links to the request page" in todo_part(page)
    response = client.post("/app/setup/customer-page", data={"csrf_token": csrf_from(page), "linked": "on"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/#setup-heading")
    page = home(client)
    assert "Your store links to the request page" in done_part(page)
    assert 'id="linked" name="linked" checked' in done_part(page)
    client.post("/app/setup/customer-page", data={"csrf_token": csrf_from(page)})
    assert "Your store links to the request page" in todo_part(home(client))


def test_one_shops_tick_is_not_another_shops(client, shops):
    sign_in(client, shops["shopify"].id)
    client.post("/app/setup/customer-page", data={"csrf_token": csrf_from(home(client)), "linked": "on"})
    sign_in(client, shops["woocommerce"].id)
    assert "Your store links to the request page" in todo_part(home(client))


def test_the_tick_needs_a_signed_in_shop_and_its_csrf_token(client, shops):
    assert client.post("/app/setup/customer-page", data={"linked": "on"}).status_code in (400, 401, 403)
    sign_in(client, shops["shopify"].id)
    assert client.post("/app/setup/customer-page", data={"linked": "on"}).status_code in (400, 403)
    assert "Your store links to the request page" in todo_part(home(client))
