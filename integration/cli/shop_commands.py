"""The commands behind `returnkit shops ...`, `orders show` and `db upgrade` (integration/cli/shops.py parses them;
this module is imported only when one runs, so `returnkit decide` starts without the database layer)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from sqlalchemy import select

from integration.cli.errors import CommandError
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.policy.loader import resolve_policy_path
from integration.runtime import runtime
from integration.orders.picture import find_order
from integration.orders.as_case import order_json
from integration.shops.returns_setup import ReturnsSetupError, assumed_delivery_days, configure_returns, labels_ready
from integration.shops.core import ShopError, add_shop, find_shop, issue_api_key, set_policy, shop_json

_MIGRATED: set[str] = set()


def _rt():
    """This process's runtime, its database migrated first as `serve` does: every command works on a fresh one."""
    rt = runtime()
    if rt.settings.database_url not in _MIGRATED:
        upgrade(rt.settings.database_url)
        _MIGRATED.add(rt.settings.database_url)
    return rt


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
        with transaction(_rt().sessions) as session:
            shop = add_shop(session, platform=args.platform, domain=args.domain, webhook_secret=args.webhook_secret,
                            policy_text=text, api_base_url=args.api_base_url, api_token=args.api_token,
                            consumer_key=args.consumer_key, consumer_secret=args.consumer_secret,
                            mode="live" if args.live else "shadow")
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    print(shop.id)
    return 0


def cmd_shops_list(args: argparse.Namespace) -> int:
    """List installed shops (no secrets)."""
    with _rt().sessions() as session:
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
        with transaction(_rt().sessions) as session:
            shop = find_shop(session, args.domain)
            version = set_policy(session, shop, text)
    except ShopError as exc:
        raise CommandError(str(exc)) from None
    print(f"{shop.domain}: policy {version.policy_id!r} is now version {version.version}")
    return 0


def _find_order(session, shop: Shop, given: str) -> Order | None:
    """The shop's order by the platform's id, else by its number as the merchant writes it (#1001 or 1001)."""
    order = find_order(session, shop, given)
    if order is None and (number := given.strip().lstrip("#")):
        order = session.scalars(select(Order).where(Order.shop_id == shop.id, Order.number == number)
                                .order_by(Order.id)).first()
    return order


def cmd_orders_show(args: argparse.Namespace) -> int:
    """Print a stored order as the decision contract's `order` object."""
    with _rt().sessions() as session:
        try:
            shop = find_shop(session, args.shop)
        except ShopError as exc:
            raise CommandError(str(exc)) from None
        order = _find_order(session, shop, args.order_id)
        if order is None:
            raise CommandError(f"order: {shop.domain} has no order {args.order_id!r} (give the order's number, "
                               "e.g. #1001, or the platform's order id)")
        print(json.dumps(order_json(session, shop, order), indent=None if args.json else 2))
    return 0


def cmd_shops_api_key(args: argparse.Namespace) -> int:
    """Issue a new API key for the request API (the old one stops working); print it once."""
    try:
        with transaction(_rt().sessions) as session:
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
    with _rt().sessions() as session:
        try:
            shop_id = find_shop(session, args.domain).id
        except ShopError as exc:
            raise CommandError(str(exc)) from None
    report = sweep_shop(_rt(), shop_id, since, enqueue_action=action_queue(_rt()))
    print(json.dumps(report.as_json(), indent=2))
    return 1 if report.error else 0


def login_link(shop) -> str:
    """A sign-in link to the shop's settings page, valid for ten minutes."""
    from integration.db.base import session_signing_key
    from integration.web.auth import login_token
    return f"{_rt().settings.public_url}/app/login/{login_token(session_signing_key(), shop.id)}"


def cmd_shops_login_link(args: argparse.Namespace) -> int:
    """Print a sign-in link to the shop's settings page."""
    try:
        with _rt().sessions() as session:
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
        with transaction(_rt().sessions) as session:
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
    _rt()
    return 0
