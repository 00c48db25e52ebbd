"""`returnkit shops ...` and `returnkit db upgrade`: the operator's side of installing shops."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.models import Shop
from integration.policy.loader import resolve_policy_path
from integration.runtime import runtime
from integration.orders.picture import find_order
from integration.orders.as_case import order_json
from integration.shops.returns_setup import ReturnsSetupError, assumed_delivery_days, configure_returns, labels_ready
from integration.shops.core import ShopError, add_shop, find_shop, issue_api_key, set_policy, shop_json


class CommandError(Exception):
    """One line for standard error, exit status 2."""


def _policy_text(name: str) -> str:
    path = resolve_policy_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the policy: {exc.strerror or exc}") from None


def cmd_shops_add(args: argparse.Namespace) -> int:
    """Install a shop; print its id."""
    text = _policy_text(args.policy)
    try:
        with transaction(runtime().sessions) as session:
            shop = add_shop(session, platform=args.platform, domain=args.domain, webhook_secret=args.webhook_secret,
                            policy_text=text, api_base_url=args.api_base_url, api_token=args.api_token,
                            consumer_key=args.consumer_key, consumer_secret=args.consumer_secret)
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    print(shop.id)
    return 0


def cmd_shops_list(args: argparse.Namespace) -> int:
    """List installed shops (no secrets)."""
    with runtime().sessions() as session:
        shops = [shop_json(s) for s in session.scalars(select(Shop).order_by(Shop.id))]
    if args.json:
        print(json.dumps(shops, indent=2))
    else:
        for s in shops:
            print(f"{s['id']:>4}  {s['platform']:<11} {s['domain']:<40} {s['status']:<11} "
                  f"{s['policy']} v{s['policy_version']}{'  (demo)' if s['demo'] else ''}")
    return 0


def cmd_shops_set_policy(args: argparse.Namespace) -> int:
    """Assign a new policy version to a shop."""
    text = _policy_text(args.path)
    try:
        with transaction(runtime().sessions) as session:
            shop = find_shop(session, args.domain)
            version = set_policy(session, shop, text)
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    print(f"{shop.domain}: policy {version.policy_id!r} is now version {version.version}")
    return 0


def cmd_orders_show(args: argparse.Namespace) -> int:
    """Print a stored order as the decision contract's `order` object."""
    with runtime().sessions() as session:
        try:
            shop = find_shop(session, args.shop)
        except ShopError as exc:
            raise CommandError(str(exc)) from None
        order = find_order(session, shop, args.order_id)
        if order is None:
            raise CommandError(f"order: {shop.domain} has no order {args.order_id!r} (use the platform's order id)")
        print(json.dumps(order_json(session, shop, order), indent=None if args.json else 2))
    return 0


def cmd_shops_api_key(args: argparse.Namespace) -> int:
    """Issue a new API key for the request API (the old one stops working); print it once."""
    try:
        with transaction(runtime().sessions) as session:
            key = issue_api_key(find_shop(session, args.domain))
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    print(key)
    return 0


def cmd_shops_reconcile(args: argparse.Namespace) -> int:
    """Sweep one shop now: its changed orders into the inbox, then its webhooks; print what was found."""
    from adapters.common import PayloadError, when
    from integration.inbox.sweep import sweep_shop
    from integration.jobs.handoff import action_queue
    try:
        since = when(args.since, "--since") if args.since else None
    except PayloadError as exc:
        raise CommandError(f"{exc} (give an ISO 8601 time with an offset, e.g. 2026-05-01T00:00:00Z)") from None
    with runtime().sessions() as session:
        try:
            shop_id = find_shop(session, args.domain).id
        except ShopError as exc:
            raise CommandError(str(exc)) from None
    report = sweep_shop(runtime(), shop_id, since, enqueue_action=action_queue(runtime()))
    print(json.dumps(report.as_json(), indent=2))
    return 1 if report.error else 0


def login_link(shop) -> str:
    """A sign-in link to the shop's settings page, valid for ten minutes."""
    from integration.db.base import session_signing_key
    from integration.web.auth import login_token
    return f"{runtime().settings.public_url}/app/login/{login_token(session_signing_key(), shop.id)}"


def cmd_shops_login_link(args: argparse.Namespace) -> int:
    """Print a sign-in link to the shop's settings page."""
    try:
        with runtime().sessions() as session:
            print(login_link(find_shop(session, args.domain)))
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _json_arg(text: str | None, name: str):
    if text is None:
        return None
    try:
        return json.loads(Path(text[1:]).read_text() if text.startswith("@") else text)
    except (OSError, ValueError) as exc:
        raise CommandError(f"{name}: not JSON (give the object inline, or @file.json): {exc}") from None


def cmd_shops_set_returns(args: argparse.Namespace) -> int:
    """Set where returns go, the parcel a label is bought for and the EasyPost key for labels."""
    address, parcel = _json_arg(args.address, "--address"), _json_arg(args.parcel, "--parcel")
    try:
        with transaction(runtime().sessions) as session:
            shop = find_shop(session, args.domain)
            configure_returns(shop, address, parcel, args.easypost_api_key, args.easypost_webhook_secret,
                              args.assume_delivered_after_days)
            ready, days = labels_ready(shop), assumed_delivery_days(shop)
    except (ShopError, ReturnsSetupError) as exc:
        raise CommandError(str(exc)) from None
    print(f"{shop.domain}: return labels {'on' if ready else 'off (needs an EasyPost key and a return address)'}; "
          + (f"untracked orders assumed delivered {days} days after shipping" if days else "no assumed delivery"))
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    """Run the database migrations."""
    upgrade(runtime().settings.database_url)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the shops and db commands to the CLI."""
    shops = sub.add_parser("shops", help="install and manage shops").add_subparsers(dest="action", required=True)
    add = shops.add_parser("add", help="install a shop; prints its id")
    add.add_argument("--platform", required=True, choices=["shopify", "woocommerce"])
    add.add_argument("--domain", required=True, help="my-shop.myshopify.com, or the WooCommerce store URL")
    add.add_argument("--webhook-secret", required=True)
    add.add_argument("--api-token")
    add.add_argument("--consumer-key")
    add.add_argument("--consumer-secret")
    add.add_argument("--api-base-url", help="platform API base URL (an emulator in tests)")
    add.add_argument("--policy", required=True, help="policy YAML file, or a preset name")
    add.set_defaults(run=cmd_shops_add)
    lst = shops.add_parser("list", help="list shops")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=cmd_shops_list)
    setp = shops.add_parser("set-policy", help="assign a policy (a new version)")
    setp.add_argument("domain")
    setp.add_argument("path", help="policy YAML file, or a preset name")
    setp.set_defaults(run=cmd_shops_set_policy)
    ret = shops.add_parser("set-returns", help="return address, label parcel and EasyPost key for return labels")
    ret.add_argument("domain")
    ret.add_argument("--address", help='JSON or @file: {"name", "street1", "city", "zip", "country", ...}')
    ret.add_argument("--parcel", help='JSON or @file: {"length", "width", "height" (in), "weight" (oz)}')
    ret.add_argument("--easypost-api-key", help="the merchant's EasyPost key; an empty string removes it")
    ret.add_argument("--easypost-webhook-secret", help="the secret of the merchant's EasyPost webhook that reports "
                                                       "return parcels (docs/platforms.md); an empty string removes it")
    ret.add_argument("--assume-delivered-after-days", metavar="N",
                     help="with no carrier's delivery, assume an order delivered N days (1-60) after it shipped; "
                          "0 turns it off (the default)")
    ret.set_defaults(run=cmd_shops_set_returns)

    key = shops.add_parser("api-key", help="issue a new API key for the request API; printed once")
    key.add_argument("domain")
    key.set_defaults(run=cmd_shops_api_key)
    rec = shops.add_parser("reconcile", help="sweep the shop now: changed orders since the last sweep, and its webhooks")
    rec.add_argument("domain")
    rec.add_argument("--since", help="ISO 8601 time to sweep from instead of the last sweep's cursor")
    rec.set_defaults(run=cmd_shops_reconcile)
    link = shops.add_parser("login-link", help="print a sign-in link to the shop's settings page (10 minutes)")
    link.add_argument("domain")
    link.set_defaults(run=cmd_shops_login_link)
    orders = sub.add_parser("orders", help="inspect the order picture").add_subparsers(dest="action", required=True)
    show = orders.add_parser("show", help="print an order as the decision contract's order object")
    show.add_argument("--shop", required=True, help="the shop's domain or store URL")
    show.add_argument("order_id", help="the platform's order id")
    show.add_argument("--json", action="store_true", help="compact JSON on one line")
    show.set_defaults(run=cmd_orders_show)
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="run migrations (the release step)").set_defaults(run=cmd_db_upgrade)
