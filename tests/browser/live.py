"""A live returnkit for browser tests: gunicorn and a Huey consumer on their own data directory, the
platform and EasyPost emulators beside them, and helpers to sign in and to seed shops as a platform would."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import select

from integration.db.base import session_signing_key
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.models import Shop, WebhookDelivery
from integration.db.order_models import Order, Product
from integration.policy.loader import resolve_policy_path
from integration.runtime import Runtime, build_runtime
from integration.shops.core import add_shop, issue_api_key
from integration.shops.mode import set_mode
from integration.shops.returns_setup import configure_returns
from integration.settings import load_settings
from integration.web.auth import login_token
from tests.emulators.easypost import EasyPostEmulator
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.processes import free_port, wait_until
from tests.orders.test_picture import STORY as SHOPIFY_STORY
from tests.webhook_helpers import SECRET, SHOPIFY_DOMAIN, load_fixture, post_fixture

ROOT = Path(__file__).resolve().parents[2]
SHOPIFY_TOKEN, WOO_KEY, WOO_SECRET, EASYPOST_KEY = "shpat_browser", "ck_browser", "cs_browser", "EZTK_browser"
# our Shopify app's client credentials, as the emulator's OAuth endpoints know them (ShopifyOAuth's defaults)
SHOPIFY_APP_KEY, SHOPIFY_APP_SECRET = "rk-test-client-id", "shpss_" + "5e" * 16
START_SECONDS = 60


@dataclass
class Emulators:
    """Shopify, WooCommerce and EasyPost, each served on its own localhost port.

    `shopify_app` is the Shopify that /auth installs go through (RETURNKIT_SHOPIFY_ADMIN_URL): an install
    issues a new access token, so it has its own, and leaves the seeded shops' `shopify` alone."""
    shopify: ShopifyEmulator = field(default_factory=lambda: ShopifyEmulator(token=SHOPIFY_TOKEN))
    shopify_app: ShopifyEmulator = field(default_factory=lambda: ShopifyEmulator(token="shpat_not_installed_yet"))
    woocommerce: WooCommerceEmulator = field(default_factory=lambda: WooCommerceEmulator(WOO_KEY, WOO_SECRET))
    easypost: EasyPostEmulator = field(default_factory=lambda: EasyPostEmulator(api_key=EASYPOST_KEY))
    served: dict[str, Served] = field(default_factory=dict)

    def start(self) -> Emulators:
        """Serve them all."""
        for name in ("shopify", "shopify_app", "woocommerce", "easypost"):
            self.served[name] = Served(getattr(self, name).app)
        return self

    def url(self, name: str) -> str:
        """The base URL of one emulator."""
        return self.served[name].url

    def stop(self) -> None:
        """Stop them all."""
        for served in self.served.values():
            served.stop()


class _Http:
    """The one method tests/webhook_helpers.post needs from a client, over real HTTP."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def post(self, path: str, data: bytes, headers: dict, content_type: str):
        """POST as the platform would."""
        return requests.post(self.base_url + path, data=data, headers={**headers, "Content-Type": content_type},
                             timeout=10)


@dataclass
class LiveService:
    """The running service: `url`, `rt` (this process's view of its database), the emulators."""
    url: str
    rt: Runtime
    emulators: Emulators
    log_path: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def login_path(self, shop_id: int) -> str:
        """A sign-in link for this shop, as `returnkit shops login-link` prints it (path only)."""
        return f"/app/login/{login_token(session_signing_key(), shop_id)}"

    def add_shopify_shop(self, domain: str = SHOPIFY_DOMAIN, policy: str = "kaolate") -> int:
        """Install a Shopify shop that talks to the Shopify emulator; its id."""
        with transaction(self.rt.sessions) as session:
            shop = add_shop(session, platform="shopify", domain=domain, webhook_secret=SECRET,
                            policy_text=resolve_policy_path(policy).read_text(), api_token=SHOPIFY_TOKEN,
                            api_base_url=self.emulators.url("shopify"))
            return shop.id

    def post_webhooks(self, platform: str, fixtures: list[str], **headers) -> None:
        """Sign and POST fixtures to the live receiver, as the platform would (each must be accepted)."""
        for name in fixtures:
            response = post_fixture(_Http(self.url), platform, name, **headers)
            assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"

    def wait_for_order(self, shop_id: int, order_id: str, timeout: float = 30) -> None:
        """Wait until the worker has built this order from the deliveries."""
        def found():
            with self.rt.sessions() as session:
                return session.scalar(select(Order.id).where(Order.shop_id == shop_id, Order.order_id == order_id))
        self.wait_until(found, timeout, f"order {order_id} of shop {shop_id} (see {self.log_path})")

    def wait_for_inbox(self, shop_id: int, timeout: float = 30) -> None:
        """Wait until the worker has processed every delivery the shop received (the order is complete)."""
        def drained():
            with self.rt.sessions() as session:
                return not session.scalar(select(WebhookDelivery.id).where(
                    WebhookDelivery.shop_id == shop_id, WebhookDelivery.status == "received").limit(1))
        self.wait_until(drained, timeout, f"the deliveries of shop {shop_id} (see {self.log_path})")

    def deliver_in_turn(self, platform: str, shop_id: int, fixtures: list[str], **headers) -> None:
        """Post fixtures one at a time, each once the last is processed, as a platform spreads them out over
        time: two worker threads given a fulfilment beside its order retry it only 30 s later."""
        for name in fixtures:
            self.post_webhooks(platform, [name], **headers)
            self.wait_for_inbox(shop_id)

    def seed_shopify_shop(self, domain: str = SHOPIFY_DOMAIN, policy: str = "kaolate") -> int:
        """A Shopify shop with the sample story delivered (products, order 5550001, fulfilments, a refund)."""
        shop_id = self.add_shopify_shop(domain, policy)
        self.emulators.shopify.state.add_order("5550001", [("9001", 2, "22.50", "0.655"), ("9002", 1, "60.00", "1.74")],
                                               shipping="6.50")
        self.deliver_in_turn("shopify", shop_id, SHOPIFY_STORY, X_Shopify_Shop_Domain=domain)
        self.wait_for_order(shop_id, "5550001")
        return shop_id

    def seed_woocommerce_shop(self, domain: str, policy_text: str, story: list[str], order_id: str) -> int:
        """A WooCommerce shop on the emulator (which holds the delivered order) with the story delivered; its id."""
        woo = self.emulators.woocommerce
        woo.orders.setdefault(order_id, load_fixture("woocommerce", "order_updated__delivered"))
        with transaction(self.rt.sessions) as session:
            shop_id = add_shop(session, platform="woocommerce", domain=domain, webhook_secret=SECRET,
                               policy_text=policy_text, api_base_url=self.emulators.url("woocommerce"),
                               consumer_key=WOO_KEY, consumer_secret=WOO_SECRET).id
        self.deliver_in_turn("woocommerce", shop_id, story, X_WC_Webhook_Source=domain + "/")
        self.wait_for_order(shop_id, order_id)
        return shop_id

    def set_up_labels(self, shop_id: int, address: dict) -> None:
        """The shop buys return labels on the EasyPost emulator and takes its tracker Events (the webhook secret)."""
        with transaction(self.rt.sessions) as session:
            configure_returns(session.get(Shop, shop_id), address=address, easypost_api_key=EASYPOST_KEY,
                              easypost_webhook_secret=self.emulators.easypost.webhook_secret)

    def set_mode(self, shop_id: int, mode: str) -> None:
        """Put the shop in shadow or live mode (integration/shops/mode.py)."""
        with transaction(self.rt.sessions) as session:
            set_mode(session.get(Shop, shop_id), mode)

    def add_variants(self, shop_id: int, order_id: str, line_id: str, variants: list[list],
                     titles: dict[str, str] | None = None) -> None:
        """Give the product of an order's line more variants ([id, sku, requires_shipping], as the catalogue stores
        them from product webhooks), after the line's own, with their titles ({variant id: "Size: L"}) if given."""
        with transaction(self.rt.sessions) as session:
            order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.order_id == order_id))
            line = next(line for line in order.lines if line.line_id == line_id)
            product = session.scalar(select(Product).where(Product.shop_id == shop_id,
                                                           Product.product_id == line.product_id))
            product.variants = [*[v for v in product.variants if str(v[0]) == str(line.variant_id)], *variants]
            if titles:
                product.looks = {**(product.looks or {}), **{v: [title, None] for v, title in titles.items()}}

    def ask(self, shop_id: int, order_id: str, request: dict) -> dict:
        """POST a request to the live API with a fresh key of the shop, as a storefront would; the answer
        ({request_id, decision})."""
        with transaction(self.rt.sessions) as session:
            shop = session.get(Shop, shop_id)
            key, domain = issue_api_key(shop), shop.domain
        response = requests.post(f"{self.url}/api/v1/requests", json={"shop": domain, "order_id": order_id,
                                                                      "request": request},
                                 headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert response.status_code == 201, f"{response.status_code} {response.text}"
        return response.json()

    def send_tracking(self, slug: str, event: dict) -> None:
        """POST an EasyPost tracker Event, signed as EasyPost signs, to the shop's tracking address."""
        response = self.emulators.easypost.deliver(lambda url, **kw: requests.post(url, timeout=10, **kw),
                                                   f"{self.url}/webhooks/easypost/{slug}", event)
        assert response.status_code == 200 and response.json()["status"] == "accepted", response.text

    def shop(self, shop_id: int) -> Shop:
        """The shop's row as it is now."""
        with self.rt.sessions() as session:
            return session.get(Shop, shop_id)

    @staticmethod
    def wait_until(check, timeout: float, what: str):
        """Poll `check` until it answers something truthy; fail naming `what`."""
        return wait_until(check, timeout, what, every=0.2)

    def stop(self) -> str:
        """Stop web and worker; their combined output."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.rt.engine.dispose()
        return self.log_path.read_text()


def _environment(data_dir: Path, port: int, emulators: Emulators, secret_key: str) -> dict:
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(data_dir), "RETURNKIT_SECRET_KEY": secret_key,
           "PORT": str(port), "RETURNKIT_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "RETURNKIT_EASYPOST_API_BASE": f"{emulators.url('easypost')}/v2", "RETURNKIT_HTTP_TIMEOUT": "5",
           "RETURNKIT_SHOPIFY_API_KEY": SHOPIFY_APP_KEY, "RETURNKIT_SHOPIFY_API_SECRET": SHOPIFY_APP_SECRET,
           "RETURNKIT_SHOPIFY_ADMIN_URL": emulators.url("shopify_app"),
           "RETURNKIT_ALLOW_PRIVATE_STORE_URLS": "1"}   # the merchants' webhook receivers listen on localhost
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)   # the embedded defaults: SQLite and SqliteHuey in data_dir
    return env


def _wait_healthy(url: str, processes: list[subprocess.Popen], log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    for process in processes:
        process.kill()
        process.wait()
    raise AssertionError(f"the live service did not start:\n{log_path.read_text()[-4000:]}")


def start_live(data_dir: Path, emulators: Emulators, secret_key: str) -> LiveService:
    """Migrate a fresh database, then run gunicorn (one worker, threads) and the Huey consumer on it."""
    port = free_port()
    env = _environment(data_dir, port, emulators, secret_key)
    settings = load_settings(env)
    upgrade(settings.database_url)
    rt = build_runtime(settings)
    log_path = data_dir / "service.log"
    log = log_path.open("w")
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                            "--threads", "4", "--access-logfile", "-", "integration.app:create_app()"],
                           env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, "-m", "integration.cli", "worker", "--workers", "2"],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    live = LiveService(f"http://127.0.0.1:{port}", rt, emulators, log_path, [web, worker])
    _wait_healthy(live.url, live.processes, log_path)
    return live
