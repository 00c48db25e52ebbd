"""Two shops with real data, the app's routes by kind, and a snapshot of one shop's rows.

Used by the route-by-route isolation and CSRF tests: shop A is the caller, shop B the other tenant.
Every URL parameter a route may take is resolved by `URL_VALUES` for either shop; a page that adds a
parameter this module does not know makes those tests fail until it is added here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from integration.db.base import Base, session_signing_key
from integration.db.engine import transaction
from integration.db.evidence_models import EvidenceFile
from integration.db.models import Shop, WebhookDelivery
from integration.db.notify_models import Message, WebhookEndpoint
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.requests.customer_access import public_slug
from integration.requests.evidence import Upload, validate_upload
from integration.requests.decide import submit_request
from integration.notify.endpoints import new_secret
from integration.shops.core import issue_api_key, set_policy
from integration.web.auth import login_token
from integration.web.limits import limiter
from tests.evidence_files import png
from tests.orders.test_picture import STORY as SHOPIFY_STORY
from tests.orders.test_picture import replay
from tests.web_helpers import csrf_from

WOO_STORY = ["product_created", "product_created__custom_bracket", "order_created", "order_updated__shipped",
             "order_updated__delivered"]
# Text only shop B has: none of it may ever appear in an answer to shop A.
B_POLICY_ID = "tenant-b-private-policy"
B_PHOTO = "tenant-b-private-photo"         # the file name of B's evidence photo
B_DESCRIPTION = "tenant-b-private-words"   # B's customer's own words on their request
# The buyer of each shop's order, as the customer proves it on the shop's request page.
BUYERS = {"shopify": ("1001", "jane.buyer@example.com"), "woocommerce": ("1201", "riley.tester@example.com")}
REQUESTS = {
    "shopify": ("5550001", {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "other",
                            "items": [{"line_item_id": "9001", "quantity": 1}]}),
    "woocommerce": ("1201", {"type": "return", "submitted_at": "2026-05-11T10:00:00-05:00",
                             "reason": "damaged_in_transit", "items": [{"line_item_id": "42", "quantity": 1}],
                             "evidence": {"photos": 2, "description": True}}),
}

# Endpoints that routes-by-id checks leave out, each with why (a stale entry fails the tests too).
ISOLATION_EXEMPT = {
    "pages.login": "its <token> is the credential itself: shop B's link signs the browser in as B, in a fresh "
                   "session (tests/web/test_sessions.py)",
}
# Routes whose page is public by design for any shop's <slug>: the checks still demand that they show none of
# B's data and change nothing, but not a 404.
PUBLIC_FOR_ANY_SHOP = {
    "customer.lookup": "the shop's request page asks anyone for an order number and email and shows no order "
                       "until one is proven (customer.find_order, which is checked)",
    "customer.policy": "the shop's published returns policy, public like the policy page on its store",
}
# URL parameters that name no shop's data: the same value for both shops, so a route taking only these is
# checked as a route without ids (the shop named in the query or body is not trusted).
SHARED_PARAMETERS = {
    "name": "a preset's name (/app/policy/presets/<name>): the presets are the same for every shop, and choosing "
            "one writes a draft for the session's shop only",
}
# Routes that hold no shop's data: the decision API on presets, health, the index, and the webhook
# receivers (signed by the platform; tests/webhooks/ covers them). Every other route is checked.
# The webhook receivers are not here: the edge app serves them (webhooks/edge.py), and a delivery names its
# shop in its signed headers (tests/webhooks, tests/proving/test_security.py).
SHOPLESS = {"/", "/healthz", "/api/v1/decide", "/api/v1/policies", "/api/v1/policies/check",
            "/static/<path:filename>", "/app/static/<path:filename>"}


@dataclass
class Tenant:
    """One shop's ids, as URL parameters would carry them, and its API key."""
    shop_id: int
    domain: str
    api_key: str
    order_id: str
    order_pk: int
    case_id: int
    decision_id: int
    action_id: int
    version_id: int
    delivery_id: int
    file_id: int
    slug: str
    buyer: tuple[str, str]
    markers: list[str] = field(default_factory=list)
    customer: dict = field(default_factory=dict)   # session["customer"] once the buyer proved the order
    endpoint_id: int = 0   # an outbound webhook endpoint of the shop
    message_id: int = 0    # the first email its request recorded


# How to get each URL parameter of a route for a given shop. Add a line when a page takes a new one.
URL_VALUES = {
    "shop_id": lambda t: t.shop_id,
    "case_id": lambda t: t.case_id,
    "request_id": lambda t: t.case_id,
    "order_id": lambda t: t.order_id,
    "order_pk": lambda t: t.order_pk,
    "decision_id": lambda t: t.decision_id,
    "action_id": lambda t: t.action_id,
    "version_id": lambda t: t.version_id,
    "delivery_id": lambda t: t.delivery_id,
    "token": lambda t: login_token(session_signing_key(), t.shop_id),
    "file_id": lambda t: t.file_id,
    "slug": lambda t: t.slug,
    "name": lambda t: "kinectr",
    "endpoint_id": lambda t: t.endpoint_id,
    "message_id": lambda t: t.message_id,
}


def url_values(rule, tenant: Tenant) -> dict:
    """The rule's URL parameters filled with this shop's values; fails on a parameter nobody registered."""
    missing = sorted(set(rule.arguments) - set(URL_VALUES))
    assert not missing, (
        f"{rule.rule} ({rule.endpoint}) takes URL parameter(s) {missing} that the tenant-isolation tests do not "
        f"know: add to URL_VALUES in tests/web/tenant_world.py how to get a shop's {missing[0]} (and build that "
        "row for both shops in build_world) so the route is checked with another shop's id")
    return {name: URL_VALUES[name](tenant) for name in rule.arguments}


def url_for_tenant(app, rule, tenant: Tenant, **others: Tenant) -> str:
    """The rule's URL with this shop's ids, except the parameters named in `others` (taken from that shop)."""
    values = url_values(rule, tenant)
    values.update({name: URL_VALUES[name](shop) for name, shop in others.items()})
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def tenant_arguments(rule) -> list[str]:
    """The rule's URL parameters that carry a shop's data (all but SHARED_PARAMETERS), sorted."""
    return sorted(set(rule.arguments) - set(SHARED_PARAMETERS))


def swapped_urls(app, rule, mine: Tenant, other: Tenant) -> list[str]:
    """The rule's URL with all of the other shop's ids, and, when it takes several, with each one alone swapped."""
    names = tenant_arguments(rule)
    alone = [url_for_tenant(app, rule, mine, **{name: other}) for name in names] if len(names) > 1 else []
    return [url_for_tenant(app, rule, other)] + alone   # shared parameters are the same for both shops


def asks_to_prove_an_order(response, slug: str) -> bool:
    """The customer page's refusal: back to the shop's lookup form, to prove an order of that shop first."""
    return response.status_code == 302 and response.headers.get("Location", "").endswith(f"/r/{slug}")


def tenant_rules(app) -> list:
    """Every route that can hold a shop's data (all but SHOPLESS), sorted for stable output."""
    return sorted((r for r in app.url_map.iter_rules() if r.rule not in SHOPLESS), key=lambda r: r.rule)


def _seed(client, rt, queue, shop: Shop, story: list[str], platform: str) -> None:
    replay(client, rt, queue, platform, story)
    order_id, request = REQUESTS[platform]
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop.id)
        if platform == "woocommerce":
            text = resolve_policy_path("kinectr").read_text().replace("policy: kinectr", f"policy: {B_POLICY_ID}", 1)
            set_policy(session, shop, text)
        order = session.scalar(select(Order).where(Order.shop_id == shop.id, Order.order_id == order_id))
        photo = validate_upload(Upload("photos[0]", "photo", f"{B_PHOTO if platform == 'woocommerce' else 'a'}.png",
                                       png()), rt.settings.evidence)
        case, _ = submit_request(session, shop, order, request, "api", f"isolation-{platform}", files=[photo])
        if platform == "woocommerce":
            case.description = B_DESCRIPTION


def _tenant(rt, shop_id: int, api_key: str) -> Tenant:
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        case = session.scalar(select(ReturnCase).where(ReturnCase.shop_id == shop_id))
        action = session.scalar(select(Action).where(Action.shop_id == shop_id).order_by(Action.id))
        assert action is not None, f"shop {shop.domain}'s request planned no action: pick one that does"
        order = session.get(Order, case.order_pk)
        markers = [B_POLICY_ID, B_PHOTO, B_DESCRIPTION] if shop.platform == "woocommerce" else []
        return Tenant(shop_id, shop.domain, api_key, order.order_id, order.id, case.id,
                      session.scalar(select(Decision.id).where(Decision.case_pk == case.id)), action.id,
                      shop.policy_version_id,
                      session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.shop_id == shop_id)),
                      session.scalar(select(EvidenceFile.id).where(EvidenceFile.case_pk == case.id)),
                      public_slug(shop), BUYERS[shop.platform], markers)


def prove_order(client, tenant: Tenant) -> dict:
    """The buyer proves their order on the shop's request page, as a customer would; their session's proof."""
    page = f"/r/{tenant.slug}"
    number, email = tenant.buyer
    response = client.post(page, data={"csrf_token": csrf_from(client.get(page).data), "order_number": number,
                                       "email": email})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{page}/new"), response.data
    with client.session_transaction() as session:
        return dict(session["customer"])


def build_world(client, rt, queue, shops) -> tuple[Tenant, Tenant]:
    """Shop A (Shopify, kaolate) and shop B (WooCommerce), each with orders, a request with an evidence photo, a
    decision and its actions, and policy versions; both with an API key; A's buyer proved their order."""
    _seed(client, rt, queue, shops["shopify"], SHOPIFY_STORY, "shopify")
    _seed(client, rt, queue, shops["woocommerce"], WOO_STORY, "woocommerce")
    with transaction(rt.sessions) as session:
        keys = {name: issue_api_key(session.get(Shop, shop.id)) for name, shop in shops.items()}
    mine, other = (_tenant(rt, shops[name].id, keys[name]) for name in ("shopify", "woocommerce"))
    for tenant in (mine, other):
        tenant.endpoint_id, tenant.message_id = _notify_rows(rt, tenant.shop_id)
    limiter.reset()   # the lookup limit counts per process: earlier tests' lookups must not refuse this one
    mine.customer = prove_order(client, mine)
    return mine, other


def _notify_rows(rt, shop_id: int) -> tuple[int, int]:
    """An outbound webhook endpoint of the shop (on an address never posted to) and its first message."""
    with transaction(rt.sessions) as session:
        endpoint = WebhookEndpoint(shop_id=shop_id, url=f"https://127.0.0.1/hooks-{shop_id}", events=["refund.issued"],
                                   secret=new_secret(), active=True)
        session.add(endpoint)
        session.flush()
        return endpoint.id, session.scalar(select(Message.id).where(Message.shop_id == shop_id).order_by(Message.id))


def _owned_tables() -> dict[str, list]:
    """Each table tied to a shop, with how: its shop_id column, or the foreign keys to tables that are."""
    ties: dict[str, list] = {}
    for table in Base.metadata.sorted_tables:
        if "shop_id" in table.c:
            ties[table.name] = [(table.c.shop_id, None)]
            continue
        parents = [(fk.parent, fk.column.table.name) for fk in table.foreign_keys
                   if fk.column.table.name in ties and fk.column.name == "id"]
        if parents:
            ties[table.name] = sorted(parents, key=lambda p: p[0].name)
    return ties


def snapshot(rt, shop_id: int) -> dict[str, list[tuple]]:
    """Every row of the shop: its own, rows with its shop_id, and rows pointing at any of those (a row of
    another shop that points at one of its rows counts: that is a change to its data too)."""
    tables = Base.metadata.tables
    shops = tables["shops"]
    with rt.sessions() as session:
        shot = {"shops": [tuple(r) for r in session.execute(select(shops).where(shops.c.id == shop_id))]}
        ids = {"shops": [shop_id]}
        for name, ties in _owned_tables().items():
            table = tables[name]
            where = or_(*[column == shop_id if parent is None else column.in_(ids[parent] or [-1])
                          for column, parent in ties])
            rows = session.execute(select(table).where(where).order_by(*table.primary_key.columns)).all()
            shot[name] = [tuple(r) for r in rows]
            ids[name] = [r.id for r in rows] if "id" in table.c else []
        return shot


def csrf_of(client) -> str:
    """The CSRF token of the test client's session."""
    with client.session_transaction() as session:
        return session["csrf"]

