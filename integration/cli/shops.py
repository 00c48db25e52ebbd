"""`returnkit shops ...`, `orders show` and `db upgrade`: the operator's side of installing shops (the parser; the
commands are in integration/cli/shop_commands.py, imported when one runs)."""
from __future__ import annotations

import argparse
from collections.abc import Callable

from integration.cli.errors import CommandError

__all__ = ["CommandError", "register"]


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    """The command `name` of shop_commands, imported only when it runs."""
    def run(args: argparse.Namespace) -> int:
        from integration.cli import shop_commands
        return getattr(shop_commands, name)(args)
    return run


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
    add.add_argument("--live", action="store_true",
                     help="act at once; without it the shop starts in shadow mode (decides, sends nothing)")
    add.set_defaults(run=_lazy("cmd_shops_add"))
    lst = shops.add_parser("list", help="list shops")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=_lazy("cmd_shops_list"))
    setp = shops.add_parser("set-policy", help="assign a policy (a new version)")
    setp.add_argument("domain")
    setp.add_argument("path", help="policy YAML file, or a preset name")
    setp.set_defaults(run=_lazy("cmd_shops_set_policy"))
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
    ret.set_defaults(run=_lazy("cmd_shops_set_returns"))

    key = shops.add_parser("api-key", help="issue a new API key for the request API; printed once")
    key.add_argument("domain")
    key.set_defaults(run=_lazy("cmd_shops_api_key"))
    rec = shops.add_parser("reconcile", help="sweep the shop now: changed orders since the last sweep, and its webhooks")
    rec.add_argument("domain")
    rec.add_argument("--since", help="ISO 8601 time to sweep from instead of the last sweep's cursor")
    rec.set_defaults(run=_lazy("cmd_shops_reconcile"))
    link = shops.add_parser("login-link", help="print a sign-in link to the shop's settings page (10 minutes)")
    link.add_argument("domain")
    link.set_defaults(run=_lazy("cmd_shops_login_link"))
    orders = sub.add_parser("orders", help="inspect the order picture").add_subparsers(dest="action", required=True)
    show = orders.add_parser("show", help="print an order as the decision contract's order object")
    show.add_argument("--shop", required=True, help="the shop's domain or store URL")
    show.add_argument("order_id", help="the order's number (#1001 or 1001) or the platform's order id")
    show.add_argument("--json", action="store_true", help="compact JSON on one line")
    show.set_defaults(run=_lazy("cmd_orders_show"))
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="run migrations (the release step)").set_defaults(run=_lazy("cmd_db_upgrade"))
