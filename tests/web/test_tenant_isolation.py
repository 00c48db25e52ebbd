"""Route by route: shop A, signed in (and with its API key), sends shop B's ids and gets 403/404; B is unchanged.

The routes come from the app's URL map, so a page added later is checked without anyone listing it; a
URL parameter tests/web/tenant_world.py cannot fill for both shops fails the test.
"""
from tests.web.tenant_world import (ISOLATION_EXEMPT, PUBLIC_FOR_ANY_SHOP, REQUESTS, SHARED_PARAMETERS, SHOPLESS,
                                    URL_VALUES, asks_to_prove_an_order, csrf_of, snapshot, swapped_urls,
                                    tenant_arguments, tenant_rules, url_for_tenant)
from tests.web_helpers import sign_in

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in ("GET",) + UNSAFE)


def _send(client, method: str, url: str, caller, body: dict | None = None, query: dict | None = None):
    """One request as shop A: a fresh session of A (a route may have signed it out), its buyer's proof of their
    order on A's request page, its API key, its CSRF token."""
    sign_in(client, caller.shop_id)
    with client.session_transaction() as session:
        session["customer"] = caller.customer
    headers = {"X-CSRF-Token": csrf_of(client)}
    if url.startswith("/api/"):   # on a page, a bearer token is a Shopify session token (install_shopify)
        headers["Authorization"] = f"Bearer {caller.api_key}"
    if method == "GET":
        return client.get(url, query_string=query or {}, headers=headers)
    if url.startswith("/api/"):
        return client.open(url, method=method, json=body or {}, headers=headers)
    return client.open(url, method=method, data={"csrf_token": headers["X-CSRF-Token"], **(body or {})},
                       headers=headers)


def _problems(response, before, after, other) -> list[str]:
    text = response.get_data().decode("utf-8", "replace") + response.headers.get("Location", "")
    found = []
    if before != after:
        changed = sorted(name for name in before if before[name] != after.get(name))
        found.append(f"changed shop B's rows in {changed}")
    found += [f"showed shop B's {marker!r}" for marker in other.markers if marker in text]
    return found


def _id_rules(app):
    return [r for r in tenant_rules(app) if tenant_arguments(r) and r.endpoint not in ISOLATION_EXEMPT]


def _refused(response, other) -> bool:
    """403/404, or the customer page sending the browser to B's lookup form to prove an order of B first."""
    return response.status_code in (403, 404) or asks_to_prove_an_order(response, other.slug)


def _buyer_form(tenant) -> dict:
    """What the shop's buyer types on its request page to prove their order."""
    number, email = tenant.buyer
    return {"order_number": number, "email": email}


def test_the_exemptions_name_real_routes(web_app):
    endpoints = {r.endpoint for r in web_app.url_map.iter_rules()}
    assert set(ISOLATION_EXEMPT) | set(PUBLIC_FOR_ANY_SHOP) <= endpoints, \
        "remove exemptions of routes that no longer exist"
    arguments = {name for r in web_app.url_map.iter_rules() for name in r.arguments}
    assert set(SHARED_PARAMETERS) <= arguments & set(URL_VALUES), "remove shared parameters no route takes"
    assert SHOPLESS <= {r.rule for r in web_app.url_map.iter_rules()}, "remove SHOPLESS routes that no longer exist"


def test_another_shops_ids_are_not_found_and_change_nothing(web_app, rt, tenants):
    mine, other = tenants
    client, failures = web_app.test_client(), []
    rules = _id_rules(web_app)
    assert any(r.rule.startswith("/api/v1/requests/") for r in rules), "the request API's routes were not found"
    assert {"requests_api.download_evidence", "customer.show_request"} <= {r.endpoint for r in rules}
    for rule in rules:
        swaps = [(url, method) for url in swapped_urls(web_app, rule, mine, other) for method in _methods(rule)]
        for url, method in swaps:
            before = snapshot(rt, other.shop_id)
            response = _send(client, method, url, mine)
            problems = _problems(response, before, snapshot(rt, other.shop_id), other)
            if rule.endpoint not in PUBLIC_FOR_ANY_SHOP and not _refused(response, other):
                problems.append(f"answered {response.status_code}, not 403/404 (or the lookup form of B's page)")
            failures += [f"{method} {url} ({rule.endpoint}) with shop B's ids: {p}" for p in problems]
    assert not failures, "\n".join(failures)


def test_a_buyer_of_shop_a_cannot_open_an_order_on_shop_bs_page(web_app, rt, tenants):
    """A's buyer's number and email on B's page find nothing, and the browser stays A's customer only."""
    mine, other = tenants
    client, before = web_app.test_client(), snapshot(rt, other.shop_id)
    response = _send(client, "POST", f"/r/{other.slug}", mine, body=_buyer_form(mine))
    assert response.status_code == 404 and not _problems(response, before, snapshot(rt, other.shop_id), other)
    with client.session_transaction() as session:
        assert session["customer"] == mine.customer
    assert asks_to_prove_an_order(client.get(f"/r/{other.slug}/new"), other.slug)


def test_the_same_routes_find_the_shops_own_ids(web_app, tenants):
    """The control: with A's own ids each route finds the row, so a 404 above is isolation, not a broken route."""
    mine, _ = tenants
    client, failures = web_app.test_client(), []
    for rule in _id_rules(web_app):
        url = url_for_tenant(web_app, rule, mine)
        method = "GET" if "GET" in rule.methods else _methods(rule)[0]
        response = _send(client, method, url, mine, body=_buyer_form(mine))
        if response.status_code in (401, 403, 404) or asks_to_prove_an_order(response, mine.slug):
            failures.append(f"{method} {url} ({rule.endpoint}) with shop A's own ids answered {response.status_code} "
                            f"{response.headers.get('Location', '')}")
    assert not failures, "\n".join(failures)


def test_a_shop_named_in_the_query_or_body_is_not_trusted(web_app, rt, tenants):
    mine, other = tenants
    client, failures = web_app.test_client(), []
    order_id, request = REQUESTS["woocommerce"]
    swapped = {"shop": other.domain, "shop_id": str(other.shop_id), "order_id": order_id}
    for rule in tenant_rules(web_app):
        if tenant_arguments(rule) or rule.endpoint in ISOLATION_EXEMPT:
            continue
        url = url_for_tenant(web_app, rule, mine)   # only shared parameters (a preset's name) are filled in
        for method in _methods(rule):
            before = snapshot(rt, other.shop_id)
            body = {**swapped, "request": request} if rule.rule.startswith("/api/") else swapped
            response = _send(client, method, url, mine, body=body, query=swapped)
            failures += [f"{method} {url} naming shop B: {p}"
                         for p in _problems(response, before, snapshot(rt, other.shop_id), other)]
    assert not failures, "\n".join(failures)
    response = _send(client, "POST", "/api/v1/requests", mine, body={**swapped, "request": request})
    assert response.status_code == 403 and response.json["errors"][0]["field"] == "authorization"


def test_every_route_is_either_checked_or_declared_shopless(web_app):
    """A new blueprint lands in the checks above unless someone says here why it holds no shop's data."""
    checked = {r.rule for r in tenant_rules(web_app)}
    assert {"/app/", "/app/logout", "/api/v1/requests", "/api/v1/requests/<int:case_id>"} <= checked
    assert not checked & SHOPLESS
